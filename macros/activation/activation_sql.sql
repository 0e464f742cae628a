{#- Activation SQL helpers. Engine-specific SQL only through adapter.dispatch. -#}

{#- Days from a to b (fractional). -#}
{% macro activation_days_between(a, b) -%}
    ({{ seconds_between(a, b) }} / 86400.0)
{%- endmacro %}

{#- ts plus a (possibly fractional or negative) number of days, to the minute. -#}
{% macro activation_add_days(ts, days) -%}
    {{ add_minutes(ts, 'round(1440 * (' ~ days ~ '))') }}
{%- endmacro %}

{#- A stable number in [0, 1) from a text (md5-based: the same on every engine and run). -#}
{% macro activation_hash_unit(expr) -%}
    {{ return(adapter.dispatch('activation_hash_unit', 'behavior_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__activation_hash_unit(expr) -%}
    (cast(('0x' || substr(md5(cast({{ expr }} as varchar)), 1, 8)) as ubigint) / 4294967296.0)
{%- endmacro %}

{% macro spark__activation_hash_unit(expr) -%}
    (cast(conv(substr(md5(cast({{ expr }} as string)), 1, 8), 16, 10) as bigint) / 4294967296.0)
{%- endmacro %}

{#- A JSON object text from [(key, sql expression), ...]. -#}
{% macro activation_json_object(pairs) -%}
    {{ return(adapter.dispatch('activation_json_object', 'behavior_warehouse')(pairs)) }}
{%- endmacro %}

{% macro duckdb__activation_json_object(pairs) -%}
    cast(json_object({%- for key, value in pairs %}'{{ key }}', {{ value }}{% if not loop.last %}, {% endif %}{%- endfor %}) as varchar)
{%- endmacro %}

{% macro spark__activation_json_object(pairs) -%}
    to_json(named_struct({%- for key, value in pairs %}'{{ key }}', {{ value }}{% if not loop.last %}, {% endif %}{%- endfor %}))
{%- endmacro %}

{#- One row per element of a delimited text, as a select-list expression. -#}
{% macro activation_explode_split(expr, delimiter) -%}
    {{ return(adapter.dispatch('activation_explode_split', 'behavior_warehouse')(expr, delimiter)) }}
{%- endmacro %}

{% macro duckdb__activation_explode_split(expr, delimiter) -%}
    unnest(string_split({{ expr }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro spark__activation_explode_split(expr, delimiter) -%}
    explode(split({{ expr }}, '{{ delimiter | replace("|", "\\\\|") }}'))
{%- endmacro %}

{#- Ordered, delimited text of the values of expr (ordered by order_expr) in a group. -#}
{% macro activation_ordered_list(expr, order_expr, delimiter) -%}
    {{ return(adapter.dispatch('activation_ordered_list', 'behavior_warehouse')(expr, order_expr, delimiter)) }}
{%- endmacro %}

{% macro duckdb__activation_ordered_list(expr, order_expr, delimiter) -%}
    string_agg({{ expr }}, '{{ delimiter }}' order by {{ order_expr }})
{%- endmacro %}

{% macro spark__activation_ordered_list(expr, order_expr, delimiter) -%}
    array_join(transform(array_sort(collect_list(struct({{ order_expr }} as k, {{ expr }} as v))), x -> x.v), '{{ delimiter }}')
{%- endmacro %}

{#- The churn-score relation written by the predictive assets, or none while it does not exist. -#}
{% macro activation_churn_scores_relation() -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- set cfg = var('activation_churn_scores_relation', {}) or {} -%}
    {%- if cfg.get('name') is none -%}{{ return(none) }}{%- endif -%}
    {%- set relation = adapter.get_relation(
        database=target.database, schema=cfg.get('schema', 'ml'), identifier=cfg.get('name')) -%}
    {{ return(relation) }}
{%- endmacro %}

{#- The as-of time of the data: the latest event time (so builds are reproducible). -#}
{% macro activation_as_of_cte() -%}
    select max(event_time) as as_of_time from {{ ref('fct_events') }}
{%- endmacro %}

{#- Continuous quantile of expr (an aggregate). -#}
{% macro activation_quantile(expr, q) -%}
    {{ return(adapter.dispatch('activation_quantile', 'behavior_warehouse')(expr, q)) }}
{%- endmacro %}

{% macro duckdb__activation_quantile(expr, q) -%}
    quantile_cont({{ expr }}, {{ q }})
{%- endmacro %}

{% macro spark__activation_quantile(expr, q) -%}
    percentile({{ expr }}, {{ q }})
{%- endmacro %}

{#- Calendar day of a UTC timestamp. -#}
{% macro activation_day(ts) -%}
    cast({{ ts }} as date)
{%- endmacro %}
