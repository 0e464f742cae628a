{#- One page or screen view with time on page and its person (resolved when read). -#}
{{ config(materialized='view') }}

with

page_views as (
    select * from {{ ref('int_sessions__page_views') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
),

final as (
    select
        page_views.page_view_id,
        identity_map.person_id,
        page_views.client_key,
        page_views.session_id,
        page_views.event_time,
        page_views.view_type,
        page_views.page,
        page_views.page_path,
        page_views.page_url,
        page_views.page_title,
        page_views.screen_name,
        page_views.referrer_host,
        page_views.channel,
        page_views.device_type,
        page_views.view_seq_in_session,
        page_views.is_landing,
        page_views.is_exit,
        page_views.time_on_page_s,
        page_views.time_on_page_basis,
        page_views._processed_at
    from page_views
    left join identity_map
        on page_views.person_lookup_type = identity_map.identifier_type
            and page_views.person_lookup_value = identity_map.identifier_value
)

select * from final
