{#- One person (OneID): identified (holds a strong identifier) or grey (anonymous clients only),
    with identifier counts per type, channels and the CRM attributes of their latest CRM record. -#}

with

resolution as (
    select * from {{ ref('int_identity__resolution') }}
    where person_id is not null
),

observations as (
    select * from {{ ref('int_identity__observations') }}
),

crm_customers as (
    select * from {{ ref('stg_crm__customers') }}
),

person_identifiers as (
    select
        person_id,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifiers,
        {%- for t in var('identity_strong_types') + var('identity_weak_types') %}
            cast(sum(case when identifier_type = '{{ t }}' then 1 else 0 end) as bigint) as {{ t }}s,
        {%- endfor %}
        max(case when identifier_strength = 'strong' then 1 else 0 end) = 1 as is_identified,
        min(case when node_id = anchor_node_id then identifier_type end) as anchor_identifier_type
    from resolution
    group by person_id
),

person_channels as (
    select
        r.person_id,
        {{ identity_sorted_distinct_list('o.channel') }} as channels
    from resolution as r
    inner join observations as o on r.identifier_key = o.identifier_key
    group by r.person_id
),

person_crm_ranked as (
    select
        r.person_id,
        c.member_level,
        c.crm_tags,
        c.crm_customer_id,
        row_number() over (
            partition by r.person_id
            order by c.updated_at desc nulls last, c.crm_customer_id desc
        ) as recency_rank
    from resolution as r
    inner join crm_customers as c
        on r.identifier_type = 'crm_customer_id'
            and r.identifier_value = c.crm_customer_id
),

person_crm as (
    select * from person_crm_ranked
    where recency_rank = 1
),

final as (
    select
        p.person_id,
        p.first_seen_at,
        p.last_seen_at,
        p.is_identified,
        p.anchor_identifier_type,
        p.identifiers,
        {%- for t in var('identity_strong_types') + var('identity_weak_types') %}
            p.{{ t }}s,
        {%- endfor %}
        ch.channels,
        crm.crm_customer_id as latest_crm_customer_id,
        crm.member_level,
        crm.crm_tags
    from person_identifiers as p
    left join person_channels as ch on p.person_id = ch.person_id
    left join person_crm as crm on p.person_id = crm.person_id
)

select * from final
