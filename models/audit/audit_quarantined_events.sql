{#- One rejected raw row: unusable rows with the reason staging gave them, and later deliveries
    of an already kept message_id (duplicate_message_id). Together with stg_tracking__events it
    accounts for every raw row that landed. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['source_file', 'line_number'],
        on_schema_change='fail',
        post_hook="{{ privacy_purge_tombstoned('source_file', 'line_number', ['expired']) }}",
    )
}}

with

raw_rows as (
    select * from {{ ref('stg_tracking__raw_rows') }}
    {% if is_incremental() %}
        where
            _loaded_at > (select coalesce(max(quarantined_at), cast('1900-01-01' as timestamp)) from {{ this }})
            -- raw rows of earlier loads that an erasure turned into tombstones replace whatever
            -- this table held for them (delete+insert on file and line)
            or (
                reject_reason = 'erased_subject'
                and not exists (
                    select 1 from {{ this }} as done
                    where
                        done.source_file = _source_file
                        and done.line_number = _line_number
                        and done.reason = 'erased_subject'
                )
            )
    {% endif %}
),

kept_events as (
    select * from {{ ref('stg_tracking__events') }}
),

rejected as (
    select
        raw_rows.*,
        raw_rows.reject_reason as reason,
        raw_rows.reject_detail as reason_detail
    from raw_rows
    where raw_rows.reject_reason is not null
),

duplicates as (
    select
        raw_rows.*,
        'duplicate_message_id' as reason,
        'message_id already delivered (kept: ' || kept_events._source_file || ' line '
        || cast(kept_events._line_number as {{ dbt.type_string() }}) || ')' as reason_detail
    from raw_rows
    inner join kept_events
        on raw_rows.event_id = kept_events.event_id
    where
        raw_rows.reject_reason is null
        and not (
            raw_rows._source_file = kept_events._source_file
            and raw_rows._line_number = kept_events._line_number
        )
),

unioned as (
    select * from rejected
    union all
    select * from duplicates
),

final as (
    select
        {{ surrogate_key(['_source_file', '_line_number']) }} as quarantine_id,
        reason,
        reason_detail,
        _source_file as source_file,
        _line_number as line_number,
        _source_format as source_format,
        raw_record,
        event_id as message_id,
        event_type,
        event_name,
        event_time,
        received_at,
        channel,
        _loaded_at as quarantined_at,
        _load_id as load_id
    from unioned
)

select * from final
