"""Predictive models trained at run time on the warehouse marts (churn, conversion propensity,
recommendations, anomaly/fraud). Assets: orchestration.predictive.assets.build_predictive_assets."""
