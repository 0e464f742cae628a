{#- Generic data test: per group (e.g. conversion and attribution model) the credits sum to 1
    within a tolerance. Returns the groups that break it. -#}
{% test marketing_credits_sum_to_one(model, group_by, column_name='credit', tolerance=1e-9) %}

select
    {{ group_by | join(', ') }},
    sum({{ column_name }}) as total_credit
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(sum({{ column_name }}) - 1.0) > {{ tolerance }}

{% endtest %}
