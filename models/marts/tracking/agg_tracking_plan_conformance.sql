{#- How well tracking follows the tracking plan (埋点方案), per event name and channel: volume,
    whether the event is in the plan, and how many events miss or mistype a required property. -#}
with

events as (
    select * from {{ ref('stg_tracking__events') }}
),

plan as (
    select * from {{ ref('tracking_plan') }}
),

planned_events as (
    select distinct event_name from plan
),

required_properties as (
    select
        event_name,
        property,
        property_type
    from plan
    where property is not null and cast(required as {{ dbt.type_boolean() }})
),

property_checks as (
    select
        events.event_id,
        required_properties.property,
        required_properties.property_type,
        {{ json_value_type('events.properties', "'$.' || required_properties.property") }} as actual_type
    from events
    inner join required_properties
        on events.event_name = required_properties.event_name
),

event_issues as (
    select
        event_id,
        max(case when actual_type is null or actual_type = 'null' then 1 else 0 end) as has_missing,
        max(case
            when actual_type is null or actual_type = 'null' then 0
            when property_type = 'string' and actual_type <> 'string' then 1
            when property_type = 'number' and actual_type not in ('number', 'integer') then 1
            when property_type = 'integer' and actual_type <> 'integer' then 1
            when property_type = 'boolean' and actual_type <> 'boolean' then 1
            else 0
        end) as has_mistyped,
        {{ dbt.listagg(
            "case when actual_type is null or actual_type = 'null' then property end",
            "','", "order by property") }} as missing_properties
    from property_checks
    group by 1
),

final as (
    select
        events.event_name,
        coalesce(events.channel, 'unknown') as channel,
        planned_events.event_name is not null as in_plan,
        count(*) as events,
        sum(coalesce(event_issues.has_missing, 0)) as events_missing_required,
        sum(coalesce(event_issues.has_mistyped, 0)) as events_mistyped,
        sum(case
            when planned_events.event_name is not null
                and coalesce(event_issues.has_missing, 0) = 0
                and coalesce(event_issues.has_mistyped, 0) = 0 then 1
            else 0
        end) * 1.0 / count(*) as conformant_share,
        min(events.event_time) as first_seen_at,
        max(events.event_time) as last_seen_at
    from events
    left join planned_events
        on events.event_name = planned_events.event_name
    left join event_issues
        on events.event_id = event_issues.event_id
    group by 1, 2, 3
)

select * from final
