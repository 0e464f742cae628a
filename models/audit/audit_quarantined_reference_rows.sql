{#- One rejected row of the CRM or consent landing files, with the reason; with the staged
    customers and consent requests it accounts for every reference row that landed. -#}
with

crm_rejects as (
    select
        'crm_customers' as source,
        reject_reason as reason,
        _source_file as source_file,
        _line_number as line_number,
        crm_customer_id as record_key
    from {{ ref('stg_crm__customers_rows') }}
    where reject_reason is not null
),

consent_rejects as (
    select
        'consent' as source,
        reject_reason as reason,
        _source_file as source_file,
        _line_number as line_number,
        consent_request_id as record_key
    from {{ ref('stg_consent__requests_rows') }}
    where reject_reason is not null
),

final as (
    select * from crm_rejects
    union all
    select * from consent_rejects
)

select * from final
