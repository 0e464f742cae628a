{#- Read-only BI access (docs/privacy.md): DAU, WAU, MAU per day. -#}

with

source as (
    select * from {{ ref('agg_active_users') }}
),

final as (
    select
        activity_day,
        dau,
        wau,
        mau,
        dau_mau
    from source
)

select * from final
