{#- Read-only BI access (docs/privacy.md): Sankey edges of session paths. -#}

with

source as (
    select * from {{ ref('agg_path_edges') }}
),

final as (
    select
        step_index,
        from_item,
        to_item,
        sessions,
        converted_sessions
    from source
)

select * from final
