{#- One row per retention analysis x cohort person x period (0 .. periods) in which the person did
    a return event. Period k = the k-th calendar day / Monday-started week after the cohort period
    (reporting_timezone). In period 0 only return events at or after the first start event count
    (the start event itself counts when it is also a return event, so any -> any has 100 % in
    period 0). Read from the incremental client-day table: a client-day counts in period 0 when
    its last event is at or after the first start event. -#}
{%- set analyses = analysis_retention_analyses() -%}

with

client_days as (
    select * from {{ ref('int_analysis__client_days') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
),

cohorts as (
    select * from {{ ref('int_analysis__retention_cohorts') }}
),

person_client_days as (
    select
        identity_map.person_id,
        client_days.event_name,
        client_days.activity_day,
        client_days.last_event_time
    from client_days
    inner join identity_map
        on client_days.person_lookup_type = identity_map.identifier_type
            and client_days.person_lookup_value = identity_map.identifier_value
    where identity_map.person_id is not null
        and {{ analytics_consent_filter('identity_map.person_id') }}
),

returns as (
    {%- for a in analyses %}
        select
            '{{ a["name"] }}' as analysis_name,
            {{ a['periods'] }} as periods,
            person_id,
            last_event_time,
            activity_day as event_day
        from person_client_days
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
            last_event_time,
            activity_day as event_day
        from person_client_days
        where false
    {%- endfor %}
),

numbered as (
    select
        returns.analysis_name,
        returns.person_id,
        returns.periods,
        returns.last_event_time,
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
        and (period_number > 0 or last_event_time >= first_start_at)
)


select * from final
