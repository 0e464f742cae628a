{#- Read-only BI access (docs/privacy.md): Funnel steps per funnel and breakdown. -#}

with

source as (
    select * from {{ ref('agg_funnel_steps') }}
),

final as (
    select
        funnel_name,
        breakdown,
        breakdown_value,
        step_number,
        step_name,
        persons,
        conversion_from_start,
        conversion_from_previous,
        median_seconds_from_previous,
        avg_seconds_from_previous
    from source
)

select * from final
