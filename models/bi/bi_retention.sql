{#- Read-only BI access (docs/privacy.md): Retention per cohort and period. -#}

with

source as (
    select * from {{ ref('agg_retention') }}
),

final as (
    select
        analysis_name,
        period,
        cohort_start,
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
