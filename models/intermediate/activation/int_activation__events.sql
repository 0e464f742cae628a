{#- Events of resolved persons with the data's as-of time (the latest event time of the whole
    warehouse, so every activation model judges "now" the same reproducible way) and their age. -#}
{{ config(materialized='view') }}

with

events as (
    select * from {{ ref('fct_events') }}
),

as_of as (
    select max(event_time) as as_of_time from events
),

person_events as (
    select
        events.event_id,
        events.person_id,
        events.session_id,
        events.event_name,
        events.event_time,
        events.product_id,
        events.category,
        events.price,
        events.order_id,
        events.revenue,
        events.coupon,
        events.discount,
        events.quantity,
        events.search_term,
        events.channel,
        events.device_type,
        events.page_path,
        events.utm_source,
        events.utm_campaign,
        as_of.as_of_time
    from events
    cross join as_of
    where events.person_id is not null
),

final as (
    select
        person_events.*,
        {{ activation_days_between('person_events.event_time', 'person_events.as_of_time') }} as age_days
    from person_events
)

select * from final
