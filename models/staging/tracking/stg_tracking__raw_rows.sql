{#- Every raw record that ever landed in BEHAVIOR_RAW_DIR/events, one row each, parsed, typed,
    normalized, with personal data hashed and a reject reason when it is unusable.
    Incremental by file: a run reads only files it has not loaded before (landing files are
    immutable; a new delivery is a new file), so a run costs what landed since the last one. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook="{{ privacy_tombstone_raw_rows() }}",
    )
}}

{%- set json_suffixes = ['.jsonl', '.jsonl.gz', '.json', '.json.gz', '.ndjson', '.ndjson.gz'] -%}
{%- set json_files = landing_files('events', json_suffixes) -%}
{%- set parquet_files = landing_files('events', ['.parquet']) -%}
{%- if is_incremental() -%}
    {%- set already_loaded = loaded_landing_files(this, '_source_file') -%}
    {%- set json_files = json_files | reject('in', already_loaded) | list -%}
    {%- set parquet_files = parquet_files | reject('in', already_loaded) | list -%}
{%- endif %}

-- erased subjects are dropped here (post-hook privacy_tombstone_raw_rows): docs/privacy.md
-- depends_on: {{ ref('audit_erased_subjects') }}
with

landed_lines as (
    {{ read_landing_json_lines(json_files) }}
    union all
    {{ read_landing_parquet_rows(parquet_files) }}
),

decoded as (
    select
        source_file,
        line_number,
        source_format,
        raw_record,
        {{ is_json_object('raw_record') }} as is_json_object,
        case
            when {{ is_json_object('raw_record') }}
                then {{ json_to_struct('raw_record', tracking_event_schema()) }}
        end as rec
    from landed_lines
),

typed as (
    select
        source_file,
        line_number,
        source_format,
        is_json_object,
        {{ redact_raw_record('raw_record', 'is_json_object') }} as raw_record,

        {{ clean_identifier('coalesce(rec.message_id, rec.messageId)') }} as event_id,
        lower(trim(rec.type)) as event_type,
        rec.event as raw_event_name,
        case lower(trim(rec.type))
            when 'track' then {{ normalize_event_name('rec.event') }}
            when 'page' then 'page_view'
            when 'screen' then 'screen_view'
            when 'identify' then 'identify'
        end as event_name,
        nullif(trim(rec.name), '') as screen_name,
        rec.timestamp as raw_timestamp,
        {{ try_parse_timestamp_utc('rec.timestamp') }} as event_time,
        {{ try_parse_timestamp_utc('coalesce(rec.received_at, rec.receivedAt)') }} as received_at,

        {{ clean_identifier('coalesce(rec.anonymous_id, rec.anonymousId)') }} as raw_anonymous_id,
        {{ clean_identifier('coalesce(rec.user_id, rec.userId)') }} as raw_user_id,
        {{ clean_identifier('rec.context.device.id') }} as raw_device_id,
        {{ clean_identifier('rec.context.wechat.openid') }} as raw_openid,
        {{ clean_identifier('rec.context.wechat.unionid') }} as raw_unionid,

        {{ normalize_label('rec.context.channel', 'channel_aliases') }} as channel,
        {{ normalize_label('rec.context.device.type', 'device_type_aliases') }} as device_type,
        nullif(lower(trim(rec.context.device.os)), '') as device_os,
        nullif(trim(rec.context.locale), '') as locale,
        {{ truncate_ip('trim(rec.context.ip)') }} as ip_prefix,
        {{ hash_pii('nullif(trim(rec.context.ip), \'\')') }} as ip_hash,
        {{ user_agent_browser('coalesce(rec.context.user_agent, rec.context.userAgent)') }} as ua_browser,
        {{ user_agent_os('coalesce(rec.context.user_agent, rec.context.userAgent)') }} as ua_os,

        -- pages: the query string is dropped (it can carry personal data); campaign
        -- parameters are read from it first
        nullif(trim(rec.context.page.url), '') as raw_page_url,
        coalesce(
            nullif(trim(rec.context.page.path), ''),
            {{ url_path('trim(rec.context.page.url)') }}
        ) as page_path,
        {{ url_host('trim(rec.context.page.url)') }} as page_host,
        nullif(trim(rec.context.page.title), '') as page_title,
        {{ url_host('trim(rec.context.page.referrer)') }} as referrer_host,
        {{ url_path('trim(rec.context.page.referrer)') }} as referrer_path,
        nullif(lower(trim(coalesce(
            rec.context.campaign.source, {{ url_parameter('rec.context.page.url', 'utm_source') }}
        ))), '') as utm_source,
        nullif(lower(trim(coalesce(
            rec.context.campaign.medium, {{ url_parameter('rec.context.page.url', 'utm_medium') }}
        ))), '') as utm_medium,
        nullif(trim(coalesce(
            rec.context.campaign.name, {{ url_parameter('rec.context.page.url', 'utm_campaign') }}
        )), '') as utm_campaign,
        nullif(trim(coalesce(
            rec.context.campaign.term, {{ url_parameter('rec.context.page.url', 'utm_term') }}
        )), '') as utm_term,
        nullif(trim(coalesce(
            rec.context.campaign.content, {{ url_parameter('rec.context.page.url', 'utm_content') }}
        )), '') as utm_content,

        -- common properties promoted to typed columns; the object stays as JSON
        nullif(trim({{ json_get_string('rec.properties', '$.product_id') }}), '') as product_id,
        nullif(lower(trim({{ json_get_string('rec.properties', '$.category') }})), '') as category,
        try_cast({{ json_get_string('rec.properties', '$.price') }} as double) as price,
        try_cast({{ json_get_string('rec.properties', '$.quantity') }} as double) as quantity,
        nullif(trim({{ json_get_string('rec.properties', '$.order_id') }}), '') as order_id,
        try_cast({{ json_get_string('rec.properties', '$.revenue') }} as double) as revenue,
        nullif(upper(trim({{ json_get_string('rec.properties', '$.currency') }})), '') as currency,
        nullif(trim({{ json_get_string('rec.properties', '$.coupon') }}), '') as coupon,
        try_cast({{ json_get_string('rec.properties', '$.discount') }} as double) as discount,
        nullif(trim({{ json_get_string('rec.properties', '$.search_term') }}), '') as search_term,
        nullif(trim({{ json_get_string('rec.properties', '$.experiment_id') }}), '') as experiment_id,
        nullif(trim({{ json_get_string('rec.properties', '$.variant') }}), '') as variant,
        cast(rec.properties as {{ dbt.type_string() }}) as properties,

        -- identify traits: personal fields only as salted hashes
        {{ hash_pii(normalize_phone(json_get_string('rec.traits', '$.phone'))) }} as phone_hash,
        {{ hash_pii(normalize_email(json_get_string('rec.traits', '$.email'))) }} as email_hash,
        {{ hash_pii('nullif(trim(' ~ json_get_string('rec.traits', '$.name') ~ '), \'\')') }} as name_hash
    from decoded
),

