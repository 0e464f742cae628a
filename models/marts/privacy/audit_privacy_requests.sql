{#- One row per privacy request processed: consent grants and withdrawals (when first seen) and
    erasures (when carried out), with the resolved person and how many rows the request touched.
    Append-only, kept through --full-refresh. Identifiers appear only as erasure hashes; the
    person_id of a consent request is nulled when that person is later erased. Built after every
    relation an erasure purges, so an erasure's rows_touched counts them all (the Python purge of
    exports, ML tables and the delivery log adds its rows later in the same run). -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
        schema='audit',
        post_hook="{{ privacy_purge_erased_person_ids() }}",
    )
}}
-- depends_on: {{ ref('fct_trigger_actions') }}
-- depends_on: {{ ref('fct_person_tag_history') }}
-- depends_on: {{ ref('int_sessions__sessions') }}
-- depends_on: {{ ref('int_sessions__page_views') }}
-- depends_on: {{ ref('audit_quarantined_events') }}

with

consent_rows as (
    select * from {{ ref('stg_consent__requests_parsed') }}
    where reject_reason is null
),

erased_subjects as (
    select * from {{ ref('audit_erased_subjects') }}
),

purge_log as (
    select * from {{ ref('audit_privacy_purge_log') }}
),

identity_map as (
    select * from {{ ref('dim_identity_map') }}
    where person_id is not null
),

consent_changes as (
    select
        consent_rows.consent_request_id as request_id,
        consent_rows.action,
        consent_rows.purpose,
        consent_rows.identifier_type,
        {{ erasure_hash('consent_rows.identifier_value') }} as identifier_hash,
        consent_rows.requested_at,
        min(identity_map.person_id) as person_id,
        cast(count(distinct identity_map.person_id) as bigint) as persons_resolved,
        cast(0 as bigint) as identifiers_suppressed,
        -- a consent change touches the consent state of the person it resolves to
        cast(count(distinct identity_map.person_id) as bigint) as rows_touched
    from consent_rows
    left join identity_map
        on
            consent_rows.identifier_type = identity_map.identifier_type
            and consent_rows.identifier_value = identity_map.identifier_value
    where
        consent_rows.action in ('grant', 'withdraw')
        and not {{ erasure_hash('consent_rows.identifier_value') }} in (
            select erased_subjects.subject_hash from erased_subjects
        )
    group by
        consent_rows.consent_request_id,
        consent_rows.action,
        consent_rows.purpose,
        consent_rows.identifier_type,
        consent_rows.identifier_value,
        consent_rows.requested_at
),

purged_per_request as (
    select
        erasure_request_id,
        sum(rows_touched) as rows_touched
    from purge_log
    group by erasure_request_id
),

erasures as (
    select
        erased_subjects.erasure_request_id as request_id,
        'erase' as action,
        min(consent_rows.purpose) as purpose,
        min(consent_rows.identifier_type) as identifier_type,
        min({{ erasure_hash('consent_rows.identifier_value') }}) as identifier_hash,
        min(erased_subjects.requested_at) as requested_at,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(count(distinct case
            when erased_subjects.identifier_type = 'person_id' then erased_subjects.subject_hash
        end) as bigint) as persons_resolved,
        cast(count(distinct erased_subjects.subject_hash) as bigint) as identifiers_suppressed,
        cast(coalesce(max(purged.rows_touched), 0) as bigint) as rows_touched
    from erased_subjects
    inner join consent_rows
        on erased_subjects.erasure_request_id = consent_rows.consent_request_id
    left join purged_per_request as purged
        on erased_subjects.erasure_request_id = purged.erasure_request_id
    group by erased_subjects.erasure_request_id
),

unioned as (
    select * from consent_changes
    union all
    select * from erasures
),

final as (
    select
        request_id,
        action,
        purpose,
        identifier_type,
        identifier_hash,
        requested_at,
        person_id,
        persons_resolved,
        identifiers_suppressed,
        rows_touched,
        {{ run_started_at_utc() }} as processed_at,
        '{{ invocation_id }}' as run_id
    from unioned
    {%- if is_incremental() %}
        where request_id not in (select done.request_id from {{ this }} as done)
    {%- endif %}
)

select * from final
