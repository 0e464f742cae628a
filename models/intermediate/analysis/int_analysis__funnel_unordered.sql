{#- Unordered funnels: the most distinct steps done within any window [t, t + window] (inclusive)
    anchored at one of the person's step events (an optimal window can always start at an event).
    Each event counts for the lowest-numbered step it matches (one event fills at most one step).
    For each anchor and step j, the next time step j is done at or after the anchor is a window
    min over the person's events: one sort, O(N x events). The winning window is the latest anchor
    with the most steps; step_k_at is the time by which k distinct steps were done in it. -#}
{%- set n_steps = analysis_max_funnel_steps() -%}

with

funnel_events as (
    select
        funnel_events.*,
        {{ analysis_epoch_seconds('funnel_events.event_time') }} as event_epoch
    from {{ ref('int_analysis__funnel_events') }} as funnel_events
    where funnel_events.funnel_order = 'unordered' and funnel_events.first_step is not null
),

next_done as (
    select
        funnel_name,
        person_id,
        event_id,
        event_time,
        event_epoch,
        window_seconds,
        {%- for k in range(1, n_steps + 1) %}
            min(case when first_step = {{ k }} then event_epoch end) over following_events as next_{{ k }},
            min(case when first_step = {{ k }} then event_time end) over following_events as next_time_{{ k }},
        {%- endfor %}
        first_step
    from funnel_events
    window following_events as (
        partition by funnel_name, person_id
        order by event_epoch
        range between current row and unbounded following
    )
),

in_window as (
    select
        funnel_name,
        person_id,
        event_id,
        event_time,
        event_epoch,
        {%- for k in range(1, n_steps + 1) %}
            case when next_{{ k }} <= event_epoch + window_seconds then next_time_{{ k }} end as done_{{ k }},
        {%- endfor %}
        first_step
    from next_done
),

counted as (
    select
        in_window.*,
        0
        {%- for k in range(1, n_steps + 1) %}
            + case when done_{{ k }} is not null then 1 else 0 end
        {%- endfor %}
            as furthest_step
    from in_window
),

ranked as (
    select
        counted.*,
        row_number() over (
            partition by funnel_name, person_id
            order by furthest_step desc, event_epoch desc, event_id desc
        ) as window_rank
    from counted
),

-- step_k_at: the least done_j such that at least k distinct steps were done by then
final as (
    select
        funnel_name,
        person_id,
        furthest_step,
        event_id as start_event_id,
        {%- for k in range(1, n_steps + 1) %}
            least(
                {%- for j in range(1, n_steps + 1) %}
                    case
                        when done_{{ j }} is not null and (
                                {%- for i in range(1, n_steps + 1) %}
                                    case when done_{{ i }} <= done_{{ j }} then 1 else 0 end{% if not loop.last %} +{% endif %}
                                {%- endfor %}
                            ) >= {{ k }} then done_{{ j }}
                    end{% if not loop.last %},{% endif %}
                {%- endfor %}
            ) as step_{{ k }}_at,
        {%- endfor %}
        greatest(
            {%- for j in range(1, n_steps + 1) %}
                done_{{ j }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as last_step_at
    from ranked
    where window_rank = 1
)

select * from final
