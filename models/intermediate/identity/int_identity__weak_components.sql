{#- Connected components of the non-shared weak identifiers over weak-weak edges. -#}
{{ config(post_hook="{{ identity_drop_work_tables() }}") }}

{%- set nodes_sql -%}
    select node_id from {{ ref('int_identity__weak_nodes') }} where not is_shared
{%- endset -%}
{%- set edges_sql -%}
    select e.node_a, e.node_b
    from {{ ref('int_identity__edges') }} as e
    inner join {{ ref('int_identity__weak_nodes') }} as a on e.node_a = a.node_id
    inner join {{ ref('int_identity__weak_nodes') }} as b on e.node_b = b.node_id
    where e.edge_kind = 'weak_weak' and not a.is_shared and not b.is_shared
{%- endset -%}

{{ identity_connected_components(nodes_sql, edges_sql) }}
