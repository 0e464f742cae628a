{#- One weak identifier (anonymous_id, device_id, openid) with its links: the strong components
    (persons with an account, phone, ...) it touches directly, and how many other weak
    identifiers it was seen with. Shared when it touches more persons than
    identity_max_persons_per_weak_id (one cookie, two accounts) or more weak identifiers than
    identity_max_weak_neighbors (a kiosk). -#}

with

nodes as (
    select * from {{ ref('int_identity__nodes') }}
    where identifier_strength = 'weak'
),

edges as (
    select * from {{ ref('int_identity__edges') }}
),

strong_components as (
    select * from {{ ref('int_identity__strong_components') }}
),

weak_strong_links as (
    select
        case when e.type_a in ({{ _identity_quoted(var('identity_weak_types')) }}) then e.node_a else e.node_b end as node_id,
        case when e.type_a in ({{ _identity_quoted(var('identity_weak_types')) }}) then e.node_b else e.node_a end as strong_node_id
    from edges as e
    where e.edge_kind = 'weak_strong'
),

strong_links as (
    select
        l.node_id,
        count(distinct c.strong_component_id) as linked_persons,
        min(c.strong_component_id) as strong_component_id
    from weak_strong_links as l
    -- shared strong identifiers have no component: they link nothing
    inner join strong_components as c on l.strong_node_id = c.node_id
    group by l.node_id
),

weak_links as (
    select
        w.node_id,
        count(distinct w.other_node_id) as linked_weak_ids
    from (
        select
            node_a as node_id,
            node_b as other_node_id
        from edges
        where edge_kind = 'weak_weak'
        union all
        select
            node_b as node_id,
            node_a as other_node_id
        from edges
        where edge_kind = 'weak_weak'
    ) as w
    group by w.node_id
),

flagged as (
    select
        n.node_id,
        n.identifier_type,
        n.identifier_value,
        coalesce(s.linked_persons, 0) as linked_persons,
        coalesce(w.linked_weak_ids, 0) as linked_weak_ids,
        case when coalesce(s.linked_persons, 0) = 1 then s.strong_component_id end as strong_component_id,
        case
            when coalesce(s.linked_persons, 0) > {{ var('identity_max_persons_per_weak_id') }}
                then 'weak_id_linked_to_multiple_persons'
            when coalesce(w.linked_weak_ids, 0) > {{ var('identity_max_weak_neighbors') }}
                then 'weak_id_linked_to_too_many_weak_ids'
        end as shared_reason
    from nodes as n
    left join strong_links as s on n.node_id = s.node_id
    left join weak_links as w on n.node_id = w.node_id
),

final as (
    select
        node_id,
        identifier_type,
        identifier_value,
        linked_persons,
        linked_weak_ids,
        case when shared_reason is null then strong_component_id end as strong_component_id,
        shared_reason is not null as is_shared,
        shared_reason
    from flagged
)

select * from final
