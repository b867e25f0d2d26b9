"""What the statistics pages, the printable report and the monthly report files show beside
the numbers: the charts (with their text descriptions) and the audience with readable names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.formats import date_format, get_format, number_format
from django.utils.translation import gettext as _
from django_countries.fields import Country

from communa.accounts.models import Gender
from communa.analytics.charts import bar_chart, line_chart
from communa.analytics.metrics.dashboard import Dashboard
from communa.analytics.templatetags.statistics import percent
from communa.communities.models import JoinSource


def charts_of(found: Dashboard) -> dict[str, Any]:
    first = date_format(found.period.first, "SHORT_DATE_FORMAT")
    last = date_format(found.period.last, "SHORT_DATE_FORMAT")
    daily = found.daily
    span = _("from %(first)s to %(last)s") % {"first": first, "last": last}

    def line(column: str, title: str, *, percent: bool = False) -> Any:
        values = [row[column] for row in daily]
        known = [v for v in values if v is not None]
        summary = (
            _("%(title)s by day, %(span)s: lowest %(low)s, highest %(high)s.")
            % {
                "title": title,
                "span": span,
                "low": _figure(min(known), percent),
                "high": _figure(max(known), percent),
            }
            if known
            else _("%(title)s by day, %(span)s: no data.") % {"title": title, "span": span}
        )
        return line_chart(
            values, title=title, description=summary, first_label=first, last_label=last
        )

    mix = [(group.label or _("No rubric"), float(group.rates.posts)) for group in found.by_rubric]
    return {
        "members": line("members", _("Members")),
        "reach": line("reach", _("Reach")),
        "impressions": line("impressions", _("Impressions")),
        "engagements": line("engagements", _("Engagements")),
        "er_day": line("er_day", _("ERday"), percent=True),
        "rubrics": bar_chart(
            mix,
            title=_("Posts by rubric"),
            description=_("Number of posts of each rubric published in the period."),
        ),
    }


def facets_of(found: Dashboard) -> list[dict[str, Any]]:
    """The audience tables with readable values (the API keeps the codes)."""
    audience = found.audience
    genders = dict(Gender.choices)
    languages = dict(settings.LANGUAGES)
    sources = dict(JoinSource.choices)

    def named(pairs: list[tuple[str, int]], names: dict[str, Any]) -> list[tuple[str, int]]:
        return [(str(names.get(value, value)) if value else "", count) for value, count in pairs]

    countries = {code: Country(code=code).name or code for code, _count in audience.country}
    return [
        {"id": "facet-gender", "title": _("Gender"), "pairs": named(audience.gender, genders)},
        {"id": "facet-age", "title": _("Age"), "pairs": audience.age},
        {"id": "facet-country", "title": _("Country"), "pairs": named(audience.country, countries)},
        {"id": "facet-city", "title": _("City"), "pairs": audience.city},
        {
            "id": "facet-language",
            "title": _("Language"),
            "pairs": named(audience.language, languages),
        },
        {"id": "facet-source", "title": _("Join source"), "pairs": named(audience.source, sources)},
    ]


def _figure(value: float, percent: bool) -> str:
    return f"{value * 100:.2f} %" if percent else f"{value:,.0f}"


def daily_rows(found: Dashboard) -> list[tuple[str, ...]]:
    """The day-by-day table's cells as text, formatted once here: a year is 365 rows of 8 cells,
    too many for a template filter per cell."""
    short = get_format("SHORT_DATE_FORMAT")
    return [
        (
            date_format(row["day"], short),
            *(
                number_format(row[column], 0, force_grouping=True)
                for column in ("members", "joins", "leaves", "reach", "impressions", "engagements")
            ),
            percent(row["er_day"]),
        )
        for row in found.daily
    ]
