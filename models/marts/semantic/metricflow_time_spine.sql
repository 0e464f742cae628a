{#- The calendar MetricFlow joins to (one row per day): cumulative metrics (WAU, MAU) and
    metric_time at day, week, month grain. The range covers every event time the staging layer
    accepts (var min_valid_event_time) up to far in the future. -#}

with

days as (
    {{ dbt.date_spine('day', "cast('2015-01-01' as date)", "cast('2041-01-01' as date)") }}
),

final as (
    select cast(date_day as date) as date_day
    from days
)

select * from final
