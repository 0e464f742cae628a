{#- Read-only BI access (docs/privacy.md): Tracking-plan conformance per event and channel. -#}

with

source as (
    select * from {{ ref('agg_tracking_plan_conformance') }}
),

final as (
    select
        event_name,
        channel,
        in_plan,
        events,
        events_missing_required,
        events_mistyped,
        conformant_share,
        first_seen_at,
        last_seen_at
    from source
)

select * from final
