{#- Read-only BI access (docs/privacy.md): What dropped persons did more than converted ones. -#}

with

source as (
    select * from {{ ref('agg_funnel_dropoff_drivers') }}
),

final as (
    select
        funnel_name,
        dropoff_step,
        dropoff_step_name,
        item_type,
        item,
        converted_persons,
        converted_persons_with_item,
        dropped_persons,
        dropped_persons_with_item,
        converted_share,
        dropped_share,
        ratio,
        item_rank
    from source
)

select * from final
