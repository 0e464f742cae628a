{#- One identifier (typed). node_id orders identifiers by first sight, then type priority, then
    value, so the smallest node_id of a component is its anchor (the person id source). -#}

with

observations as (
    select * from {{ ref('int_identity__observations') }}
),

per_identifier as (
    select
        identifier_type,
        identifier_value,
        identifier_key,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        cast(sum(case when source <> 'crm' then occurrences else 0 end) as bigint) as events,
        cast(sum(case when source = 'crm' then occurrences else 0 end) as bigint) as crm_records,
        {{ identity_sorted_distinct_list('channel') }} as channels
    from observations
    group by identifier_type, identifier_value, identifier_key
),

final as (
    select
        row_number() over (
            order by first_seen_at nulls last, {{ identity_type_priority('identifier_type') }}, identifier_value
        ) as node_id,
        identifier_type,
        identifier_value,
        identifier_key,
        {{ identity_type_strength('identifier_type') }} as identifier_strength,
        {{ identity_type_priority('identifier_type') }} as type_priority,
        first_seen_at,
        last_seen_at,
        events,
        crm_records,
        channels
    from per_identifier
)

select * from final
