{#- One marketing touch: every session (its channel = campaign source when tagged, else its default
    channel group) and every ad click event (channel = its campaign source, else 'ad_click'). The
    journey key is the person, else the client for events that map to no person. -#}

with

sessions as (
    select * from {{ ref('fct_sessions') }}
    where {{ analytics_consent_filter('person_id') }}
),

events as (
    select * from {{ ref('fct_events') }}
    where {{ analytics_consent_filter('person_id') }}
),

session_touches as (
    select
        'session:' || sessions.session_id as touch_id,
        'session' as touch_type,
        coalesce(sessions.person_id, 'client:' || sessions.client_key) as journey_key,
        sessions.person_id,
        sessions.session_id,
        sessions.session_start as touch_time,
        lower(coalesce(nullif(trim(sessions.utm_source), ''), sessions.default_channel_group)) as channel,
        nullif(trim(sessions.utm_campaign), '') as campaign
    from sessions
),

ad_click_touches as (
    select
        'event:' || events.event_id as touch_id,
        events.event_name as touch_type,
        coalesce(events.person_id, 'client:' || events.client_key) as journey_key,
        events.person_id,
        events.session_id,
        events.event_time as touch_time,
        lower(coalesce(nullif(trim(events.utm_source), ''), events.event_name)) as channel,
        nullif(trim(events.utm_campaign), '') as campaign
    from events
    where events.event_name in {{ marketing_string_list(var('marketing_touch_events', ['ad_click'])) }}
),

unioned as (
    select * from session_touches
    union all
    select * from ad_click_touches
),

final as (
    select
        unioned.touch_id,
        unioned.touch_type,
        unioned.journey_key,
        unioned.person_id,
        unioned.session_id,
        unioned.touch_time,
        unioned.channel,
        unioned.campaign,
        unioned.channel = 'direct' as is_direct
    from unioned
)

select * from final
