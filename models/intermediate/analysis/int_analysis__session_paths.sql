{#- One row per item of a session path, keyed by client (no person: int_analysis__path_items adds
    it from dim_identity_map when read). The page path for page views, the screen name for
    screens, else the event name; consecutive duplicates collapse; step_index counts from 1.

    Incremental by client window, like int_sessions__sessions (docs/analysis.md): the events
    int_sessions__events (re)wrote since this model's watermark (_processed_at) are, per client,
    every event from that client's recompute window on, so their sessions are rebuilt whole; the
    client_window strategy deletes the client's items of sessions starting at or after the window
    start and inserts the rebuilt ones. -#}
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
            "{{ privacy_purge_expired('item_started_at') }}",
        ],
    )
}}

with

changed_events as (
    select * from {{ ref('int_sessions__events') }}
    where session_id is not null
    {% if is_incremental() %}
        and _processed_at > (
            select coalesce(max(existing_items._processed_at), {{ sessions_epoch_timestamp() }})
            from {{ this }} as existing_items
        )
    {% endif %}
),

itemized as (
    select
        client_key,
        session_id,
        session_start,
        person_lookup_type,
        person_lookup_value,
        event_id,
        event_time,
        event_seq_in_session,
        {{ path_item() }} as item,
        max(case when event_name = 'purchase' then 1 else 0 end) over (partition by session_id) = 1 as session_converted,
        _processed_at
    from changed_events
),

with_previous as (
    select
        itemized.*,
        lag(item) over (partition by session_id order by event_seq_in_session, event_id) as previous_item
    from itemized
),

collapsed as (
    select
        *,
        row_number() over (partition by session_id order by event_seq_in_session, event_id) as step_index
    from with_previous
    where previous_item is null or item != previous_item
),

final as (
    select
        client_key,
        session_id,
        session_start,
        step_index,
        item,
        event_time as item_started_at,
        person_lookup_type,
        person_lookup_value,
        count(*) over (partition by session_id) as session_items,
        session_converted,
        _processed_at
    from collapsed
)

select * from final
