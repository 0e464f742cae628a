{#- One row per funnel x breakdown value x step: persons who reached the step (furthest_step >= k),
    conversion from step 1 and from the previous step, and the median / average seconds from the
    previous step (positive durations only). breakdown = 'all' and breakdown_value = 'all' is the
    funnel total; every configured breakdown of the funnel adds its own rows (a null value is
    shown as '(none)'). -#}
{%- set funnels = analysis_funnels() -%}
{%- set n_steps = analysis_max_funnel_steps() -%}

with

funnel_persons as (
    select * from {{ ref('fct_funnel_persons') }}
),

funnel_steps as (
    {%- for f in funnels %}
        {%- for s in f['steps'] %}
            select
                '{{ f["name"] }}' as funnel_name,
                {{ loop.index }} as step_number,
                '{{ s["label"] }}' as step_name
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- else %}
        -- no funnel configured: no steps
        select
            cast(null as {{ dbt.type_string() }}) as funnel_name,
            cast(null as {{ dbt.type_int() }}) as step_number,
            cast(null as {{ dbt.type_string() }}) as step_name
        from funnel_persons
        where false
    {%- endfor %}
),

person_breakdowns as (
    select
        funnel_persons.*,
        'all' as breakdown,
        'all' as breakdown_value
    from funnel_persons
    {%- for f in funnels %}
        {%- for b in f['breakdowns'] %}
            union all
            select
                funnel_persons.*,
                '{{ b }}' as breakdown,
                coalesce({{ analysis_breakdown_column(b) }}, '(none)') as breakdown_value
            from funnel_persons
            where funnel_name = '{{ f["name"] }}'
        {%- endfor %}
    {%- endfor %}
),

person_steps as (
    select
        person_breakdowns.funnel_name,
        person_breakdowns.breakdown,
        person_breakdowns.breakdown_value,
        person_breakdowns.person_id,
        funnel_steps.step_number,
        funnel_steps.step_name,
        case funnel_steps.step_number
            {%- for k in range(2, n_steps + 1) %}
                when {{ k }} then {{ seconds_between('person_breakdowns.step_' ~ (k - 1) ~ '_at', 'person_breakdowns.step_' ~ k ~ '_at') }}
            {%- endfor %}
        end as seconds_from_previous
    from person_breakdowns
    inner join funnel_steps
        on person_breakdowns.funnel_name = funnel_steps.funnel_name
            and person_breakdowns.furthest_step >= funnel_steps.step_number
),

step_counts as (
    select
        funnel_name,
        breakdown,
        breakdown_value,
        step_number,
        step_name,
        count(*) as persons,
        {{ analysis_median('case when seconds_from_previous > 0 then seconds_from_previous end') }} as median_seconds_from_previous,
        avg(case when seconds_from_previous > 0 then seconds_from_previous end) as avg_seconds_from_previous
    from person_steps
    group by funnel_name, breakdown, breakdown_value, step_number, step_name
),

-- every step of every breakdown value, also the steps nobody reached (persons = 0)
step_grid as (
    select distinct
        step_counts.funnel_name,
        step_counts.breakdown,
        step_counts.breakdown_value,
        funnel_steps.step_number,
        funnel_steps.step_name
    from step_counts
    inner join funnel_steps
        on step_counts.funnel_name = funnel_steps.funnel_name
),

filled as (
    select
        step_grid.funnel_name,
        step_grid.breakdown,
        step_grid.breakdown_value,
        step_grid.step_number,
        step_grid.step_name,
        coalesce(step_counts.persons, 0) as persons,
        step_counts.median_seconds_from_previous,
        step_counts.avg_seconds_from_previous
    from step_grid
    left join step_counts
        on step_grid.funnel_name = step_counts.funnel_name
            and step_grid.breakdown = step_counts.breakdown
            and step_grid.breakdown_value = step_counts.breakdown_value
            and step_grid.step_number = step_counts.step_number
),

final as (
    select
        funnel_name,
        breakdown,
        breakdown_value,
        step_number,
        step_name,
        persons,
        cast(persons as double) / nullif(
            max(case when step_number = 1 then persons end) over (partition by funnel_name, breakdown, breakdown_value), 0
        ) as conversion_from_start,
        cast(persons as double) / nullif(
            lag(persons) over (partition by funnel_name, breakdown, breakdown_value order by step_number), 0
        ) as conversion_from_previous,
        median_seconds_from_previous,
        avg_seconds_from_previous
    from filled
)


select * from final
