"""Prediction: customer lifetime value, churn risk, RFM segments and KPI forecasts."""
