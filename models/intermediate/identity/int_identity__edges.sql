{#- Two identifiers seen together on one event, identify call or CRM record (unordered pair,
    node_a < node_b). An observation holds at most 8 identifiers, so at most 28 pairs. -#}

with

observations as (
    select * from {{ ref('int_identity__observations') }}
),

nodes as (
    select * from {{ ref('int_identity__nodes') }}
),

observed_nodes as (
    select
        o.observation_key,
        o.source,
        o.occurrences,
        o.first_seen_at,
        o.last_seen_at,
        n.node_id
    from observations as o
    inner join nodes as n on o.identifier_key = n.identifier_key
),

pairs as (
    select
        a.node_id as node_a,
        b.node_id as node_b,
        a.source,
        a.occurrences,
        a.first_seen_at,
        a.last_seen_at
    from observed_nodes as a
    inner join observed_nodes as b
        on a.observation_key = b.observation_key
            and a.node_id < b.node_id
),

per_edge as (
    select
        node_a,
        node_b,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        cast(sum(occurrences) as bigint) as occurrences,
        max(case when source = 'event' then 1 else 0 end) = 1 as seen_on_event,
        max(case when source = 'identify' then 1 else 0 end) = 1 as seen_on_identify,
        max(case when source = 'crm' then 1 else 0 end) = 1 as seen_on_crm
    from pairs
    group by node_a, node_b
),

final as (
    select
        e.node_a,
        e.node_b,
        na.identifier_type as type_a,
        na.identifier_value as value_a,
        nb.identifier_type as type_b,
        nb.identifier_value as value_b,
        case
            when na.identifier_strength = 'strong' and nb.identifier_strength = 'strong' then 'strong_strong'
            when na.identifier_strength = 'weak' and nb.identifier_strength = 'weak' then 'weak_weak'
            else 'weak_strong'
        end as edge_kind,
        e.first_seen_at,
        e.last_seen_at,
        e.occurrences,
        e.seen_on_event,
        e.seen_on_identify,
        e.seen_on_crm,
        -- a joining edge appeared after both of its identifiers had been seen: it merged two
        -- existing profiles (a growing edge arrived with one of its identifiers)
        coalesce(e.first_seen_at > na.first_seen_at and e.first_seen_at > nb.first_seen_at, false) as is_joining
    from per_edge as e
    inner join nodes as na on e.node_a = na.node_id
    inner join nodes as nb on e.node_b = nb.node_id
)

select * from final
