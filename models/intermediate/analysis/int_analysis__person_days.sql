{#- One row per person x calendar day (reporting_timezone) with at least one event: the base of
    lifecycle, stickiness and active users. -#}

with

events as (
    select * from {{ ref('fct_events') }}
    where person_id is not null
        and {{ analytics_consent_filter('person_id') }}
),

final as (
    select
        person_id,
        {{ analysis_local_day('event_time') }} as activity_day,
        count(*) as events
    from events
    group by person_id, {{ analysis_local_day('event_time') }}
)

select * from final
