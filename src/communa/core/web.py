"""Helpers for web views: show a domain error on a form, answer htmx requests."""

from __future__ import annotations

from django import forms

from communa.core.errors import DomainError, RateLimited


def show_error_on_form(form: forms.Form, exc: DomainError) -> int:
    """Put the error's field reasons on the form and return the HTTP status for the page."""
    if exc.fields:
        for field, messages in exc.fields.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)
    if isinstance(exc, RateLimited):
        return 429
    return exc.status if 400 <= exc.status < 500 else 400
