{#- JSON handling. A schema is a dict of field name -> type ('varchar', 'double', 'json') or a
    nested dict; an object or array under a 'varchar'/'json' field is kept as JSON text. -#}

{% macro json_to_struct(json_text, schema) -%}
    {{ return(adapter.dispatch('json_to_struct', 'behavior_warehouse')(json_text, schema)) }}
{%- endmacro %}

{#- Invalid JSON is swapped for '{}' first: DuckDB evaluates both branches of a CASE. -#}
{% macro duckdb__json_to_struct(json_text, schema) -%}
    json_transform(
        case when json_valid({{ json_text }}) then {{ json_text }} else '{}' end,
        '{{ tojson(_duckdb_json_spec(schema)) }}'
    )
{%- endmacro %}

{% macro _duckdb_json_spec(schema) -%}
    {%- set spec = {} -%}
    {%- for name, kind in schema.items() -%}
        {%- if kind is mapping -%}
            {%- do spec.update({name: _duckdb_json_spec(kind)}) -%}
        {%- elif kind == 'json' -%}
            {%- do spec.update({name: 'JSON'}) -%}
        {%- elif kind == 'double' -%}
            {%- do spec.update({name: 'VARCHAR'}) -%}
        {%- else -%}
            {%- do spec.update({name: 'VARCHAR'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(spec) }}
{%- endmacro %}

{% macro spark__json_to_struct(json_text, schema) -%}
    from_json({{ json_text }}, '{{ _spark_json_ddl(schema) }}', {{ _spark_strict_json_options() }})
{%- endmacro %}

{#- Spark's JSON parser accepts 'single quotes' and NaN by default; DuckDB (and the JSON spec)
    does not, so such a line is malformed on both engines. -#}
{% macro _spark_strict_json_options() -%}
    map('allowSingleQuotes', 'false', 'allowNonNumericNumbers', 'false')
{%- endmacro %}

{% macro _spark_json_ddl(schema) -%}
    {%- set fields = [] -%}
    {%- for name, kind in schema.items() -%}
        {%- if kind is mapping -%}
            {%- do fields.append('`' ~ name ~ '` struct<' ~ _spark_json_ddl(kind) ~ '>') -%}
        {%- else -%}
            {%- do fields.append('`' ~ name ~ '` string') -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(fields | join(', ')) }}
{%- endmacro %}

{% macro is_json_object(json_text) -%}
    {{ return(adapter.dispatch('is_json_object', 'behavior_warehouse')(json_text)) }}
{%- endmacro %}

{% macro duckdb__is_json_object(json_text) -%}
    coalesce(
        json_type(case when json_valid({{ json_text }}) then {{ json_text }} else 'null' end) = 'OBJECT',
        false
    )
{%- endmacro %}

{% macro spark__is_json_object(json_text) -%}
    (trim({{ json_text }}) like '{{ '{' }}%' and from_json({{ json_text }}, 'map<string,string>', {{ _spark_strict_json_options() }}) is not null)
{%- endmacro %}

{#- One scalar value from a JSON object text, as a string ('$.a.b' paths). -#}
{% macro json_get_string(json_text, path) -%}
    {{ return(adapter.dispatch('json_get_string', 'behavior_warehouse')(json_text, path)) }}
{%- endmacro %}

{% macro duckdb__json_get_string(json_text, path) -%}
    json_extract_string({{ json_text }}, '{{ path }}')
{%- endmacro %}

{% macro spark__json_get_string(json_text, path) -%}
    get_json_object({{ json_text }}, '{{ path }}')
{%- endmacro %}

{#- The row of a query as a JSON object text (used to turn Parquet rows into raw records). -#}
{% macro row_to_json(relation_alias) -%}
    {{ return(adapter.dispatch('row_to_json', 'behavior_warehouse')(relation_alias)) }}
{%- endmacro %}

{% macro duckdb__row_to_json(relation_alias) -%}
    to_json({{ relation_alias }})::varchar
{%- endmacro %}

{% macro spark__row_to_json(relation_alias) -%}
    to_json(struct({{ relation_alias }}.*))
{%- endmacro %}
