"""Alert rules on KPIs, their evaluation, and deliveries by email and webhook."""
