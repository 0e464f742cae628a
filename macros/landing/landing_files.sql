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

{#- Spark lists the landing directory through its binaryFile source (only the path column is
    read, never the contents); a missing sub-folder simply has no files. -#}
{% macro spark__landing_files(subdir, suffixes) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- do run_query(
        "create or replace temporary view behavior_landing_listing using binaryFile options (path '"
        ~ landing_dir() ~ "', recursiveFileLookup 'true')") -%}
    {%- set listing -%}
        select distinct regexp_extract(path, '/({{ subdir }}/[^/]+)$', 1) as file
        from behavior_landing_listing
        where path rlike '/{{ subdir }}/[^/]+$'
        order by file
    {%- endset -%}
    {%- set found = [] -%}
    {%- for row in run_query(listing).rows -%}
        {%- for suffix in suffixes -%}
            {%- if row[0].endswith(suffix) -%}{%- do found.append(row[0]) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{#- Spark reads a set of landing files through one temporary view over a Hadoop glob
    ('<root>/{events/a.jsonl,events/b.jsonl}') with the given reader and options; returns the
    view's name. A file name with a glob or quote character stops the run with a clear error. -#}
{% macro spark_landing_view(name, reader, files, options={}) -%}
    {%- set view = 'behavior_landing_' ~ this.identifier ~ '_' ~ name -%}
    {%- for f in files -%}
        {%- for bad in ['{', '}', '[', ']', '*', '?', ',', "'", '\\'] -%}
            {%- if bad in f -%}
                {%- do exceptions.raise_compiler_error(
                    'landing file ' ~ f ~ ' has a character (' ~ bad ~ ') Spark reads as a glob or '
                    ~ 'quote; rename it') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set ddl -%}
        create or replace temporary view {{ view }}
        using {{ reader }}
        options (
            path '{{ landing_dir() }}/{{ '{' ~ (files | join(',')) ~ '}' }}'
            {%- for key, value in options.items() %},
            {{ key }} '{{ value }}'
            {%- endfor %}
        )
    {%- endset -%}
    {%- do run_query(ddl) -%}
    {{ return(view) }}
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
