{#- The body of agg_retention / agg_retention_by_channel: cohort x period (0 .. periods) with
    cohort_size, retained_persons (returned in exactly period k), retained_persons_unbounded
    (returned in period k or later) and their rates; `group_column` adds a breakdown column of
    int_analysis__retention_cohorts (or none). -#}
{% macro analysis_retention_aggregate(group_column=none) -%}
{%- set analyses = analysis_retention_analyses() -%}
{%- set max_periods = [1] -%}
{%- for a in analyses if a['periods'] > max_periods[0] -%}{%- do max_periods.pop() -%}{%- do max_periods.append(a['periods']) -%}{%- endfor -%}
{%- set group_select = group_column ~ ',' if group_column else '' -%}

with

cohorts as (
    select * from {{ ref('int_analysis__retention_cohorts') }}
),

returns as (
    select * from {{ ref('int_analysis__retention_returns') }}
),

analysis_periods as (
    {%- for a in analyses %}
    select
        '{{ a["name"] }}' as analysis_name,
        {{ a['periods'] }} as periods
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as analysis_name,
        0 as periods
    from cohorts
    where false
),

period_numbers as (
    {%- for k in range(0, max_periods[0] + 1) %}
    select {{ k }} as period_number{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

person_last_return as (
    select
        analysis_name,
        person_id,
        max(period_number) as last_period_number
    from returns
    group by analysis_name, person_id
),

cohort_sizes as (
    select
        analysis_name,
        period,
        cohort_start,
        {{ group_select }}
        count(*) as cohort_size
    from cohorts
    group by analysis_name, period, cohort_start{% if group_column %}, {{ group_column }}{% endif %}
),

retained as (
    select
        cohorts.analysis_name,
        cohorts.cohort_start,
        {% if group_column %}cohorts.{{ group_column }},{% endif %}
        period_numbers.period_number,
        count(distinct returns.person_id) as retained_persons,
        count(distinct case when person_last_return.last_period_number >= period_numbers.period_number then cohorts.person_id end)
            as retained_persons_unbounded
    from cohorts
    inner join analysis_periods
        on cohorts.analysis_name = analysis_periods.analysis_name
    inner join period_numbers
        on period_numbers.period_number <= analysis_periods.periods
    left join person_last_return
        on cohorts.analysis_name = person_last_return.analysis_name
        and cohorts.person_id = person_last_return.person_id
    left join returns
        on cohorts.analysis_name = returns.analysis_name
        and cohorts.person_id = returns.person_id
        and period_numbers.period_number = returns.period_number
    group by cohorts.analysis_name, cohorts.cohort_start, {% if group_column %}cohorts.{{ group_column }}, {% endif %}period_numbers.period_number
),

final as (
    select
        retained.analysis_name,
        cohort_sizes.period,
        retained.cohort_start,
        {% if group_column %}retained.{{ group_column }},{% endif %}
        retained.period_number,
        case
            when cohort_sizes.period = 'week' then cast({{ dbt.dateadd('day', '7 * retained.period_number', 'retained.cohort_start') }} as date)
            else cast({{ dbt.dateadd('day', 'retained.period_number', 'retained.cohort_start') }} as date)
        end as period_start,
        cohort_sizes.cohort_size,
        retained.retained_persons,
        retained.retained_persons_unbounded,
        cast(retained.retained_persons as double) / cohort_sizes.cohort_size as retention_rate,
        cast(retained.retained_persons_unbounded as double) / cohort_sizes.cohort_size as retention_rate_unbounded
    from retained
    inner join cohort_sizes
        on retained.analysis_name = cohort_sizes.analysis_name
        and retained.cohort_start = cohort_sizes.cohort_start
        {%- if group_column %}
        and retained.{{ group_column }} = cohort_sizes.{{ group_column }}
        {%- endif %}
)

select * from final
{%- endmacro %}
