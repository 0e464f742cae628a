{#- Read-only BI access (docs/privacy.md): One pseudonymous person: activity, orders, RFM and lifecycle (no identifiers). -#}

with

source as (
    select * from {{ ref('dim_person_profile') }}
),

final as (
    select
        person_id,
        is_identified,
        member_level,
        as_of_time,
        first_seen_at,
        last_seen_at,
        events,
        sessions,
        active_days,
        orders,
        revenue,
        top_category,
        lifecycle_stage,
        rfm_recency,
        rfm_frequency,
        rfm_monetary,
        churn_score
    from source
)

select * from final
