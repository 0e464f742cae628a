{#- What persons who went on to step k did more than persons who dropped off after step k-1, per
    funnel and drop-off step k >= 2. Population: persons who reached step k-1. Observed span: from
    step_1_at up to (not including) step_k_at for converted persons, up to step_1_at + window
    (inclusive) for dropped-off persons. Items: event names (except step k's own event) and page
    paths. ratio = smoothed share of converted persons with the item / smoothed share of dropped-off
    persons with it ((with + 1) / (group + 2) each). The top var('funnel_dropoff_top_n') items by
    ratio per funnel, step and item type. -#}
{%- set funnels = analysis_funnels() -%}
{%- set n_steps = analysis_max_funnel_steps() -%}

with

funnel_persons as (
    select * from {{ ref('fct_funnel_persons') }}
),

events as (
    select * from {{ ref('fct_events') }}
    where person_id is not null
        and {{ analytics_consent_filter('person_id') }}
),

dropoff_steps as (
    {%- for f in funnels %}
        {%- set outer = loop %}
        {%- for s in f['steps'][1:] %}
            select
                '{{ f["name"] }}' as funnel_name,
                {{ loop.index + 1 }} as dropoff_step,
                '{{ s["label"] }}' as dropoff_step_name,
                '{{ s["event"] }}' as dropoff_event,
                cast({{ f['window_hours'] * 3600 }} as double) as window_seconds
            {%- if not (loop.last and outer.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- else %}
        -- no funnel configured: no drop-off steps
        select
            cast(null as {{ dbt.type_string() }}) as funnel_name,
            cast(null as {{ dbt.type_int() }}) as dropoff_step,
            cast(null as {{ dbt.type_string() }}) as dropoff_step_name,
            cast(null as {{ dbt.type_string() }}) as dropoff_event,
            cast(null as double) as window_seconds
        from funnel_persons
        where false
    {%- endfor %}
),

population as (
    select
        funnel_persons.funnel_name,
        funnel_persons.person_id,
        dropoff_steps.dropoff_step,
        dropoff_steps.dropoff_step_name,
        dropoff_steps.dropoff_event,
        funnel_persons.furthest_step >= dropoff_steps.dropoff_step as went_on,
        funnel_persons.step_1_at as span_start,
        case
            when funnel_persons.furthest_step >= dropoff_steps.dropoff_step
                then
                    case dropoff_steps.dropoff_step
                        {%- for k in range(2, n_steps + 1) %}
                            when {{ k }} then {{ analysis_epoch_seconds('funnel_persons.step_' ~ k ~ '_at') }}
                        {%- endfor %}
                    end
            else {{ analysis_epoch_seconds('funnel_persons.step_1_at') }} + dropoff_steps.window_seconds
        end as span_end_epoch
    from funnel_persons
    inner join dropoff_steps
        on funnel_persons.funnel_name = dropoff_steps.funnel_name
            and funnel_persons.furthest_step >= dropoff_steps.dropoff_step - 1
),

group_sizes as (
    select
        funnel_name,
        dropoff_step,
        dropoff_step_name,
        cast(sum(case when went_on then 1 else 0 end) as {{ dbt.type_bigint() }}) as converted_persons,
        cast(sum(case when went_on then 0 else 1 end) as {{ dbt.type_bigint() }}) as dropped_persons
    from population
    group by funnel_name, dropoff_step, dropoff_step_name
),

item_events as (
    select
        person_id,
        event_time,
        {{ analysis_epoch_seconds('event_time') }} as event_epoch,
        event_name,
        'event' as item_type,
        event_name as item
    from events
    union all
    select
        person_id,
        event_time,
        {{ analysis_epoch_seconds('event_time') }} as event_epoch,
        event_name,
        'page' as item_type,
        page_path as item
    from events
    where event_type = 'page' and page_path is not null
),

observed as (
    select distinct
        population.funnel_name,
        population.dropoff_step,
        population.person_id,
        population.went_on,
        item_events.item_type,
        item_events.item
    from population
    inner join item_events
        on population.person_id = item_events.person_id
            and population.span_start <= item_events.event_time
            and population.dropoff_event != item_events.event_name
            and (
                (population.went_on and population.span_end_epoch > item_events.event_epoch)
                or (not population.went_on and population.span_end_epoch >= item_events.event_epoch)
            )
),

item_counts as (
    select
        funnel_name,
        dropoff_step,
        item_type,
        item,
        cast(sum(case when went_on then 1 else 0 end) as {{ dbt.type_bigint() }}) as converted_persons_with_item,
        cast(sum(case when went_on then 0 else 1 end) as {{ dbt.type_bigint() }}) as dropped_persons_with_item
    from observed
    group by funnel_name, dropoff_step, item_type, item
),

scored as (
    select
        item_counts.funnel_name,
        item_counts.dropoff_step,
        group_sizes.dropoff_step_name,
        item_counts.item_type,
        item_counts.item,
        group_sizes.converted_persons,
        item_counts.converted_persons_with_item,
        group_sizes.dropped_persons,
        item_counts.dropped_persons_with_item,
        cast(item_counts.converted_persons_with_item as double) / nullif(group_sizes.converted_persons, 0) as converted_share,
        cast(item_counts.dropped_persons_with_item as double) / nullif(group_sizes.dropped_persons, 0) as dropped_share,
        ((item_counts.converted_persons_with_item + 1.0) / (group_sizes.converted_persons + 2.0))
        / ((item_counts.dropped_persons_with_item + 1.0) / (group_sizes.dropped_persons + 2.0)) as ratio
    from item_counts
    inner join group_sizes
        on item_counts.funnel_name = group_sizes.funnel_name
            and item_counts.dropoff_step = group_sizes.dropoff_step
),

ranked as (
    select
        scored.*,
        row_number() over (
            partition by funnel_name, dropoff_step, item_type
            order by ratio desc, converted_persons_with_item desc, item
        ) as item_rank
    from scored
),

final as (
    select * from ranked
    where item_rank <= {{ var('funnel_dropoff_top_n', 10) }}
)


select * from final
