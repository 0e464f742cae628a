{#- The analytics consent policy (var privacy_analytics_consent_policy, docs/privacy.md):
    include_all keeps every person in the analytics marts; exclude_withdrawn leaves out persons whose
    current analytics consent (int_activation__person_consent) is withdrawn or erased. A predicate
    over `person_column`; events of no person (shared devices) are always kept. -#}
{% macro analytics_consent_filter(person_column='person_id') -%}
    {%- set policy = var('privacy_analytics_consent_policy', 'include_all') | string | trim | lower -%}
    {%- if policy == 'include_all' -%}
        true
    {%- elif policy == 'exclude_withdrawn' -%}
        ({{ person_column }} is null or {{ person_column }} not in (
            select withdrawn.person_id from {{ ref('int_activation__person_consent') }} as withdrawn
            where withdrawn.analytics_consent in ('withdrawn', 'erased')
        ))
    {%- else -%}
        {{ exceptions.raise_compiler_error("privacy_analytics_consent_policy must be include_all or exclude_withdrawn, not '" ~ policy ~ "'") }}
    {%- endif -%}
{%- endmacro %}
