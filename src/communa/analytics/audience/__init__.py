"""The audience pages and API of analytics (R9.5–R9.7): negative feedback, the participation
ladder and audience health; the query functions are in `analytics.metrics`."""
