{#- One touch of one conversion under one attribution model (first_touch, last_touch, linear,
    time_decay, position_based, markov), with its share of the conversion (credit, summing to 1 per
    conversion and model) and of its revenue. Exact rules in docs/marketing.md. -#}

{%- set half_life_s = var('marketing_time_decay_half_life_days', 7) | float * 86400 -%}
{%- set first_share = var('marketing_position_first_share', 0.4) | float -%}
{%- set last_share = var('marketing_position_last_share', 0.4) | float -%}

with

conversion_touches as (
    select * from {{ ref('int_marketing__conversion_touches') }}
),

removal_effects as (
    select * from {{ ref('int_marketing__markov_removal_effects') }}
),

states as (
    select * from {{ ref('int_marketing__markov_states') }}
),

touch_states as (
    select
        conversion_touches.*,
        coalesce(states.chain_state, conversion_touches.channel) as chain_state
    from conversion_touches
    left join states
        on conversion_touches.channel = states.channel
),

touch_weights as (
    select
        touch_states.*,
        max(case when touch_states.is_direct then null else touch_states.touch_index end) over (
            partition by touch_states.conversion_id
        ) as last_non_direct_index,
        power(2.0, -coalesce(touch_states.seconds_before_conversion, 0) / {{ half_life_s }}) as decay_weight,
        coalesce(removal_effects.removal_effect_share, 0.0) as markov_share,
        count(*) over (
            partition by touch_states.conversion_id, touch_states.chain_state
        ) as channel_touches_on_path
    from touch_states
    left join removal_effects
        on touch_states.chain_state = removal_effects.channel
),

path_markov as (
    select
        touch_weights.*,
        sum(touch_weights.markov_share / touch_weights.channel_touches_on_path) over (
            partition by touch_weights.conversion_id
        ) as path_markov_share,
        sum(touch_weights.decay_weight) over (partition by touch_weights.conversion_id) as path_decay_weight
    from touch_weights
),

credits as (
    select
        path_markov.*,
        case when path_markov.touch_index = 1 then 1.0 else 0.0 end as first_touch,
        case
            when path_markov.non_direct_touches > 0
                then case when path_markov.touch_index = path_markov.last_non_direct_index then 1.0 else 0.0 end
            when path_markov.touch_index = path_markov.touch_count then 1.0
            else 0.0
        end as last_touch,
        1.0 / path_markov.touch_count as linear,
        path_markov.decay_weight / path_markov.path_decay_weight as time_decay,
        case
            when path_markov.touch_count = 1 then 1.0
            when path_markov.touch_count = 2 then 0.5
            when path_markov.touch_index = 1 then {{ first_share }}
            when path_markov.touch_index = path_markov.touch_count then {{ last_share }}
            else (1.0 - {{ first_share }} - {{ last_share }}) / (path_markov.touch_count - 2)
        end as position_based,
        case
            when path_markov.path_markov_share > 0
                then path_markov.markov_share / path_markov.channel_touches_on_path / path_markov.path_markov_share
            else 1.0 / path_markov.touch_count
        end as markov
    from path_markov
),

unpivoted as (
    {%- for model_name in ['first_touch', 'last_touch', 'linear', 'time_decay', 'position_based', 'markov'] %}
        select
            credits.conversion_id,
            credits.touch_id,
            credits.person_id,
            '{{ model_name }}' as model,
            credits.channel,
            credits.campaign,
            credits.touch_type,
            credits.touch_time,
            credits.touch_index,
            credits.touch_count,
            credits.conversion_time,
            credits.revenue as conversion_revenue,
            credits.{{ model_name }} as credit
        from credits
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        unpivoted.conversion_id,
        unpivoted.touch_id,
        unpivoted.person_id,
        unpivoted.model,
        unpivoted.channel,
        unpivoted.campaign,
        unpivoted.touch_type,
        unpivoted.touch_time,
        unpivoted.touch_index,
        unpivoted.touch_count,
        unpivoted.conversion_time,
        unpivoted.conversion_revenue,
        round(unpivoted.credit, 12) as credit,
        round(unpivoted.credit, 12) * unpivoted.conversion_revenue as revenue_credit
    from unpivoted
)

select * from final
