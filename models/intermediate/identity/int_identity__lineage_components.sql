{#- The persons as they were before any merge: components of the kept edges that grew with a new
    identifier (not the joining ones, which linked two already-seen identifiers). Every lineage
    component other than the one holding the person's anchor is a person id that was merged. -#}
{{ config(post_hook="{{ identity_drop_work_tables() }}") }}

{%- set nodes_sql -%}
    select node_id from {{ ref('int_identity__resolution') }} where person_id is not null
{%- endset -%}
{%- set edges_sql -%}
    select node_a, node_b
    from {{ ref('int_identity__edges_guarded') }}
    where is_kept and not is_joining
{%- endset -%}

{{ identity_connected_components(nodes_sql, edges_sql) }}
