{#- Read-only BI access (docs/privacy.md): Funnel conversion per period. -#}

with

source as (
    select * from {{ ref('agg_funnel_trends') }}
),

final as (
    select
        funnel_name,
        period,
        period_start,
        persons_entered,
        persons_converted,
        conversion_rate
    from source
)

select * from final
