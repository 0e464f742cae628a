{#- One row per erasure request and relation a run purged: how many rows were deleted (or, for
    stg_tracking__raw_rows, turned into tombstones). Written by the privacy_purge_erased and
    privacy_tombstone_raw_rows post-hooks (and the Python purge of exports, ML tables and the
    delivery log); this model only creates the table and keeps it through --full-refresh. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        full_refresh=false,
        on_schema_change='fail',
    )
}}

with

final as (
    select
        cast(null as {{ dbt.type_string() }}) as erasure_request_id,
        cast(null as {{ dbt.type_string() }}) as relation_name,
        cast(null as {{ dbt.type_string() }}) as action,
        cast(null as bigint) as rows_touched,
        cast(null as timestamp) as purged_at,
        cast(null as {{ dbt.type_string() }}) as run_id
)

select * from final
where false
