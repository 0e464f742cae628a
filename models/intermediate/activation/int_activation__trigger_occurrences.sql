{#- Every occurrence of every configured trigger (var activation_triggers) in the data so far:
    rule, person, occurrence key (what makes two firings different), when it fired and a JSON
    payload. Judged at the data's as-of time: a rule whose window has not passed yet is not
    judged. fct_trigger_actions keeps the new ones. docs/activation.md. -#}
{%- set triggers = activation_triggers() %}

with

events as (
    select * from {{ ref('int_activation__events') }}
),

as_of as (
    select max(as_of_time) as as_of_time from events
),

purchases as (
    select
        person_id,
        product_id,
        event_time
    from events
    where event_name = 'purchase'
),

{%- for trigger in triggers %}
{%- set rule = trigger.name %}
{%- if trigger.type == 'cart_abandoned' %}
{%- set minutes = trigger.get('cart_abandon_minutes', 5) %}

{{ rule }}_carts as (
    select
        person_id,
        event_id,
        event_time,
        product_id,
        price,
        as_of_time,
        lead(event_time) over (
            partition by person_id order by event_time, event_id
        ) as next_cart_at,
        {{ add_minutes('event_time', minutes) }} as window_end_at
    from events
    where event_name = 'add_to_cart'
),

{{ rule }} as (
    select
        '{{ rule }}' as rule_name,
        carts.person_id,
        carts.event_id as occurrence_key,
        carts.window_end_at as fired_at,
        {{ activation_json_object([
            ('rule', "'" ~ rule ~ "'"),
            ('person_id', 'carts.person_id'),
            ('product_id', 'carts.product_id'),
            ('price', 'carts.price'),
            ('cart_at', 'cast(carts.event_time as ' ~ dbt.type_string() ~ ')'),
            ('cart_abandon_minutes', minutes | string),
        ]) }} as payload
    from {{ rule }}_carts as carts
    where
        carts.as_of_time >= carts.window_end_at
        and (carts.next_cart_at is null or carts.next_cart_at > carts.window_end_at)
        and not exists (
            select 1 from purchases
            where
                purchases.person_id = carts.person_id
                and purchases.event_time >= carts.event_time
                and purchases.event_time <= carts.window_end_at
        )
),
{%- elif trigger.type == 'repeated_high_price_view' %}
{%- set within_days = trigger.get('within_days', 3) %}
{%- set min_views = trigger.get('min_views', 3) %}

{{ rule }}_views as (
    select
        events.person_id,
        events.product_id,
        events.event_id,
        events.event_time,
        events.price
    from events
    {%- if trigger.get('min_price') is none %}
    cross join (
        select {{ activation_quantile('price', var('activation_high_price_quantile')) }} as min_price
        from events
        where event_name = 'view_item' and price is not null
    ) as price_band
    {%- endif %}
    where
        events.event_name = 'view_item'
        and events.product_id is not null
        and events.price >= {{ trigger.get('min_price') if trigger.get('min_price') is not none else 'price_band.min_price' }}
),

{{ rule }}_windows as (
    select
        views.person_id,
        views.product_id,
        views.event_id,
        views.event_time,
        views.price,
        count(*) as views_in_window,
        min(earlier.event_time) as window_start_at
    from {{ rule }}_views as views
    inner join {{ rule }}_views as earlier
        on
            views.person_id = earlier.person_id
            and views.product_id = earlier.product_id
            and earlier.event_time <= views.event_time
            and earlier.event_time > {{ activation_add_days('views.event_time', -within_days) }}
    group by views.person_id, views.product_id, views.event_id, views.event_time, views.price
),

{{ rule }}_qualifying as (
    select
        windows.*,
        lag(windows.event_time) over (
            partition by windows.person_id, windows.product_id
            order by windows.event_time, windows.event_id
        ) as previous_qualifying_at
    from {{ rule }}_windows as windows
    where
        windows.views_in_window >= {{ min_views }}
        and not exists (
            select 1 from purchases
            where
                purchases.person_id = windows.person_id
                and purchases.product_id = windows.product_id
                and purchases.event_time >= windows.window_start_at
                and purchases.event_time <= windows.event_time
        )
),

{{ rule }} as (
    select
        '{{ rule }}' as rule_name,
        person_id,
        product_id || ':' || event_id as occurrence_key,
        event_time as fired_at,
        {{ activation_json_object([
            ('rule', "'" ~ rule ~ "'"),
            ('person_id', 'person_id'),
            ('product_id', 'product_id'),
            ('price', 'price'),
            ('views_in_window', 'views_in_window'),
            ('first_view_at', 'cast(window_start_at as ' ~ dbt.type_string() ~ ')'),
        ]) }} as payload
    from {{ rule }}_qualifying
    where
        previous_qualifying_at is null
        or event_time > {{ activation_add_days('previous_qualifying_at', within_days) }}
),
{%- elif trigger.type == 'inactive' %}
{%- set inactive_days = trigger.get('inactive_days', 7) %}

{{ rule }}_last_seen as (
    select
        person_id,
        max(event_time) as last_seen_at,
        max(as_of_time) as as_of_time
    from events
    where event_name <> 'device_heartbeat'
    group by person_id
),

{{ rule }} as (
    select
        '{{ rule }}' as rule_name,
        person_id,
        cast(last_seen_at as {{ dbt.type_string() }}) as occurrence_key,
        {{ activation_add_days('last_seen_at', inactive_days) }} as fired_at,
        {{ activation_json_object([
            ('rule', "'" ~ rule ~ "'"),
            ('person_id', 'person_id'),
            ('last_seen_at', 'cast(last_seen_at as ' ~ dbt.type_string() ~ ')'),
            ('inactive_days', inactive_days | string),
        ]) }} as payload
    from {{ rule }}_last_seen
    where as_of_time >= {{ activation_add_days('last_seen_at', inactive_days) }}
),
{%- elif trigger.type == 'sql' %}

{{ rule }}_custom as (
    {{ trigger.sql }}
),

{{ rule }} as (
    select
        '{{ rule }}' as rule_name,
        person_id,
        cast(occurrence_key as {{ dbt.type_string() }}) as occurrence_key,
        cast(fired_at as timestamp) as fired_at,
        {{ activation_json_object([
            ('rule', "'" ~ rule ~ "'"),
            ('person_id', 'person_id'),
            ('occurrence_key', 'occurrence_key'),
        ]) }} as payload
    from {{ rule }}_custom
),
{%- endif %}
{%- endfor %}

occurrences as (
    {%- for trigger in triggers %}
    select * from {{ trigger.name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as rule_name,
        cast(null as {{ dbt.type_string() }}) as person_id,
        cast(null as {{ dbt.type_string() }}) as occurrence_key,
        cast(null as timestamp) as fired_at,
        cast(null as {{ dbt.type_string() }}) as payload
    where false
    {%- endfor %}
),

final as (
    select
        {{ surrogate_key(['occurrences.rule_name', 'occurrences.person_id', 'occurrences.occurrence_key']) }}
            as action_id,
        occurrences.rule_name,
        occurrences.person_id,
        occurrences.occurrence_key,
        occurrences.fired_at,
        occurrences.payload,
        as_of.as_of_time
    from occurrences
    cross join as_of
)

select * from final
