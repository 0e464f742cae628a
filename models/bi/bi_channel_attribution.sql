{#- Read-only BI access (docs/privacy.md): Conversions and revenue per attribution model and channel. -#}

with

source as (
    select * from {{ ref('agg_channel_attribution') }}
),

final as (
    select
        model,
        channel,
        conversions,
        revenue,
        credited_conversions,
        spend,
        roas,
        roi,
        removal_effect,
        removal_effect_conversions
    from source
)

select * from final
