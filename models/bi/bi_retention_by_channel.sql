{#- Read-only BI access (docs/privacy.md): Retention per cohort, first channel and period. -#}

with

source as (
    select * from {{ ref('agg_retention_by_channel') }}
),

final as (
    select
        analysis_name,
        period,
        cohort_start,
        first_channel,
        period_number,
        period_start,
        cohort_size,
        retained_persons,
        retained_persons_unbounded,
        retention_rate,
        retention_rate_unbounded
    from source
)

select * from final
