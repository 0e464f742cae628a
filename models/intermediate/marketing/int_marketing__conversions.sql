{#- One conversion: an event whose name is in marketing_conversion_events (purchase), with its
    revenue (0 when absent). -#}

with

events as (
    select * from {{ ref('fct_events') }}
    where {{ analytics_consent_filter('person_id') }}
),

final as (
    select
        events.event_id as conversion_id,
        events.event_name as conversion_event,
        coalesce(events.person_id, 'client:' || events.client_key) as journey_key,
        events.person_id,
        events.session_id,
        events.order_id,
        events.event_time as conversion_time,
        coalesce(cast(events.revenue as double), 0.0) as revenue
    from events
    where events.event_name in {{ marketing_string_list(var('marketing_conversion_events', ['purchase'])) }}
)

select * from final
