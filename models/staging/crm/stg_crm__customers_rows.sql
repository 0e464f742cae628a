{#- Every row of the CRM export files, typed, with personal data hashed and a reject reason when
    unusable. A table, not a view: the hashing salt must not sit in a stored view definition. -#}
{{ config(materialized='table') }}

{%- set crm_columns = ['customer_id', 'user_id', 'phone', 'email', 'name', 'member_level', 'tags', 'created_at', 'updated_at'] -%}

with

crm_rows as (
    {{ read_landing_csv('crm_customers', crm_columns) }}
),

typed as (
    select
        {{ clean_identifier('customer_id') }} as crm_customer_id,
        case
            when not {{ is_junk_identifier('user_id') }} then {{ clean_identifier('user_id') }}
        end as user_id,
        {{ hash_pii(normalize_phone('phone')) }} as phone_hash,
        {{ hash_pii(normalize_email('email')) }} as email_hash,
        {{ hash_pii("nullif(trim(name), '')") }} as name_hash,
        nullif(lower(trim(member_level)), '') as member_level,
        nullif(lower({{ regexp_replace_all(
            regexp_replace_all('trim(tags)', '\\s*;\\s*', ';'), '^;+|;+$', '') }}), '') as crm_tags,
        {{ try_parse_timestamp_utc('created_at') }} as created_at,
        {{ try_parse_timestamp_utc('updated_at') }} as updated_at,
        nullif(trim(updated_at), '') is not null as has_updated_at,
        source_file as _source_file,
        line_number as _line_number
    from crm_rows
),

flagged as (
    select
        *,
        coalesce({{ erasure_match(
            ['crm_customer_id', 'user_id', 'phone_hash', 'email_hash'],
            'select subject_hash from ' ~ ref('audit_erased_subjects')
        ) }}, false) as is_erased_subject
    from typed
),

-- a customer who was erased keeps nothing but the file and line of its row
final as (
    select
        case when not is_erased_subject then crm_customer_id end as crm_customer_id,
        case when not is_erased_subject then user_id end as user_id,
        case when not is_erased_subject then phone_hash end as phone_hash,
        case when not is_erased_subject then email_hash end as email_hash,
        case when not is_erased_subject then name_hash end as name_hash,
        case when not is_erased_subject then member_level end as member_level,
        case when not is_erased_subject then crm_tags end as crm_tags,
        case when not is_erased_subject then created_at end as created_at,
        case when not is_erased_subject then updated_at end as updated_at,
        has_updated_at,
        _source_file,
        _line_number,
        case
            when is_erased_subject then 'erased_subject'
            when crm_customer_id is null then 'missing_customer_id'
            when has_updated_at and updated_at is null then 'invalid_timestamp'
        end as reject_reason
    from flagged
)

select * from final
