{#- One strong identifier with the direct per-type guard: a non-account strong identifier
    (phone, email, unionid, crm_customer_id) linked directly to more accounts (user_ids) than
    identity_max_accounts_per_person is shared and takes part in no strong merge. -#}

with

nodes as (
    select * from {{ ref('int_identity__nodes') }}
    where identifier_strength = 'strong'
),

strong_edges as (
    select * from {{ ref('int_identity__edges') }}
    where edge_kind = 'strong_strong'
),

directed as (
    select
        node_a as node_id,
        node_b as other_node_id,
        type_b as other_type
    from strong_edges
    union all
    select
        node_b as node_id,
        node_a as other_node_id,
        type_a as other_type
    from strong_edges
),

account_links as (
    select
        node_id,
        count(distinct other_node_id) as linked_accounts
    from directed
    where other_type = '{{ var("identity_account_type") }}'
    group by node_id
),

final as (
    select
        n.node_id,
        n.identifier_type,
        n.identifier_value,
        coalesce(a.linked_accounts, 0) as linked_accounts,
        n.identifier_type <> '{{ var("identity_account_type") }}'
        and coalesce(a.linked_accounts, 0) > {{ var('identity_max_accounts_per_person') }} as is_shared,
        case
            when n.identifier_type <> '{{ var("identity_account_type") }}'
                and coalesce(a.linked_accounts, 0) > {{ var('identity_max_accounts_per_person') }}
                then 'strong_id_linked_to_multiple_accounts'
        end as shared_reason
    from nodes as n
    left join account_links as a on n.node_id = a.node_id
)

select * from final
