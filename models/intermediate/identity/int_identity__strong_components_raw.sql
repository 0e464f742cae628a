{#- Connected components of the strong identifiers over strong-strong edges, shared strong
    identifiers left out (identity_connected_components: label propagation + pointer jumping). -#}
{{ config(post_hook="{{ identity_drop_work_tables() }}") }}

{%- set nodes_sql -%}
    select node_id from {{ ref('int_identity__strong_nodes') }} where not is_shared
{%- endset -%}
{%- set edges_sql -%}
    select e.node_a, e.node_b
    from {{ ref('int_identity__edges') }} as e
    inner join {{ ref('int_identity__strong_nodes') }} as a on e.node_a = a.node_id
    inner join {{ ref('int_identity__strong_nodes') }} as b on e.node_b = b.node_id
    where e.edge_kind = 'strong_strong' and not a.is_shared and not b.is_shared
{%- endset -%}

{{ identity_connected_components(nodes_sql, edges_sql) }}
