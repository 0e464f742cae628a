{#- Why two records did not merge: every edge a guardrail dropped, every shared identifier, and
    every junk identifier value that staging nulled (identity_blocklist), with the reason. -#}

with

dropped_edges as (
    select * from {{ ref('int_identity__edges_guarded') }}
    where not is_kept
),

shared_identifiers as (
    select * from {{ ref('int_identity__resolution') }}
    where is_shared
),

events as (
    select * from {{ ref('stg_tracking__events') }}
    where dropped_junk_identifiers is not null
),

edge_drops as (
    select
        'edge' as drop_kind,
        type_a as identifier_type,
        value_a as identifier_value,
        type_b as other_identifier_type,
        value_b as other_identifier_value,
        drop_reason as reason,
        blocking_identifier_type,
        blocking_identifier_value,
        first_seen_at,
        last_seen_at,
        occurrences
    from dropped_edges
),

identifier_drops as (
    select
        'shared_identifier' as drop_kind,
        identifier_type,
        identifier_value,
        cast(null as {{ dbt.type_string() }}) as other_identifier_type,
        cast(null as {{ dbt.type_string() }}) as other_identifier_value,
        resolution as reason,
        identifier_type as blocking_identifier_type,
        identifier_value as blocking_identifier_value,
        first_seen_at,
        last_seen_at,
        events as occurrences
    from shared_identifiers
),

junk_values as (
    {%- for t in ['anonymous_id', 'user_id', 'device_id', 'openid', 'unionid'] %}
        select
            '{{ t }}' as identifier_type,
            {{ regexp_extract_group('dropped_junk_identifiers', '(?:^|;)' ~ t ~ '=([^;]*)') }} as identifier_value,
            event_time
        from events
        where dropped_junk_identifiers like '%{{ t }}=%'
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

junk_drops as (
    select
        'junk_identifier' as drop_kind,
        identifier_type,
        identifier_value,
        cast(null as {{ dbt.type_string() }}) as other_identifier_type,
        cast(null as {{ dbt.type_string() }}) as other_identifier_value,
        'blocklisted_junk_value' as reason,
        identifier_type as blocking_identifier_type,
        identifier_value as blocking_identifier_value,
        min(event_time) as first_seen_at,
        max(event_time) as last_seen_at,
        count(*) as occurrences
    from junk_values
    where identifier_value is not null
    group by identifier_type, identifier_value
),

unioned as (
    select * from edge_drops
    union all
    select * from identifier_drops
    union all
    select * from junk_drops
),

final as (
    select
        {{ surrogate_key(['drop_kind', 'identifier_type', 'identifier_value', 'other_identifier_type',
            'other_identifier_value']) }} as drop_id,
        *
    from unioned
)

select * from final
