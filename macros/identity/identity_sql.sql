{#- Small engine-specific helpers of the identity graph. -#}

{#- Distinct non-null values of a string column of a group, sorted, joined with `separator`. -#}
{% macro identity_sorted_distinct_list(expr, separator=';') -%}
    {{ return(adapter.dispatch('identity_sorted_distinct_list', 'behavior_warehouse')(expr, separator)) }}
{%- endmacro %}

{% macro duckdb__identity_sorted_distinct_list(expr, separator) -%}
    string_agg(distinct {{ expr }}, '{{ separator }}' order by {{ expr }})
{%- endmacro %}

{% macro spark__identity_sorted_distinct_list(expr, separator) -%}
    nullif(concat_ws('{{ separator }}', array_sort(collect_set({{ expr }}))), '')
{%- endmacro %}

{#- Priority rank of an identifier type (1 = strongest): strong types first, then weak, in the
    order of the identity_strong_types / identity_weak_types vars. -#}
{% macro identity_type_priority(type_expr) -%}
    case {{ type_expr }}
        {%- for t in var('identity_strong_types') + var('identity_weak_types') %}
        when '{{ t }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}

{% macro identity_type_strength(type_expr) -%}
    case
        when {{ type_expr }} in ({{ _identity_quoted(var('identity_strong_types')) }}) then 'strong'
        when {{ type_expr }} in ({{ _identity_quoted(var('identity_weak_types')) }}) then 'weak'
    end
{%- endmacro %}

{% macro _identity_quoted(values) -%}
    {%- for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor -%}
{%- endmacro %}

{#- The stable person id of a person whose anchor identifier is (type, value). -#}
{% macro identity_person_id(type_expr, value_expr) -%}
    'p_' || md5({{ type_expr }} || ':' || {{ value_expr }})
{%- endmacro %}
