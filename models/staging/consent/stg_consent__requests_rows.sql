{#- Every row of the consent log files, typed, with phone/email identifiers hashed and a reject
    reason when unusable. A row whose identifier is an erased subject keeps no identifier and is
    rejected as erased_subject (its request was processed: audit_privacy_requests). A table so that
    the salt is not stored in a view definition. -#}
{{ config(materialized='table') }}

with

parsed_rows as (
    select * from {{ ref('stg_consent__requests_parsed') }}
),

erased_subjects as (
    select * from {{ ref('audit_erased_subjects') }}
),

flagged as (
    select
        parsed_rows.*,
        {{ erasure_hash('parsed_rows.identifier_value') }} in (
            select erased_subjects.subject_hash from erased_subjects
        ) as is_erased_subject
    from parsed_rows
),

final as (
    select
        consent_request_id,
        identifier_type,
        case when not coalesce(is_erased_subject, false) then identifier_value end as identifier_value,
        purpose,
        action,
        requested_at,
        _source_file,
        _line_number,
        case when coalesce(is_erased_subject, false) then 'erased_subject' else reject_reason end as reject_reason
    from flagged
)

select * from final
