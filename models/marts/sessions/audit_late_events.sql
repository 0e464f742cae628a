{#- Late events per load: how many events each staging load brought whose lateness (received_at -
    event_time) exceeds late_event_lookback_days. They are sessionized like any other event (the
    affected-client recompute has no time limit); this only makes them visible. -#}
{{ config(schema='audit') }}

{%- set lookback_s = var('late_event_lookback_days') | int * 86400 -%}

with

events as (
    select * from {{ ref('int_sessions__events') }}
),

final as (
    select
        _loaded_at as loaded_at,
        count(*) as events,
        count(case when lateness_s > {{ lookback_s }} then 1 end) as late_events,
        {{ var('late_event_lookback_days') | int }} as lookback_days,
        max(lateness_s) as max_lateness_s,
        min(case when lateness_s > {{ lookback_s }} then event_time end) as earliest_late_event_time
    from events
    group by _loaded_at
)

select * from final
