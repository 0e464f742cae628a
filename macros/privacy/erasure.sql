{#- Erasure and retention (docs/privacy.md).

    An erased subject is kept only as sha256(salt || '|erased|' || value) in audit_erased_subjects:
    a hash domain of its own, so the suppression list never holds a value that staging stores
    (hash_pii is sha256(salt || '|' || value)). Values are hashed as the warehouse stores them:
    raw for user_id, anonymous_id, device_id, openid, unionid, crm_customer_id and person_id; the
    staging hash for phone and email. -#}

{% macro erasure_hash(expr) -%}
    {{ sha256_hex("'" ~ (var('pii_salt') | replace("'", "''")) ~ "|erased|' || " ~ expr) }}
{%- endmacro %}

{#- Columns that identify a person, by name, wherever they appear; a client_key of a server event
    is 'user:<user_id>'. -#}
{% macro erasure_key_columns() -%}
    {{ return([
        'person_id', 'merged_person_id', 'surviving_person_id', 'user_id', 'anonymous_id',
        'device_id', 'openid', 'unionid', 'phone_hash', 'email_hash', 'crm_customer_id',
        'identifier_value', 'client_key',
    ]) }}
{%- endmacro %}

{% macro erasure_key_expression(column, alias=none) -%}
    {%- set col = (alias ~ '.' if alias else '') ~ column -%}
    {%- if column == 'client_key' -%}
        {{ erasure_hash(regexp_replace_all(col, '^user:', '')) }}
    {%- else -%}
        {{ erasure_hash(col) }}
    {%- endif -%}
{%- endmacro %}

{#- True when any identifying column of the row (alias) is a subject of `subjects_sql` (a query
    returning subject_hash), hashing the row's values: for small inputs (CRM rows). Relations
    purged by the post-hooks below match through erasure_hits instead. -#}
{% macro erasure_match(columns, subjects_sql, alias=none) -%}
    {%- set keys = erasure_key_columns() | select('in', columns) | list -%}
    {%- if keys | length == 0 -%}
        false
    {%- else -%}
        ({% for key in keys %}{{ erasure_key_expression(key, alias) }} in ({{ subjects_sql }}){% if not loop.last %} or {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- Builds `hits`, a scratch relation of the identifier values in `source` (a relation or a
    parenthesized query over it) whose erasure hash is a subject of `request_ids` (none: every
    request): (key_column, key_value, erasure_request_id). Each key column's distinct values are
    hashed once, so a purge costs one aggregation per column whatever the number of requests and
    statements that then read the (small) hit list. The values stay inside the warehouse: they
    are never written into SQL text or logs. -#}
{% macro erasure_hits_create(hits, source, columns, subjects, request_ids=none) -%}
    {%- set keys = erasure_key_columns() | select('in', columns) | list -%}
    {%- set sql -%}
        {% for key in keys -%}
        select
            '{{ key }}' as key_column,
            cast(erasure_values.{{ key }} as {{ dbt.type_string() }}) as key_value,
            erased.erasure_request_id
        from (select distinct {{ key }} from {{ source }} as erasure_source where {{ key }} is not null) as erasure_values
        inner join ({{ erasure_requests_sql(subjects, request_ids) }}) as erased
            on {{ erasure_key_expression(key, 'erasure_values') }} = erased.subject_hash
        {% if not loop.last %}union all
        {% endif -%}
        {%- endfor %}
        {%- if keys | length == 0 %}
        select 'none' as key_column, 'none' as key_value, 'none' as erasure_request_id where 1 = 0
        {%- endif %}
    {%- endset -%}
    {%- do run_query(adapter.dispatch('create_scratch_relation_sql', 'behavior_warehouse')(hits, sql)) -%}
{%- endmacro %}

{#- A scratch relation for one hook, computed once: a temporary table on DuckDB, a cached
    temporary view on Spark (CACHE TABLE ... AS is eager, so row numbers do not change between
    the statements that read it). -#}
{% macro duckdb__create_scratch_relation_sql(name, sql) -%}
    create or replace temporary table {{ name }} as {{ sql }}
{%- endmacro %}

{% macro spark__create_scratch_relation_sql(name, sql) -%}
    cache table {{ name }} as {{ sql }}
{%- endmacro %}

{% macro duckdb__drop_scratch_relation_sql(name) -%}
    drop table if exists {{ name }}
{%- endmacro %}

{% macro spark__drop_scratch_relation_sql(name) -%}
    drop view if exists {{ name }}
{%- endmacro %}

{% macro erasure_hits_drop(hits) -%}
    {%- do run_query(adapter.dispatch('drop_scratch_relation_sql', 'behavior_warehouse')(hits)) -%}
{%- endmacro %}

{% macro erasure_hits_name(relation, scope) -%}
    {{ return(relation.identifier ~ '__erasure_hits_' ~ scope) }}
{%- endmacro %}

{#- True when an identifying column of the row (alias) holds a value of `hits` (of `request_id`
    only, when given). -#}
{% macro erasure_hit_match(columns, hits, alias=none, request_id=none) -%}
    {%- set keys = erasure_key_columns() | select('in', columns) | list -%}
    {%- if keys | length == 0 -%}
        false
    {%- else -%}
        ({% for key in keys %}{{ (alias ~ '.' if alias else '') ~ key }} in (
            select erasure_hits.key_value from {{ hits }} as erasure_hits
            where erasure_hits.key_column = '{{ key }}'
            {%- if request_id is not none %} and erasure_hits.erasure_request_id = '{{ request_id }}'{% endif -%}
        ){% if not loop.last %} or {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- (`carried` column, erasure_request_id) for every row of `source` (alias r) whose key column
    holds a hit: one join per key column against the small hit list. -#}
{% macro erasure_hit_pairs(source, carried, hits, keys, condition=none) -%}
    {% for key in keys -%}
    select r.{{ carried }}, erasure_hits.erasure_request_id
    from {{ source }} as r
    inner join {{ hits }} as erasure_hits
        on erasure_hits.key_column = '{{ key }}' and r.{{ key }} = erasure_hits.key_value
    {%- if condition is not none %}
    where {{ condition }}
    {%- endif %}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}
{%- endmacro %}

{#- Builds `sessions`, a scratch relation of the sessions of `relation` in which a row holds a value
    of `hits`: (session_id, erasure_request_id). One join per key column against the small hit
    list, so whole-session purges cost a scan per column, not a subquery per request. -#}
{% macro erasure_sessions_create(sessions, hits, relation, columns) -%}
    {%- set keys = erasure_key_columns() | select('in', columns) | list -%}
    {%- set sql -%}
        select distinct erased_rows.session_id, erased_rows.erasure_request_id
        from (
            {{ erasure_hit_pairs(relation, 'session_id', hits, keys, 'r.session_id is not null') }}
        ) as erased_rows
    {%- endset -%}
    {%- do run_query(adapter.dispatch('create_scratch_relation_sql', 'behavior_warehouse')(sessions, sql)) -%}
{%- endmacro %}

{#- The rows a purge removes (alias): those holding a hit or, with `sessions` (see
    erasure_sessions_create), every row of a session in which a row holds one. -#}
{% macro erasure_hit_rows(columns, hits, sessions=none, alias=none, request_id=none) -%}
    {%- if sessions is not none -%}
        ({{ erasure_hit_match(columns, hits, alias, request_id) }}
        or {{ (alias ~ '.' if alias else '') }}session_id in (
            select erased_sessions.session_id from {{ sessions }} as erased_sessions
            {%- if request_id is not none %} where erased_sessions.erasure_request_id = '{{ request_id }}'{% endif %}
        ))
    {%- else -%}
        {{ erasure_hit_match(columns, hits, alias, request_id) }}
    {%- endif -%}
{%- endmacro %}

{#- A model's relation when it exists, looked up without ref() (no DAG edge): used to read the
    previous run's state of a downstream model (the identity map) and to purge from hooks. -#}
{% macro existing_model_relation(model_name) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.name == model_name -%}
            {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{% macro _column_names(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{% macro _scalar(sql) -%}
    {%- set rows = run_query(sql).rows -%}
    {{ return(rows[0][0] if rows | length > 0 else none) }}
{%- endmacro %}

{#- Erasure requests whose subjects `relation` has not been purged of yet: those without a row for
    it in audit_privacy_purge_log (every purge logs one row per request and relation, even when it
    touched nothing). Independent of dbt invocations, so layers built by separate dbt runs
    (Dagster) and relations skipped by a run catch up on their next build. Returns a list. -#}
{% macro erasure_pending_requests(subjects, purge_log, relation) -%}
    {%- set sql -%}
        select distinct erasure_request_id from {{ subjects }}
        where erasure_request_id not in (
            select logged.erasure_request_id from {{ purge_log }} as logged
            where logged.relation_name = '{{ relation.schema }}.{{ relation.identifier }}'
                and logged.erasure_request_id is not null
        )
        order by 1
    {%- endset -%}
    {{ return(run_query(sql).rows | map(attribute=0) | list) }}
{%- endmacro %}

{% macro erasure_requests_sql(subjects, request_ids=none) -%}
    select subject_hash, erasure_request_id from {{ subjects }}
    {%- if request_ids is not none %}
    where erasure_request_id in ({% for r in request_ids %}'{{ r }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif %}
{%- endmacro %}

{#- Post-hook of every incremental relation holding person-level rows: for erasure requests not
    yet applied to it, count the matching rows per request into audit_privacy_purge_log and delete
    them. Rows that arrive later never get here: staging drops them. -#}
{% macro privacy_purge_erased(whole_sessions=false) -%}
    {%- if not execute -%}{{ return('select 1 as privacy_purge') }}{%- endif -%}
    {%- set subjects = existing_model_relation('audit_erased_subjects') -%}
    {%- set purge_log = existing_model_relation('audit_privacy_purge_log') -%}
    {%- if subjects is none or purge_log is none -%}{{ return('select 1 as privacy_purge') }}{%- endif -%}
    {%- set pending = erasure_pending_requests(subjects, purge_log, this) -%}
    {%- if pending | length == 0 -%}{{ return('select 1 as privacy_purge') }}{%- endif -%}
    {%- set columns = _column_names(this) -%}
    {%- set hits = erasure_hits_name(this, 'pending') -%}
    {%- do erasure_hits_create(hits, this, columns, subjects, pending) -%}
    {%- set sessions = erasure_hits_name(this, 'sessions') if whole_sessions else none -%}
    {%- if whole_sessions -%}{%- do erasure_sessions_create(sessions, hits, this, columns) -%}{%- endif -%}
    {%- set counts = erasure_count_rows(pending, columns, hits, this, sessions) -%}
    {%- do privacy_log_purge_counts(this, purge_log, counts, 'deleted') -%}
    {%- if counts.values() | sum > 0 -%}
        {%- do run_query('delete from ' ~ this ~ ' where ' ~ erasure_hit_rows(columns, hits, sessions)) -%}
    {%- endif -%}
    {%- do erasure_hits_drop(hits) -%}
    {%- if whole_sessions -%}{%- do erasure_hits_drop(sessions) -%}{%- endif -%}
    {{ return('select 1 as privacy_purge') }}
{%- endmacro %}

{#- Rows of `relation` matching each request of `request_ids`: {request_id: rows}. The rows that
    match any request (one IN per column, as the delete) go to a numbered scratch relation; joins
    of those few rows to the hit list give each request's rows. (An IN per request and column
    inside one aggregate took 120–155 s per relation at 10M events.) -#}
{% macro erasure_count_rows(request_ids, columns, hits, relation, sessions=none) -%}
    {%- set keys = erasure_key_columns() | select('in', columns) | list -%}
    {%- set candidates = erasure_hits_name(relation, 'candidates') -%}
    {%- set candidates_sql -%}
        select
            row_number() over (order by {{ keys | join(', ') }}) as candidate_row,
            {{ keys | join(', ') }}{% if sessions is not none %}, session_id{% endif %}
        from {{ relation }} as erasure_candidates
        where {{ erasure_hit_rows(columns, hits, sessions, 'erasure_candidates') }}
    {%- endset -%}
    {%- do run_query(adapter.dispatch('create_scratch_relation_sql', 'behavior_warehouse')(candidates, candidates_sql)) -%}
    {%- set sql -%}
        select matched.erasure_request_id, count(distinct matched.candidate_row) as matched_rows
        from (
            {{ erasure_hit_pairs(candidates, 'candidate_row', hits, keys) }}
            {%- if sessions is not none %}
            union all
            select r.candidate_row, erased_sessions.erasure_request_id
            from {{ candidates }} as r
            inner join {{ sessions }} as erased_sessions on r.session_id = erased_sessions.session_id
            {%- endif %}
        ) as matched
        group by matched.erasure_request_id
    {%- endset -%}
    {%- set found = {} -%}
    {%- for row in run_query(sql).rows -%}
        {%- do found.update({row[0]: row[1] | int}) -%}
    {%- endfor -%}
    {%- do erasure_hits_drop(candidates) -%}
    {%- set counts = {} -%}
    {%- for request_id in request_ids -%}
        {%- do counts.update({request_id: found.get(request_id, 0)}) -%}
    {%- endfor -%}
    {{ return(counts) }}
{%- endmacro %}

{#- One log row per request: the rows of `relation` it touched. -#}
{% macro privacy_log_purge_counts(relation, purge_log, counts, action) -%}
    {%- if counts | length == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set sql -%}
        insert into {{ purge_log }} (erasure_request_id, relation_name, action, rows_touched, purged_at, run_id)
        {% for request_id, rows in counts.items() -%}
        select
            '{{ request_id }}',
            '{{ relation.schema }}.{{ relation.identifier }}',
            '{{ action }}',
            {{ rows }},
            {{ run_started_at_utc() }},
            '{{ invocation_id }}'
        {%- if not loop.last %}
        union all
        {% endif -%}
        {%- endfor %}
    {%- endset -%}
    {%- do run_query(sql) -%}
{%- endmacro %}

{#- Post-hook of stg_tracking__raw_rows. Raw rows of erased subjects (this run's new rows against
    every subject, older rows against the requests not applied here yet) become tombstones: every
    column but the file, line and load bookkeeping is null and the reject reason is
    erased_subject, so the row is still accounted for (audit_quarantined_events lists it with
    nothing personal) and its file is not loaded again. With event_retention_days set, rows older
    than the retention cut-off become `expired` tombstones the same way. -#}
{% macro privacy_tombstone_raw_rows() -%}
    {%- if not execute -%}{{ return('select 1 as privacy_tombstones') }}{%- endif -%}
    {%- set columns = _column_names(this) -%}
    {%- set subjects = existing_model_relation('audit_erased_subjects') -%}
    {%- set purge_log = existing_model_relation('audit_privacy_purge_log') -%}
    {%- set any_subjects = subjects is not none and purge_log is not none
        and (_scalar('select count(*) from ' ~ subjects) or 0) > 0 -%}
    {%- set live = "coalesce(reject_reason, '') not in ('erased_subject', 'expired')" -%}
    {%- if any_subjects -%}
        {#- this run's rows against every subject: the distinct values of the new rows only -#}
        {%- set new_rows = "(select * from " ~ this ~ " where _load_id = '" ~ invocation_id ~ "')" -%}
        {%- set new_hits = erasure_hits_name(this, 'new') -%}
        {%- do erasure_hits_create(new_hits, new_rows, columns, subjects) -%}
        {%- set condition = "(_load_id = '" ~ invocation_id ~ "' and " ~ erasure_hit_match(columns, new_hits) ~ ")" -%}
        {%- set pending = erasure_pending_requests(subjects, purge_log, this) -%}
        {%- set pending_hits = erasure_hits_name(this, 'pending') -%}
        {%- if pending | length > 0 -%}
            {%- do erasure_hits_create(pending_hits, this, columns, subjects, pending) -%}
            {%- set counts = erasure_count_rows(pending, columns, pending_hits, this) -%}
            {%- do privacy_log_purge_counts(this, purge_log, counts, 'tombstoned') -%}
            {%- set condition = condition ~ ' or ' ~ erasure_hit_match(columns, pending_hits) -%}
        {%- endif -%}
        {%- do privacy_tombstone_rows(columns, live ~ ' and (' ~ condition ~ ')', 'erased_subject',
            'the subject of an erasure request; the record was removed') -%}
        {%- do erasure_hits_drop(new_hits) -%}
        {%- if pending | length > 0 -%}{%- do erasure_hits_drop(pending_hits) -%}{%- endif -%}
    {%- endif -%}
    {%- set cutoff = retention_cutoff_sql() -%}
    {%- if cutoff -%}
        {%- do privacy_tombstone_rows(columns, live ~ ' and event_time < (' ~ cutoff ~ ')', 'expired',
            'older than event_retention_days; the record was removed') -%}
    {%- endif -%}
    {{ return('select 1 as privacy_tombstones') }}
{%- endmacro %}

{#- Replaces the rows of `this` matching `condition` by tombstones (only the file, line and load
    bookkeeping kept): an insert of the tombstones and a delete of the originals, not an UPDATE that
    nulls some forty columns in place (DuckDB's commit of such an update rewrites every touched
    column of every touched row group: 88 s at 10M events against under a second for this). The
    tombstones carry the reason, so `condition`, which excludes it, no longer matches them. -#}
{% macro privacy_tombstone_rows(columns, condition, reason, detail) -%}
    {%- set keep = ['_source_file', '_line_number', '_source_format', '_loaded_at', '_load_id'] -%}
    {%- if (_scalar('select count(*) from ' ~ this ~ ' where ' ~ condition) or 0) == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set sql -%}
        insert into {{ this }} ({{ columns | join(', ') }})
        select
            {% for column in columns -%}
            {%- if column in keep -%}{{ column }}
            {%- elif column == 'reject_reason' -%}'{{ reason }}'
            {%- elif column == 'reject_detail' -%}'{{ detail }}'
            {%- else -%}null{%- endif %} as {{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from {{ this }}
        where {{ condition }}
    {%- endset -%}
    {%- do run_query(sql) -%}
    {%- do run_query('delete from ' ~ this ~ ' where ' ~ condition) -%}
{%- endmacro %}

{#- event_retention_days (null/absent = keep everything): the cut-off is the data's as-of time
    (the latest valid event time in stg_tracking__raw_rows, after this run's rows are loaded and
    erased rows removed) minus that many days. Returns '' when retention is off. -#}
{% macro retention_cutoff_sql() -%}
    {%- set days = var('event_retention_days', none) -%}
    {%- if days is none or (days | string | trim | lower) in ['', 'none', 'null', 'off'] -%}{{ return('') }}{%- endif -%}
    {%- set raw_rows = existing_model_relation('stg_tracking__raw_rows') -%}
    {%- if raw_rows is none -%}{{ return('') }}{%- endif -%}
    {{ return('select ' ~ add_minutes('max(event_time)', (days | int) * -1440) ~ ' from ' ~ raw_rows ~ ' where reject_reason is null') }}
{%- endmacro %}

{#- Post-hook of event-level incremental relations: with retention on, delete rows whose
    `time_column` is before the cut-off. -#}
{% macro privacy_purge_expired(time_column) -%}
    {%- if not execute -%}{{ return('select 1 as privacy_retention') }}{%- endif -%}
    {%- set cutoff = retention_cutoff_sql() -%}
    {%- if cutoff -%}
        {%- do run_query('delete from ' ~ this ~ ' where ' ~ time_column ~ ' < (' ~ cutoff ~ ')') -%}
    {%- endif -%}
    {{ return('select 1 as privacy_retention') }}
{%- endmacro %}

{#- Post-hook of relations keyed by raw row (stg_tracking__events, audit_quarantined_events): delete
    rows whose raw row is a tombstone of `reasons`. -#}
{% macro privacy_purge_tombstoned(file_column, line_column, reasons) -%}
    {%- if not execute -%}{{ return('select 1 as privacy_tombstoned') }}{%- endif -%}
    {%- set raw_rows = existing_model_relation('stg_tracking__raw_rows') -%}
    {%- set reason_list = "('" ~ (reasons | join("', '")) ~ "')" -%}
    {#- Delete only when there are tombstones: a no-op DELETE still fails on engines whose plain
        tables do not support it (Spark on Parquet). -#}
    {%- if raw_rows is not none and run_query(
        'select count(*) from ' ~ raw_rows ~ ' where reject_reason in ' ~ reason_list
    ).rows[0][0] > 0 -%}
        {%- do run_query(
            'delete from ' ~ this ~ ' as t where exists (select 1 from ' ~ raw_rows ~ ' as r'
            ~ ' where r._source_file = t.' ~ file_column ~ ' and r._line_number = t.' ~ line_column
            ~ ' and r.reject_reason in ' ~ reason_list ~ ')') -%}
    {%- endif -%}
    {{ return('select 1 as privacy_tombstoned') }}
{%- endmacro %}

{#- Post-hook of audit_privacy_requests: the audit keeps every request, but not the person_id of
    a person erased since. -#}
{% macro privacy_purge_erased_person_ids() -%}
    {%- if not execute -%}{{ return('select 1 as privacy_purge') }}{%- endif -%}
    {%- set subjects = existing_model_relation('audit_erased_subjects') -%}
    {%- if subjects is not none and run_query('select count(*) from ' ~ subjects).rows[0][0] > 0 -%}
        {%- do run_query('update ' ~ this ~ ' set person_id = null where '
            ~ erasure_hash('person_id') ~ ' in (select subject_hash from ' ~ subjects ~ ')') -%}
    {%- endif -%}
    {{ return('select 1 as privacy_purge') }}
{%- endmacro %}

{#- Post-hook of the session-keyed tables built from int_sessions__events (sessions, page views,
    session paths), in a run whose erasure purge deleted events there: rows of sessions that no
    longer have events go. int_sessions__events deletes whole sessions (privacy_purge_erased with
    whole_sessions), so a session in which an erased person appears (on a shared device it can
    also hold anonymous events that carry nothing of the person) goes everywhere, and nothing
    points at a session that does not exist. -#}
{% macro privacy_purge_session_orphans() -%}
    {%- if not execute -%}{{ return('select 1 as privacy_session_orphans') }}{%- endif -%}
    {%- set purge_log = existing_model_relation('audit_privacy_purge_log') -%}
    {%- set events = existing_model_relation('int_sessions__events') -%}
    {%- if purge_log is none or events is none -%}{{ return('select 1 as privacy_session_orphans') }}{%- endif -%}
    {%- set purged = _scalar(
        "select count(*) from " ~ purge_log
        ~ " where relation_name = '" ~ events.schema ~ "." ~ events.identifier ~ "'"
        ~ " and run_id = '" ~ invocation_id ~ "' and rows_touched > 0") -%}
    {%- if (purged or 0) > 0 -%}
        {%- do run_query(
            'delete from ' ~ this ~ ' where session_id not in (select live_events.session_id from '
            ~ events ~ ' as live_events where live_events.session_id is not null)') -%}
    {%- endif -%}
    {{ return('select 1 as privacy_session_orphans') }}
{%- endmacro %}
