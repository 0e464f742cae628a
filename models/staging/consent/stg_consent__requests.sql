{#- One valid consent or erasure request: identifier (hashed for phone/email), purpose, action,
    and when it was requested (effective from then). -#}
{{ config(materialized='table') }}

with

consent_rows as (
    select * from {{ ref('stg_consent__requests_rows') }}
    where reject_reason is null
),

final as (
    select
        consent_request_id,
        identifier_type,
        identifier_value,
        purpose,
        action,
        requested_at,
        _source_file,
        _line_number
    from consent_rows
)

select * from final
