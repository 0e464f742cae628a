{#- Lifecycle per day and per Monday-started week (reporting_timezone): persons by status.
    new = active in the period and it is the person's first active period; returning = active in
    this and the previous period; resurrecting = active now, not in the previous period, not new;
    dormant = active in the previous period, not in this one (a positive count; PostHog shows it
    negative). Periods run from the first to the last period with any activity. -#}

with

person_days as (
    select * from {{ ref('int_analysis__person_days') }}
),

person_periods as (
    select distinct
        'day' as period,
        person_id,
        activity_day as period_start,
        activity_day as period_start_day
    from person_days
    union all
    select distinct
        'week' as period,
        person_id,
        {{ analysis_week_start('activity_day') }} as period_start,
        {{ analysis_week_start('activity_day') }} as period_start_day
    from person_days
),

with_neighbors as (
    select
        period,
        person_id,
        period_start,
        lag(period_start) over (partition by period, person_id order by period_start) as previous_active,
        lead(period_start) over (partition by period, person_id order by period_start) as next_active
    from person_periods
),

with_steps as (
    select
        with_neighbors.*,
        case
            when period = 'week' then cast({{ dbt.dateadd('day', -7, 'period_start') }} as date)
            else cast({{ dbt.dateadd('day', -1, 'period_start') }} as date)
        end as previous_period,
        case
            when period = 'week' then cast({{ dbt.dateadd('day', 7, 'period_start') }} as date)
            else cast({{ dbt.dateadd('day', 1, 'period_start') }} as date)
        end as next_period
    from with_neighbors
),

last_periods as (
    select
        period,
        max(period_start) as last_period_start
    from person_periods
    group by period
),

statuses as (
    select
        period,
        period_start,
        person_id,
        case
            when previous_active is null then 'new'
            when previous_active = previous_period then 'returning'
            else 'resurrecting'
        end as status
    from with_steps
    union all
    select
        with_steps.period,
        with_steps.next_period as period_start,
        with_steps.person_id,
        'dormant' as status
    from with_steps
    inner join last_periods
        on with_steps.period = last_periods.period
    where (with_steps.next_active is null or with_steps.next_active != with_steps.next_period)
        and with_steps.next_period <= last_periods.last_period_start
),

final as (
    select
        period,
        period_start,
        status,
        count(*) as persons
    from statuses
    group by period, period_start, status
)

select * from final
