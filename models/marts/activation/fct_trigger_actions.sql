{#- The outbox of behavior-triggered actions: one row per trigger occurrence, appended once and
    never rewritten. action_id = md5(rule, person, occurrence key), so a rule fires once per
    occurrence on any number of reruns; full_refresh=false keeps the outbox through
    `--full-refresh`. Persons whose marketing consent does not allow it get no action.
    orchestration/delivery/webhooks.py delivers the rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
    post_hook="{{ privacy_purge_erased() }}"
) }}

with

occurrences as (
    select * from {{ ref('int_activation__trigger_occurrences') }}
),

profile as (
    select * from {{ ref('dim_person_profile') }}
),

allowed_occurrences as (
    select occurrences.*
    from occurrences
    inner join profile on occurrences.person_id = profile.person_id
    where profile.marketing_allowed
),

new_occurrences as (
    select allowed_occurrences.*
    from allowed_occurrences
    {%- if is_incremental() %}
    where allowed_occurrences.action_id not in (select existing.action_id from {{ this }} as existing)
    {%- endif %}
),

final as (
    select
        action_id,
        rule_name,
        person_id,
        occurrence_key,
        fired_at,
        payload,
        as_of_time as created_as_of
    from new_occurrences
)

select * from final
