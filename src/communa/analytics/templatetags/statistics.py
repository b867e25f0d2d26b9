"""Filters of the statistics pages: rates as percentages, changes with their sign."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()
NOTHING = "—"


@register.filter
def percent(value: Any) -> str:
    """A fraction as a percentage with two decimals (METRICS.md); "—" when unknown."""
    if value is None or value == "":
        return NOTHING
    return f"{number_format(float(value) * 100, 2, use_l10n=True)} %"


@register.filter
def figure(value: Any, kind: str = "count") -> str:
    """A dashboard figure: a rate as a percentage, a count with thousands grouped."""
    if value is None:
        return NOTHING
    if kind == "rate":
        return percent(value)
    return number_format(value, 0, use_l10n=True, force_grouping=True)


@register.filter
def change(value: Any) -> str:
    """A relative change with its sign ("+12.50 %", "−3.00 %"); "—" when unknown."""
    if value is None:
        return NOTHING
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{number_format(abs(float(value)) * 100, 2, use_l10n=True)} %"


@register.filter
def lookup(row: Any, column: str) -> Any:
    """A column of a row (a mapping or an object)."""
    if isinstance(row, dict):
        return row.get(column)
    return getattr(row, column, None)
