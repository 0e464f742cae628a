{#- Engine-specific SQL of the analysis models (adapter.dispatch: duckdb__ and spark__). -#}

{#- The exact median of a numeric expression (an aggregate). -#}
{% macro analysis_median(expr) -%}
    {{ return(adapter.dispatch('analysis_median', 'behavior_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__analysis_median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro spark__analysis_median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- The max of `expr` over the other rows of the partition at or before this row's `order_by` value
    (equal values count as before; the row itself is left out). DuckDB has EXCLUDE CURRENT ROW
    (one sort); Spark takes the max over preceding rows and over later rows of the same value. -#}
{% macro analysis_max_at_or_before_others(expr, partition_by, order_by, tiebreak) -%}
    {{ return(adapter.dispatch('analysis_max_at_or_before_others', 'behavior_warehouse')(expr, partition_by, order_by, tiebreak)) }}
{%- endmacro %}

{% macro duckdb__analysis_max_at_or_before_others(expr, partition_by, order_by, tiebreak) -%}
    max({{ expr }}) over (
        partition by {{ partition_by }}
        order by {{ order_by }}
        range between unbounded preceding and current row exclude current row
    )
{%- endmacro %}

{% macro spark__analysis_max_at_or_before_others(expr, partition_by, order_by, tiebreak) -%}
    greatest(
        max({{ expr }}) over (
            partition by {{ partition_by }}
            order by {{ order_by }}, {{ tiebreak }}
            rows between unbounded preceding and 1 preceding
        ),
        max({{ expr }}) over (
            partition by {{ partition_by }}, {{ order_by }}
            order by {{ tiebreak }}
            rows between 1 following and unbounded following
        )
    )
{%- endmacro %}
