"""R8.4: the mix targets a community sets: tone shares, promotional limit, posts a day."""

from __future__ import annotations

import pytest

from communa.communities.models import Privacy, Role
from communa.core.errors import PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from communa.planner.actions.targets import save_mix_targets
from communa.planner.models import MixTargets
from communa.planner.selectors.plans import mix_targets_of
from tests.factories import add_member, make_community, owner_of, person
from tests.support import api_as, error_of

pytestmark = pytest.mark.django_db

MEDIA = {"branded": 20, "functional": 40, "emotional": 40, "promotional_limit": 10}


def test_reading_before_anything_is_saved_gives_the_defaults():
    community = make_community()
    response = api_as(owner_of(community)).get(f"/communities/{community.slug}/mix-targets")
    assert response.status_code == 200
    assert response.json() == {
        "branded": 30,
        "functional": 35,
        "emotional": 35,
        "promotional_limit": 20,
        "tolerance": 10,
        "frequency": "brand",
        "min_per_day": 1,
        "max_per_day": 3,
        "saved": False,
    }
    assert not MixTargets.objects.exists()


def test_an_editor_saves_targets_and_the_media_profile_sets_six_to_twelve_a_day():
    community = make_community()
    editor = add_member(community, role=Role.EDITOR)
    saved = save_mix_targets(
        actor=editor,
        community=community,
        data={**MEDIA, "frequency": "media", "min_per_day": 50, "max_per_day": 60},
    )
    assert (saved.min_per_day, saved.max_per_day) == (6, 12)
    assert mix_targets_of(community).branded == 20
    entry = AuditEntry.objects.get(community=community, action="mix_targets.update")
    assert entry.before["frequency"] == "brand"
    assert entry.after["frequency"] == "media"
    # Saving the same again writes nothing.
    save_mix_targets(actor=editor, community=community, data={**MEDIA, "frequency": "media"})
    assert AuditEntry.objects.filter(action="mix_targets.update").count() == 1
    assert MixTargets.objects.count() == 1


def test_choosing_brand_again_brings_back_one_to_three():
    community = make_community()
    owner = owner_of(community)
    save_mix_targets(
        actor=owner,
        community=community,
        data={**MEDIA, "frequency": "custom", "min_per_day": 4, "max_per_day": 5},
    )
    saved = save_mix_targets(actor=owner, community=community, data={"frequency": "brand"})
    assert (saved.min_per_day, saved.max_per_day) == (1, 3)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.ANALYST, Role.MEMBER])
def test_moderators_analysts_and_members_may_not_set_targets(role):
    community = make_community()
    with pytest.raises(PermissionRefused):
        save_mix_targets(
            actor=add_member(community, role=role),
            community=community,
            data={**MEDIA, "frequency": "media"},
        )
    assert not MixTargets.objects.exists()


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (
            {"branded": 30, "functional": 30, "emotional": 30},
            {"branded", "functional", "emotional"},
        ),
        ({"branded": 101, "functional": 0, "emotional": 0}, {"branded"}),
        ({"branded": -1}, {"branded"}),
        ({"branded": True}, {"branded"}),
        ({"promotional_limit": 120}, {"promotional_limit"}),
        ({"tolerance": 51}, {"tolerance"}),
        ({"frequency": "sometimes"}, {"frequency"}),
        ({"frequency": "custom", "min_per_day": 5, "max_per_day": 4}, {"max_per_day"}),
        ({"frequency": "custom", "min_per_day": 1, "max_per_day": 101}, {"max_per_day"}),
        ({"frequency": "custom", "min_per_day": None, "max_per_day": 4}, {"min_per_day"}),
        ({"frequency": "custom", "min_per_day": 0, "max_per_day": 0}, {"max_per_day"}),
    ],
)
def test_bad_targets_are_refused_naming_the_fields_and_nothing_is_saved(data, fields):
    community = make_community()
    with pytest.raises(ValidationFailed) as refused:
        save_mix_targets(actor=owner_of(community), community=community, data=data)
    assert set(refused.value.fields) == fields
    assert not MixTargets.objects.exists()


def test_the_api_puts_custom_targets():
    community = make_community()
    api = api_as(owner_of(community))
    body = {**MEDIA, "frequency": "custom", "min_per_day": 2, "max_per_day": 4, "tolerance": 5}
    response = api.call("put", f"/communities/{community.slug}/mix-targets", body)
    assert response.status_code == 200, response.content
    assert response.json() == {**body, "saved": True}
    assert api.get(f"/communities/{community.slug}/mix-targets").json()["max_per_day"] == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**MEDIA, "branded": 21, "frequency": "media"}, "branded"),
        ({**MEDIA, "branded": "20", "frequency": "media"}, "branded"),
        ({**MEDIA, "frequency": "custom", "max_per_day": 4}, "min_per_day"),
        ({**MEDIA, "frequency": "weekly"}, "frequency"),
        ({**MEDIA}, "frequency"),
        ({**MEDIA, "frequency": "media", "mood": "calm"}, "mood"),
    ],
)
def test_the_api_refuses_bad_targets_with_a_422_naming_the_field(body, field):
    community = make_community()
    response = api_as(owner_of(community)).call(
        "put", f"/communities/{community.slug}/mix-targets", body
    )
    assert response.status_code == 422, response.content
    assert field in error_of(response)["fields"]
    assert not MixTargets.objects.exists()


def test_the_api_hides_targets_of_a_private_community_and_refuses_members():
    private = make_community(privacy=Privacy.PRIVATE)
    path = f"/communities/{private.slug}/mix-targets"
    assert api_as(person()).get(path).status_code == 404
    member = api_as(add_member(private))
    assert member.get(path).status_code == 403
    assert member.call("put", path, {**MEDIA, "frequency": "media"}).status_code == 403
    assert not MixTargets.objects.exists()
