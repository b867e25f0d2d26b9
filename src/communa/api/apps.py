from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Assembles every app's router into one API with auth, errors and OpenAPI."""

    name = "communa.api"
    label = "api"
