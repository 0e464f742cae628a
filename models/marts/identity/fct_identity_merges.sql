{#- One merge of two person ids: a person that existed on its own (a lineage component: its
    identifiers grew together) was joined to an older person by an edge linking two identifiers
    seen before. The older id (the final anchor's) survives; merged_at is the first sight of the
    earliest joining edge touching the merged person, so a full refresh reproduces it. -#}

with

resolution as (
    select * from {{ ref('int_identity__resolution') }}
    where person_id is not null
),

lineage as (
    select * from {{ ref('int_identity__lineage_components') }}
),

edges as (
    select * from {{ ref('int_identity__edges_guarded') }}
    where is_kept and is_joining
),

lineage_members as (
    select
        r.node_id,
        r.person_id,
        r.anchor_node_id,
        l.component_id as lineage_anchor_node_id
    from resolution as r
    inner join lineage as l on r.node_id = l.node_id
),

merged_lineages as (
    select distinct
        person_id as surviving_person_id,
        lineage_anchor_node_id
    from lineage_members
    where lineage_anchor_node_id <> anchor_node_id
),

edge_ends as (
    select
        node_a as node_id,
        *
    from edges
    union all
    select
        node_b as node_id,
        *
    from edges
),

joining_edges as (
    select
        m.lineage_anchor_node_id,
        e.first_seen_at,
        e.type_a,
        e.type_b,
        e.seen_on_event,
        e.seen_on_identify,
        e.seen_on_crm,
        row_number() over (
            partition by m.lineage_anchor_node_id
            order by e.first_seen_at, e.node_a, e.node_b
        ) as edge_rank
    from lineage_members as m
    inner join edge_ends as e on m.node_id = e.node_id
),

first_joining_edge as (
    select * from joining_edges
    where edge_rank = 1
),

final as (
    select
        {{ identity_person_id('anchor.identifier_type', 'anchor.identifier_value') }} as merged_person_id,
        m.surviving_person_id,
        j.first_seen_at as merged_at,
        j.type_a || '+' || j.type_b || ' seen together on '
        || case
            when j.seen_on_crm then 'a crm record'
            when j.seen_on_identify then 'an identify call'
            else 'an event'
        end as merge_reason,
        j.type_a as joining_identifier_type_a,
        j.type_b as joining_identifier_type_b,
        anchor.first_seen_at as merged_person_first_seen_at
    from merged_lineages as m
    inner join {{ ref('int_identity__nodes') }} as anchor on m.lineage_anchor_node_id = anchor.node_id
    left join first_joining_edge as j on m.lineage_anchor_node_id = j.lineage_anchor_node_id
)

select * from final
