{#- One page or screen view with its time on page. Incremental like int_sessions__sessions: the
    views among the events (re)written since the watermark are whole sessions, so time on page is
    recomputed for every view of a touched session; client_window deletes the client's views at or
    after the window start and inserts the recomputed ones. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='client_window',
        unique_key='client_key',
        client_window_column='event_time',
        on_schema_change='fail',
        post_hook=[
            "{{ privacy_purge_erased() }}",
            "{{ privacy_purge_session_orphans() }}",
            "{{ privacy_purge_expired('event_time') }}",
        ],
    )
}}

{%- set time_on_page_cap_s = var('page_view_time_on_page_cap_seconds', 1800) | int -%}

with

changed_events as (
    select * from {{ ref('int_sessions__events') }}
    {% if is_incremental() %}
        where _processed_at > (
            select coalesce(max(existing_views._processed_at), {{ sessions_epoch_timestamp() }})
            from {{ this }} as existing_views
        )
    {% endif %}
),

session_last_events as (
    select
        session_id,
        max(event_time) as session_end
    from changed_events
    group by session_id
),

views as (
    select * from changed_events
    where event_name in ('page_view', 'screen_view')
),

views_sequenced as (
    select
        *,
        row_number() over (partition by session_id order by event_time, event_id) as view_seq_in_session,
        lead(event_time) over (partition by session_id order by event_time, event_id) as next_view_time
    from views
),

timed as (
    select
        views_sequenced.*,
        session_last_events.session_end,
        case
            when views_sequenced.next_view_time is not null
                then {{ seconds_between('views_sequenced.event_time', 'views_sequenced.next_view_time') }}
            when session_last_events.session_end > views_sequenced.event_time
                then {{ seconds_between('views_sequenced.event_time', 'session_last_events.session_end') }}
        end as raw_time_on_page_s,
        case
            when views_sequenced.next_view_time is not null then 'next_view'
            when session_last_events.session_end > views_sequenced.event_time then 'last_event'
            else 'unknown'
        end as time_on_page_basis
    from views_sequenced
    inner join session_last_events
        on views_sequenced.session_id = session_last_events.session_id
),

final as (
    select
        event_id as page_view_id,
        client_key,
        person_lookup_type,
        person_lookup_value,
        session_id,
        event_time,
        case event_name when 'page_view' then 'page' else 'screen' end as view_type,
        coalesce(page_path, screen_name) as page,
        page_path,
        page_url,
        page_title,
        screen_name,
        referrer_host,
        channel,
        device_type,
        view_seq_in_session,
        view_seq_in_session = 1 as is_landing,
        next_view_time is null as is_exit,
        case when raw_time_on_page_s is not null then least(raw_time_on_page_s, {{ time_on_page_cap_s }}) end
            as time_on_page_s,
        time_on_page_basis,
        {{ run_started_at_utc() }} as _processed_at
    from timed
)

select * from final
