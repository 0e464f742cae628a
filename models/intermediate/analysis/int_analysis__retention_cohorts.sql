{#- One row per retention analysis (var `retention_analyses`) x person in a cohort: the person's
    FIRST start event, its calendar day / Monday-started week in reporting_timezone (the cohort)
    and its channel (the breakdown of agg_retention_by_channel). Read from the incremental
    client-day table (each row holds its group's first event) with the person from today's
    identity map, so merges are always current. -#}
{%- set analyses = analysis_retention_analyses() -%}

with

client_days as (
    select * from {{ ref('int_analysis__client_days') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
),

person_client_days as (
    select
        identity_map.person_id,
        client_days.event_name,
        client_days.first_event_time,
        client_days.first_event_id,
        client_days.first_channel
    from client_days
    inner join identity_map
        on client_days.person_lookup_type = identity_map.identifier_type
            and client_days.person_lookup_value = identity_map.identifier_value
    where identity_map.person_id is not null
        and {{ analytics_consent_filter('identity_map.person_id') }}
),

starts as (
    {%- for a in analyses %}
        select
            '{{ a["name"] }}' as analysis_name,
            '{{ a["period"] }}' as period,
            person_id,
            first_event_id as event_id,
            first_event_time as event_time,
            first_channel as channel
        from person_client_days
        where {{ analysis_event_filter(a['start_event']) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        -- no retention analysis configured: an empty relation
        select
            cast(null as {{ dbt.type_string() }}) as analysis_name,
            cast(null as {{ dbt.type_string() }}) as period,
            person_id,
            first_event_id as event_id,
            first_event_time as event_time,
            first_channel as channel
        from person_client_days
        where false
    {%- endfor %}
),

ranked as (
    select
        starts.*,
        row_number() over (partition by analysis_name, person_id order by event_time, event_id) as start_rank
    from starts
),

final as (
    select
        analysis_name,
        period,
        person_id,
        event_time as first_start_at,
        case
            when period = 'week' then {{ analysis_week_start(analysis_local_day('event_time')) }}
            else {{ analysis_local_day('event_time') }}
        end as cohort_start,
        coalesce(channel, 'unknown') as first_channel
    from ranked
    where start_rank = 1
)


select * from final
