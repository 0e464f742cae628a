{#- One row per person x calendar day (reporting_timezone) with at least one event: the base of
    lifecycle, stickiness and active users. Read from the incremental client-day table with the
    person from today's identity map (as fct_events does), so merges are always current. -#}

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
        client_days.activity_day,
        client_days.events
    from client_days
    inner join identity_map
        on client_days.person_lookup_type = identity_map.identifier_type
            and client_days.person_lookup_value = identity_map.identifier_value
    where identity_map.person_id is not null
),

final as (
    select
        person_id,
        activity_day,
        sum(events) as events
    from person_client_days
    where {{ analytics_consent_filter('person_id') }}
    group by person_id, activity_day
)

select * from final
