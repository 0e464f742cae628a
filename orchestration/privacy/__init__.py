"""Personal-information protection outside dbt (docs/privacy.md)."""
