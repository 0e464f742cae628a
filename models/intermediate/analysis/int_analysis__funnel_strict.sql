{#- Strict funnels: a chain is a run of CONSECUTIVE events of the person (all of the person's
    events, in time order) filling steps 1, 2, ... with every step within the window of the step-1
    event (inclusive). Events with equal timestamps are ordered by the lowest step they match
    (non-matching events last), then event_id, so ties count as in order. Each step-1 event starts
    a chain; lead() looks N-1 events ahead: O(N x events). The winning chain is the latest start
    reaching the furthest step. -#}
{%- set n_steps = analysis_max_funnel_steps() -%}

with

funnel_events as (
    select
        funnel_events.*,
        {{ analysis_epoch_seconds('funnel_events.event_time') }} as event_epoch
    from {{ ref('int_analysis__funnel_events') }} as funnel_events
    where funnel_events.funnel_order = 'strict'
),

ahead as (
    select
        funnel_name,
        person_id,
        event_id,
        event_time,
        event_epoch,
        window_seconds,
        m_1,
        {%- for k in range(2, n_steps + 1) %}
            lead(m_{{ k }}, {{ k - 1 }}) over person_order as m_{{ k }}_ahead,
            lead(event_epoch, {{ k - 1 }}) over person_order as epoch_{{ k }}_ahead,
            lead(event_time, {{ k - 1 }}) over person_order as time_{{ k }}_ahead,
        {%- endfor %}
        event_name
    from funnel_events
    window person_order as (
        partition by funnel_name, person_id
        order by event_time, coalesce(first_step, {{ n_steps + 1 }}), event_id
    )
),

-- ok_k: the (k-1)-th next event fills step k within the window of this step-1 event
step_ok as (
    select
        funnel_name,
        person_id,
        event_id,
        event_time,
        {%- for k in range(2, n_steps + 1) %}
            time_{{ k }}_ahead,
            coalesce(m_{{ k }}_ahead and epoch_{{ k }}_ahead <= event_epoch + window_seconds, false) as ok_{{ k }},
        {%- endfor %}
        m_1
    from ahead
),

chains as (
    select
        funnel_name,
        person_id,
        event_id,
        event_time as step_1_at,
        {%- for k in range(2, n_steps + 1) %}
            time_{{ k }}_ahead as step_{{ k }}_time,
        {%- endfor %}
        case
            {%- for k in range(2, n_steps + 1) %}
                when not ok_{{ k }} then {{ k - 1 }}
            {%- endfor %}
            else {{ n_steps }}
        end as furthest_step
    from step_ok
    where m_1
),

ranked as (
    select
        chains.*,
        row_number() over (
            partition by funnel_name, person_id
            order by furthest_step desc, step_1_at desc, event_id desc
        ) as chain_rank
    from chains
),

final as (
    select
        funnel_name,
        person_id,
        furthest_step,
        event_id as start_event_id,
        step_1_at,
        {%- for k in range(2, n_steps + 1) %}
            case when furthest_step >= {{ k }} then step_{{ k }}_time end as step_{{ k }}_at,
        {%- endfor %}
        case furthest_step
            when 1 then step_1_at
            {%- for k in range(2, n_steps + 1) %}
                when {{ k }} then step_{{ k }}_time
            {%- endfor %}
        end as last_step_at
    from ranked
    where chain_rank = 1
)

select * from final
