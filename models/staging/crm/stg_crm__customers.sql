{#- One CRM customer: the latest version of each customer_id across the export files. -#}
{{ config(materialized='table') }}

with

crm_rows as (
    select * from {{ ref('stg_crm__customers_rows') }}
    where reject_reason is null
),

latest_version as (
    select * from crm_rows
    qualify row_number() over (
            partition by crm_customer_id
            order by updated_at desc nulls last, _source_file desc, _line_number desc
        ) = 1
),

final as (
    select
        crm_customer_id,
        user_id,
        phone_hash,
        email_hash,
        name_hash,
        member_level,
        crm_tags,
        created_at,
        updated_at,
        _source_file,
        _line_number
    from latest_version
)

select * from final
