{#- Raw landing files as rows: (source_file, line_number, raw_record, source_format).
    JSON-lines files are read line by line as text so that one malformed line becomes one
    quarantine row instead of failing the load; Parquet rows are turned into the same JSON shape.
    Blank lines carry no record and are skipped (they still count in line_number). -#}

{% macro read_landing_json_lines(files) -%}
    {{ return(adapter.dispatch('read_landing_json_lines', 'behavior_warehouse')(files)) }}
{%- endmacro %}

{% macro duckdb__read_landing_json_lines(files) -%}
    {%- set root = landing_dir() -%}
    {%- if files | length == 0 -%}
        select
            cast(null as varchar) as source_file,
            cast(null as bigint) as line_number,
            cast(null as varchar) as raw_record,
            cast(null as varchar) as source_format
        where false
    {%- else -%}
        select
            source_file,
            line_number,
            raw_record,
            'jsonl' as source_format
        from (
            select
                source_file,
                file_row - min(file_row) over (partition by source_file) + 1 as line_number,
                raw_record
            from (
            select
                substr(filename, {{ (root | length) + 2 }}) as source_file,
                -- a streaming row_number over the scan keeps file order: the physical line number
                row_number() over () as file_row,
                raw_record
            from read_csv(
                [{% for f in files %}'{{ root }}/{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %}],
                columns = {'raw_record': 'VARCHAR'},
                header = false,
                delim = '\x1e',
                quote = '',
                escape = '',
                auto_detect = false,
                strict_mode = false,
                filename = true
            )
            ) as scanned
        ) as numbered
        where raw_record is not null and trim(raw_record) <> ''
    {%- endif -%}
{%- endmacro %}

{% macro spark__read_landing_json_lines(files) -%}
    select
        regexp_extract(input_file_name(), '(events/[^/]+)$', 1) as source_file,
        cast(null as bigint) as line_number,
        value as raw_record,
        'jsonl' as source_format
    from text.`{{ landing_dir() }}/events/`
    where trim(value) <> ''
{%- endmacro %}

{% macro read_landing_parquet_rows(files) -%}
    {{ return(adapter.dispatch('read_landing_parquet_rows', 'behavior_warehouse')(files)) }}
{%- endmacro %}

{% macro duckdb__read_landing_parquet_rows(files) -%}
    {%- set root = landing_dir() -%}
    {%- if files | length == 0 -%}
        select
            cast(null as varchar) as source_file,
            cast(null as bigint) as line_number,
            cast(null as varchar) as raw_record,
            cast(null as varchar) as source_format
        where false
    {%- else -%}
        select
            substr(parquet_row.filename, {{ (root | length) + 2 }}) as source_file,
            parquet_row.file_row_number + 1 as line_number,
            json_merge_patch(
                to_json(parquet_row), '{"filename": null, "file_row_number": null}'
            )::varchar as raw_record,
            'parquet' as source_format
        from read_parquet(
            [{% for f in files %}'{{ root }}/{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %}],
            filename = true,
            file_row_number = true,
            union_by_name = true
        ) as parquet_row
    {%- endif -%}
{%- endmacro %}

{% macro spark__read_landing_parquet_rows(files) -%}
    select
        cast(null as string) as source_file,
        cast(null as bigint) as line_number,
        cast(null as string) as raw_record,
        'parquet' as source_format
    where false
{%- endmacro %}

{#- A CSV landing folder (crm_customers, consent) with every column as text, plus source_file
    and line_number. An empty or missing folder gives an empty relation with the same columns. -#}
{% macro read_landing_csv(subdir, columns) -%}
    {{ return(adapter.dispatch('read_landing_csv', 'behavior_warehouse')(subdir, columns)) }}
{%- endmacro %}

{% macro duckdb__read_landing_csv(subdir, columns) -%}
    {%- set root = landing_dir() -%}
    {%- set files = landing_files(subdir, ['.csv', '.csv.gz']) -%}
    {%- if files | length == 0 -%}
        select
            {% for c in columns %}cast(null as varchar) as {{ c }},
            {% endfor %}cast(null as varchar) as source_file,
            cast(null as bigint) as line_number
        where false
    {%- else -%}
        select
            {% for c in columns %}{{ c }},
            {% endfor %}substr(filename, {{ (root | length) + 2 }}) as source_file,
            -- line 1 is the header; a streaming row_number keeps file order
            file_row - min(file_row) over (partition by filename) + 2 as line_number
        from (
            select
                *,
                row_number() over () as file_row
            from read_csv(
                [{% for f in files %}'{{ root }}/{{ f }}'{% if not loop.last %}, {% endif %}{% endfor %}],
                header = true,
                delim = ',',
                quote = '"',
                escape = '"',
                all_varchar = true,
                union_by_name = true,
                strict_mode = false,
                null_padding = true,
                filename = true
            )
        ) as csv_rows
    {%- endif -%}
{%- endmacro %}

{% macro spark__read_landing_csv(subdir, columns) -%}
    select
        {% for c in columns %}cast({{ c }} as string) as {{ c }},
        {% endfor %}regexp_extract(input_file_name(), '([^/]+/[^/]+)$', 1) as source_file,
        cast(null as bigint) as line_number
    from csv.`{{ landing_dir() }}/{{ subdir }}/`
{%- endmacro %}
