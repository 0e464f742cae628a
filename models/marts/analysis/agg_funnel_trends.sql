{#- Funnel conversion by day and by week (Monday-started) of entry — the calendar day of step_1_at
    of the person's best chain in reporting_timezone: persons entered, persons who completed every
    step (converted) and the rate. -#}

with

funnel_persons as (
    select * from {{ ref('fct_funnel_persons') }}
),

entries as (
    select
        funnel_name,
        person_id,
        converted,
        {{ analysis_local_day('step_1_at') }} as entry_day
    from funnel_persons
),

by_period as (
    select
        funnel_name,
        'day' as period,
        entry_day as period_start,
        count(*) as persons_entered,
        cast(sum(case when converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as persons_converted
    from entries
    group by funnel_name, entry_day
    union all
    select
        funnel_name,
        'week' as period,
        {{ analysis_week_start('entry_day') }} as period_start,
        count(*) as persons_entered,
        cast(sum(case when converted then 1 else 0 end) as {{ dbt.type_bigint() }}) as persons_converted
    from entries
    group by funnel_name, {{ analysis_week_start('entry_day') }}
),

final as (
    select
        funnel_name,
        period,
        period_start,
        persons_entered,
        persons_converted,
        cast(persons_converted as double) / persons_entered as conversion_rate
    from by_period
)

select * from final
