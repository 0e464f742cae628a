{#- One channel of the first-order Markov chain over all paths (converting and not): its removal
    effect = 1 - P(conversion | channel removed) / P(conversion), its share of the sum of removal
    effects, and that share of the converting paths. Absorption probabilities come from squaring
    the transition matrix marketing_markov_squarings times (paths of up to 2^n steps), for the full
    chain and for each channel removed (its incoming transitions go to '(null)'). -#}

{%- set rounds = var('marketing_markov_squarings', 24) | int -%}

with

paths as (
    select * from {{ ref('int_marketing__markov_paths') }}
),

path_ends as (
    select
        paths.path_id,
        max(paths.step_index) as last_step,
        max(case when paths.is_converting then 1 else 0 end) as converted
    from paths
    group by paths.path_id
),

steps as (
    select
        paths.path_id,
        paths.step_index,
        paths.channel as to_state,
        coalesce(previous_steps.channel, '(start)') as from_state
    from paths
    left join paths as previous_steps
        on paths.path_id = previous_steps.path_id
            and paths.step_index = previous_steps.step_index + 1
    union all
    select
        paths.path_id,
        paths.step_index + 1 as step_index,
        case when path_ends.converted = 1 then '(conversion)' else '(null)' end as to_state,
        paths.channel as from_state
    from paths
    inner join path_ends
        on paths.path_id = path_ends.path_id
            and paths.step_index = path_ends.last_step
),

transition_counts as (
    select
        steps.from_state,
        steps.to_state,
        count(*) as transitions
    from steps
    group by steps.from_state, steps.to_state
),

transitions as (
    select
        transition_counts.from_state,
        transition_counts.to_state,
        cast(transition_counts.transitions as double)
        / sum(transition_counts.transitions) over (partition by transition_counts.from_state) as probability
    from transition_counts
),

channels as (
    select distinct paths.channel
    from paths
),

scenarios as (
    select '(base)' as removed_channel
    union all
    select channels.channel as removed_channel
    from channels
),

absorbing_states as (
    select '(conversion)' as state
    union all
    select '(null)' as state
),

scenario_transitions as (
    select
        scenarios.removed_channel,
        transitions.from_state,
        case when transitions.to_state = scenarios.removed_channel then '(null)' else transitions.to_state end
            as to_state,
        transitions.probability
    from scenarios
    cross join transitions
    where transitions.from_state != scenarios.removed_channel
),

matrix_0 as (
    select
        scenario_transitions.removed_channel,
        scenario_transitions.from_state,
        scenario_transitions.to_state,
        sum(scenario_transitions.probability) as probability
    from scenario_transitions
    group by scenario_transitions.removed_channel, scenario_transitions.from_state, scenario_transitions.to_state
    union all
    select
        scenarios.removed_channel,
        absorbing.state as from_state,
        absorbing.state as to_state,
        1.0 as probability
    from scenarios
    cross join absorbing_states as absorbing
),
{%- for i in range(1, rounds + 1) %}

    matrix_{{ i }} as (
        select
            left_step.removed_channel,
            left_step.from_state,
            right_step.to_state,
            sum(left_step.probability * right_step.probability) as probability
        from matrix_{{ i - 1 }} as left_step
        inner join matrix_{{ i - 1 }} as right_step
            on left_step.removed_channel = right_step.removed_channel
                and left_step.to_state = right_step.from_state
        group by left_step.removed_channel, left_step.from_state, right_step.to_state
    ),
{%- endfor %}

conversion_probabilities as (
    select
        scenarios.removed_channel,
        coalesce(max(matrix_{{ rounds }}.probability), 0.0) as conversion_probability
    from scenarios
    left join matrix_{{ rounds }}
        on scenarios.removed_channel = matrix_{{ rounds }}.removed_channel
            and matrix_{{ rounds }}.from_state = '(start)'
            and matrix_{{ rounds }}.to_state = '(conversion)'
    group by scenarios.removed_channel
),

base as (
    select conversion_probabilities.conversion_probability
    from conversion_probabilities
    where conversion_probabilities.removed_channel = '(base)'
),

converting_paths as (
    select sum(path_ends.converted) as conversions
    from path_ends
),

removal_effects as (
    select
        conversion_probabilities.removed_channel as channel,
        base.conversion_probability as base_conversion_probability,
        conversion_probabilities.conversion_probability as removed_conversion_probability,
        case
            when base.conversion_probability > 0
                then greatest(1.0 - conversion_probabilities.conversion_probability / base.conversion_probability, 0.0)
            else 0.0
        end as removal_effect
    from conversion_probabilities
    cross join base
    where conversion_probabilities.removed_channel != '(base)'
),

final as (
    select
        removal_effects.channel,
        round(removal_effects.base_conversion_probability, 12) as base_conversion_probability,
        round(removal_effects.removed_conversion_probability, 12) as removed_conversion_probability,
        round(removal_effects.removal_effect, 12) as removal_effect,
        round(
            coalesce(removal_effects.removal_effect / nullif(sum(removal_effects.removal_effect) over (), 0), 0.0), 12
        ) as removal_effect_share,
        round(
            coalesce(removal_effects.removal_effect / nullif(sum(removal_effects.removal_effect) over (), 0), 0.0)
            * converting_paths.conversions,
            9
        ) as removal_effect_conversions
    from removal_effects
    cross join converting_paths
)

select * from final
