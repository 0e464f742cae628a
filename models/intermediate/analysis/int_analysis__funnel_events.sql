{#- The events of every configured funnel (var `funnels`), one row per funnel x event: the events
    that match a step or an exclusion of the funnel, and for strict funnels every event of the
    person (any other event between two steps breaks a strict chain). m_k: the event matches step k
    (always false beyond the funnel's length). Events without a person are left out. -#}
{%- set funnels = analysis_funnels() -%}
{%- set n_steps = analysis_max_funnel_steps() -%}
{%- set breakdowns = analysis_funnel_breakdowns() -%}

with

events as (
    select * from {{ ref('fct_events') }}
    where person_id is not null
        and {{ analytics_consent_filter('person_id') }}
),

matched as (
    {%- for f in funnels %}
        {%- set n = f['steps'] | length %}
        select
            '{{ f["name"] }}' as funnel_name,
            '{{ f["order"] }}' as funnel_order,
            {{ n }} as step_count,
            cast({{ f['window_hours'] * 3600 }} as double) as window_seconds,
            person_id,
            event_id,
            event_time,
            {%- for k in range(1, n_steps + 1) %}
                {%- if k <= n %}
                    coalesce({{ f['steps'][k - 1]['predicate'] }}, false) as m_{{ k }},
                {%- else %}
                    false as m_{{ k }},
                {%- endif %}
            {%- endfor %}
            {%- if f['exclusions'] %}
                coalesce(
                    {%- for x in f['exclusions'] %}
                        {{ x['predicate'] }}{% if not loop.last %} or{% endif %}
                    {%- endfor %}, false
                ) as is_exclusion,
            {%- else %}
                false as is_exclusion,
            {%- endif %}
            {%- for b in breakdowns if b in analysis_event_columns() %}
                {%- if b in f['breakdowns'] %}
                    cast({{ b }} as {{ dbt.type_string() }}) as {{ analysis_breakdown_column(b) }},
                {%- else %}
                    cast(null as {{ dbt.type_string() }}) as {{ analysis_breakdown_column(b) }},
                {%- endif %}
            {%- endfor %}
            event_name
        from events
        {%- if f['order'] != 'strict' %}
            where
                {%- for s in f['steps'] %}
                    {{ s['predicate'] }}{% if not loop.last %} or{% endif %}
                {%- endfor %}
                {%- for x in f['exclusions'] %}
                    or {{ x['predicate'] }}
                {%- endfor %}
        {%- endif %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        -- no funnel configured: an empty relation with the same columns
        select
            cast(null as {{ dbt.type_string() }}) as funnel_name,
            cast(null as {{ dbt.type_string() }}) as funnel_order,
            cast(null as {{ dbt.type_int() }}) as step_count,
            cast(null as double) as window_seconds,
            person_id,
            event_id,
            event_time,
            {%- for k in range(1, n_steps + 1) %}
                false as m_{{ k }},
            {%- endfor %}
            false as is_exclusion,
            {%- for b in breakdowns if b in analysis_event_columns() %}
                cast(null as {{ dbt.type_string() }}) as {{ analysis_breakdown_column(b) }},
            {%- endfor %}
            event_name
        from events
        where false
    {%- endfor %}
),

final as (
    select
        funnel_name,
        funnel_order,
        step_count,
        window_seconds,
        person_id,
        event_id,
        event_time,
        {%- for k in range(1, n_steps + 1) %}
            m_{{ k }},
        {%- endfor %}
        is_exclusion,
        case
            {%- for k in range(1, n_steps + 1) %}
                when m_{{ k }} then {{ k }}
            {%- endfor %}
        end as first_step,
        {%- for b in breakdowns if b in analysis_event_columns() %}
            {{ analysis_breakdown_column(b) }},
        {%- endfor %}
        event_name
    from matched
)


select * from final
