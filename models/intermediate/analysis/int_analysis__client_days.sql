{#- One row per client x identifiers (user id, anonymous id, device id, openid, unionid) x calendar
    day (reporting_timezone) x event name: the events of that group, its first event (time, id, channel) and its last event time. Keyed by client, not
    by person: the person comes from dim_identity_map when the person-level models read it
    (int_analysis__person_days, int_analysis__retention_*), so an identity merge costs nothing here.

    Incremental by client-day (docs/analysis.md): a run takes the events loaded since this model's
    watermark (max _loaded_at), and recomputes from int_sessions__events every client-day those
    events fall on (late events and duplicates included: a client-day is always rebuilt whole);
    delete+insert on client_day_key replaces them. With event_retention_days on, client-days whose
    first event is before the cut-off are rebuilt too, and the post-hook deletes the ones left with
    no event. The identifier columns are those the erasure post-hook matches on
    int_sessions__events, so it deletes exactly the groups whose events it deletes there. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='client_day_key',
        on_schema_change='fail',
        post_hook=["{{ privacy_purge_erased() }}", "{{ privacy_purge_expired('first_event_time') }}"],
    )
}}

{%- set cutoff = retention_cutoff_sql() if is_incremental() else '' %}

with

events as (
    select
        event_id,
        client_key,
        user_id,
        anonymous_id,
        device_id,
        openid,
        unionid,
        person_lookup_type,
        person_lookup_value,
        event_time,
        event_name,
        channel,
        _loaded_at,
        {{ surrogate_key(['client_key', analysis_local_day('event_time')]) }} as client_day_key,
        {{ analysis_local_day('event_time') }} as activity_day
    from {{ ref('int_sessions__events') }}
),

{% if is_incremental() %}
    changed_client_days as (
        select distinct client_day_key
        from events
        where _loaded_at > (
            select coalesce(max(existing_days._max_loaded_at), {{ sessions_epoch_timestamp() }})
            from {{ this }} as existing_days
        )
        {%- if cutoff %}
            union
            select existing_days.client_day_key
            from {{ this }} as existing_days
            where existing_days.first_event_time < ({{ cutoff }})
        {%- endif %}
    ),

    window_events as (
        select events.*
        from events
        inner join changed_client_days
            on events.client_day_key = changed_client_days.client_day_key
    ),
{% else %}
    window_events as (
        select * from events
    ),
{% endif %}

ranked as (
    select
        *,
        row_number() over (
            partition by client_day_key, user_id, anonymous_id, device_id, openid, unionid, event_name
            order by event_time, event_id
        ) as event_rank
    from window_events
),

final as (
    select
        client_day_key,
        client_key,
        user_id,
        anonymous_id,
        device_id,
        openid,
        unionid,
        min(person_lookup_type) as person_lookup_type,
        min(person_lookup_value) as person_lookup_value,
        activity_day,
        event_name,
        count(*) as events,
        min(event_time) as first_event_time,
        min(case when event_rank = 1 then event_id end) as first_event_id,
        min(case when event_rank = 1 then channel end) as first_channel,
        max(event_time) as last_event_time,
        max(_loaded_at) as _max_loaded_at
    from ranked
    group by
        client_day_key, client_key, user_id, anonymous_id, device_id, openid, unionid, activity_day,
        event_name
)

select * from final
