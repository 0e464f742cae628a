{#- One touch on the path of one conversion: the touches of the converting journey in
    [conversion_time - marketing_lookback_days, conversion_time], ordered by time then touch id.
    A conversion without any touch in its window gets one '(none)' touch. -#}

with

conversions as (
    select * from {{ ref('int_marketing__conversions') }}
),

touches as (
    select * from {{ ref('int_marketing__touches') }}
),

windowed as (
    select
        conversions.conversion_id,
        touches.touch_id,
        touches.touch_type,
        touches.touch_time,
        touches.channel,
        touches.campaign,
        touches.is_direct
    from conversions
    inner join touches
        on conversions.journey_key = touches.journey_key
            and conversions.conversion_time >= touches.touch_time
            and {{ marketing_days_before('conversions.conversion_time', var('marketing_lookback_days', 30)) }} <= touches.touch_time
),

with_none as (
    select * from windowed
    union all
    select
        conversions.conversion_id,
        '(none)' as touch_id,
        '(none)' as touch_type,
        cast(null as timestamp) as touch_time,
        '(none)' as channel,
        cast(null as string) as campaign,
        false as is_direct
    from conversions
    where not exists (
            select 1 from windowed
            where windowed.conversion_id = conversions.conversion_id
        )
),

final as (
    select
        conversions.conversion_id,
        conversions.journey_key,
        conversions.person_id,
        conversions.conversion_time,
        conversions.revenue,
        with_none.touch_id,
        with_none.touch_type,
        with_none.touch_time,
        with_none.channel,
        with_none.campaign,
        with_none.is_direct,
        {{ seconds_between('with_none.touch_time', 'conversions.conversion_time') }} as seconds_before_conversion,
        row_number() over (
            partition by with_none.conversion_id order by with_none.touch_time, with_none.touch_id
        ) as touch_index,
        count(*) over (partition by with_none.conversion_id) as touch_count,
        sum(case when with_none.is_direct then 0 else 1 end) over (
            partition by with_none.conversion_id
        ) as non_direct_touches
    from with_none
    inner join conversions
        on with_none.conversion_id = conversions.conversion_id
)

select * from final
