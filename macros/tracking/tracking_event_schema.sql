{#- The shape of a landed tracking event (Segment-spec-like, see the README's landing contract).
    camelCase spellings that Segment libraries send are read too. -#}
{% macro tracking_event_schema() -%}
    {{ return({
        'message_id': 'varchar', 'messageId': 'varchar',
        'type': 'varchar',
        'event': 'varchar',
        'name': 'varchar',
        'timestamp': 'varchar',
        'received_at': 'varchar', 'receivedAt': 'varchar',
        'anonymous_id': 'varchar', 'anonymousId': 'varchar',
        'user_id': 'varchar', 'userId': 'varchar',
        'context': {
            'channel': 'varchar',
            'device': {'id': 'varchar', 'type': 'varchar', 'os': 'varchar'},
            'page': {'url': 'varchar', 'path': 'varchar', 'referrer': 'varchar', 'title': 'varchar'},
            'campaign': {'source': 'varchar', 'medium': 'varchar', 'name': 'varchar',
                         'term': 'varchar', 'content': 'varchar'},
            'ip': 'varchar',
            'user_agent': 'varchar', 'userAgent': 'varchar',
            'locale': 'varchar',
            'wechat': {'openid': 'varchar', 'unionid': 'varchar'}
        },
        'properties': 'json',
        'traits': 'json'
    }) }}
{%- endmacro %}

{#- The raw record as kept in the quarantine: personal fields removed (their hashes are in the
    typed columns). Unparseable lines get emails and long digit runs masked. -#}
{% macro redact_raw_record(raw, is_object) -%}
    {{ return(adapter.dispatch('redact_raw_record', 'behavior_warehouse')(raw, is_object)) }}
{%- endmacro %}

{% macro duckdb__redact_raw_record(raw, is_object) -%}
    case
        when {{ is_object }} then json_merge_patch(
            case when {{ is_object }} then {{ raw }} else '{}' end,
            '{"traits": {"phone": null, "email": null, "name": null}, "context": {"ip": null, "user_agent": null, "userAgent": null}}'
        )::varchar
        else {{ _redact_text(raw) }}
    end
{%- endmacro %}

{% macro spark__redact_raw_record(raw, is_object) -%}
    {{ _redact_text(raw) }}
{%- endmacro %}

{#- For lines that cannot be parsed: the value of every personal key is masked up to its closing
    quote or the end of the (possibly truncated) line, whatever the quoting; then any email and any
    run of 11+ digits left anywhere. -#}
{% macro _redact_text(raw) -%}
    {{ regexp_replace_all(
        regexp_replace_all(
            regexp_replace_all(raw,
                '(["\\x27]?(phone|mobile|tel|email|name|ip|user_agent|userAgent)["\\x27]?\s*:\s*)(["\\x27][^"\\x27]*(["\\x27]|$)|[^,}]*)',
                '\\1"<redacted>"'),
            '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+', '<email>'),
        '[0-9]{11,}', '<digits>') }}
{%- endmacro %}
