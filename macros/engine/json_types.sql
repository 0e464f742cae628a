{#- The JSON type of the value at a path: 'string', 'integer', 'number', 'boolean', 'object',
    'array', 'null', or null when absent. `path_expr` is a SQL expression giving '$.name'. -#}
{% macro json_value_type(json_text, path_expr) -%}
    {{ return(adapter.dispatch('json_value_type', 'behavior_warehouse')(json_text, path_expr)) }}
{%- endmacro %}

{% macro duckdb__json_value_type(json_text, path_expr) -%}
    case json_type({{ json_text }}, {{ path_expr }})
        when 'VARCHAR' then 'string'
        when 'BIGINT' then 'integer'
        when 'UBIGINT' then 'integer'
        when 'DOUBLE' then 'number'
        when 'BOOLEAN' then 'boolean'
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'NULL' then 'null'
    end
{%- endmacro %}

{% macro spark__json_value_type(json_text, path_expr) -%}
    case
        when get_json_object({{ json_text }}, {{ path_expr }}) is null then null
        when get_json_object({{ json_text }}, {{ path_expr }}) rlike '^-?[0-9]+$' then 'integer'
        when get_json_object({{ json_text }}, {{ path_expr }}) rlike '^-?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?$' then 'number'
        when get_json_object({{ json_text }}, {{ path_expr }}) in ('true', 'false') then 'boolean'
        when get_json_object({{ json_text }}, {{ path_expr }}) like '{{ '{' }}%' then 'object'
        when get_json_object({{ json_text }}, {{ path_expr }}) like '[%' then 'array'
        else 'string'
    end
{%- endmacro %}
