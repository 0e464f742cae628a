{#- Read-only BI access (docs/privacy.md): Tags held by pseudonymous persons. -#}

with

source as (
    select * from {{ ref('fct_person_tags') }}
),

final as (
    select
        person_id,
        tag,
        tag_source,
        tagged_at
    from source
)

select * from final
