{#- The path item of an event (docs/analysis.md, Paths): the page path for page views, the screen
    name for screens, else the event name. One definition for the incremental session paths and
    the table form path_items keeps for the exclude_withdrawn consent policy. -#}
{% macro path_item() -%}
    coalesce(
        case
            when event_type = 'page' then page_path
            when event_type = 'screen' then screen_name
        end,
        event_name,
        event_type
    )
{%- endmacro %}
