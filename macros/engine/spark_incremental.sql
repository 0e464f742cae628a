{#- Incremental strategies on Spark (docs/spark.md). dbt-spark knows append, insert_overwrite,
    merge (Delta/Iceberg/Hudi only) and microbatch; the project's models also use two
    strategies of their own, which these overrides of dbt-spark's macros add:

    - client_window (sessions models, macros/sessions/sessions.sql): replace, per client in the
      new rows, every existing row at or after the client's window start;
    - delete+insert (dbt's usual meaning): replace the existing rows whose unique_key is in the
      new rows.

    On Delta tables both are a DELETE then an INSERT. On plain Parquet tables (the default: no
    extra jars) rows cannot be deleted, so the table is rewritten: kept rows plus new rows go to a
    new table, which then replaces the old one (drop + rename). That costs a pass over the table
    per run; see docs/spark.md for when to switch to Delta. -#}

{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) -%}
    {%- if raw_strategy in ['client_window', 'delete+insert'] -%}
        {{ return(raw_strategy) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) }}
{%- endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) -%}
    {%- if strategy == 'client_window' -%}
        {%- set client_column = unique_key or 'client_key' -%}
        {%- set window_column = config.require('client_window_column') -%}
        {%- set replaced -%}
            exists (
                select 1
                from (
                    select
                        {{ client_column }} as window_client,
                        min({{ window_column }}) as window_start
                    from {{ source }}
                    group by {{ client_column }}
                ) as client_windows
                where existing_rows.{{ client_column }} = client_windows.window_client
                    and existing_rows.{{ window_column }} >= client_windows.window_start
            )
        {%- endset -%}
        {{ return(spark_replace_rows_sql(source, target, replaced)) }}
    {%- elif strategy == 'delete+insert' -%}
        {%- set keys = [unique_key] if unique_key is string else unique_key -%}
        {%- set replaced -%}
            exists (
                select 1
                from {{ source }} as new_rows
                where {% for k in keys %}existing_rows.{{ k }} = new_rows.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
            )
        {%- endset -%}
        {{ return(spark_replace_rows_sql(source, target, replaced)) }}
    {%- endif -%}
    {{ return(dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{%- endmacro %}

{#- Rows of `target` (aliased existing_rows) for which `replaced` holds are replaced by all rows
    of `source`. Runs the preparatory statements itself and returns the last one. -#}
{% macro spark_replace_rows_sql(source, target, replaced) -%}
    {%- set columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
    {%- set column_list = columns | join(', ') -%}
    {%- if config.get('file_format', 'parquet') == 'delta' -%}
        {%- do run_query('delete from ' ~ target ~ ' as existing_rows where ' ~ replaced) -%}
        {{ return('insert into ' ~ target ~ ' (' ~ column_list ~ ') select ' ~ column_list ~ ' from ' ~ source) }}
    {%- endif -%}
    {%- set rewritten = target.incorporate(path={'identifier': target.identifier ~ '__dbt_rewrite'}) -%}
    {%- do adapter.drop_relation(rewritten) -%}
    {%- set rows -%}
        select {{ column_list }} from {{ target }} as existing_rows
        where not ({{ replaced }})
        union all
        select {{ column_list }} from {{ source }}
    {%- endset -%}
    {%- do run_query(create_table_as(False, rewritten, rows)) -%}
    {%- do adapter.drop_relation(target) -%}
    {{ return('alter table ' ~ rewritten ~ ' rename to ' ~ target) }}
{%- endmacro %}
