{#- Consent per person and purpose (docs/activation.md): requests are resolved to persons through
    dim_identity_map (any of their identifiers); `all` applies to both purposes; the latest request
    per person and purpose wins (ties: erase, then withdraw, then grant); an erase is final. -#}

with

consent_requests as (
    select * from {{ ref('stg_consent__requests') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
    where person_id is not null
),

purposes as (
    select 'analytics' as purpose
    union all
    select 'marketing' as purpose
),

expanded_requests as (
    select
        consent_requests.consent_request_id,
        consent_requests.identifier_type,
        consent_requests.identifier_value,
        purposes.purpose,
        consent_requests.action,
        consent_requests.requested_at
    from consent_requests
    inner join purposes
        on consent_requests.purpose = purposes.purpose or consent_requests.purpose = 'all'
),

person_requests as (
    select
        identity_map.person_id,
        expanded_requests.purpose,
        expanded_requests.action,
        expanded_requests.requested_at,
        expanded_requests.consent_request_id
    from expanded_requests
    inner join identity_map
        on
            expanded_requests.identifier_type = identity_map.identifier_type
            and expanded_requests.identifier_value = identity_map.identifier_value
),

ranked_requests as (
    select
        person_requests.*,
        row_number() over (
            partition by person_requests.person_id, person_requests.purpose
            order by
                person_requests.requested_at desc,
                case person_requests.action when 'erase' then 0 when 'withdraw' then 1 else 2 end asc,
                person_requests.consent_request_id asc
        ) as recency_rank,
        max(case when person_requests.action = 'erase' then 1 else 0 end) over (
            partition by person_requests.person_id, person_requests.purpose
        ) as was_erased
    from person_requests
),

person_purpose_state as (
    select
        person_id,
        purpose,
        requested_at as decided_at,
        case
            when was_erased = 1 then 'erased'
            when action = 'withdraw' then 'withdrawn'
            else 'granted'
        end as consent_state
    from ranked_requests
    where recency_rank = 1
),

final as (
    select
        person_id,
        max(case when purpose = 'marketing' then consent_state end) as marketing_consent,
        max(case when purpose = 'marketing' then decided_at end) as marketing_consent_at,
        max(case when purpose = 'analytics' then consent_state end) as analytics_consent,
        max(case when purpose = 'analytics' then decided_at end) as analytics_consent_at
    from person_purpose_state
    group by person_id
)

select * from final
