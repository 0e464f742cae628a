{#- One step of one journey path for the Markov chain. Converting paths: the touches of each
    conversion in its lookback window (conversions with no touch are left out of the chain).
    Non-converting paths: per journey, its touches after its last conversion (all its touches when
    it never converted) within marketing_lookback_days before the last of them. The channel of a
    step is its chain state (int_marketing__markov_states: rare channels become '(other)'). -#}

with

conversion_touches as (
    select * from {{ ref('int_marketing__conversion_touches') }}
),

conversions as (
    select * from {{ ref('int_marketing__conversions') }}
),

touches as (
    select * from {{ ref('int_marketing__touches') }}
),

states as (
    select * from {{ ref('int_marketing__markov_states') }}
),

converting_steps as (
    select
        'conversion:' || conversion_touches.conversion_id as path_id,
        conversion_touches.touch_index as step_index,
        conversion_touches.channel,
        true as is_converting
    from conversion_touches
    where conversion_touches.touch_id != '(none)'
),

last_conversions as (
    select
        conversions.journey_key,
        max(conversions.conversion_time) as last_conversion_time
    from conversions
    group by conversions.journey_key
),

open_touches as (
    select
        touches.journey_key,
        touches.touch_id,
        touches.touch_time,
        touches.channel,
        max(touches.touch_time) over (partition by touches.journey_key) as last_touch_time
    from touches
    left join last_conversions
        on touches.journey_key = last_conversions.journey_key
    where last_conversions.last_conversion_time is null
        or touches.touch_time > last_conversions.last_conversion_time
),

non_converting_steps as (
    select
        'journey:' || open_touches.journey_key as path_id,
        row_number() over (
            partition by open_touches.journey_key order by open_touches.touch_time, open_touches.touch_id
        ) as step_index,
        open_touches.channel,
        false as is_converting
    from open_touches
    where open_touches.touch_time >= {{ marketing_days_before('open_touches.last_touch_time', var('marketing_lookback_days', 30)) }}
),

all_steps as (
    select * from converting_steps
    union all
    select * from non_converting_steps
),

final as (
    select
        all_steps.path_id,
        all_steps.step_index,
        coalesce(states.chain_state, all_steps.channel) as channel,
        all_steps.is_converting
    from all_steps
    left join states
        on all_steps.channel = states.channel
)

select * from final
