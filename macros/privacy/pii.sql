{#- Personal data is normalized, then hashed with a salted SHA-256 in staging; nothing raw leaves
    staging. Hash = sha256(salt || '|' || normalized value), lower-case hex. -#}

{% macro hash_pii(normalized_expr) -%}
    case
        when {{ normalized_expr }} is not null
            then {{ sha256_hex("'" ~ (var('pii_salt') | replace("'", "''")) ~ "|' || " ~ normalized_expr) }}
    end
{%- endmacro %}

{#- Email: trimmed and lower-cased; anything without one '@' between text is not an email. -#}
{% macro normalize_email(expr) -%}
    case
        when {{ regexp_matches('lower(trim(' ~ expr ~ '))', '[^@\\s]+@[^@\\s]+\\.[^@\\s]+') }}
            then lower(trim({{ expr }}))
    end
{%- endmacro %}

{#- Phone: E.164 ('+8613800138000'). Numbers written without a country code get
    default_phone_country_code; a national trunk '0' is dropped; fewer than 6 digits is junk. -#}
{% macro normalize_phone(expr) -%}
    {%- set cc = var('default_phone_country_code') | string -%}
    {%- set digits = regexp_replace_all(expr, '[^0-9]', '') -%}
    case
        when length({{ digits }}) < 6 then null
        when trim({{ expr }}) like '+%' then '+' || {{ digits }}
        when {{ digits }} like '00%' then '+' || substr({{ digits }}, 3)
        when {{ digits }} like '{{ cc }}%' and length({{ digits }}) > 11 then '+' || {{ digits }}
        when {{ digits }} like '0%' then '+{{ cc }}' || substr({{ digits }}, 2)
        else '+{{ cc }}' || {{ digits }}
    end
{%- endmacro %}

{#- IPv4 truncated to its /24 network, IPv6 to its /48: enough for geography, not a person. -#}
{% macro truncate_ip(expr) -%}
    coalesce(
        {{ regexp_extract_group(expr, '^([0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3})\\.[0-9]{1,3}$') }} || '.0/24',
        {{ regexp_extract_group('lower(' ~ expr ~ ')', '^([0-9a-f]{0,4}:[0-9a-f]{0,4}:[0-9a-f]{0,4}):') }} || '::/48'
    )
{%- endmacro %}
