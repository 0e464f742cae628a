{#- Activation configuration (dbt vars activation_*; docs/activation.md): read and validated here
    so a malformed tag, audience or trigger fails the compile with a message naming it. -#}

{% macro _activation_fail(kind, item, message) -%}
    {{ exceptions.raise_compiler_error(
        "activation config: " ~ kind ~ " " ~ (item.get('name', '?') if item is mapping else item | string)
        ~ ": " ~ message
    ) }}
{%- endmacro %}

{% macro _activation_check_name(kind, item, seen) -%}
    {%- if item is not mapping -%}
        {{ _activation_fail(kind, item, 'must be a mapping with at least a name') }}
    {%- endif -%}
    {%- set name = item.get('name') -%}
    {%- if name is not string or not modules.re.match('^[a-z][a-z0-9_]*$', name) -%}
        {{ _activation_fail(kind, item, 'name must be lower snake_case (a-z, 0-9, _)') }}
    {%- endif -%}
    {%- if name in seen -%}
        {{ _activation_fail(kind, item, 'name is used twice') }}
    {%- endif -%}
    {%- do seen.append(name) -%}
{%- endmacro %}

{% macro _activation_check_keys(kind, item, allowed) -%}
    {%- for key in item -%}
        {%- if key not in allowed -%}
            {{ _activation_fail(kind, item, 'unknown key ' ~ key ~ ' (allowed: ' ~ allowed | join(', ') ~ ')') }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{% macro _activation_check_number(kind, item, key, minimum, maximum=none, required=false) -%}
    {%- set value = item.get(key) -%}
    {%- if value is none -%}
        {%- if required -%}{{ _activation_fail(kind, item, key ~ ' is required') }}{%- endif -%}
    {%- elif value is not number or value is sameas true or value is sameas false
        or value < minimum or (maximum is not none and value > maximum) -%}
        {{ _activation_fail(kind, item, key ~ ' must be a number >= ' ~ minimum
            ~ ((' and <= ' ~ maximum) if maximum is not none else '')) }}
    {%- endif -%}
{%- endmacro %}

{#- The tag definitions (a list of mappings), validated. -#}
{% macro activation_tags() -%}
    {%- set tags = var('activation_tags', []) or [] -%}
    {%- if tags is string or tags is mapping -%}
        {{ exceptions.raise_compiler_error('activation config: activation_tags must be a list') }}
    {%- endif -%}
    {%- set seen = [] -%}
    {%- for tag in tags -%}
        {{ _activation_check_name('tag', tag, seen) }}
        {{ _activation_check_keys('tag', tag,
            ['name', 'description', 'condition', 'tagged_at', 'valid_from', 'valid_until', 'ttl_days']) }}
        {%- if tag.get('condition') is not string or tag.get('condition') | trim == '' -%}
            {{ _activation_fail('tag', tag, 'condition (a SQL predicate over dim_person_profile columns) is required') }}
        {%- endif -%}
        {%- for key in ['valid_from', 'valid_until'] -%}
            {%- if tag.get(key) is not none
                and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', tag.get(key) | string) -%}
                {{ _activation_fail('tag', tag, key ~ ' must be a YYYY-MM-DD date') }}
            {%- endif -%}
        {%- endfor -%}
        {{ _activation_check_number('tag', tag, 'ttl_days', 0) }}
    {%- endfor -%}
    {{ return(tags) }}
{%- endmacro %}

{#- Per-category interest tags settings. -#}
{% macro activation_category_interest() -%}
    {%- set cfg = var('activation_category_interest', {}) or {} -%}
    {%- if cfg is not mapping -%}
        {{ exceptions.raise_compiler_error('activation config: activation_category_interest must be a mapping') }}
    {%- endif -%}
    {{ _activation_check_keys('category_interest', cfg, ['enabled', 'top_n', 'min_views', 'min_share']) }}
    {{ _activation_check_number('category_interest', cfg, 'top_n', 1) }}
    {{ _activation_check_number('category_interest', cfg, 'min_views', 0) }}
    {{ _activation_check_number('category_interest', cfg, 'min_share', 0, 1) }}
    {{ return({
        'enabled': cfg.get('enabled', true),
        'top_n': cfg.get('top_n', 2),
        'min_views': cfg.get('min_views', 3),
        'min_share': cfg.get('min_share', 0.3),
    }) }}
{%- endmacro %}

{#- The audience definitions, validated (tags they name must be defined tags or interest tags). -#}
{% macro activation_audiences() -%}
    {%- set audiences = var('activation_audiences', []) or [] -%}
    {%- if audiences is string or audiences is mapping -%}
        {{ exceptions.raise_compiler_error('activation config: activation_audiences must be a list') }}
    {%- endif -%}
    {%- set tag_names = activation_tags() | map(attribute='name') | list -%}
    {%- set seen = [] -%}
    {%- for audience in audiences -%}
        {{ _activation_check_name('audience', audience, seen) }}
        {{ _activation_check_keys('audience', audience,
            ['name', 'description', 'all_tags', 'any_tags', 'none_tags', 'where', 'behaviors',
             'holdout_share']) }}
        {%- for key in ['all_tags', 'any_tags', 'none_tags'] -%}
            {%- set listed = audience.get(key) or [] -%}
            {%- if listed is string or listed is mapping -%}
                {{ _activation_fail('audience', audience, key ~ ' must be a list of tag names') }}
            {%- endif -%}
            {%- for t in listed -%}
                {%- if t not in tag_names and not (t | string).startswith('interest:')
                    and not (t | string).startswith('crm:') -%}
                    {{ _activation_fail('audience', audience, key ~ ' names unknown tag ' ~ t) }}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if audience.get('where') is not none and audience.get('where') is not string -%}
            {{ _activation_fail('audience', audience, 'where must be a SQL predicate text') }}
        {%- endif -%}
        {%- set behaviors = audience.get('behaviors') or [] -%}
        {%- if behaviors is string or behaviors is mapping -%}
            {{ _activation_fail('audience', audience, 'behaviors must be a list') }}
        {%- endif -%}
        {%- for b in behaviors -%}
            {%- if b is not mapping or b.get('event') is not string -%}
                {{ _activation_fail('audience', audience, 'each behavior needs an event name') }}
            {%- endif -%}
            {%- for key in b -%}
                {%- if key not in ['event', 'where', 'within_days', 'min_count', 'max_count'] -%}
                    {{ _activation_fail('audience', audience, 'behavior has unknown key ' ~ key) }}
                {%- endif -%}
            {%- endfor -%}
            {%- if b.get('within_days') is none or b.get('within_days') is not number or b.get('within_days') <= 0 -%}
                {{ _activation_fail('audience', audience, 'behavior ' ~ b.get('event') ~ ' needs within_days > 0') }}
            {%- endif -%}
            {%- if b.get('min_count') is none and b.get('max_count') is none -%}
                {{ _activation_fail('audience', audience, 'behavior ' ~ b.get('event') ~ ' needs min_count or max_count') }}
            {%- endif -%}
        {%- endfor -%}
        {%- if not (audience.get('all_tags') or audience.get('any_tags') or audience.get('where')
            or behaviors) -%}
            {{ _activation_fail('audience', audience, 'needs at least one of all_tags, any_tags, where, behaviors') }}
        {%- endif -%}
        {{ _activation_check_number('audience', audience, 'holdout_share', 0, 1) }}
    {%- endfor -%}
    {{ return(audiences) }}
{%- endmacro %}

{#- The trigger definitions, validated. -#}
{% macro activation_triggers() -%}
    {%- set triggers = var('activation_triggers', []) or [] -%}
    {%- if triggers is string or triggers is mapping -%}
        {{ exceptions.raise_compiler_error('activation config: activation_triggers must be a list') }}
    {%- endif -%}
    {%- set types = ['cart_abandoned', 'repeated_high_price_view', 'inactive', 'sql'] -%}
    {%- set seen = [] -%}
    {%- for trigger in triggers -%}
        {{ _activation_check_name('trigger', trigger, seen) }}
        {{ _activation_check_keys('trigger', trigger,
            ['name', 'description', 'type', 'cart_abandon_minutes', 'min_views', 'within_days',
             'min_price', 'inactive_days', 'sql']) }}
        {%- if trigger.get('type') not in types -%}
            {{ _activation_fail('trigger', trigger, 'type must be one of ' ~ types | join(', ')) }}
        {%- endif -%}
        {{ _activation_check_number('trigger', trigger, 'cart_abandon_minutes', 1) }}
        {{ _activation_check_number('trigger', trigger, 'min_views', 1) }}
        {{ _activation_check_number('trigger', trigger, 'within_days', 0.01) }}
        {{ _activation_check_number('trigger', trigger, 'min_price', 0) }}
        {{ _activation_check_number('trigger', trigger, 'inactive_days', 0.01) }}
        {%- if trigger.get('type') == 'sql' and trigger.get('sql') is not string -%}
            {{ _activation_fail('trigger', trigger, "type sql needs sql: a select of person_id, occurrence_key, fired_at (may use {{as_of}})") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(triggers) }}
{%- endmacro %}

{#- md5 of a config item's JSON: changes whenever its definition changes. -#}
{% macro activation_definition_hash(item) -%}
    {{ return(local_md5(tojson(item, sort_keys=true))) }}
{%- endmacro %}
