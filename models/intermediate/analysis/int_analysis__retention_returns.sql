{#- One row per retention analysis x cohort person x period (0 .. periods) in which the person did
    a return event. Period k = the k-th calendar day / Monday-started week after the cohort period
    (reporting_timezone). In period 0 only return events at or after the first start event count
    (the start event itself counts when it is also a return event, so any -> any has 100 % in
    period 0). -#}
{%- set analyses = analysis_retention_analyses() -%}

with

events as (
    select * from {{ ref('fct_events') }}
    where person_id is not null
        and {{ analytics_consent_filter('person_id') }}
),

cohorts as (
    select * from {{ ref('int_analysis__retention_cohorts') }}
),

returns as (
    {%- for a in analyses %}
        select
            '{{ a["name"] }}' as analysis_name,
            {{ a['periods'] }} as periods,
            person_id,
            event_time,
            {{ analysis_local_day('event_time') }} as event_day
        from events
        where {{ analysis_event_filter(a['return_event']) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        -- no retention analysis configured: an empty relation
        select
            cast(null as {{ dbt.type_string() }}) as analysis_name,
            0 as periods,
            person_id,
            event_time,
            {{ analysis_local_day('event_time') }} as event_day
        from events
        where false
    {%- endfor %}
),

numbered as (
    select
        returns.analysis_name,
        returns.person_id,
        returns.periods,
        returns.event_time,
        cohorts.first_start_at,
        case
            when cohorts.period = 'week'
                then cast(
                        {{ dbt.datediff('cohorts.cohort_start', analysis_week_start('returns.event_day'), 'day') }} / 7 as {{ dbt.type_int() }}
                    )
            else {{ dbt.datediff('cohorts.cohort_start', 'returns.event_day', 'day') }}
        end as period_number
    from returns
    inner join cohorts
        on returns.analysis_name = cohorts.analysis_name
            and returns.person_id = cohorts.person_id
),

final as (
    select distinct
        analysis_name,
        person_id,
        period_number
    from numbered
    where period_number between 0 and periods
        and (period_number > 0 or event_time >= first_start_at)
)


select * from final
