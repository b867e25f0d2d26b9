"""The markup screen readers rely on, on every main page: ids are unique, and every label, help
text, error and control that an attribute points to exists."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.test import Client

from communa.accounts.models import User
from tests.web.sample_community import FAILED_FORMS, ROLES, USERNAMES, build_world, pages_for

pytestmark = pytest.mark.django_db

ID_REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls")


class Markup(HTMLParser):
    """Every id on the page, every id an attribute refers to, and the attributes of each tag."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if "id" in values:
            self.ids.append(values["id"])
        for name in ID_REFERENCES:
            for ref in values.get(name, "").split():
                self.references.append((tag, name, ref))

    def problems(self) -> list[str]:
        duplicated = [f"id {i!r} used {n} times" for i, n in Counter(self.ids).items() if n > 1]
        known = set(self.ids)
        dangling = [
            f"<{t} {a}={r!r}> names no element" for t, a, r in self.references if r not in known
        ]
        return duplicated + dangling


def markup_of(response) -> Markup:
    parser = Markup()
    parser.feed(response.content.decode())
    return parser


def client_for(role: str) -> Client:
    client = Client()
    if role in USERNAMES:
        client.force_login(User.objects.get(username=USERNAMES[role]))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_main_page_has_unique_ids_and_no_reference_to_a_missing_one(role):
    world = build_world()
    client = client_for(role)

    problems = []
    for path in pages_for(role, world):
        response = client.get(path)
        assert response.status_code < 400 or path.startswith("/no/"), (path, response.status_code)
        problems += [f"{path}: {problem}" for problem in markup_of(response).problems()]
        if path == "/c/bep-viet/":  # the wall arrives through htmx
            wall = client.get("/c/bep-viet/wall/", headers={"HX-Request": "true"})
            problems += [f"{path} wall: {problem}" for problem in markup_of(wall).problems()]

    assert problems == []


@pytest.mark.parametrize("role", ROLES)
def test_a_failed_form_describes_its_fields_with_elements_that_exist(role):
    build_world()
    failed = FAILED_FORMS[role]

    response = client_for(role).post(failed.action, failed.data)

    assert response.status_code in {400, 401, 409, 422}, response.status_code
    markup = markup_of(response)
    assert markup.problems() == []
    summaries = [attrs for tag, attrs in markup.tags if "data-error-summary" in attrs]
    assert len(summaries) == 1
    for field_id, _name, _value in failed.fields:
        field = next(attrs for tag, attrs in markup.tags if attrs.get("id") == field_id)
        assert field.get("aria-invalid") == "true", field
        assert field.get("aria-describedby"), field


def test_log_in_errors_mark_both_fields_and_point_to_the_summary():
    build_world()

    response = Client().post("/accounts/login/", {"username": "linh", "password": "not it"})

    markup = markup_of(response)
    summary_id = next(attrs["id"] for tag, attrs in markup.tags if "data-error-summary" in attrs)
    for field_id in ("id_username", "id_password"):
        field = next(attrs for tag, attrs in markup.tags if attrs.get("id") == field_id)
        assert field["aria-invalid"] == "true"
        assert summary_id in field["aria-describedby"].split()


def test_the_team_page_gives_the_role_and_handover_fields_their_own_ids():
    build_world()

    response = client_for("owner").get("/c/bep-viet/team/")

    markup = markup_of(response)
    assert {"id_appoint_user", "id_handover_user"} <= set(markup.ids)
    labels = {ref for tag, attr, ref in markup.references if tag == "label" and attr == "for"}
    assert {"id_appoint_user", "id_handover_user"} <= labels


@pytest.mark.parametrize(
    ("path", "data", "invalid_id"),
    [
        ("/c/bep-viet/moderation/checks/", {"max_links": "lots"}, "max_links"),
        (
            "/c/bep-viet/playbook/",
            {"steps.0.offences": "x", "steps.0.action": "warn", "steps.0.window_days": "30"},
            "steps.0.offences",
        ),
    ],
)
def test_the_checks_and_the_playbook_mark_a_refused_value_and_say_why(path, data, invalid_id):
    build_world()

    response = client_for("owner").post(path, data)

    assert response.status_code == 400
    markup = markup_of(response)
    assert markup.problems() == []
    assert any("data-error-summary" in attrs for tag, attrs in markup.tags)
    field = next(attrs for tag, attrs in markup.tags if attrs.get("id") == invalid_id)
    assert field.get("aria-invalid") == "true"
    assert f"{invalid_id}_error" in field["aria-describedby"].split()


def test_two_failed_forms_on_one_page_get_distinct_summary_ids():
    from django import forms
    from django.template import Context, Template

    class NameForm(forms.Form):
        name = forms.CharField(help_text="Your name.")

    page = Template(
        '{% include "web/form.html" with form=first %}{% include "web/form.html" with form=second %}'
    )
    html = page.render(
        Context({"first": NameForm({}, prefix="first"), "second": NameForm({}, prefix="second")})
    )

    markup = Markup()
    markup.feed(html)
    assert markup.problems() == []
    assert len([i for i in markup.ids if i.startswith("form-errors-") and "title" not in i]) == 2
