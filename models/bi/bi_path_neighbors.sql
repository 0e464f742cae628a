{#- Read-only BI access (docs/privacy.md): What comes before and after each path item. -#}

with

source as (
    select * from {{ ref('agg_path_neighbors') }}
),

final as (
    select
        item,
        direction,
        neighbor_item,
        occurrences,
        sessions,
        share,
        neighbor_rank
    from source
)

select * from final
