{#- One row per person with events: activity windows, funnel milestones, orders and price
    behavior, all relative to the data's as-of time. -#}

with

events as (
    select * from {{ ref('int_activation__events') }}
),

price_bands as (
    select
        {{ activation_quantile('price', var('activation_low_price_quantile')) }} as low_price,
        {{ activation_quantile('price', var('activation_high_price_quantile')) }} as high_price
    from events
    where event_name = 'view_item' and price is not null
),

flagged_events as (
    select
        events.*,
        {{ activation_day('events.event_time') }} as event_day,
        case when events.event_name = 'view_item' then 1 else 0 end as is_view,
        case when events.event_name = 'purchase' then 1 else 0 end as is_purchase,
        case
            when events.event_name = 'view_item' and events.price <= price_bands.low_price then 1
            else 0
        end as is_low_price_view
    from events
    cross join price_bands
),

person_activity as (
    select
        person_id,
        max(as_of_time) as as_of_time,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as events,
        count(distinct session_id) as sessions,
        count(distinct event_day) as active_days,
        count(distinct case when age_days < 7 then event_day end) as active_days_last_7d,
        sum(case when age_days < 7 then 1 else 0 end) as events_last_7d,
        sum(case when age_days < 30 then 1 else 0 end) as events_last_30d,
        sum(case when age_days < 90 then 1 else 0 end) as events_last_90d,
        sum(is_view) as item_views,
        sum(case when age_days < 7 then is_view else 0 end) as item_views_last_7d,
        sum(is_low_price_view) as low_price_views,
        avg(case when is_view = 1 then price end) as avg_viewed_price,
        sum(case when event_name = 'add_to_cart' then 1 else 0 end) as add_to_carts,
        sum(case when event_name = 'begin_checkout' then 1 else 0 end) as checkouts,
        min(case when is_view = 1 then event_time end) as first_view_item_at,
        max(case when event_name = 'begin_checkout' then event_time end) as last_begin_checkout_at,
        min(case when is_purchase = 1 then event_time end) as first_purchase_at,
        max(case when is_purchase = 1 then event_time end) as last_purchase_at,
        count(distinct case when is_purchase = 1 then coalesce(order_id, event_id) end) as orders,
        count(distinct case
            when is_purchase = 1 and coupon is not null then coalesce(order_id, event_id)
        end) as coupon_orders,
        coalesce(sum(case when is_purchase = 1 then revenue end), 0) as revenue,
        coalesce(sum(case when is_purchase = 1 then discount end), 0) as discount_total
    from flagged_events
    group by person_id
),

final as (
    select
        person_activity.*,
        case
            when person_activity.last_begin_checkout_at is not null
                and (
                    person_activity.last_purchase_at is null
                    or person_activity.last_purchase_at < person_activity.last_begin_checkout_at
                )
                and person_activity.as_of_time >= {{ activation_add_days(
                    'person_activity.last_begin_checkout_at', var('activation_checkout_dropout_days')) }}
                then person_activity.last_begin_checkout_at
        end as checkout_without_purchase_at
    from person_activity
)

select * from final
