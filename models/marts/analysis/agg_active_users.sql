{#- Active users per calendar day (reporting_timezone) with at least one active person: DAU, WAU
    (distinct persons active in the trailing 7 days, the day included), MAU (trailing 30 days) and
    DAU / MAU. Linear: a person active on day a whose next active day is n counts in the trailing
    window of length L for days a .. min(a + L, n) - 1; +1 / -1 markers and a running sum. -#}

with

person_days as (
    select * from {{ ref('int_analysis__person_days') }}
),

with_next as (
    select
        person_id,
        activity_day,
        lead(activity_day) over (partition by person_id order by activity_day) as next_active_day
    from person_days
),

markers as (
    {%- for window_days, name in [(7, 'wau'), (30, 'mau')] %}
        select
            '{{ name }}' as metric,
            activity_day as marker_day,
            1 as delta
        from with_next
        union all
        select
            '{{ name }}' as metric,
            case
                when next_active_day is not null
                    and next_active_day < cast({{ dbt.dateadd('day', window_days, 'activity_day') }} as date)
                    then next_active_day
                else cast({{ dbt.dateadd('day', window_days, 'activity_day') }} as date)
            end as marker_day,
            -1 as delta
        from with_next
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

marker_sums as (
    select
        metric,
        marker_day,
        sum(delta) as delta
    from markers
    group by metric, marker_day
),

running as (
    select
        metric,
        marker_day,
        sum(delta) over (partition by metric order by marker_day rows between unbounded preceding and current row) as persons
    from marker_sums
),

daily as (
    select
        activity_day,
        count(*) as dau
    from person_days
    group by activity_day
),

final as (
    select
        daily.activity_day,
        daily.dau,
        cast(wau.persons as {{ dbt.type_bigint() }}) as wau,
        cast(mau.persons as {{ dbt.type_bigint() }}) as mau,
        cast(daily.dau as double) / mau.persons as dau_mau
    from daily
    inner join running as wau
        on daily.activity_day = wau.marker_day
            and wau.metric = 'wau'
    inner join running as mau
        on daily.activity_day = mau.marker_day
            and mau.metric = 'mau'
)

select * from final
