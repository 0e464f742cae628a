{#- One clean event with its person. A view: the heavy, incremental table int_sessions__events is
    keyed by client and never rewritten when identities merge; the person comes from a join to
    dim_identity_map (one row per identifier) when read, so a merge costs nothing here. -#}
{{ config(materialized='view') }}

with

events as (
    select * from {{ ref('int_sessions__events') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
),

final as (
    select
        events.event_id,
        identity_map.person_id,
        events.client_key,
        events.client_key_type,
        events.session_id,
        events.session_start,
        events.event_seq_in_session,
        events.is_session_start,
        events.seconds_since_previous_event,
        events.event_type,
        events.event_name,
        events.screen_name,
        events.event_time,
        events.received_at,
        events.lateness_s,
        events.user_id,
        events.anonymous_id,
        events.device_id,
        events.openid,
        events.unionid,
        events.channel,
        events.device_type,
        events.device_os,
        events.page_url,
        events.page_path,
        events.page_host,
        events.page_title,
        events.referrer_host,
        events.referrer_path,
        events.utm_source,
        events.utm_medium,
        events.utm_campaign,
        events.utm_term,
        events.utm_content,
        events.product_id,
        events.category,
        events.price,
        events.quantity,
        events.order_id,
        events.revenue,
        events.currency,
        events.coupon,
        events.discount,
        events.search_term,
        events.experiment_id,
        events.variant,
        events.properties,
        events._loaded_at,
        events._processed_at
    from events
    left join identity_map
        on events.person_lookup_type = identity_map.identifier_type
            and events.person_lookup_value = identity_map.identifier_value
)

select * from final
