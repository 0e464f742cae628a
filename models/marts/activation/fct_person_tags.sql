{#- The tags each person holds now (at the data's as-of time): the configured rule tags
    (var activation_tags), per-category interest tags (interest:<category>) and the CRM tags
    (crm:<tag>). Persons whose analytics consent is withdrawn or erased are not profiled. -#}
{%- set tags = activation_tags() %}
{%- set interest = activation_category_interest() %}

with

profile as (
    select * from {{ ref('dim_person_profile') }}
    where analytics_allowed
),

category_interest as (
    select * from {{ ref('int_activation__person_category_interest') }}
),

{%- for tag in tags %}

    rule_tag_{{ tag.name }} as (
        select
            person_id,
            '{{ tag.name }}' as tag,
            'rule' as tag_source,
            cast({{ tag.get('tagged_at') or 'as_of_time' }} as timestamp) as tagged_at
        from profile
        where
            ({{ tag.condition }})
        {%- if tag.get('valid_from') %}
        and as_of_time >= cast('{{ tag.valid_from }}' as timestamp)
        {%- endif %}
        {%- if tag.get('valid_until') %}
        and as_of_time < {{ activation_add_days("cast('" ~ tag.valid_until ~ "' as timestamp)", 1) }}
        {%- endif %}
        {%- if tag.get('ttl_days') is not none %}
        and {{ activation_days_between(tag.get('tagged_at') or 'as_of_time', 'as_of_time') }}
        <= {{ tag.ttl_days }}
        {%- endif %}
    ),
{%- endfor %}

interest_tags as (
    select
        category_interest.person_id,
        'interest:' || category_interest.category as tag,
        'interest' as tag_source,
        category_interest.last_event_at as tagged_at
    from category_interest
    inner join profile on category_interest.person_id = profile.person_id
    where
        {{ 'true' if interest.enabled else 'false' }}
        and category_interest.interest_rank <= {{ interest.top_n }}
        and category_interest.item_views >= {{ interest.min_views }}
        and category_interest.interest_share >= {{ interest.min_share }}
),

crm_tag_values as (
    select
        person_id,
        as_of_time,
        {{ activation_explode_split('crm_tags', ';') }} as crm_tag
    from profile
    where crm_tags is not null
),

crm_tags as (
    select distinct
        person_id,
        'crm:' || trim(crm_tag) as tag,
        'crm' as tag_source,
        as_of_time as tagged_at
    from crm_tag_values
    where trim(crm_tag) <> ''
),

all_tags as (
    {%- for tag in tags %}
        select * from rule_tag_{{ tag.name }}
        union all
    {%- endfor %}
    select * from interest_tags
    union all
    select * from crm_tags
),

final as (
    select
        all_tags.person_id,
        all_tags.tag,
        all_tags.tag_source,
        coalesce(all_tags.tagged_at, (select max(profile.as_of_time) from profile)) as tagged_at
    from all_tags
)

select * from final
