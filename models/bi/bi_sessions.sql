{#- Read-only BI access (docs/privacy.md): One session with its pseudonymous person (no client key or user id). -#}

with

source as (
    select * from {{ ref('fct_sessions') }}
),

final as (
    select
        session_id,
        person_id,
        channel,
        device_type,
        session_start,
        session_end,
        duration_s,
        events,
        page_views,
        engaged_time_s,
        landing_page,
        exit_page,
        referrer,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        default_channel_group,
        is_bounce,
        converted,
        purchases,
        revenue
    from source
)

select * from final
