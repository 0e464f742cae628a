{#- Behavior analysis configuration: validation and normalization of the vars `funnels` and
    `retention_analyses` (docs/analysis.md). Every malformed entry fails compilation with a message
    naming the funnel / analysis and the field. -#}

{#- Columns of fct_events a step `where` mapping or a breakdown may name directly. -#}
{% macro analysis_event_columns() -%}
    {{ return([
        'event_type', 'event_name', 'screen_name', 'channel', 'device_type', 'device_os',
        'page_path', 'page_url', 'page_host', 'page_title', 'referrer_host', 'referrer_path',
        'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content',
        'product_id', 'category', 'price', 'quantity', 'order_id', 'revenue', 'currency',
        'coupon', 'discount', 'search_term', 'experiment_id', 'variant', 'client_key', 'session_id',
    ]) }}
{%- endmacro %}

{#- Breakdowns that are not plain fct_events columns: the person's first-ever UTM source / channel
    (first touch), and `person.<column>` for a dim_persons attribute (e.g. person.member_level). -#}
{% macro analysis_derived_breakdowns() -%}
    {{ return(['first_touch_utm_source', 'first_touch_channel']) }}
{%- endmacro %}

{% macro _analysis_fail(kind, name, message) -%}
    {{ exceptions.raise_compiler_error(
        "analysis config: " ~ kind ~ " '" ~ name ~ "': " ~ message ~ " (see docs/analysis.md)"
    ) }}
{%- endmacro %}

{% macro _analysis_is_identifier(text) -%}
    {{ return(text is string and modules.re.fullmatch('[a-z][a-z0-9_]*', text) is not none) }}
{%- endmacro %}

{#- A step / exclusion: 'event_name' or {event: name, where: <mapping or SQL text>, name: label}.
    Returns {event, where_sql, label}. -#}
{% macro _analysis_normalize_step(funnel_name, raw, what) -%}
    {%- if raw is string -%}
        {%- set step = {'event': raw} -%}
    {%- elif raw is mapping -%}
        {%- set step = raw -%}
    {%- else -%}
        {{ _analysis_fail('funnel', funnel_name, what ~ ' must be an event name or {event, where}, got ' ~ raw) }}
    {%- endif -%}
    {%- for key in step.keys() -%}
        {%- if key not in ['event', 'where', 'name'] -%}
            {{ _analysis_fail('funnel', funnel_name, what ~ ' has unknown key ' ~ key ~ ' (allowed: event, where, name)') }}
        {%- endif -%}
    {%- endfor -%}
    {%- if step.get('event') is not string or step.get('event') | length == 0 -%}
        {{ _analysis_fail('funnel', funnel_name, what ~ ' needs a non-empty event name, got ' ~ raw) }}
    {%- endif -%}
    {%- if "'" in step['event'] -%}
        {{ _analysis_fail('funnel', funnel_name, what ~ ' event name must not contain quotes') }}
    {%- endif -%}
    {%- set where = step.get('where') -%}
    {%- set where_parts = [] -%}
    {%- set label_parts = [] -%}
    {%- if where is none -%}
    {%- elif where is string -%}
        {%- if where | trim | length == 0 or ';' in where -%}
            {{ _analysis_fail('funnel', funnel_name, what ~ ' where must be a non-empty SQL predicate without ";"') }}
        {%- endif -%}
        {%- do where_parts.append('(' ~ where ~ ')') -%}
        {%- do label_parts.append(where | trim) -%}
    {%- elif where is mapping -%}
        {%- if where | length == 0 -%}
            {{ _analysis_fail('funnel', funnel_name, what ~ ' where mapping is empty') }}
        {%- endif -%}
        {%- for key, value in where.items() -%}
            {%- if not _analysis_is_identifier(key) -%}
                {{ _analysis_fail('funnel', funnel_name, what ~ ' where key ' ~ key ~ ' is not a column or property name') }}
            {%- endif -%}
            {%- if key in analysis_event_columns() -%}
                {%- set lhs = 'cast(' ~ key ~ ' as ' ~ dbt.type_string() ~ ')' -%}
            {%- else -%}
                {%- set lhs = json_get_string('properties', '$.' ~ key) -%}
            {%- endif -%}
            {%- set values = value if (value is iterable and value is not string and value is not mapping) else [value] -%}
            {%- set literals = [] -%}
            {%- for v in values -%}
                {%- if v is mapping or v is none or (v is string and "'" in v) -%}
                    {{ _analysis_fail('funnel', funnel_name, what ~ ' where value for ' ~ key ~ ' must be a scalar (or list of scalars) without quotes') }}
                {%- endif -%}
                {%- do literals.append("'" ~ (v | string | lower if v is sameas true or v is sameas false else v | string) ~ "'") -%}
            {%- endfor -%}
            {%- do where_parts.append(lhs ~ ' in (' ~ literals | join(', ') ~ ')') -%}
            {%- do label_parts.append(key ~ '=' ~ values | join('|')) -%}
        {%- endfor -%}
    {%- else -%}
        {{ _analysis_fail('funnel', funnel_name, what ~ ' where must be a mapping {property: value} or a SQL predicate text') }}
    {%- endif -%}
    {%- set predicate = "event_name = '" ~ step['event'] ~ "'" -%}
    {%- if where_parts -%}
        {%- set predicate = predicate ~ ' and ' ~ where_parts | join(' and ') -%}
    {%- endif -%}
    {%- set label = step.get('name') or (step['event'] ~ ('[' ~ label_parts | join(', ') ~ ']' if label_parts else '')) -%}
    {{ return({'event': step['event'], 'predicate': '(' ~ predicate ~ ')', 'label': label | replace("'", "")}) }}
{%- endmacro %}

{#- The var `funnels`, validated, as a list of
    {name, steps: [{event, predicate, label}], window_hours, order, exclusions, breakdowns}. -#}
{% macro analysis_funnels() -%}
    {%- set raw = var('funnels', []) -%}
    {%- if raw is none -%}{%- set raw = [] -%}{%- endif -%}
    {%- if raw is string or raw is mapping or raw is not iterable -%}
        {{ _analysis_fail('var', 'funnels', 'must be a list of funnels') }}
    {%- endif -%}
    {%- set funnels = [] -%}
    {%- set names = [] -%}
    {%- for f in raw -%}
        {%- if f is not mapping -%}
            {{ _analysis_fail('funnel', loop.index, 'must be a mapping {name, steps, ...}') }}
        {%- endif -%}
        {%- set name = f.get('name') -%}
        {%- if not _analysis_is_identifier(name) -%}
            {{ _analysis_fail('funnel', name, 'name must match [a-z][a-z0-9_]*') }}
        {%- endif -%}
        {%- if name in names -%}
            {{ _analysis_fail('funnel', name, 'name is used twice') }}
        {%- endif -%}
        {%- do names.append(name) -%}
        {%- for key in f.keys() -%}
            {%- if key not in ['name', 'steps', 'conversion_window_hours', 'order', 'exclusions', 'breakdowns'] -%}
                {{ _analysis_fail('funnel', name, 'unknown key ' ~ key) }}
            {%- endif -%}
        {%- endfor -%}
        {%- set raw_steps = f.get('steps') -%}
        {%- if raw_steps is none or raw_steps is string or raw_steps is mapping or raw_steps | length < 2 -%}
            {{ _analysis_fail('funnel', name, 'steps must be a list of at least two steps') }}
        {%- endif -%}
        {%- set steps = [] -%}
        {%- for s in raw_steps -%}
            {%- do steps.append(_analysis_normalize_step(name, s, 'step ' ~ loop.index)) -%}
        {%- endfor -%}
        {%- set window_hours = f.get('conversion_window_hours', 24) -%}
        {%- if window_hours is string or window_hours is sameas true or window_hours is sameas false or window_hours is not number or window_hours <= 0 -%}
            {{ _analysis_fail('funnel', name, 'conversion_window_hours must be a positive number, got ' ~ window_hours) }}
        {%- endif -%}
        {%- set order = f.get('order', 'ordered') -%}
        {%- if order not in ['ordered', 'strict', 'unordered'] -%}
            {{ _analysis_fail('funnel', name, 'order must be ordered, strict or unordered, got ' ~ order) }}
        {%- endif -%}
        {%- set exclusions = [] -%}
        {%- for s in f.get('exclusions') or [] -%}
            {%- do exclusions.append(_analysis_normalize_step(name, s, 'exclusion ' ~ loop.index)) -%}
        {%- endfor -%}
        {%- set breakdowns = f.get('breakdowns') or [] -%}
        {%- if breakdowns is string or breakdowns is mapping -%}
            {{ _analysis_fail('funnel', name, 'breakdowns must be a list') }}
        {%- endif -%}
        {%- for b in breakdowns -%}
            {%- if b is not string or not (b in analysis_event_columns() or b in analysis_derived_breakdowns()
                    or (b.startswith('person.') and _analysis_is_identifier(b[7:]))) -%}
                {{ _analysis_fail('funnel', name, 'unknown breakdown ' ~ b ~ ' (an fct_events column, '
                    ~ analysis_derived_breakdowns() | join(', ') ~ ', or person.<dim_persons column>)') }}
            {%- endif -%}
        {%- endfor -%}
        {%- do funnels.append({
            'name': name, 'steps': steps, 'window_hours': window_hours, 'order': order,
            'exclusions': exclusions, 'breakdowns': breakdowns,
        }) -%}
    {%- endfor -%}
    {{ return(funnels) }}
{%- endmacro %}

{#- N: the most steps of any configured funnel (fct_funnel_persons has step_1_at .. step_N_at). -#}
{% macro analysis_max_funnel_steps() -%}
    {%- set n = [2] -%}
    {%- for f in analysis_funnels() -%}
        {%- if f['steps'] | length > n[0] -%}{%- do n.pop() -%}{%- do n.append(f['steps'] | length) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(n[0]) }}
{%- endmacro %}

{#- Every breakdown used by some funnel, in first-use order (one column each in fct_funnel_persons). -#}
{% macro analysis_funnel_breakdowns() -%}
    {%- set all = [] -%}
    {%- for f in analysis_funnels() -%}
        {%- for b in f['breakdowns'] -%}
            {%- if b not in all -%}{%- do all.append(b) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(all) }}
{%- endmacro %}

{#- The column name of a breakdown in fct_funnel_persons ('person.member_level' -> person_member_level). -#}
{% macro analysis_breakdown_column(breakdown) -%}
    {{ return('breakdown_' ~ breakdown | replace('.', '_')) }}
{%- endmacro %}

{#- The var `retention_analyses`, validated: [{name, start_event, return_event, period, periods}]. -#}
{% macro analysis_retention_analyses() -%}
    {%- set raw = var('retention_analyses', []) -%}
    {%- if raw is none -%}{%- set raw = [] -%}{%- endif -%}
    {%- if raw is string or raw is mapping or raw is not iterable -%}
        {{ _analysis_fail('var', 'retention_analyses', 'must be a list of analyses') }}
    {%- endif -%}
    {%- set analyses = [] -%}
    {%- set names = [] -%}
    {%- for a in raw -%}
        {%- if a is not mapping -%}
            {{ _analysis_fail('retention analysis', loop.index, 'must be a mapping') }}
        {%- endif -%}
        {%- set name = a.get('name') -%}
        {%- if not _analysis_is_identifier(name) or name in names -%}
            {{ _analysis_fail('retention analysis', name, 'name must be unique and match [a-z][a-z0-9_]*') }}
        {%- endif -%}
        {%- do names.append(name) -%}
        {%- for key in a.keys() -%}
            {%- if key not in ['name', 'start_event', 'return_event', 'period', 'periods'] -%}
                {{ _analysis_fail('retention analysis', name, 'unknown key ' ~ key) }}
            {%- endif -%}
        {%- endfor -%}
        {%- for key in ['start_event', 'return_event'] -%}
            {%- set v = a.get(key, 'any') -%}
            {%- if v is not string or v | length == 0 or "'" in v -%}
                {{ _analysis_fail('retention analysis', name, key ~ ' must be any or an event name') }}
            {%- endif -%}
        {%- endfor -%}
        {%- set period = a.get('period', 'day') -%}
        {%- if period not in ['day', 'week'] -%}
            {{ _analysis_fail('retention analysis', name, 'period must be day or week, got ' ~ period) }}
        {%- endif -%}
        {%- set periods = a.get('periods', 7) -%}
        {%- if periods is not number or periods is sameas true or periods < 1 or periods != (periods | int) -%}
            {{ _analysis_fail('retention analysis', name, 'periods must be a positive integer, got ' ~ periods) }}
        {%- endif -%}
        {%- do analyses.append({
            'name': name, 'start_event': a.get('start_event', 'any'), 'return_event': a.get('return_event', 'any'),
            'period': period, 'periods': periods | int,
        }) -%}
    {%- endfor -%}
    {{ return(analyses) }}
{%- endmacro %}

{#- Event predicate of a retention event ('any' = every event). -#}
{% macro analysis_event_filter(event) -%}
    {%- if event == 'any' -%}true{%- else -%}event_name = '{{ event }}'{%- endif -%}
{%- endmacro %}

{#- The reporting-timezone calendar day of a UTC timestamp, and its Monday-started week. -#}
{% macro analysis_local_day(ts) -%}
    cast({{ to_reporting_tz(ts) }} as date)
{%- endmacro %}

{% macro analysis_week_start(day) -%}
    cast({{ dbt.date_trunc('week', day) }} as date)
{%- endmacro %}

{% macro analysis_month_start(day) -%}
    cast({{ dbt.date_trunc('month', day) }} as date)
{%- endmacro %}

{#- Seconds since the epoch (double) of a UTC timestamp. -#}
{% macro analysis_epoch_seconds(ts) -%}
    {{ seconds_between("cast('1970-01-01 00:00:00' as timestamp)", ts) }}
{%- endmacro %}

{#- The quoted names of the funnels that use a breakdown, comma-separated ('' matches none). -#}
{% macro analysis_funnels_with_breakdown(breakdown) -%}
    {%- set names = [] -%}
    {%- for f in analysis_funnels() if breakdown in f['breakdowns'] -%}
        {%- do names.append("'" ~ f['name'] ~ "'") -%}
    {%- endfor -%}
    {{ return(names | join(', ') if names else "''") }}
{%- endmacro %}
