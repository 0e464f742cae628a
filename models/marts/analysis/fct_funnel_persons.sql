{#- One row per funnel x person who entered it (did a step-1 event; for unordered funnels, any
    step): the furthest step of the person's best chain, its step times and breakdown values (on
    the step-1 event of that chain). Persons whose chain has an exclusion event strictly between
    its first and last step are left out. docs/analysis.md has the exact semantics. -#}
{%- set funnels = analysis_funnels() -%}
{%- set n_steps = analysis_max_funnel_steps() -%}
{%- set breakdowns = analysis_funnel_breakdowns() -%}
{%- set person_breakdowns = [] -%}
{%- for b in breakdowns if b.startswith('person.') -%}{%- do person_breakdowns.append(b) -%}{%- endfor -%}

with

funnel_events as (
    select * from {{ ref('int_analysis__funnel_events') }}
),

ordered_chains as (
    select * from {{ ref('int_analysis__funnel_ordered') }}
),

strict_chains as (
    select * from {{ ref('int_analysis__funnel_strict') }}
),

unordered_chains as (
    select * from {{ ref('int_analysis__funnel_unordered') }}
),

{%- if 'first_touch_utm_source' in breakdowns or 'first_touch_channel' in breakdowns %}

    events as (
        select * from {{ ref('fct_events') }}
        where person_id is not null
            and {{ analytics_consent_filter('person_id') }}
    ),
{%- endif %}

{%- if 'first_touch_utm_source' in breakdowns %}

    first_touch_ranked as (
        select
            person_id,
            utm_source,
            row_number() over (partition by person_id order by event_time, event_id) as touch_rank
        from events
        where utm_source is not null
    ),

    first_touch_source as (
        select
            person_id,
            utm_source as first_touch_utm_source
        from first_touch_ranked
        where touch_rank = 1
    ),
{%- endif %}

{%- if 'first_touch_channel' in breakdowns %}

    first_channel_ranked as (
        select
            person_id,
            channel,
            row_number() over (partition by person_id order by event_time, event_id) as touch_rank
        from events
        where channel is not null
    ),

    first_touch_channel as (
        select
            person_id,
            channel as first_touch_channel
        from first_channel_ranked
        where touch_rank = 1
    ),
{%- endif %}

{%- if person_breakdowns %}

persons as (
    select * from {{ ref('dim_persons') }}
),
{%- endif %}

chains as (
    select * from ordered_chains
    union all
    select * from strict_chains
    union all
    select * from unordered_chains
),

excluded as (
    select distinct
        chains.funnel_name,
        chains.person_id
    from chains
    inner join funnel_events
        on chains.funnel_name = funnel_events.funnel_name
            and chains.person_id = funnel_events.person_id
            and funnel_events.is_exclusion
            and chains.step_1_at < funnel_events.event_time
            and chains.last_step_at > funnel_events.event_time
),

final as (
    select
        chains.funnel_name,
        chains.person_id,
        chains.furthest_step,
        start_event.step_count,
        chains.furthest_step = start_event.step_count as converted,
        chains.start_event_id,
        {%- for k in range(1, n_steps + 1) %}
            chains.step_{{ k }}_at,
        {%- endfor %}
        chains.last_step_at,
        {%- for b in breakdowns %}
            {%- if b in analysis_event_columns() %}
                start_event.{{ analysis_breakdown_column(b) }},
            {%- elif b.startswith('person.') %}
                case
                    when start_event.funnel_name in ({{ analysis_funnels_with_breakdown(b) }})
                        then cast(persons.{{ b[7:] }} as {{ dbt.type_string() }})
                end as {{ analysis_breakdown_column(b) }},
            {%- else %}
                case
                    when start_event.funnel_name in ({{ analysis_funnels_with_breakdown(b) }})
                        then {{ b }}.{{ b }}
                end as {{ analysis_breakdown_column(b) }},
            {%- endif %}
        {%- endfor %}
        start_event.funnel_order
    from chains
    inner join funnel_events as start_event
        on chains.funnel_name = start_event.funnel_name
            and chains.start_event_id = start_event.event_id
            and chains.person_id = start_event.person_id
    {%- if 'first_touch_utm_source' in breakdowns %}
        left join first_touch_source as first_touch_utm_source
            on chains.person_id = first_touch_utm_source.person_id
    {%- endif %}
    {%- if 'first_touch_channel' in breakdowns %}
        left join first_touch_channel
            on chains.person_id = first_touch_channel.person_id
    {%- endif %}
    {%- if person_breakdowns %}
    left join persons
        on chains.person_id = persons.person_id
    {%- endif %}
    left join excluded
        on chains.funnel_name = excluded.funnel_name
            and chains.person_id = excluded.person_id
    where excluded.person_id is null
)

select * from final
