{#- One person exposed to one experiment: first exposure, the variant of that first exposure,
    whether the person was seen in more than one variant (then excluded from the results), and
    conversions (marketing_conversion_events) in [first exposure, first exposure +
    marketing_experiment_conversion_window_days]. Persons are OneID persons, else the client for
    events that map to no person. -#}

with

events as (
    select * from {{ ref('fct_events') }}
    where {{ analytics_consent_filter('person_id') }}
),

conversions as (
    select * from {{ ref('int_marketing__conversions') }}
),

exposures as (
    select
        events.experiment_id,
        events.variant,
        events.event_id,
        events.event_time,
        events.person_id,
        coalesce(events.person_id, 'client:' || events.client_key) as journey_key
    from events
    where events.event_name = '{{ var("marketing_experiment_exposure_event", "experiment_exposure") }}'
        and events.experiment_id is not null
        and events.variant is not null
),

ranked_exposures as (
    select
        exposures.*,
        row_number() over (
            partition by exposures.experiment_id, exposures.journey_key
            order by exposures.event_time, exposures.event_id
        ) as exposure_rank
    from exposures
),

exposure_summary as (
    select
        ranked_exposures.experiment_id,
        ranked_exposures.journey_key,
        max(ranked_exposures.person_id) as person_id,
        min(ranked_exposures.event_time) as first_exposure_at,
        max(case when ranked_exposures.exposure_rank = 1 then ranked_exposures.variant end) as variant,
        count(distinct ranked_exposures.variant) as variants_seen,
        count(*) as exposures
    from ranked_exposures
    group by ranked_exposures.experiment_id, ranked_exposures.journey_key
),

window_conversions as (
    select
        exposure_summary.experiment_id,
        exposure_summary.journey_key,
        count(*) as conversions,
        sum(conversions.revenue) as revenue,
        min(conversions.conversion_time) as first_conversion_at
    from exposure_summary
    inner join conversions
        on exposure_summary.journey_key = conversions.journey_key
            and exposure_summary.first_exposure_at <= conversions.conversion_time
            and {{ marketing_days_after(
                'exposure_summary.first_exposure_at', var('marketing_experiment_conversion_window_days', 14)
            ) }} >= conversions.conversion_time
    group by exposure_summary.experiment_id, exposure_summary.journey_key
),

final as (
    select
        exposure_summary.experiment_id,
        exposure_summary.journey_key,
        exposure_summary.person_id,
        exposure_summary.variant,
        exposure_summary.first_exposure_at,
        exposure_summary.exposures,
        exposure_summary.variants_seen,
        exposure_summary.variants_seen > 1 as is_multi_variant,
        exposure_summary.variants_seen = 1 as is_included,
        coalesce(window_conversions.conversions, 0) > 0 as converted,
        coalesce(window_conversions.conversions, 0) as conversions,
        coalesce(window_conversions.revenue, 0.0) as revenue,
        window_conversions.first_conversion_at
    from exposure_summary
    left join window_conversions
        on exposure_summary.experiment_id = window_conversions.experiment_id
            and exposure_summary.journey_key = window_conversions.journey_key
)

select * from final
