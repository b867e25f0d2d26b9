from django.apps import AppConfig


class WebConfig(AppConfig):
    """Base layout, shared template pieces, static files and translations."""

    name = "communa.web"
    label = "web"
