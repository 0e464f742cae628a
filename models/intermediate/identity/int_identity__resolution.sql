{#- Every identifier resolved to its person (or to none when shared).
    - strong identifiers: their strong component;
    - weak identifiers: their weak component joins the one strong component its members touch;
      touching none it is a grey (anonymous) person; touching several, each member touching one
      joins that one and members touching none are ambiguous (shared, no person).
    The person's anchor is its smallest node_id (earliest seen, then type priority, then value)
    and person_id = 'p_' || md5(anchor type || ':' || anchor value). -#}

with

nodes as (
    select * from {{ ref('int_identity__nodes') }}
),

strong_nodes as (
    select * from {{ ref('int_identity__strong_nodes') }}
),

strong_components as (
    select * from {{ ref('int_identity__strong_components') }}
),

weak_nodes as (
    select * from {{ ref('int_identity__weak_nodes') }}
),

weak_components as (
    select * from {{ ref('int_identity__weak_components') }}
),

weak_component_links as (
    select
        c.component_id as weak_component_id,
        count(distinct w.strong_component_id) as linked_persons,
        min(w.strong_component_id) as strong_component_id
    from weak_components as c
    inner join weak_nodes as w on c.node_id = w.node_id
    group by c.component_id
),

strong_resolved as (
    select
        s.node_id,
        case when not s.is_shared then 's' || cast(c.strong_component_id as {{ dbt.type_string() }}) end as group_key,
        case
            when s.is_shared then s.shared_reason
            when c.is_split_for_account_limit then 'strong_split_for_account_limit'
            else 'strong_component'
        end as resolution,
        s.is_shared
    from strong_nodes as s
    left join strong_components as c on s.node_id = c.node_id
),

weak_resolved as (
    select
        w.node_id,
        case
            when w.is_shared then null
            when l.linked_persons = 1 then 's' || cast(l.strong_component_id as {{ dbt.type_string() }})
            when l.linked_persons = 0 then 'w' || cast(c.component_id as {{ dbt.type_string() }})
            when w.strong_component_id is not null then 's' || cast(w.strong_component_id as {{ dbt.type_string() }})
        end as group_key,
        case
            when w.is_shared then w.shared_reason
            when l.linked_persons = 1 then 'weak_attached_to_person'
            when l.linked_persons = 0 then 'grey_anonymous'
            when w.strong_component_id is not null then 'weak_attached_directly'
            else 'weak_ambiguous_between_persons'
        end as resolution,
        w.is_shared or (l.linked_persons > 1 and w.strong_component_id is null) as is_shared
    from weak_nodes as w
    left join weak_components as c on w.node_id = c.node_id
    left join weak_component_links as l on c.component_id = l.weak_component_id
),

resolved as (
    select * from strong_resolved
    union all
    select * from weak_resolved
),

anchored as (
    select
        r.node_id,
        r.group_key,
        r.resolution,
        r.is_shared,
        case when r.group_key is not null then min(r.node_id) over (partition by r.group_key) end as anchor_node_id
    from resolved as r
),

final as (
    select
        n.node_id,
        n.identifier_type,
        n.identifier_value,
        n.identifier_key,
        n.identifier_strength,
        n.first_seen_at,
        n.last_seen_at,
        n.events,
        n.crm_records,
        n.channels,
        a.anchor_node_id,
        case
            when a.anchor_node_id is not null
                then {{ identity_person_id('anchor.identifier_type', 'anchor.identifier_value') }}
        end as person_id,
        a.is_shared,
        a.resolution
    from nodes as n
    inner join anchored as a on n.node_id = a.node_id
    left join nodes as anchor on a.anchor_node_id = anchor.node_id
)

select * from final
