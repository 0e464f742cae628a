{#- Read-only BI access (docs/privacy.md): Lifecycle status counts per period. -#}

with

source as (
    select * from {{ ref('agg_lifecycle') }}
),

final as (
    select
        period,
        period_start,
        status,
        persons
    from source
)

select * from final
