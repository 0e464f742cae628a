{#- One row per person with events: the first active day (reporting_timezone) and whether the
    person was active again exactly 1, 7 and 30 days later (classic D1/D7/D30 retention). A day-N
    flag is only counted for persons whose day N is on or before the last day with data (the
    eligible_dN columns), so recent cohorts do not pull the rates down. -#}

with

person_days as (
    select * from {{ ref('int_analysis__person_days') }}
),

last_day as (
    select max(activity_day) as last_activity_day
    from person_days
),

first_days as (
    select
        person_id,
        min(activity_day) as first_active_day,
        count(*) as active_days
    from person_days
    group by person_id
),

flags as (
    select
        first_days.person_id,
        first_days.first_active_day,
        first_days.active_days,
        {%- for n in [1, 7, 30] %}
            max(
                case
                    when person_days.activity_day = cast({{ dbt.dateadd('day', n, 'first_days.first_active_day') }} as date)
                        then 1
                    else 0
                end
            ) as retained_d{{ n }},
        {%- endfor %}
        max(last_day.last_activity_day) as last_activity_day
    from first_days
    inner join person_days
        on first_days.person_id = person_days.person_id
    cross join last_day
    group by first_days.person_id, first_days.first_active_day, first_days.active_days
),

final as (
    select
        person_id,
        first_active_day,
        active_days,
        {%- for n in [1, 7, 30] %}
            case
                when cast({{ dbt.dateadd('day', n, 'first_active_day') }} as date) <= last_activity_day then 1 else 0
            end as eligible_d{{ n }},
            retained_d{{ n }},
        {%- endfor %}
        last_activity_day
    from flags
)

select * from final
