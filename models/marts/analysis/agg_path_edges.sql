{#- Edges of the session path graph, ready for a Sankey: step_index = position of from_item in the
    session path (from 1). Items after step var('path_step_cap') are grouped into one '(more)' item
    at step cap + 1. The last item of every session has an edge to '(conversion)' (the session
    converted) or '(exit)'. -#}
{%- set cap = var('path_step_cap', 10) | int -%}

with

path_items as (
    select * from {{ ref('int_analysis__path_items') }}
),

capped as (
    select
        session_id,
        step_index,
        case when step_index > {{ cap }} then '(more)' else item end as item,
        session_converted
    from path_items
    where step_index <= {{ cap + 1 }}
),

edges as (
    select
        session_id,
        step_index,
        item as from_item,
        coalesce(
            lead(item) over (partition by session_id order by step_index),
            case when session_converted then '(conversion)' else '(exit)' end
        ) as to_item,
        session_converted
    from capped
),

final as (
    select
        step_index,
        from_item,
        to_item,
        count(*) as sessions,
        cast(sum(case when session_converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as converted_sessions
    from edges
    group by step_index, from_item, to_item
)

select * from final
