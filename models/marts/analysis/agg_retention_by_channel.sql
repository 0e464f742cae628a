{#- agg_retention broken down by the channel of each person's first start event (first_channel). -#}
{{ analysis_retention_aggregate('first_channel') }}
