{#- One identifier and the person it belongs to. Shared identifiers (a kiosk device, a cookie
    used by two accounts, a phone on two accounts) belong to no single person: person_id is null,
    is_shared is true and resolution says why. -#}

with

resolution as (
    select * from {{ ref('int_identity__resolution') }}
),

person_strength as (
    select
        person_id,
        max(case when identifier_strength = 'strong' then 1 else 0 end) = 1 as is_identified
    from resolution
    where person_id is not null
    group by person_id
),

final as (
    select
        r.identifier_type,
        r.identifier_value,
        r.identifier_key,
        r.identifier_strength,
        r.person_id,
        r.first_seen_at,
        r.last_seen_at,
        r.events,
        r.crm_records,
        r.channels,
        r.is_shared,
        r.resolution,
        coalesce(p.is_identified, false) as is_identified_person,
        r.node_id = r.anchor_node_id as is_person_anchor
    from resolution as r
    left join person_strength as p on r.person_id = p.person_id
)

select * from final
