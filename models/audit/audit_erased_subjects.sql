{#- The suppression list: one row per identifier of a person erased by an `erase` request, kept
    only as erasure_hash(value) = sha256(salt || '|erased|' || value) (docs/privacy.md).

    Order of operations: this model runs before staging. A new erase request is resolved to its
    person through the PREVIOUS run's dim_identity_map (read without ref(): the map is built from
    staging, which this model filters), and every identifier of that person, the person_id and the
    person ids merged into it become subjects. Staging then drops every row carrying a subject
    (reason erased_subject) and the post-hooks of the incremental relations delete the person's
    older rows. Append-only and kept through --full-refresh (full_refresh=false), so raw files
    still in the landing directory never bring an erased person back.

    Before the first build there is no identity map: erase requests wait (they are picked up by
    the next run, and meanwhile the person counts as erased for consent). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}
{%- set identity_map = existing_model_relation('dim_identity_map') -%}
{%- set merges = existing_model_relation('fct_identity_merges') %}
-- depends_on: {{ ref('audit_privacy_purge_log') }}

with

consent_rows as (
    select * from {{ ref('stg_consent__requests_parsed') }}
),

erase_requests as (
    select
        consent_request_id as erasure_request_id,
        identifier_type,
        identifier_value,
        requested_at
    from consent_rows
    where
        reject_reason is null
        and action = 'erase'
        -- no identity map yet (first build): the request waits for the next run
        and {{ 'false' if identity_map is none else 'true' }}
        -- requests processed by an earlier run are done
        and consent_request_id not in (
            {{ 'select processed.erasure_request_id from ' ~ this ~ ' as processed' if is_incremental() else "''" }}
        )
),

named_identifiers as (
    select
        erasure_request_id,
        identifier_type,
        identifier_value
    from erase_requests
),

{% if identity_map is not none %}
previous_identity_map as (
    select * from {{ identity_map }}
),

resolved_persons as (
    select distinct
        erase_requests.erasure_request_id,
        previous_identity_map.person_id
    from erase_requests
    inner join previous_identity_map
        on
            erase_requests.identifier_type = previous_identity_map.identifier_type
            and erase_requests.identifier_value = previous_identity_map.identifier_value
    where previous_identity_map.person_id is not null
),

person_identifiers as (
    select
        resolved_persons.erasure_request_id,
        previous_identity_map.identifier_type,
        previous_identity_map.identifier_value
    from resolved_persons
    inner join previous_identity_map
        on resolved_persons.person_id = previous_identity_map.person_id
),

person_ids as (
    select
        erasure_request_id,
        'person_id' as identifier_type,
        person_id as identifier_value
    from resolved_persons
    {%- if merges is not none %}
        union all
        select
            resolved_persons.erasure_request_id,
            'person_id' as identifier_type,
            previous_merges.merged_person_id as identifier_value
        from resolved_persons
        inner join {{ merges }} as previous_merges
            on resolved_persons.person_id = previous_merges.surviving_person_id
    {%- endif %}
),
{% endif %}

subjects as (
    select * from named_identifiers
    {%- if identity_map is not none %}
        union all
        select * from person_identifiers
        union all
        select * from person_ids
    {%- endif %}
),

hashed as (
    select distinct
        {{ erasure_hash('subjects.identifier_value') }} as subject_hash,
        subjects.identifier_type,
        subjects.erasure_request_id
    from subjects
    where subjects.identifier_value is not null
),

final as (
    select
        hashed.subject_hash,
        hashed.identifier_type,
        hashed.erasure_request_id,
        erase_requests.requested_at,
        {{ run_started_at_utc() }} as erased_at,
        '{{ invocation_id }}' as erased_run_id
    from hashed
    inner join erase_requests
        on hashed.erasure_request_id = erase_requests.erasure_request_id
)

select * from final
