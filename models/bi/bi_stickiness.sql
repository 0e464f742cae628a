{#- Read-only BI access (docs/privacy.md): Active days per person per period. -#}

with

source as (
    select * from {{ ref('agg_stickiness') }}
),

final as (
    select
        period,
        period_start,
        active_days,
        persons,
        share_of_active_persons
    from source
)

select * from final
