{#- One channel under one attribution model: conversions = sum of its credits, revenue = sum of its
    revenue credits; spend (seed marketing_spend, all its days), ROAS and ROI when spend is supplied;
    for the markov model also the channel's removal effect and its removal-effect share of all
    converting paths. -#}

with

credits as (
    select * from {{ ref('fct_attribution_credits') }}
),

removal_effects as (
    select * from {{ ref('int_marketing__markov_removal_effects') }}
),

spend_rows as (
    select * from {{ ref('marketing_spend') }}
),

spend as (
    select
        lower(trim(spend_rows.channel)) as channel,
        sum(cast(spend_rows.spend as double)) as spend
    from spend_rows
    group by lower(trim(spend_rows.channel))
),

attributed as (
    select
        credits.model,
        credits.channel,
        sum(credits.credit) as conversions,
        sum(credits.revenue_credit) as revenue,
        count(distinct case when credits.credit > 0 then credits.conversion_id end) as credited_conversions
    from credits
    group by credits.model, credits.channel
),

final as (
    select
        attributed.model,
        attributed.channel,
        attributed.conversions,
        attributed.revenue,
        attributed.credited_conversions,
        spend.spend,
        attributed.revenue / nullif(spend.spend, 0) as roas,
        (attributed.revenue - spend.spend) / nullif(spend.spend, 0) as roi,
        case when attributed.model = 'markov' then removal_effects.removal_effect end as removal_effect,
        case when attributed.model = 'markov' then removal_effects.removal_effect_conversions end
            as removal_effect_conversions
    from attributed
    left join spend
        on attributed.channel = spend.channel
    left join removal_effects
        on attributed.channel = removal_effects.channel
)

select * from final
