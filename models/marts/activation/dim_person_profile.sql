{#- One row per person (dim_persons): behavior relative to the data's as-of time, interests, RFM,
    lifecycle, CRM attributes, consent and churn score (ml_churn_scores when it exists, else the
    rule-based score). docs/activation.md. -#}
{%- set churn_relation = activation_churn_scores_relation() %}

with

persons as (
    select * from {{ ref('dim_persons') }}
),

behavior as (
    select * from {{ ref('int_activation__person_behavior') }}
),

category_interest as (
    select * from {{ ref('int_activation__person_category_interest') }}
),

consent as (
    select * from {{ ref('int_activation__person_consent') }}
),

as_of as (
    select max(as_of_time) as as_of_time from {{ ref('int_activation__events') }}
),

{%- if churn_relation is not none %}

ml_churn_scores as (
    select
        person_id,
        max(churn_score) as churn_score
    from {{ churn_relation }}
    group by person_id
),
{%- endif %}

person_interests as (
    select
        person_id,
        max(case when interest_rank = 1 then category end) as top_category,
        {{ activation_ordered_list(
            'case when interest_rank <= 3 then category end', 'interest_rank', ';') }} as top_categories,
        case
            when max(share_last_30d) is not null and max(share_prior_30d) is not null
                then 0.5 * sum(abs(coalesce(share_last_30d, 0) - coalesce(share_prior_30d, 0)))
        end as interest_drift
    from category_interest
    group by person_id
),

joined as (
    select
        persons.person_id,
        persons.is_identified,
        persons.member_level,
        persons.crm_tags,
        as_of.as_of_time,
        behavior.first_seen_at,
        behavior.last_seen_at,
        coalesce(behavior.events, 0) as events,
        coalesce(behavior.sessions, 0) as sessions,
        coalesce(behavior.active_days, 0) as active_days,
        coalesce(behavior.active_days_last_7d, 0) as active_days_last_7d,
        coalesce(behavior.events_last_7d, 0) as events_last_7d,
        coalesce(behavior.events_last_30d, 0) as events_last_30d,
        coalesce(behavior.events_last_90d, 0) as events_last_90d,
        coalesce(behavior.item_views, 0) as item_views,
        coalesce(behavior.item_views_last_7d, 0) as item_views_last_7d,
        coalesce(behavior.add_to_carts, 0) as add_to_carts,
        coalesce(behavior.checkouts, 0) as checkouts,
        behavior.avg_viewed_price,
        case
            when behavior.item_views > 0 then 1.0 * behavior.low_price_views / behavior.item_views
        end as low_price_view_share,
        behavior.first_view_item_at,
        behavior.last_begin_checkout_at,
        behavior.checkout_without_purchase_at,
        behavior.first_purchase_at,
        behavior.last_purchase_at,
        coalesce(behavior.orders, 0) as orders,
        coalesce(behavior.coupon_orders, 0) as coupon_orders,
        coalesce(behavior.revenue, 0) as revenue,
        coalesce(behavior.discount_total, 0) as discount_total,
        person_interests.top_category,
        person_interests.top_categories,
        person_interests.interest_drift,
        coalesce(consent.marketing_consent, 'none') as marketing_consent,
        coalesce(consent.analytics_consent, 'none') as analytics_consent,
        {%- if churn_relation is not none %}
        ml_churn_scores.churn_score as ml_churn_score
        {%- else %}
            cast(null as double) as ml_churn_score
        {%- endif %}
    from persons
    cross join as_of
    left join behavior on persons.person_id = behavior.person_id
    left join person_interests on persons.person_id = person_interests.person_id
    left join consent on persons.person_id = consent.person_id
    {%- if churn_relation is not none %}
    left join ml_churn_scores on persons.person_id = ml_churn_scores.person_id
    {%- endif %}
),

derived as (
    select
        joined.*,
        {{ activation_days_between('joined.last_seen_at', 'joined.as_of_time') }} as recency_days,
        {{ activation_days_between('joined.first_view_item_at', 'joined.first_purchase_at') }} * 24
            as decision_cycle_hours,
        case when joined.orders > 0 then joined.revenue / joined.orders end as aov,
        case
            when joined.orders > 0 then 1.0 * joined.coupon_orders / joined.orders
        end as coupon_order_share,
        case
            when joined.revenue + joined.discount_total > 0
                then joined.discount_total / (joined.revenue + joined.discount_total)
            else 0
        end as discount_share,
        joined.marketing_consent = 'granted'
        or (
            joined.marketing_consent = 'none'
            and {{ 'true' if var('activation_marketing_default_allowed') else 'false' }}
        ) as marketing_allowed,
        joined.analytics_consent not in ('withdrawn', 'erased') as analytics_allowed
    from joined
),

scored as (
    select
        derived.*,
        case
            when derived.decision_cycle_hours is null then null
            when derived.decision_cycle_hours <= {{ var('activation_fast_buyer_hours') }}
                then 'fast'
            else 'slow'
        end as buyer_speed,
        case
            when derived.orders > 0
                then ntile(5) over (
                        partition by derived.orders > 0
                        order by derived.last_purchase_at, derived.person_id
                    )
        end as rfm_recency,
        case
            when derived.orders > 0
                then ntile(5) over (
                        partition by derived.orders > 0 order by derived.orders, derived.person_id
                    )
        end as rfm_frequency,
        case
            when derived.orders > 0
                then ntile(5) over (
                        partition by derived.orders > 0 order by derived.revenue, derived.person_id
                    )
        end as rfm_monetary,
        least(1.0, coalesce(derived.recency_days, 0) / {{ var('activation_churned_days') }})
            as rule_churn_score
    from derived
),

final as (
    select
        scored.*,
        coalesce(scored.ml_churn_score, scored.rule_churn_score) as churn_score,
        case when scored.ml_churn_score is not null then 'ml' else 'rule' end as churn_score_source,
        {{ var('activation_churn_score_threshold') }} as churn_score_threshold,
        case
            when scored.first_seen_at is null then 'unseen'
            when scored.recency_days >= {{ var('activation_churned_days') }} then 'churned'
            when {{ activation_days_between('scored.first_seen_at', 'scored.as_of_time') }}
                < {{ var('activation_new_person_days') }} then 'new'
            when scored.recency_days >= 7 then 'at_risk'
            when scored.orders >= 2 then 'loyal'
            else 'active'
        end as lifecycle_stage
    from scored
)

select * from final
