{#- Normalization of tracked names and labels (names are data, so the rules are macros here and
    the alias maps are vars). -#}

{#- 'Add To Cart', 'addToCart', ' add-to-cart ' -> 'add_to_cart'. -#}
{% macro normalize_event_name(expr) -%}
    nullif(
        lower(
            {{ regexp_replace_all(
                regexp_replace_all(
                    regexp_replace_all('trim(' ~ expr ~ ')', '([a-z0-9])([A-Z])', '\\1_\\2'),
                    '[^A-Za-z0-9]+', '_'),
                '^_+|_+$', '') }}
        ),
        ''
    )
{%- endmacro %}

{#- Lower-cased, trimmed, with aliases from the var `alias_var` mapped to their canonical value. -#}
{% macro normalize_label(expr, alias_var) -%}
    {%- set aliases = var(alias_var, {}) -%}
    {%- set cleaned = 'nullif(lower(trim(' ~ expr ~ ')), \'\')' -%}
    {%- if aliases | length == 0 -%}
        {{ cleaned }}
    {%- else -%}
        case {{ cleaned }}
            {%- for alias, canonical in aliases.items() %}
            when '{{ alias }}' then '{{ canonical }}'
            {%- endfor %}
            else {{ cleaned }}
        end
    {%- endif -%}
{%- endmacro %}

{#- An identifier as text: trimmed, empty -> null. Junk values are kept here and dropped by the
    identity guardrails, which record why. -#}
{% macro clean_identifier(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}

{#- Whether an identifier value is on the junk blocklist (exact values, case-insensitive, and
    regex patterns), configured in the identity_blocklist var. -#}
{% macro is_junk_identifier(expr) -%}
    {%- set blocklist = var('identity_blocklist') -%}
    (
        lower(trim({{ expr }})) in (
            {%- for v in blocklist['values'] %}'{{ v | lower | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor -%}
        )
        {%- for p in blocklist['patterns'] %}
        or {{ regexp_matches('lower(trim(' ~ expr ~ '))', p) }}
        {%- endfor %}
    )
{%- endmacro %}

{#- A query-string parameter of a URL, url-decoded. -#}
{% macro url_parameter(url_expr, name) -%}
    {{ url_decode(regexp_extract_group(url_expr, '[?&]' ~ name ~ '=([^&#]*)')) }}
{%- endmacro %}

{% macro url_decode(expr) -%}
    {{ return(adapter.dispatch('url_decode', 'behavior_warehouse')(expr)) }}
{%- endmacro %}

{% macro duckdb__url_decode(expr) -%}
    url_decode(replace({{ expr }}, '+', ' '))
{%- endmacro %}

{% macro spark__url_decode(expr) -%}
    try_url_decode({{ expr }})
{%- endmacro %}

{#- The path of a URL ('https://a.com/p/1?x=2' -> '/p/1'). -#}
{% macro url_path(url_expr) -%}
    coalesce({{ regexp_extract_group(url_expr, '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*(/[^?#]*)') }},
        case when {{ url_expr }} like '/%' then {{ regexp_extract_group(url_expr, '^(/[^?#]*)') }} end)
{%- endmacro %}

{#- The host of a URL, lower-cased, without 'www.'. -#}
{% macro url_host(url_expr) -%}
    {{ regexp_replace_all('lower(' ~ regexp_extract_group(url_expr, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#:]+)') ~ ')', '^www\\.', '') }}
{%- endmacro %}

{#- Browser, OS and device class from a user agent (the full string is personal data and is
    not kept). -#}
{% macro user_agent_browser(ua) -%}
    case
        when {{ ua }} is null then null
        when {{ ua }} like '%MicroMessenger%' then 'wechat'
        when {{ ua }} like '%Edg/%' then 'edge'
        when {{ ua }} like '%OPR/%' or {{ ua }} like '%Opera%' then 'opera'
        when {{ ua }} like '%Firefox/%' then 'firefox'
        when {{ ua }} like '%Chrome/%' or {{ ua }} like '%CriOS/%' then 'chrome'
        when {{ ua }} like '%Safari/%' then 'safari'
        when lower({{ ua }}) like '%bot%' or lower({{ ua }}) like '%spider%' then 'bot'
        else 'other'
    end
{%- endmacro %}

{% macro user_agent_os(ua) -%}
    case
        when {{ ua }} is null then null
        when {{ ua }} like '%Android%' then 'android'
        when {{ ua }} like '%iPhone%' or {{ ua }} like '%iPad%' or {{ ua }} like '%iOS%' then 'ios'
        when {{ ua }} like '%HarmonyOS%' then 'harmonyos'
        when {{ ua }} like '%Windows%' then 'windows'
        when {{ ua }} like '%Mac OS X%' or {{ ua }} like '%Macintosh%' then 'macos'
        when {{ ua }} like '%Linux%' then 'linux'
        else 'other'
    end
{%- endmacro %}
