{#- The strong component (future identified person) of each non-shared strong identifier.
    A raw component holding more accounts than identity_max_accounts_per_person (linked only
    indirectly, e.g. user 1 - phone - email - user 2) is split: every identifier keeps only its
    direct link to an account; identifiers without one stand alone. -#}

with

strong_nodes as (
    select * from {{ ref('int_identity__strong_nodes') }}
    where not is_shared
),

raw_components as (
    select * from {{ ref('int_identity__strong_components_raw') }}
),

strong_edges as (
    select * from {{ ref('int_identity__edges') }}
    where edge_kind = 'strong_strong'
),

component_accounts as (
    select
        c.component_id,
        count(*) as accounts
    from raw_components as c
    inner join strong_nodes as n on c.node_id = n.node_id
    where n.identifier_type = '{{ var("identity_account_type") }}'
    group by c.component_id
),

over_limit_nodes as (
    select
        c.node_id,
        c.component_id
    from raw_components as c
    inner join component_accounts as a on c.component_id = a.component_id
    where a.accounts > {{ var('identity_max_accounts_per_person') }}
),

account_links as (
    select
        node_a as node_id,
        node_b as account_node_id
    from strong_edges
    where type_b = '{{ var("identity_account_type") }}'
    union all
    select
        node_b as node_id,
        node_a as account_node_id
    from strong_edges
    where type_a = '{{ var("identity_account_type") }}'
),

direct_account as (
    select
        o.node_id,
        min(l.account_node_id) as account_node_id
    from over_limit_nodes as o
    inner join account_links as l on o.node_id = l.node_id
    group by o.node_id
),

split_groups as (
    select
        o.node_id,
        case
            when n.identifier_type = '{{ var("identity_account_type") }}' then o.node_id
            else coalesce(d.account_node_id, o.node_id)
        end as group_node_id
    from over_limit_nodes as o
    inner join strong_nodes as n on o.node_id = n.node_id
    left join direct_account as d on o.node_id = d.node_id
),

split_components as (
    select
        node_id,
        min(node_id) over (partition by group_node_id) as component_id
    from split_groups
),

final as (
    select
        c.node_id,
        coalesce(s.component_id, c.component_id) as strong_component_id,
        s.node_id is not null as is_split_for_account_limit
    from raw_components as c
    left join split_components as s on c.node_id = s.node_id
)

select * from final
