{#- One row per person in each configured audience (var activation_audiences): tag combinations,
    profile conditions and behavior counts over a trailing window that ends at the data's as-of
    time. Only persons whose marketing consent allows it are members. audience_group splits each
    audience into test and holdout by a stable hash of audience and person. -#}
{%- set audiences = activation_audiences() %}

with

profile as (
    select * from {{ ref('dim_person_profile') }}
    where marketing_allowed
),

person_tags as (
    select * from {{ ref('fct_person_tags') }}
),

events as (
    select * from {{ ref('int_activation__events') }}
),

{%- for audience in audiences %}

audience_{{ audience.name }} as (
    select
        profile.person_id,
        profile.as_of_time,
        '{{ audience.name }}' as audience_name,
        cast({{ audience.get('holdout_share', var('activation_holdout_share')) }} as double)
            as holdout_share,
        '{{ activation_definition_hash(audience) }}' as definition_hash
    from profile
    where
        true
        {%- for t in audience.get('all_tags') or [] %}
        and profile.person_id in (
            select person_tags.person_id from person_tags
            where person_tags.tag = '{{ t | replace("'", "''") }}'
        )
        {%- endfor %}
        {%- if audience.get('any_tags') %}
        and profile.person_id in (
            select person_tags.person_id from person_tags
            where person_tags.tag in {{ marketing_string_list(audience.any_tags) }}
        )
        {%- endif %}
        {%- if audience.get('none_tags') %}
        and profile.person_id not in (
            select person_tags.person_id from person_tags
            where person_tags.tag in {{ marketing_string_list(audience.none_tags) }}
        )
        {%- endif %}
        {%- if audience.get('where') %}
        and ({{ audience.where }})
        {%- endif %}
        {%- for b in audience.get('behaviors') or [] %}
        {%- set behavior_counts %}
            select events.person_id from events
            where
                events.event_name = '{{ b.event }}'
                and events.age_days < {{ b.within_days }}
                {%- if b.get('where') %}
                and ({{ b.where }})
                {%- endif %}
            group by events.person_id
        {%- endset %}
        {%- if b.get('min_count') is not none and b.min_count > 0 %}
        and profile.person_id in ({{ behavior_counts }} having count(*) >= {{ b.min_count }})
        {%- endif %}
        {%- if b.get('max_count') is not none %}
        and profile.person_id not in ({{ behavior_counts }} having count(*) > {{ b.max_count }})
        {%- endif %}
        {%- endfor %}
),
{%- endfor %}

members as (
    {%- for audience in audiences %}
    select * from audience_{{ audience.name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as timestamp) as as_of_time,
        cast(null as {{ dbt.type_string() }}) as audience_name,
        cast(null as double) as holdout_share,
        cast(null as {{ dbt.type_string() }}) as definition_hash
    where false
    {%- endfor %}
),

final as (
    select
        audience_name,
        person_id,
        case
            when {{ activation_hash_unit("audience_name || '|' || person_id") }} < holdout_share
                then 'holdout'
            else 'test'
        end as audience_group,
        holdout_share,
        definition_hash,
        as_of_time
    from members
)

select * from final
