{#- The most frequent full session paths (items joined with ' > ', capped like agg_path_edges), with
    how many of their sessions ended in conversion vs exit. The top var('path_top_paths_limit'). -#}
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

session_paths as (
    select
        session_id,
        {{ dbt.listagg('item', "' > '", 'order by step_index') }} as path,
        count(*) as path_length,
        max(case when session_converted then 1 else 0 end) = 1 as session_converted
    from capped
    group by session_id
),

path_counts as (
    select
        path,
        path_length,
        count(*) as sessions,
        cast(sum(case when session_converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as conversion_sessions,
        cast(sum(case when session_converted then 0 else 1 end) as {{ dbt.type_bigint() }}) as exit_sessions
    from session_paths
    group by path, path_length
),

ranked as (
    select
        path,
        path_length,
        sessions,
        conversion_sessions,
        exit_sessions,
        cast(conversion_sessions as double) / sessions as conversion_rate,
        cast(sessions as double) / sum(sessions) over () as share_of_sessions,
        row_number() over (order by sessions desc, path asc) as path_rank
    from path_counts
),

final as (
    select * from ranked
    where path_rank <= {{ var('path_top_paths_limit', 100) }}
)

select * from final
