{#- Regular expressions and hashing. Patterns use the common subset of RE2 and Java regex. -#}

{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'behavior_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{#- replacement uses \1 for groups; Spark wants $1. In a Spark SQL string literal a backslash
    escapes the next character, so the pattern's backslashes are doubled (DuckDB takes them as
    they are). -#}
{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro _spark_regex_literal(pattern) -%}
    {{- pattern | replace("\\", "\\\\") -}}
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ _spark_regex_literal(pattern) }}', '{{ replacement | replace("\\1", "$1") | replace("\\2", "$2") }}')
{%- endmacro %}

{#- The first capture group of pattern, or null when it does not match. -#}
{% macro regexp_extract_group(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'behavior_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_extract_group(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro spark__regexp_extract_group(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, '{{ _spark_regex_literal(pattern) }}', 1), '')
{%- endmacro %}

{% macro regexp_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'behavior_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_matches(expr, pattern) -%}
    regexp_full_match({{ expr }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_matches(expr, pattern) -%}
    ({{ expr }} rlike '^(?:{{ _spark_regex_literal(pattern) }})$')
{%- endmacro %}

{% macro sha256_hex(expr) -%}
    {{ return(adapter.dispatch('sha256_hex', 'behavior_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro spark__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{#- A short deterministic id from several columns (md5 hex of their '|'-joined text). -#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws('|', {% for c in columns %}coalesce(cast({{ c }} as {{ dbt.type_string() }}), '∅'){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
