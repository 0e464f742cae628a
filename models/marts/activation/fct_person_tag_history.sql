{#- When each tag was gained and lost: one row per holding interval of a tag by a person.
    Incremental: a run inserts the intervals of tags that appeared and closes (sets lost_at on)
    the intervals of tags that disappeared since the previous run; a rerun with no change writes
    nothing. full_refresh=false keeps the history through `dbt build --full-refresh`. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='tag_interval_id',
    full_refresh=false,
    on_schema_change='append_new_columns',
    post_hook="{{ privacy_purge_erased() }}"
) }}

with

current_tags as (
    select * from {{ ref('fct_person_tags') }}
),

as_of as (
    select max(as_of_time) as as_of_time from {{ ref('int_activation__events') }}
),

{%- if is_incremental() %}

open_intervals as (
    select * from {{ this }}
    where lost_at is null
),

gained as (
    select
        current_tags.person_id,
        current_tags.tag,
        current_tags.tagged_at as gained_at,
        as_of.as_of_time as gained_as_of,
        cast(null as timestamp) as lost_at
    from current_tags
    cross join as_of
    left join open_intervals
        on
            current_tags.person_id = open_intervals.person_id
            and current_tags.tag = open_intervals.tag
    where open_intervals.person_id is null
),

lost as (
    select
        open_intervals.person_id,
        open_intervals.tag,
        open_intervals.gained_at,
        open_intervals.gained_as_of,
        as_of.as_of_time as lost_at
    from open_intervals
    cross join as_of
    left join current_tags
        on
            open_intervals.person_id = current_tags.person_id
            and open_intervals.tag = current_tags.tag
    where current_tags.person_id is null
),

changes as (
    select * from gained
    union all
    select * from lost
),
{%- else %}

    changes as (
        select
            current_tags.person_id,
            current_tags.tag,
            current_tags.tagged_at as gained_at,
            as_of.as_of_time as gained_as_of,
            cast(null as timestamp) as lost_at
        from current_tags
        cross join as_of
    ),
{%- endif %}

final as (
    select
        {{ surrogate_key(['person_id', 'tag', 'gained_as_of', 'gained_at']) }} as tag_interval_id,
        person_id,
        tag,
        gained_at,
        gained_as_of,
        lost_at,
        lost_at is null as is_current
    from changes
)

select * from final
