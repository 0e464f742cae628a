{#- Marketing attribution and experiment helpers (docs/marketing.md). Engine-specific SQL only
    through adapter.dispatch. -#}

{#- Standard normal CDF: 0.5 * (1 + erf(x / sqrt(2))), erf by Abramowitz-Stegun 7.1.26
    (absolute error below 1.5e-7). -#}
{% macro marketing_normal_cdf(x) -%}
    {{ return(adapter.dispatch('marketing_normal_cdf', 'behavior_warehouse')(x)) }}
{%- endmacro %}

{% macro default__marketing_normal_cdf(x) -%}
    {%- set z = '(abs(' ~ x ~ ') / sqrt(2.0))' -%}
    {%- set t = '(1.0 / (1.0 + 0.3275911 * ' ~ z ~ '))' -%}
    (0.5 * (1.0 + sign({{ x }}) * (1.0 - (
        0.254829592 * {{ t }}
        - 0.284496736 * power({{ t }}, 2)
        + 1.421413741 * power({{ t }}, 3)
        - 1.453152027 * power({{ t }}, 4)
        + 1.061405429 * power({{ t }}, 5)
    ) * exp(-{{ z }} * {{ z }}))))
{%- endmacro %}

{% macro duckdb__marketing_normal_cdf(x) -%}
    {{ default__marketing_normal_cdf(x) }}
{%- endmacro %}

{% macro spark__marketing_normal_cdf(x) -%}
    {{ default__marketing_normal_cdf(x) }}
{%- endmacro %}

{#- Upper tail P(X > x) of a chi-square with df degrees of freedom: exact for df 1 (normal) and
    df 2 (exponential), Wilson-Hilferty cube-root normal approximation above. -#}
{% macro marketing_chi_square_sf(x, df) -%}
    case
        when {{ df }} < 1 or {{ x }} is null then null
        when {{ df }} = 1 then 2.0 * (1.0 - {{ marketing_normal_cdf('sqrt(' ~ x ~ ')') }})
        when {{ df }} = 2 then exp(-({{ x }}) / 2.0)
        else 1.0 - {{ marketing_normal_cdf(
            '((power((' ~ x ~ ') / (' ~ df ~ '), 1.0 / 3.0) - (1.0 - 2.0 / (9.0 * (' ~ df ~ '))))'
            ~ ' / sqrt(2.0 / (9.0 * (' ~ df ~ '))))'
        ) }}
    end
{%- endmacro %}

{#- Lookback window start: ts minus the configured days. -#}
{% macro marketing_days_before(ts, days) -%}
    {{ add_minutes(ts, '-1 * 1440 * (' ~ days ~ ')') }}
{%- endmacro %}

{% macro marketing_days_after(ts, days) -%}
    {{ add_minutes(ts, '1440 * (' ~ days ~ ')') }}
{%- endmacro %}

{#- SQL list literal of strings. -#}
{% macro marketing_string_list(values) -%}
    {%- if values is string -%}{%- set values = [values] -%}{%- endif -%}
    ({%- for v in values -%}'{{ v | replace("'", "''") }}'{%- if not loop.last -%}, {% endif -%}{%- endfor -%})
{%- endmacro %}
