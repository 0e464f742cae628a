{#- The landing directory (BEHAVIOR_RAW_DIR through the raw_dir var), without a trailing slash. -#}
{% macro landing_dir() -%}
    {%- set dir = var('raw_dir') | string | trim -%}
    {%- if dir | length > 1 and dir.endswith('/') -%}{%- set dir = dir[:-1] -%}{%- endif -%}
    {{ return(dir) }}
{%- endmacro %}

{#- Files in a landing sub-folder whose names end with one of `suffixes`, as paths relative to the
    landing directory ('events/events_20261001_web.jsonl'), sorted. Missing folder: empty list.
    Only known at execution time; at parse time it is empty. -#}
{% macro landing_files(subdir, suffixes) -%}
    {{ return(adapter.dispatch('landing_files', 'behavior_warehouse')(subdir, suffixes)) }}
{%- endmacro %}

{% macro duckdb__landing_files(subdir, suffixes) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set root = landing_dir() -%}
    {%- set listing -%}
        select file from glob('{{ root }}/{{ subdir }}/*') order by file
    {%- endset -%}
    {%- set found = [] -%}
    {%- for row in run_query(listing).rows -%}
        {%- set relative = row[0][(root | length) + 1:] -%}
        {%- for suffix in suffixes -%}
            {%- if relative.endswith(suffix) -%}{%- do found.append(relative) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- Spark lists files through the Hadoop file system; the caller passes the folder to the reader. -#}
{% macro spark__landing_files(subdir, suffixes) -%}
    {{ return(['__spark_reads_folder__']) }}
{%- endmacro %}

{#- Files already recorded in `relation.column` (for loading only new files incrementally). -#}
{% macro loaded_landing_files(relation, column) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query('select distinct ' ~ column ~ ' from ' ~ relation).rows -%}
    {{ return(rows | map(attribute=0) | list) }}
{%- endmacro %}

{% macro sql_string_list(values) -%}
    [{% for v in values %}'{{ v | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %}]
{%- endmacro %}
