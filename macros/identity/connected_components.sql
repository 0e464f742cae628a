{#- Connected components of an undirected graph by iterative min-label propagation with hooking
    and pointer jumping (a Shiloach-Vishkin-style scheme), looped in Jinja over work tables.

    `nodes_sql` selects `node_id` (bigint, unique); `edges_sql` selects `node_a`, `node_b`.
    Returns a select of `node_id`, `component_id` where component_id is the smallest node_id of
    the node's component (nodes without edges are their own component).

    Each round: every node takes the smallest parent among its neighbours, every root is hooked to
    the smallest parent seen across its children's edges, then parents jump twice
    (parent := parent of parent). Labels only decrease, so it terminates; at the fixpoint every
    edge joins equal labels, so labels are exactly the components. Long chains converge in
    O(log n) rounds instead of O(diameter). More than var('identity_max_iterations') rounds fails
    the build (never a half-merged graph).

    The loop runs only when the model is actually built (dbt run/build); parsing, compiling and
    linting see an equivalent-shaped query. Work tables live beside the model and are dropped by
    identity_drop_work_tables (post-hook). -#}
{% macro identity_connected_components(nodes_sql, edges_sql) -%}
    {%- if not execute or flags.WHICH not in ('run', 'build', 'retry') -%}
        select
            n.node_id,
            n.node_id as component_id
        from ({{ nodes_sql }}) as n
    {%- else -%}
        {%- set result_relation = identity_work_relation('cc_result') -%}
        {%- do _identity_run_connected_components(nodes_sql, edges_sql, result_relation) -%}
        select
            n.node_id,
            coalesce(r.parent, n.node_id) as component_id
        from ({{ nodes_sql }}) as n
        left join {{ result_relation }} as r
            on n.node_id = r.node_id
    {%- endif -%}
{%- endmacro %}

{% macro identity_work_relation(suffix) -%}
    {{ return(api.Relation.create(
        database=this.database, schema=this.schema,
        identifier=this.identifier ~ '__' ~ suffix, type='table')) }}
{%- endmacro %}

{% macro _identity_create_work_table(relation, sql) -%}
    {%- do adapter.drop_relation(relation) -%}
    {%- do run_query(get_create_table_as_sql(False, relation, sql)) -%}
{%- endmacro %}

{% macro _identity_run_connected_components(nodes_sql, edges_sql, result_relation) -%}
    {%- set max_iterations = var('identity_max_iterations') | int -%}
    {%- set edges = identity_work_relation('cc_edges') -%}
    {%- do _identity_create_work_table(edges, '
        select distinct src, dst from (
            select cast(e.node_a as bigint) as src, cast(e.node_b as bigint) as dst
            from (' ~ edges_sql ~ ') as e
            where e.node_a <> e.node_b
            union all
            select cast(e.node_b as bigint) as src, cast(e.node_a as bigint) as dst
            from (' ~ edges_sql ~ ') as e
            where e.node_a <> e.node_b
        ) as directed') -%}
    {%- set ns = namespace(current=identity_work_relation('cc_p0'), done=false, rounds=0, changed=none) -%}
    {%- do _identity_create_work_table(ns.current, '
        select src as node_id, least(src, min(dst)) as parent
        from ' ~ edges ~ '
        group by src') -%}
    {%- for i in range(1, max_iterations + 1) -%}
        {%- if not ns.done -%}
            {%- set next = identity_work_relation('cc_p' ~ i) -%}
            {%- do _identity_create_work_table(next, _identity_cc_round_sql(edges, ns.current)) -%}
            {%- set changed = run_query(
                'select count(*) from ' ~ next ~ ' as n inner join ' ~ ns.current
                ~ ' as p on n.node_id = p.node_id where n.parent <> p.parent').columns[0].values()[0] -%}
            {%- do adapter.drop_relation(ns.current) -%}
            {%- set ns.current = next -%}
            {%- set ns.rounds = i -%}
            {%- set ns.changed = changed -%}
            {%- if changed == 0 -%}
                {%- set ns.done = true -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not ns.done -%}
        {%- do adapter.drop_relation(ns.current) -%}
        {%- do adapter.drop_relation(edges) -%}
        {%- do exceptions.raise_compiler_error(
            'identity graph for ' ~ this ~ ' did not converge within identity_max_iterations='
            ~ max_iterations ~ ' rounds (' ~ ns.changed ~ ' labels still changing); refusing to '
            ~ 'build a half-merged graph. Raise the var or look for a degenerate graph.') -%}
    {%- endif -%}
    {%- do _identity_create_work_table(result_relation, 'select node_id, parent from ' ~ ns.current) -%}
    {%- do adapter.drop_relation(ns.current) -%}
    {%- do adapter.drop_relation(edges) -%}
    {{ log('identity connected components for ' ~ this ~ ': converged in ' ~ ns.rounds ~ ' rounds') }}
{%- endmacro %}

{% macro _identity_cc_round_sql(edges, parents) -%}
    with
    neighbour_candidates as (
        select
            e.src as node_id,
            p_dst.parent as candidate
        from {{ edges }} as e
        inner join {{ parents }} as p_dst on e.dst = p_dst.node_id
    ),
    root_candidates as (
        select
            p_src.parent as node_id,
            p_dst.parent as candidate
        from {{ edges }} as e
        inner join {{ parents }} as p_src on e.src = p_src.node_id
        inner join {{ parents }} as p_dst on e.dst = p_dst.node_id
        where p_dst.parent < p_src.parent
    ),
    best_candidate as (
        select
            c.node_id,
            min(c.candidate) as candidate
        from (
            select * from neighbour_candidates
            union all
            select * from root_candidates
        ) as c
        group by c.node_id
    ),
    hooked as (
        select
            p.node_id,
            least(p.parent, coalesce(b.candidate, p.parent)) as parent
        from {{ parents }} as p
        left join best_candidate as b on p.node_id = b.node_id
    ),
    jumped_once as (
        select
            h.node_id,
            hp.parent
        from hooked as h
        inner join hooked as hp on h.parent = hp.node_id
    ),
    jumped_twice as (
        select
            j.node_id,
            jp.parent
        from jumped_once as j
        inner join jumped_once as jp on j.parent = jp.node_id
    )
    select * from jumped_twice
{%- endmacro %}

{#- Post-hook of the models that call identity_connected_components. -#}
{% macro identity_drop_work_tables() -%}
    {%- if execute -%}
        {%- do adapter.drop_relation(identity_work_relation('cc_result')) -%}
    {%- endif -%}
    select 1
{%- endmacro %}
