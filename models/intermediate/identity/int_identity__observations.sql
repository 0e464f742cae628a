{#- One identifier seen on one observation group: tracking events sharing the same identifier
    set, source (identify call or other event) and channel are grouped first (so a busy client
    costs one group, not one row per event), plus one group per CRM record. -#}

with

events as (
    select * from {{ ref('stg_tracking__events') }}
),

crm_customers as (
    select * from {{ ref('stg_crm__customers') }}
),

event_groups as (
    select
        case when event_type = 'identify' then 'identify' else 'event' end as source,
        user_id,
        anonymous_id,
        device_id,
        openid,
        unionid,
        phone_hash,
        email_hash,
        cast(null as {{ dbt.type_string() }}) as crm_customer_id,
        channel,
        count(*) as occurrences,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at
    from events
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
),

crm_groups as (
    select
        'crm' as source,
        user_id,
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as device_id,
        cast(null as {{ dbt.type_string() }}) as openid,
        cast(null as {{ dbt.type_string() }}) as unionid,
        phone_hash,
        email_hash,
        crm_customer_id,
        cast(null as {{ dbt.type_string() }}) as channel,
        1 as occurrences,
        coalesce(created_at, updated_at) as first_seen_at,
        coalesce(updated_at, created_at) as last_seen_at
    from crm_customers
),

observation_groups as (
    select
        {{ surrogate_key(['source', 'user_id', 'anonymous_id', 'device_id', 'openid', 'unionid',
            'phone_hash', 'email_hash', 'crm_customer_id', 'channel']) }} as observation_key,
        *
    from (
        select * from event_groups
        union all
        select * from crm_groups
    ) as g
),

unpivoted as (
    {%- set columns = {'user_id': 'user_id', 'anonymous_id': 'anonymous_id', 'device_id': 'device_id',
        'openid': 'openid', 'unionid': 'unionid', 'phone': 'phone_hash', 'email': 'email_hash',
        'crm_customer_id': 'crm_customer_id'} %}
    {%- for identifier_type, column in columns.items() %}
        select
            observation_key,
            source,
            channel,
            occurrences,
            first_seen_at,
            last_seen_at,
            '{{ identifier_type }}' as identifier_type,
            {{ column }} as identifier_value
        from observation_groups
        where {{ column }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        observation_key,
        source,
        channel,
        occurrences,
        first_seen_at,
        last_seen_at,
        identifier_type,
        identifier_value,
        identifier_type || ':' || identifier_value as identifier_key
    from unpivoted
)

select * from final
