{#- What comes right before and right after each path item (uncapped, collapsed session paths):
    direction 'next' or 'previous'; '(session start)' / '(session end)' at the ends. occurrences
    counts item occurrences, share = occurrences / all occurrences of the item. -#}

with

path_items as (
    select * from {{ ref('int_analysis__path_items') }}
),

neighbors as (
    select
        session_id,
        item,
        coalesce(lead(item) over (partition by session_id order by step_index), '(session end)') as next_item,
        coalesce(lag(item) over (partition by session_id order by step_index), '(session start)') as previous_item
    from path_items
),

both_directions as (
    select
        session_id,
        item,
        'next' as direction,
        next_item as neighbor_item
    from neighbors
    union all
    select
        session_id,
        item,
        'previous' as direction,
        previous_item as neighbor_item
    from neighbors
),

counted as (
    select
        item,
        direction,
        neighbor_item,
        count(*) as occurrences,
        count(distinct session_id) as sessions
    from both_directions
    group by item, direction, neighbor_item
),

final as (
    select
        item,
        direction,
        neighbor_item,
        occurrences,
        sessions,
        cast(occurrences as double) / sum(occurrences) over (partition by item, direction) as share,
        row_number() over (partition by item, direction order by occurrences desc, neighbor_item asc) as neighbor_rank
    from counted
)

select * from final
