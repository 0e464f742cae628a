{#- Stickiness: persons by number of active days (reporting_timezone calendar days with at least
    one event) in each Monday-started week and each calendar month. -#}

with

person_days as (
    select * from {{ ref('int_analysis__person_days') }}
),

person_periods as (
    select
        'week' as period,
        {{ analysis_week_start('activity_day') }} as period_start,
        person_id,
        count(*) as active_days
    from person_days
    group by {{ analysis_week_start('activity_day') }}, person_id
    union all
    select
        'month' as period,
        {{ analysis_month_start('activity_day') }} as period_start,
        person_id,
        count(*) as active_days
    from person_days
    group by {{ analysis_month_start('activity_day') }}, person_id
),

final as (
    select
        period,
        period_start,
        active_days,
        count(*) as persons,
        cast(count(*) as double) / sum(count(*)) over (partition by period, period_start) as share_of_active_persons
    from person_periods
    group by period, period_start, active_days
)

select * from final
