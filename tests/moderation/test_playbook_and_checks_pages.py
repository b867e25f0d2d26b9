"""Issue 10: moderators read the playbook they apply; the checks page is a form a person can read."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from communa.communities.models import Community, Role
from communa.moderation.playbooks import DEFAULT_STEPS
from tests.factories import add_member, make_community, owner_of
from tests.support import api_as, client_of

pytestmark = pytest.mark.django_db


# --- the playbook -----------------------------------------------------------------------------------


def test_a_moderator_reads_the_playbook_without_a_form_to_change_it():
    group = make_community()
    moderator = add_member(group, role=Role.MODERATOR)

    response = client_of(moderator).get(f"/c/{group.slug}/playbook/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This community follows the default steps" in html
    assert str(DEFAULT_STEPS[0].message) in html
    assert "Only the owner and administrators can change them." in html
    assert 'name="steps.0.offences"' not in html
    assert 'name="use_default"' not in html


def test_the_owner_still_edits_the_playbook():
    group = make_community()

    html = client_of(owner_of(group)).get(f"/c/{group.slug}/playbook/").content.decode()

    assert 'name="steps.0.offences"' in html
    assert 'name="use_default"' in html


def test_a_moderator_reads_the_playbook_through_the_api_but_may_not_replace_it():
    group = make_community()
    api = api_as(add_member(group, role=Role.MODERATOR))

    assert api.get(f"/communities/{group.slug}/playbook").status_code == 200
    replaced = api.call("put", f"/communities/{group.slug}/playbook", {"steps": []})
    assert replaced.status_code == 403


def test_the_team_tabs_lead_moderators_to_the_playbook():
    group = make_community()
    moderator = add_member(group, role=Role.MODERATOR)

    html = client_of(moderator).get(f"/c/{group.slug}/moderation/").content.decode()

    assert f'href="/c/{group.slug}/playbook/"' in html


@pytest.mark.parametrize("language", ["ru", "uk", "vi", "ms"])
def test_the_default_messages_are_translated(language):
    with translation.override("en"):
        english = [str(step.message) for step in DEFAULT_STEPS]
    with translation.override(language):
        translated = [str(step.message) for step in DEFAULT_STEPS]
    assert all(t and t != e for t, e in zip(translated, english, strict=True))


# --- the automatic checks' form ----------------------------------------------------------------


def _checks_page(community: Community, **data: str):
    client = client_of(owner_of(community))
    url = f"/c/{community.slug}/moderation/checks/"
    return client.post(url, data) if data else client.get(url)


def test_the_checks_are_grouped_in_fieldsets_with_legends():
    html = _checks_page(make_community()).content.decode()

    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert legends[-3:] == ["What each check does", "Words and sites", "Limits against spam"]
    assert html.count('<fieldset class="checks-group"') == 3


def test_each_help_text_is_tied_to_its_field():
    html = _checks_page(make_community()).content.decode()

    for name in ("stop_words", "spam_domains", "allowed_link_domains", "max_links"):
        assert f'id="{name}_helptext"' in html
        tag = re.search(rf'<(?:input|textarea)[^>]*\bid="{name}"[^>]*>', html)
        assert tag is not None
        assert f'aria-describedby="{name}_helptext"' in tag.group(0)


def test_a_refused_value_is_described_by_its_help_and_its_error():
    response = _checks_page(make_community(), max_links="lots")

    assert response.status_code == 400
    tag = re.search(r'<input[^>]*\bid="max_links"[^>]*>', response.content.decode())
    assert tag is not None
    assert 'aria-invalid="true"' in tag.group(0)
    assert 'aria-describedby="max_links_helptext max_links_error"' in tag.group(0)


def test_the_obscene_check_says_where_its_switch_is_and_whether_it_is_on():
    community = make_community()
    on = _checks_page(community).content.decode()
    assert "On: “Check for obscene language” is switched on" in on

    Community.objects.filter(pk=community.pk).update(obscene_filter=False)
    off = _checks_page(community).content.decode()
    assert "Off: switch on “Check for obscene language” in the community settings" in off


def test_the_settings_call_the_switch_check_for_obscene_language():
    community = make_community()

    html = client_of(owner_of(community)).get(f"/c/{community.slug}/settings/").content.decode()

    assert "Check for obscene language" in html
    assert "Hide obscene language" not in html
