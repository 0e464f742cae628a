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

{#- Spark: the text reader (one line = one record, .gz decompressed), so malformed JSON is
    parsed in the model and quarantined exactly as on DuckDB. Line numbers follow the scan order
    within each file (monotonically_increasing_id grows with the offset in a file). -#}
{% macro spark__read_landing_json_lines(files) -%}
    {%- if files | length == 0 or not execute -%}
        select
            cast(null as string) as source_file,
            cast(null as bigint) as line_number,
            cast(null as string) as raw_record,
            cast(null as string) as source_format
        where false
    {%- else -%}
        {%- set view = spark_landing_view('jsonl', 'text', files) -%}
        select
            source_file,
            line_number,
            raw_record,
            'jsonl' as source_format
        from (
            select
                source_file,
                row_number() over (partition by source_file order by file_row) as line_number,
                raw_record
            from (
                select
                    regexp_extract(input_file_name(), '/(events/[^/]+)$', 1) as source_file,
                    monotonically_increasing_id() as file_row,
                    value as raw_record
                from {{ view }}
            ) as scanned
        ) as numbered
        where raw_record is not null and trim(raw_record) <> ''
    {%- endif -%}
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

{#- Spark: the Parquet reader with mergeSchema (union by name); each row becomes a JSON object
    text with to_json (null fields are left out, which reads the same). -#}
{% macro spark__read_landing_parquet_rows(files) -%}
    {%- if files | length == 0 or not execute -%}
        select
            cast(null as string) as source_file,
            cast(null as bigint) as line_number,
            cast(null as string) as raw_record,
            cast(null as string) as source_format
        where false
    {%- else -%}
        {%- set view = spark_landing_view('parquet', 'parquet', files, {'mergeSchema': 'true'}) -%}
        select
            source_file,
            row_number() over (partition by source_file order by file_row) as line_number,
            raw_record,
            'parquet' as source_format
        from (
            select
                regexp_extract(input_file_name(), '/(events/[^/]+)$', 1) as source_file,
                monotonically_increasing_id() as file_row,
                to_json(struct(parquet_row.*)) as raw_record
            from {{ view }} as parquet_row
        ) as scanned
    {%- endif -%}
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

{#- Spark: the CSV reader with a header, every column as text; columns missing from a file are
    null (by name, like DuckDB's union_by_name); line 1 is the header. -#}
{% macro spark__read_landing_csv(subdir, columns) -%}
    {%- set files = landing_files(subdir, ['.csv', '.csv.gz']) -%}
    {%- if files | length == 0 or not execute -%}
        select
            {% for c in columns %}cast(null as string) as {{ c }},
            {% endfor %}cast(null as string) as source_file,
            cast(null as bigint) as line_number
        where false
    {%- else -%}
        {%- set view = spark_landing_view(subdir, 'csv', files, {
            'header': 'true', 'inferSchema': 'false', 'quote': '"', 'escape': '"',
            'multiLine': 'true', 'mode': 'PERMISSIVE', 'enforceSchema': 'false'}) -%}
        {%- set present = run_query('select * from ' ~ view ~ ' limit 0').column_names | map('lower') | list -%}
        select
            {% for c in columns %}{% if c | lower in present %}cast({{ c }} as string){% else %}cast(null as string){% endif %} as {{ c }},
            {% endfor %}source_file,
            row_number() over (partition by source_file order by file_row) + 1 as line_number
        from (
            select
                *,
                regexp_extract(input_file_name(), '/({{ subdir }}/[^/]+)$', 1) as source_file,
                monotonically_increasing_id() as file_row
            from {{ view }}
        ) as csv_rows
    {%- endif -%}
{%- endmacro %}
