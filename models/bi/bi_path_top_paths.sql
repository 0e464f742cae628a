{#- Read-only BI access (docs/privacy.md): Most frequent session paths. -#}

with

source as (
    select * from {{ ref('agg_path_top_paths') }}
),

final as (
    select
        path,
        path_length,
        sessions,
        conversion_sessions,
        exit_sessions,
        conversion_rate,
        share_of_sessions,
        path_rank
    from source
)

select * from final
