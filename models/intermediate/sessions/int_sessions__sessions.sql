{#- One session of one client (no person: see fct_sessions). Incremental by client window:
    the events that int_sessions__events (re)wrote since this model's watermark are, per client,
    every event from that client's recompute window on, so their sessions are rebuilt whole; the
    client_window strategy deletes the client's sessions starting at or after the window start
    (sessions that were merged or re-cut disappear) and inserts the rebuilt ones. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='client_window',
        unique_key='client_key',
        client_window_column='session_start',
        on_schema_change='fail',
        post_hook=[
            "{{ privacy_purge_erased() }}",
            "{{ privacy_purge_session_orphans() }}",
            "{{ privacy_purge_expired('session_end') }}",
        ],
    )
}}

{%- set engaged_gap_cap_s = var('session_engaged_gap_cap_seconds', 300) | int -%}

with

changed_events as (
    select * from {{ ref('int_sessions__events') }}
    {% if is_incremental() %}
        where _processed_at > (
            select coalesce(max(existing_sessions._processed_at), {{ sessions_epoch_timestamp() }})
            from {{ this }} as existing_sessions
        )
    {% endif %}
),

channel_group_rules as (
    select * from {{ ref('channel_groups') }}
),

session_events as (
    select
        *,
        event_name in ('page_view', 'screen_view') as is_view,
        coalesce(page_path, screen_name) as view_item,
        utm_source is not null or utm_medium is not null or utm_campaign is not null as has_campaign,
        case
            when referrer_host is not null and referrer_host <> coalesce(page_host, '') then lower(referrer_host)
        end as external_referrer_host,
        -- least() skips nulls, so a session's first event (no gap) is kept out explicitly
        case
            when seconds_since_previous_event is not null then least(seconds_since_previous_event, {{ engaged_gap_cap_s }})
        end as engaged_gap_s
    from changed_events
),

sessions_aggregated as (
    select
        session_id,
        client_key,
        min(client_key_type) as client_key_type,
        min_by(user_id, event_seq_in_session) filter (where user_id is not null) as first_user_id,
        min_by(coalesce(device_id, openid, anonymous_id, user_id), event_seq_in_session) as client_identifier_value,
        min(session_start) as session_start,
        max(event_time) as session_end,
        count(*) as events,
        count(case when is_view then 1 end) as page_views,
        coalesce(sum(engaged_gap_s), 0) as engaged_time_s,
        min_by(channel, event_seq_in_session) filter (where channel is not null) as channel,
        min_by(device_type, event_seq_in_session) filter (where device_type is not null) as device_type,
        min_by(view_item, event_seq_in_session) filter (where is_view and view_item is not null) as first_view_item,
        max_by(view_item, event_seq_in_session) filter (where is_view and view_item is not null) as last_view_item,
        min_by(page_path, event_seq_in_session) filter (where page_path is not null) as first_page_path,
        max_by(page_path, event_seq_in_session) filter (where page_path is not null) as last_page_path,
        min_by(external_referrer_host, event_seq_in_session) filter (
            where external_referrer_host is not null
        ) as referrer,
        min_by(utm_source, event_seq_in_session) filter (where has_campaign) as utm_source,
        min_by(utm_medium, event_seq_in_session) filter (where has_campaign) as utm_medium,
        min_by(utm_campaign, event_seq_in_session) filter (where has_campaign) as utm_campaign,
        min_by(utm_term, event_seq_in_session) filter (where has_campaign) as utm_term,
        min_by(utm_content, event_seq_in_session) filter (where has_campaign) as utm_content,
        max(case when event_name = 'purchase' then 1 else 0 end) = 1 as converted,
        count(distinct case when event_name = 'purchase' then coalesce(order_id, event_id) end) as purchases,
        coalesce(sum(case when event_name = 'purchase' then revenue end), 0) as revenue
    from session_events
    group by session_id, client_key
),

traffic_sources as (
    select distinct
        coalesce(utm_medium, '(none)') as medium_value,
        coalesce(utm_source, '(none)') as source_value,
        coalesce(referrer, '(none)') as referrer_value
    from sessions_aggregated
),

traffic_source_groups as (
    select
        traffic_sources.medium_value,
        traffic_sources.source_value,
        traffic_sources.referrer_value,
        min_by(channel_group_rules.channel_group, channel_group_rules.priority) as default_channel_group
    from traffic_sources
    inner join channel_group_rules
        on (
            channel_group_rules.utm_medium_pattern is null
            or {{ sessions_regexp_full_match_column('traffic_sources.medium_value', 'channel_group_rules.utm_medium_pattern') }}
        )
        and (
            channel_group_rules.utm_source_pattern is null
            or {{ sessions_regexp_full_match_column('traffic_sources.source_value', 'channel_group_rules.utm_source_pattern') }}
        )
        and (
            channel_group_rules.referrer_host_pattern is null
            or {{ sessions_regexp_full_match_column('traffic_sources.referrer_value', 'channel_group_rules.referrer_host_pattern') }}
        )
    group by traffic_sources.medium_value, traffic_sources.source_value, traffic_sources.referrer_value
),

final as (
    select
        sessions_aggregated.session_id,
        sessions_aggregated.client_key,
        sessions_aggregated.client_key_type,
        case when sessions_aggregated.first_user_id is not null then 'user_id' else sessions_aggregated.client_key_type end
            as person_lookup_type,
        coalesce(sessions_aggregated.first_user_id, sessions_aggregated.client_identifier_value) as person_lookup_value,
        sessions_aggregated.first_user_id as user_id,
        sessions_aggregated.channel,
        sessions_aggregated.device_type,
        sessions_aggregated.session_start,
        sessions_aggregated.session_end,
        {{ seconds_between('sessions_aggregated.session_start', 'sessions_aggregated.session_end') }} as duration_s,
        sessions_aggregated.events,
        sessions_aggregated.page_views,
        sessions_aggregated.engaged_time_s,
        coalesce(sessions_aggregated.first_view_item, sessions_aggregated.first_page_path) as landing_page,
        coalesce(sessions_aggregated.last_view_item, sessions_aggregated.last_page_path) as exit_page,
        sessions_aggregated.referrer,
        sessions_aggregated.utm_source,
        sessions_aggregated.utm_medium,
        sessions_aggregated.utm_campaign,
        sessions_aggregated.utm_term,
        sessions_aggregated.utm_content,
        coalesce(traffic_source_groups.default_channel_group, 'other') as default_channel_group,
        sessions_aggregated.events = 1 as is_bounce,
        sessions_aggregated.converted,
        sessions_aggregated.purchases,
        sessions_aggregated.revenue,
        {{ run_started_at_utc() }} as _processed_at
    from sessions_aggregated
    left join traffic_source_groups
        on coalesce(sessions_aggregated.utm_medium, '(none)') = traffic_source_groups.medium_value
            and coalesce(sessions_aggregated.utm_source, '(none)') = traffic_source_groups.source_value
            and coalesce(sessions_aggregated.referrer, '(none)') = traffic_source_groups.referrer_value
)

select * from final
