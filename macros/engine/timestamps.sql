{#- Timestamps. Every timestamp in the warehouse is a UTC timestamp without zone. -#}

{#- ISO-8601 text (with offset or Z; no offset means UTC) to a UTC timestamp, or null. -#}
{% macro try_parse_timestamp_utc(expr) -%}
    {{ return(adapter.dispatch('try_parse_timestamp_utc', 'behavior_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__try_parse_timestamp_utc(expr) -%}
    (try_cast({{ expr }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{% macro spark__try_parse_timestamp_utc(expr) -%}
    cast(to_utc_timestamp(try_cast({{ expr }} as timestamp), 'UTC') as timestamp)
{%- endmacro %}

{% macro add_minutes(ts, minutes) -%}
    {{ return(adapter.dispatch('add_minutes', 'behavior_warehouse')(ts, minutes)) }}
{%- endmacro %}

{% macro duckdb__add_minutes(ts, minutes) -%}
    ({{ ts }} + to_minutes(cast({{ minutes }} as bigint)))
{%- endmacro %}

{% macro spark__add_minutes(ts, minutes) -%}
    ({{ ts }} + make_interval(0, 0, 0, 0, 0, cast({{ minutes }} as int), 0))
{%- endmacro %}

{#- Whole and fractional seconds from a to b. -#}
{% macro seconds_between(a, b) -%}
    {{ return(adapter.dispatch('seconds_between', 'behavior_warehouse')(a, b)) }}
{%- endmacro %}

{% macro duckdb__seconds_between(a, b) -%}
    (epoch({{ b }}) - epoch({{ a }}))
{%- endmacro %}

{% macro spark__seconds_between(a, b) -%}
    (unix_micros({{ b }}) - unix_micros({{ a }})) / 1000000.0
{%- endmacro %}

{#- A UTC timestamp shown in the reporting timezone (still a timestamp without zone). -#}
{% macro to_reporting_tz(ts) -%}
    {{ return(adapter.dispatch('to_reporting_tz', 'behavior_warehouse')(ts)) }}
{%- endmacro %}

{% macro duckdb__to_reporting_tz(ts) -%}
    {%- if var('reporting_timezone') | upper == 'UTC' -%}
        {{ ts }}
    {%- else -%}
        (({{ ts }} at time zone 'UTC') at time zone '{{ var("reporting_timezone") }}')
    {%- endif -%}
{%- endmacro %}

{% macro spark__to_reporting_tz(ts) -%}
    from_utc_timestamp({{ ts }}, '{{ var("reporting_timezone") }}')
{%- endmacro %}

{#- The dbt run's start as a UTC timestamp literal (same value in every model of one run). -#}
{% macro run_started_at_utc() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
