{#- One row per item of a session path: the page path for page views, the screen name for screens,
    else the event name; consecutive duplicates collapse into one item. step_index counts items
    from 1, uncapped (the marts cap it with var('path_step_cap')).

    Under the default analytics consent policy (include_all) a view: the incremental, client-keyed
    int_analysis__session_paths with the person of each item's first event from today's identity
    map. Under exclude_withdrawn the withdrawn persons' events leave the paths before collapsing,
    which depends on today's consents: then a table computed from fct_events on every run. -#}
{%- set include_all = var('privacy_analytics_consent_policy', 'include_all') | string | trim | lower == 'include_all' -%}
{{ config(materialized='view' if include_all else 'table') }}

-- both branches' inputs, whichever policy is on (the unit tests give all of them):
-- depends_on: {{ ref('int_analysis__session_paths') }}, {{ ref('dim_identity_map') }}
-- depends_on: {{ ref('fct_events') }}, {{ ref('fct_sessions') }}

{% if include_all %}

    with

    session_paths as (
        select * from {{ ref('int_analysis__session_paths') }}
    ),

    identity_map as (
        select * from {{ ref('dim_identity_map') }}
    ),

    final as (
        select
            session_paths.session_id,
            identity_map.person_id,
            session_paths.step_index,
            session_paths.item,
            session_paths.item_started_at,
            session_paths.session_items,
            session_paths.session_converted
        from session_paths
        left join identity_map
            on session_paths.person_lookup_type = identity_map.identifier_type
                and session_paths.person_lookup_value = identity_map.identifier_value
    )

    select * from final

{% else %}

    with

    events as (
        select * from {{ ref('fct_events') }}
        where session_id is not null
            and {{ analytics_consent_filter('person_id') }}
    ),

    sessions as (
        select * from {{ ref('fct_sessions') }}
        where {{ analytics_consent_filter('person_id') }}
    ),

    itemized as (
        select
            session_id,
            person_id,
            event_id,
            event_time,
            event_seq_in_session,
            {{ path_item() }} as item
        from events
    ),

    with_previous as (
        select
            itemized.*,
            lag(item) over (partition by session_id order by event_seq_in_session, event_id) as previous_item
        from itemized
    ),

    collapsed as (
        select
            session_id,
            person_id,
            event_time,
            item,
            row_number() over (partition by session_id order by event_seq_in_session, event_id) as step_index
        from with_previous
        where previous_item is null or item != previous_item
    ),

    final as (
        select
            collapsed.session_id,
            collapsed.person_id,
            collapsed.step_index,
            collapsed.item,
            collapsed.event_time as item_started_at,
            count(*) over (partition by collapsed.session_id) as session_items,
            coalesce(sessions.converted, false) as session_converted
        from collapsed
        left join sessions
            on collapsed.session_id = sessions.session_id
    )

    select * from final

{% endif %}
