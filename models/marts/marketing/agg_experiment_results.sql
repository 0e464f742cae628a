{#- One variant of one experiment: included persons (single-variant), converted persons, rate,
    revenue per person; against the control variant the absolute lift with a 95% Wald CI
    (unpooled), the relative lift, the pooled two-proportion z-test and its two-sided p-value; the
    experiment's sample-ratio-mismatch chi-square (equal split expected) with a warning; and a
    small-sample note. Exact formulas in docs/marketing.md. -#}

{%- set control_name = var('marketing_experiment_control_variant', 'control') -%}

with

persons as (
    select * from {{ ref('fct_experiment_persons') }}
),

variant_stats as (
    select
        persons.experiment_id,
        persons.variant,
        sum(case when persons.is_included then 1 else 0 end) as persons,
        sum(case when persons.is_included and persons.converted then 1 else 0 end) as conversions,
        sum(case when persons.is_included then persons.conversions else 0 end) as orders,
        sum(case when persons.is_included then persons.revenue else 0.0 end) as revenue,
        sum(case when persons.is_included then 0 else 1 end) as excluded_persons
    from persons
    group by persons.experiment_id, persons.variant
),

control_choice as (
    select
        variant_stats.experiment_id,
        coalesce(
            max(case when variant_stats.variant = '{{ control_name }}' then variant_stats.variant end),
            min(variant_stats.variant)
        ) as control_variant,
        count(*) as variants,
        sum(variant_stats.persons) as experiment_persons
    from variant_stats
    group by variant_stats.experiment_id
),

with_control as (
    select
        variant_stats.*,
        control_choice.control_variant,
        control_choice.variants,
        control_choice.experiment_persons,
        variant_stats.variant = control_choice.control_variant as is_control,
        control_stats.persons as control_persons,
        control_stats.conversions as control_conversions,
        cast(variant_stats.conversions as double) / nullif(variant_stats.persons, 0) as conversion_rate,
        cast(control_stats.conversions as double) / nullif(control_stats.persons, 0) as control_conversion_rate,
        cast(variant_stats.conversions + control_stats.conversions as double)
        / nullif(variant_stats.persons + control_stats.persons, 0) as pooled_rate
    from variant_stats
    inner join control_choice
        on variant_stats.experiment_id = control_choice.experiment_id
    inner join variant_stats as control_stats
        on control_choice.experiment_id = control_stats.experiment_id
            and control_choice.control_variant = control_stats.variant
),

tests as (
    select
        with_control.*,
        with_control.conversion_rate - with_control.control_conversion_rate as absolute_lift,
        sqrt(
            with_control.conversion_rate * (1 - with_control.conversion_rate) / nullif(with_control.persons, 0)
            + with_control.control_conversion_rate * (1 - with_control.control_conversion_rate)
            / nullif(with_control.control_persons, 0)
        ) as lift_standard_error,
        (with_control.conversion_rate - with_control.control_conversion_rate) / nullif(sqrt(
            with_control.pooled_rate * (1 - with_control.pooled_rate)
            * (1.0 / nullif(with_control.persons, 0) + 1.0 / nullif(with_control.control_persons, 0))
        ), 0) as z_score,
        power(with_control.persons - cast(with_control.experiment_persons as double) / with_control.variants, 2)
        / nullif(cast(with_control.experiment_persons as double) / with_control.variants, 0) as srm_component
    from with_control
),

srm as (
    select
        tests.experiment_id,
        sum(tests.srm_component) as srm_chi_square,
        max(tests.variants) - 1 as srm_degrees_of_freedom
    from tests
    group by tests.experiment_id
),

final as (
    select
        tests.experiment_id,
        tests.variant,
        tests.is_control,
        tests.control_variant,
        tests.persons,
        tests.conversions,
        tests.conversion_rate,
        tests.orders,
        tests.revenue,
        tests.revenue / nullif(tests.persons, 0) as revenue_per_person,
        tests.excluded_persons,
        case when not tests.is_control then tests.absolute_lift end as absolute_lift,
        case when not tests.is_control then tests.absolute_lift - 1.959963984540054 * tests.lift_standard_error end
            as absolute_lift_ci_lower,
        case when not tests.is_control then tests.absolute_lift + 1.959963984540054 * tests.lift_standard_error end
            as absolute_lift_ci_upper,
        case when not tests.is_control then tests.absolute_lift / nullif(tests.control_conversion_rate, 0) end
            as relative_lift,
        case
            when not tests.is_control
                then (tests.absolute_lift - 1.959963984540054 * tests.lift_standard_error)
                    / nullif(tests.control_conversion_rate, 0)
        end as relative_lift_ci_lower,
        case
            when not tests.is_control
                then (tests.absolute_lift + 1.959963984540054 * tests.lift_standard_error)
                    / nullif(tests.control_conversion_rate, 0)
        end as relative_lift_ci_upper,
        case when not tests.is_control then tests.z_score end as z_score,
        case
            when not tests.is_control and tests.z_score is not null
                then least(1.0, greatest(0.0, 2.0 * (1.0 - {{ marketing_normal_cdf('abs(tests.z_score)') }})))
        end as p_value,
        case
            when not tests.is_control and tests.z_score is not null
                then 2.0 * (1.0 - {{ marketing_normal_cdf('abs(tests.z_score)') }})
                    < {{ var('marketing_experiment_alpha', 0.05) }}
            else false
        end as is_significant,
        srm.srm_chi_square,
        srm.srm_degrees_of_freedom,
        {{ marketing_chi_square_sf('srm.srm_chi_square', 'srm.srm_degrees_of_freedom') }} as srm_p_value,
        coalesce(
            {{ marketing_chi_square_sf('srm.srm_chi_square', 'srm.srm_degrees_of_freedom') }}
            < {{ var('marketing_experiment_srm_alpha', 0.001) }},
            false
        ) as srm_warning,
        case
            when tests.persons < {{ var('marketing_experiment_min_persons', 100) }}
                then 'small sample: fewer than {{ var("marketing_experiment_min_persons", 100) }} persons'
            when tests.persons * coalesce(tests.pooled_rate, 0) < {{ var('marketing_experiment_min_expected_conversions', 5) }}
                then 'small sample: fewer than {{ var("marketing_experiment_min_expected_conversions", 5) }} expected conversions'
        end as sample_note
    from tests
    inner join srm
        on tests.experiment_id = srm.experiment_id
)

select * from final
