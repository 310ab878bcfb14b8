"""Dashboard page: live plots of clients, churn, disconnect reasons, traffic and health."""
