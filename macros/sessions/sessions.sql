{#- Sessionization helpers (owned by the sessions models). Engine-specific SQL only through
    adapter.dispatch with duckdb__ and spark__ versions. -#}

{#- The client that sent an event: device id, else WeChat openid, else anonymous id; a
    server-side event that carries only a user id gets 'user:' || user_id. -#}
{% macro sessions_client_key(device_id='device_id', openid='openid', anonymous_id='anonymous_id', user_id='user_id') -%}
    coalesce({{ device_id }}, {{ openid }}, {{ anonymous_id }}, 'user:' || {{ user_id }})
{%- endmacro %}

{#- Which identifier the client key is (an identifier type of dim_identity_map). -#}
{% macro sessions_client_key_type(device_id='device_id', openid='openid', anonymous_id='anonymous_id', user_id='user_id') -%}
    case
        when {{ device_id }} is not null then 'device_id'
        when {{ openid }} is not null then 'openid'
        when {{ anonymous_id }} is not null then 'anonymous_id'
        when {{ user_id }} is not null then 'user_id'
    end
{%- endmacro %}

{#- Custom incremental strategy 'client_window': the temporary relation holds, for every client
    touched by this run, every row from that client's recompute window onwards. Rows of those
    clients at or after the window start (the earliest `client_window_column` value of the
    client in the temporary relation) are deleted, then the temporary relation is inserted.
    Config: unique_key = the client column (default client_key), client_window_column. -#}
{% macro get_incremental_client_window_sql(arg_dict) -%}
    {{ return(adapter.dispatch('client_window_replace_sql', 'behavior_warehouse')(
        arg_dict['target_relation'],
        arg_dict['temp_relation'],
        arg_dict['unique_key'] or 'client_key',
        config.require('client_window_column'),
        arg_dict['dest_columns'],
    )) }}
{%- endmacro %}

{% macro duckdb__client_window_replace_sql(target, source, client_column, window_column, dest_columns) -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute='name')) -%}
    delete from {{ target }} as existing_rows
    using (
        select
            {{ client_column }} as window_client,
            min({{ window_column }}) as window_start
        from {{ source }}
        group by {{ client_column }}
    ) as client_windows
    where existing_rows.{{ client_column }} = client_windows.window_client
        and existing_rows.{{ window_column }} >= client_windows.window_start;

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }} from {{ source }}
{%- endmacro %}

{#- Delta Lake tables on Spark: DELETE with a correlated EXISTS, then INSERT. (dbt-spark's own
    incremental materialization does not call this: it runs client_window through
    macros/engine/spark_incremental.sql, which also handles plain Parquet tables.) -#}
{% macro spark__client_window_replace_sql(target, source, client_column, window_column, dest_columns) -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute='name')) -%}
    delete from {{ target }} as existing_rows
    where exists (
        select 1
        from (
            select {{ client_column }} as window_client, min({{ window_column }}) as window_start
            from {{ source }}
            group by {{ client_column }}
        ) as client_windows
        where existing_rows.{{ client_column }} = client_windows.window_client
            and existing_rows.{{ window_column }} >= client_windows.window_start
    );

    insert into {{ target }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }} from {{ source }}
{%- endmacro %}

{#- A JSON object text without the given top-level keys (null stays null). -#}
{% macro sessions_json_remove_keys(json_text, keys) -%}
    {{ return(adapter.dispatch('sessions_json_remove_keys', 'behavior_warehouse')(json_text, keys)) }}
{%- endmacro %}

{% macro duckdb__sessions_json_remove_keys(json_text, keys) -%}
    case
        when json_valid({{ json_text }}) and json_type({{ json_text }}) = 'OBJECT'
            then cast(json_merge_patch(
                {{ json_text }},
                '{ {%- for k in keys %}"{{ k }}": null{% if not loop.last %}, {% endif %}{% endfor -%} }'
            ) as varchar)
        else {{ json_text }}
    end
{%- endmacro %}

{#- Values are read as VARIANT so numbers, booleans and nested objects keep their JSON types. -#}
{% macro spark__sessions_json_remove_keys(json_text, keys) -%}
    case
        when from_json({{ json_text }}, 'map<string,variant>') is not null
            then to_json(map_filter(
                from_json({{ json_text }}, 'map<string,variant>'),
                (k, v) -> not array_contains(array({% for k in keys %}'{{ k }}'{% if not loop.last %}, {% endif %}{% endfor %}), k)
            ))
        else {{ json_text }}
    end
{%- endmacro %}

{#- Whole-value regex match against a pattern held in a column (channel group rules). -#}
{% macro sessions_regexp_full_match_column(expr, pattern_column) -%}
    {{ return(adapter.dispatch('sessions_regexp_full_match_column', 'behavior_warehouse')(expr, pattern_column)) }}
{%- endmacro %}

{% macro duckdb__sessions_regexp_full_match_column(expr, pattern_column) -%}
    regexp_full_match({{ expr }}, {{ pattern_column }})
{%- endmacro %}

{% macro spark__sessions_regexp_full_match_column(expr, pattern_column) -%}
    ({{ expr }} rlike concat('^(?:', {{ pattern_column }}, ')$'))
{%- endmacro %}

{#- A constant timestamp far in the past (empty-table watermark). -#}
{% macro sessions_epoch_timestamp() -%}
    cast('1900-01-01 00:00:00' as timestamp)
{%- endmacro %}

{#- last_value ignoring nulls, as a window function over `window_spec` (the text inside over()). -#}
{% macro sessions_last_value_ignore_nulls(expr, window_spec) -%}
    {{ return(adapter.dispatch('sessions_last_value_ignore_nulls', 'behavior_warehouse')(expr, window_spec)) }}
{%- endmacro %}

{% macro duckdb__sessions_last_value_ignore_nulls(expr, window_spec) -%}
    last_value({{ expr }} ignore nulls) over ({{ window_spec }})
{%- endmacro %}

{% macro spark__sessions_last_value_ignore_nulls(expr, window_spec) -%}
    last_value({{ expr }}, true) over ({{ window_spec }})
{%- endmacro %}

{#- Columns an event carries through the sessions models unchanged (staging names). -#}
{% macro sessions_event_columns() -%}
    {{ return([
        'event_id', 'event_type', 'event_name', 'screen_name', 'event_time', 'received_at', 'lateness_s',
        'user_id', 'anonymous_id', 'device_id', 'openid', 'unionid',
        'channel', 'device_type', 'device_os', 'page_url', 'page_path', 'page_host', 'page_title',
        'referrer_host', 'referrer_path',
        'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
        'product_id', 'category', 'price', 'quantity', 'order_id', 'revenue', 'currency', 'coupon',
        'discount', 'search_term', 'experiment_id', 'variant', 'properties', '_loaded_at',
    ]) }}
{%- endmacro %}
