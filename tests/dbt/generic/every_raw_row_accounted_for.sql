{#- Every raw event row that landed is either staged (stg_tracking__events) or quarantined
    (audit_quarantined_events), and never both; rows purged by event_retention_days (tombstones
    with reason `expired`) are in neither. Returns the rows that break it. -#}
{% test every_raw_row_accounted_for(model) %}

with

raw_rows as (
    select _source_file, _line_number from {{ ref('stg_tracking__raw_rows') }}
    where reject_reason is distinct from 'expired'
),

staged as (
    select _source_file, _line_number from {{ model }}
),

quarantined as (
    select source_file as _source_file, line_number as _line_number
    from {{ ref('audit_quarantined_events') }}
),

outcomes as (
    select _source_file, _line_number, 'staged' as outcome from staged
    union all
    select _source_file, _line_number, 'quarantined' as outcome from quarantined
),

per_row as (
    select
        raw_rows._source_file,
        raw_rows._line_number,
        count(outcomes.outcome) as outcomes
    from raw_rows
    left join outcomes
        on raw_rows._source_file = outcomes._source_file
        and raw_rows._line_number = outcomes._line_number
    group by raw_rows._source_file, raw_rows._line_number
),

orphan_outcomes as (
    select outcomes._source_file, outcomes._line_number, 0 as outcomes
    from outcomes
    left join raw_rows
        on outcomes._source_file = raw_rows._source_file
        and outcomes._line_number = raw_rows._line_number
    where raw_rows._source_file is null
)

select * from per_row where outcomes <> 1
union all
select * from orphan_outcomes

{% endtest %}
