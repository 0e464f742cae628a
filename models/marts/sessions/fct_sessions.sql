{#- One session with its person (resolved when read, like fct_events: the person of the session's
    first user id, else of the client's identifier). -#}
{{ config(materialized='view') }}

with

sessions as (
    select * from {{ ref('int_sessions__sessions') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
),

final as (
    select
        sessions.session_id,
        identity_map.person_id,
        sessions.client_key,
        sessions.client_key_type,
        sessions.user_id,
        sessions.channel,
        sessions.device_type,
        sessions.session_start,
        sessions.session_end,
        sessions.duration_s,
        sessions.events,
        sessions.page_views,
        sessions.engaged_time_s,
        sessions.landing_page,
        sessions.exit_page,
        sessions.referrer,
        sessions.utm_source,
        sessions.utm_medium,
        sessions.utm_campaign,
        sessions.utm_term,
        sessions.utm_content,
        sessions.default_channel_group,
        sessions.is_bounce,
        sessions.converted,
        sessions.purchases,
        sessions.revenue,
        sessions._processed_at
    from sessions
    left join identity_map
        on sessions.person_lookup_type = identity_map.identifier_type
            and sessions.person_lookup_value = identity_map.identifier_value
)

select * from final
