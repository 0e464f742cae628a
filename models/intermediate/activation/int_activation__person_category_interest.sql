{#- One row per person and product category they interacted with: recency-weighted interest
    (weight 2^(-age_days / activation_interest_half_life_days); view 1, cart 3, purchase 5), and
    the category's share of the person's category events in the last 30 days and the 30 before. -#}

with

events as (
    select * from {{ ref('int_activation__events') }}
    where category is not null
),

weighted_events as (
    select
        person_id,
        category,
        event_time,
        age_days,
        case event_name
            when 'purchase' then 5.0
            when 'add_to_cart' then 3.0
            when 'begin_checkout' then 3.0
            else 1.0
        end * power(2.0, -age_days / {{ var('activation_interest_half_life_days') }}) as weight,
        case when event_name = 'view_item' then 1 else 0 end as is_view,
        case when age_days < 30 then 1 else 0 end as is_last_30d,
        case when age_days >= 30 and age_days < 60 then 1 else 0 end as is_prior_30d
    from events
),

person_categories as (
    select
        person_id,
        category,
        sum(weight) as interest_score,
        sum(is_view) as item_views,
        sum(is_last_30d) as events_last_30d,
        sum(is_prior_30d) as events_prior_30d,
        max(event_time) as last_event_at
    from weighted_events
    group by person_id, category
),

person_totals as (
    select
        person_categories.*,
        sum(interest_score) over (partition by person_id) as person_interest_total,
        sum(events_last_30d) over (partition by person_id) as person_events_last_30d,
        sum(events_prior_30d) over (partition by person_id) as person_events_prior_30d,
        row_number() over (
            partition by person_id order by interest_score desc, category asc
        ) as interest_rank
    from person_categories
),

final as (
    select
        person_id,
        category,
        interest_score,
        interest_score / person_interest_total as interest_share,
        interest_rank,
        item_views,
        last_event_at,
        case
            when person_events_last_30d > 0 then 1.0 * events_last_30d / person_events_last_30d
        end as share_last_30d,
        case
            when person_events_prior_30d > 0 then 1.0 * events_prior_30d / person_events_prior_30d
        end as share_prior_30d
    from person_totals
)

select * from final
