"""Every write of engagement, one module per feature."""
