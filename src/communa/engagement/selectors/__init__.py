"""Every read of engagement that is more than a `get`, one module per feature."""
