{#- One valid, de-duplicated tracking event (event_id = message_id). Of several deliveries of one
    message_id the earliest received wins (then file and line order); a later delivery of an
    event already kept by an earlier run is a duplicate too. Appends only what is new. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        post_hook=[
            "{{ privacy_purge_erased() }}",
            "{{ privacy_purge_tombstoned('_source_file', '_line_number', ['expired']) }}",
        ],
    )
}}

with

raw_rows as (
    select * from {{ ref('stg_tracking__raw_rows') }}
    {% if is_incremental() %}
        where _loaded_at > (select coalesce(max(_loaded_at), cast('1900-01-01' as timestamp)) from {{ this }})
    {% endif %}
),

valid_rows as (
    select * from raw_rows
    where reject_reason is null
),

first_delivery as (
    select * from valid_rows
    qualify row_number() over (
            partition by event_id
            order by received_at, _source_file, _line_number
        ) = 1
),

{% if is_incremental() %}
not_seen_before as (
    select first_delivery.*
    from first_delivery
    where not exists (
        select 1 from {{ this }} as kept
        where kept.event_id = first_delivery.event_id
    )
),
{% else %}
    not_seen_before as (
        select * from first_delivery
    ),
{% endif %}

final as (
    select
        event_id,
        event_type,
        event_name,
        raw_event_name,
        screen_name,
        event_time,
        received_at,
        is_received_at_imputed,
        {{ seconds_between('event_time', 'received_at') }} as lateness_s,
        anonymous_id,
        user_id,
        device_id,
        openid,
        unionid,
        phone_hash,
        email_hash,
        name_hash,
        dropped_junk_identifiers,
        channel,
        device_type,
        device_os,
        locale,
        ip_prefix,
        ip_hash,
        ua_browser,
        ua_os,
        page_url,
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
        _source_file,
        _line_number,
        _loaded_at
    from not_seen_before
)

select * from final
