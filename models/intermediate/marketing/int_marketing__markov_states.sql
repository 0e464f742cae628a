{#- One touch channel with its state in the Markov chain: the marketing_markov_max_channels channels
    with the most touches are states of their own, the others share the state '(other)' (the chain
    is solved by matrix squaring, whose cost grows with the fourth power of the states). -#}

with

touches as (
    select * from {{ ref('int_marketing__touches') }}
),

channel_touches as (
    select
        touches.channel,
        count(*) as touches
    from touches
    group by touches.channel
),

ranked as (
    select
        channel_touches.channel,
        channel_touches.touches,
        row_number() over (order by channel_touches.touches desc, channel_touches.channel asc) as touch_rank
    from channel_touches
),

final as (
    select
        ranked.channel,
        ranked.touches,
        ranked.touch_rank,
        case
            when ranked.touch_rank <= {{ var('marketing_markov_max_channels', 50) }} then ranked.channel
            else '(other)'
        end as chain_state
    from ranked
)

select * from final