identified as (
    select
        *,
        -- junk identifiers (the identity_blocklist var) are not identifiers: null here, and
        -- listed so the identity guardrail audit can show what was dropped
        case when not {{ is_junk_identifier('raw_anonymous_id') }} then raw_anonymous_id end as anonymous_id,
        case when not {{ is_junk_identifier('raw_user_id') }} then raw_user_id end as user_id,
        case when not {{ is_junk_identifier('raw_device_id') }} then raw_device_id end as device_id,
        case when not {{ is_junk_identifier('raw_openid') }} then raw_openid end as openid,
        case when not {{ is_junk_identifier('raw_unionid') }} then raw_unionid end as unionid
    from typed
),

validated as (
    select
        *,
        case
            when not is_json_object then 'malformed_json'
            when event_id is null then 'missing_message_id'
            when event_type is null or event_type not in ('track', 'page', 'screen', 'identify')
                then 'unknown_type'
            when event_name is null then 'missing_event_name'
            when raw_timestamp is null or trim(raw_timestamp) = '' then 'missing_timestamp'
            when event_time is null
                or event_time < cast('{{ var("min_valid_event_time") }}' as timestamp)
                then 'invalid_timestamp'
            when event_time > {{ add_minutes(
                    'coalesce(received_at, ' ~ run_started_at_utc() ~ ')',
                    var('max_clock_skew_minutes')) }}
                then 'future_timestamp'
            when coalesce(anonymous_id, user_id, device_id, openid, unionid) is null
                then 'no_identifier'
        end as reject_reason
    from identified
),

final as (
    select
        event_id,
        event_type,
        event_name,
        raw_event_name,
        screen_name,
        event_time,
        -- a missing or unreadable received_at is taken as the event time (lateness 0)
        coalesce(received_at, event_time) as received_at,
        received_at is null as is_received_at_imputed,
        anonymous_id,
        user_id,
        device_id,
        openid,
        unionid,
        phone_hash,
        email_hash,
        name_hash,
        nullif(concat_ws(
            ';',
            case when raw_anonymous_id is not null and anonymous_id is null then 'anonymous_id=' || raw_anonymous_id end,
            case when raw_user_id is not null and user_id is null then 'user_id=' || raw_user_id end,
            case when raw_device_id is not null and device_id is null then 'device_id=' || raw_device_id end,
            case when raw_openid is not null and openid is null then 'openid=' || raw_openid end,
            case when raw_unionid is not null and unionid is null then 'unionid=' || raw_unionid end
        ), '') as dropped_junk_identifiers,
        channel,
        device_type,
        device_os,
        locale,
        ip_prefix,
        ip_hash,
        ua_browser,
        ua_os,
        case
            when page_host is not null then page_host || coalesce(page_path, '')
            else page_path
        end as page_url,
        page_path,
        page_host,
        page_title,
        referrer_host,
        referrer_path,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        product_id,
        category,
        price,
        quantity,
        order_id,
        revenue,
        currency,
        coupon,
        discount,
        search_term,
        experiment_id,
        variant,
        properties,
        reject_reason,
        case reject_reason
            when 'malformed_json' then 'the line is not a JSON object'
            when 'missing_message_id' then 'message_id is missing or empty'
            when 'unknown_type'
                then 'type is ' || coalesce('''' || event_type || '''', 'missing')
                    || '; expected track, page, screen or identify'
            when 'missing_event_name' then 'a track call without an event name'
            when 'missing_timestamp' then 'timestamp is missing'
            when 'invalid_timestamp' then 'timestamp ''' || raw_timestamp || ''' is not a plausible ISO-8601 time'
            when 'future_timestamp' then 'timestamp is more than {{ var("max_clock_skew_minutes") }} minutes after received_at'
            when 'no_identifier' then 'no anonymous_id, user_id, device id, openid or unionid (junk values do not count)'
        end as reject_detail,
        raw_record,
        source_file as _source_file,
        line_number as _line_number,
        source_format as _source_format,
        {{ run_started_at_utc() }} as _loaded_at,
        '{{ invocation_id }}' as _load_id
    from validated
)

select * from final
