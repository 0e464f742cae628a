{#- Every edge with the guardrail decision: kept when it joins two identifiers of the same
    person, otherwise dropped with the reason (the audit lists the drops). -#}

with

edges as (
    select * from {{ ref('int_identity__edges') }}
),

resolution as (
    select * from {{ ref('int_identity__resolution') }}
),

decided as (
    select
        e.*,
        ra.person_id as person_a,
        rb.person_id as person_b,
        ra.resolution as resolution_a,
        rb.resolution as resolution_b,
        ra.is_shared as is_shared_a,
        rb.is_shared as is_shared_b,
        coalesce(ra.person_id = rb.person_id, false) as is_kept
    from edges as e
    inner join resolution as ra on e.node_a = ra.node_id
    inner join resolution as rb on e.node_b = rb.node_id
),

final as (
    select
        node_a,
        node_b,
        type_a,
        value_a,
        type_b,
        value_b,
        edge_kind,
        first_seen_at,
        last_seen_at,
        occurrences,
        seen_on_event,
        seen_on_identify,
        seen_on_crm,
        is_joining,
        person_a,
        person_b,
        is_kept,
        case
            when is_kept then null
            when is_shared_a then resolution_a
            when is_shared_b then resolution_b
            when resolution_a = 'strong_split_for_account_limit' or resolution_b = 'strong_split_for_account_limit'
                then 'indirect_link_between_accounts'
            else 'weak_component_links_multiple_persons'
        end as drop_reason,
        case
            when is_kept then null
            when is_shared_a then type_a
            when is_shared_b then type_b
        end as blocking_identifier_type,
        case
            when is_kept then null
            when is_shared_a then value_a
            when is_shared_b then value_b
        end as blocking_identifier_value
    from decided
)

select * from final
