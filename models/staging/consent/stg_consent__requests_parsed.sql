{#- Every row of the consent log files, typed, with phone/email identifiers hashed and a reject
    reason when unusable. Ephemeral (no relation of its own): audit_erased_subjects reads the erase
    requests from it, and stg_consent__requests_rows stores it without the erased subjects. -#}
{{ config(materialized='ephemeral') }}

{%- set consent_columns = ['identifier_type', 'identifier_value', 'purpose', 'action', 'requested_at'] -%}
{%- set identifier_types = ['user_id', 'anonymous_id', 'device_id', 'openid', 'unionid', 'phone', 'email', 'crm_customer_id'] -%}

with

consent_rows as (
    {{ read_landing_csv('consent', consent_columns) }}
),

typed as (
    select
        nullif(lower(trim(identifier_type)), '') as identifier_type,
        case lower(trim(identifier_type))
            when 'phone' then {{ hash_pii(normalize_phone('identifier_value')) }}
            when 'email' then {{ hash_pii(normalize_email('identifier_value')) }}
            else {{ clean_identifier('identifier_value') }}
        end as identifier_value,
        nullif(lower(trim(purpose)), '') as purpose,
        nullif(lower(trim(action)), '') as action,
        {{ try_parse_timestamp_utc('requested_at') }} as requested_at,
        source_file as _source_file,
        line_number as _line_number
    from consent_rows
),

final as (
    select
        {{ surrogate_key(['_source_file', '_line_number']) }} as consent_request_id,
        *,
        case
            when identifier_type is null or identifier_type not in ({{ identifier_types | map('tojson') | join(', ') | replace('"', "'") }})
                then 'unknown_identifier_type'
            when identifier_value is null then 'missing_identifier'
            when purpose is null or purpose not in ('analytics', 'marketing', 'all') then 'unknown_purpose'
            when action is null or action not in ('grant', 'withdraw', 'erase') then 'unknown_action'
            when requested_at is null then 'invalid_timestamp'
        end as reject_reason
    from typed
)

select * from final
