{#- One clean event, keyed by client and sessionized (no person: see fct_events).
    Incremental by client window: a run takes the events staged since this model's watermark,
    finds each affected client's recompute window (from the start of the earliest session that
    has an event at or after [earliest new event - session timeout], or the earliest new event
    itself), and re-sessionizes every event of that client from the window start on. The
    client_window strategy then deletes the client's rows from the window start and inserts the
    recomputed ones, so late events that bridge or extend sessions give the same rows as a full
    refresh. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='client_window',
        unique_key='client_key',
        client_window_column='event_time',
        on_schema_change='fail',
        post_hook=["{{ privacy_purge_erased(whole_sessions=true) }}", "{{ privacy_purge_expired('event_time') }}"],
    )
}}

{%- set timeout_s = var('session_timeout_minutes') | int * 60 -%}
{%- set split_on_campaign = var('session_split_on_campaign_change') | string | lower in ['true', '1', 'yes'] -%}
{%- set promoted_properties = [
    'product_id', 'category', 'price', 'quantity', 'order_id', 'revenue', 'currency', 'coupon',
    'discount', 'search_term', 'experiment_id', 'variant',
] -%}
{%- set event_columns = sessions_event_columns() -%}

with

staged_events as (
    select * from {{ ref('stg_tracking__events') }}
    {% if is_incremental() %}
        where _loaded_at > (
            select coalesce(max(existing_events._loaded_at), {{ sessions_epoch_timestamp() }})
            from {{ this }} as existing_events
        )
    {% endif %}
),

new_events as (
    select
        {% for column in event_columns -%}
            {% if column == 'properties' -%}
                {{ sessions_json_remove_keys('properties', promoted_properties) }} as properties,
            {% else -%}
                {{ column }},
            {% endif -%}
        {% endfor -%}
        {{ sessions_client_key() }} as client_key,
        {{ sessions_client_key_type() }} as client_key_type
    from staged_events
),

{% if is_incremental() %}
affected_clients as (
    select
        client_key,
        min(event_time) as first_new_event_time
    from new_events
    group by client_key
),

-- existing sessions that a new event can join: any with an event at or after
-- (earliest new event - timeout); the window starts at the earliest of their starts
touched_sessions as (
    select
        existing_events.client_key,
        min(existing_events.session_start) as first_touched_session_start
    from {{ this }} as existing_events
    inner join affected_clients
        on existing_events.client_key = affected_clients.client_key
    where existing_events.event_time
        >= {{ add_minutes('affected_clients.first_new_event_time', -1 * (var('session_timeout_minutes') | int)) }}
    group by existing_events.client_key
),

client_windows as (
    select
        affected_clients.client_key,
        least(
            affected_clients.first_new_event_time,
            coalesce(touched_sessions.first_touched_session_start, affected_clients.first_new_event_time)
        ) as window_start
    from affected_clients
    left join touched_sessions
        on affected_clients.client_key = touched_sessions.client_key
),

reopened_events as (
    select
        {% for column in event_columns -%}
            existing_events.{{ column }},
        {% endfor -%}
        existing_events.client_key,
        existing_events.client_key_type
    from {{ this }} as existing_events
    inner join client_windows
        on existing_events.client_key = client_windows.client_key
    where existing_events.event_time >= client_windows.window_start
        -- a re-staged event (staging rebuilt) comes back as new: its new version wins
        and not exists (
            select 1 from new_events
            where new_events.event_id = existing_events.event_id
        )
),

{% endif %}

window_events as (
    {% if is_incremental() -%}
        select * from reopened_events
        union all
    {% endif -%}
    select * from new_events
),

with_previous as (
    select
        *,
        case
            when utm_source is not null or utm_medium is not null or utm_campaign is not null
                then concat_ws('|', coalesce(utm_source, ''), coalesce(utm_medium, ''), coalesce(utm_campaign, ''))
        end as campaign_key,
        lag(event_time) over (partition by client_key order by event_time, event_id) as previous_event_time
    from window_events
),

gap_sessions as (
    select
        *,
        previous_event_time is null
        or {{ seconds_between('previous_event_time', 'event_time') }} > {{ timeout_s }} as is_gap_start
    from with_previous
),

gap_numbered as (
    select
        *,
        sum(case when is_gap_start then 1 else 0 end) over (
            partition by client_key order by event_time, event_id rows between unbounded preceding and current row
        ) as gap_session_number
    from gap_sessions
),

-- the campaign in force before each event within its gap session (the latest non-null one)
campaign_carried as (
    select
        *,
        {{ sessions_last_value_ignore_nulls(
            'campaign_key',
            'partition by client_key, gap_session_number order by event_time, event_id
             rows between unbounded preceding and 1 preceding'
        ) }} as previous_campaign_key
    from gap_numbered
),

session_starts as (
    select
        *,
        is_gap_start
        {% if split_on_campaign -%}
            or (campaign_key is not null and campaign_key is distinct from previous_campaign_key)
        {%- endif %} as is_session_start
    from campaign_carried
),

session_numbered as (
    select
        *,
        sum(case when is_session_start then 1 else 0 end) over (
            partition by client_key order by event_time, event_id rows between unbounded preceding and current row
        ) as window_session_number
    from session_starts
),

session_bounds as (
    select
        *,
        min(event_time) over (partition by client_key, window_session_number) as session_start,
        first_value(event_id) over (
            partition by client_key, window_session_number order by event_time, event_id
        ) as session_first_event_id,
        row_number() over (
            partition by client_key, window_session_number order by event_time, event_id
        ) as event_seq_in_session
    from session_numbered
),

final as (
    select
        event_id,
        client_key,
        client_key_type,
        -- the identifier to resolve the person through: the user id when the event has one
        case when user_id is not null then 'user_id' else client_key_type end as person_lookup_type,
        coalesce(user_id, device_id, openid, anonymous_id) as person_lookup_value,
        {{ surrogate_key(['client_key', 'session_start', 'session_first_event_id']) }} as session_id,
        session_start,
        event_seq_in_session,
        is_session_start,
        -- null on a session's first event (the gap before it belongs to no session)
        case
            when not is_session_start then {{ seconds_between('previous_event_time', 'event_time') }}
        end as seconds_since_previous_event,
        {% for column in event_columns if column not in ['event_id', '_loaded_at'] -%}
            {{ column }},
        {% endfor -%}
        _loaded_at,
        {{ run_started_at_utc() }} as _processed_at
    from session_bounds
)

select * from final
