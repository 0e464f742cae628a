{#- Read-only BI access (docs/privacy.md): A/B experiment results per variant. -#}

with

source as (
    select * from {{ ref('agg_experiment_results') }}
),

final as (
    select
        experiment_id,
        variant,
        is_control,
        control_variant,
        persons,
        conversions,
        conversion_rate,
        orders,
        revenue,
        revenue_per_person,
        excluded_persons,
        absolute_lift,
        absolute_lift_ci_lower,
        absolute_lift_ci_upper,
        relative_lift,
        relative_lift_ci_lower,
        relative_lift_ci_upper,
        z_score,
        p_value,
        is_significant,
        srm_chi_square,
        srm_degrees_of_freedom,
        srm_p_value,
        srm_warning,
        sample_note
    from source
)

select * from final
