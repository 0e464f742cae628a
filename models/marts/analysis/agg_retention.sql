{#- Retention per analysis (var `retention_analyses`) x cohort x period; docs/analysis.md. -#}
{{ analysis_retention_aggregate() }}
