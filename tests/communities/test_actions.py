"""Community actions called directly: quotas, consent, conversion, images, blocks, roles, audit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format

from communa.accounts.models import User
from communa.communities.actions import (
    block_member,
    cancel_invitation,
    cancel_ownership_transfer,
    convert_community,
    decide_join_request,
    delete_wiki_page,
    invite_to_community,
    join_community,
    leave_community,
    request_ownership_transfer,
    request_to_join,
    respond_to_invitation,
    save_wiki_page,
    set_community_image,
    set_member_role,
    unblock_member,
    update_community,
)
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    InvitationStatus,
    JoinSource,
    Kind,
    Membership,
    MembershipEvent,
    Privacy,
    Role,
)
from communa.communities.permissions import Relation, standing_of
from communa.core.errors import Conflict, DomainError, NotFound, PermissionRefused, ValidationFailed
from communa.core.models import AuditEntry
from tests.factories import crowd, image_upload, make_community, person

pytestmark = pytest.mark.django_db

TEAM = ("admin", "editor", "moderator", "analyst")


def refresh(community: Community) -> Community:
    community.refresh_from_db()
    return community


@pytest.fixture
def people(db) -> dict[str, User]:
    return {name: person(name) for name in ("owner", *TEAM, "member", "outsider", "stranger")}


@pytest.fixture
def group(people) -> Community:
    """An open group with one person in every role and one plain member."""
    community = make_community(people["owner"], name="Bakers", slug="bakers")
    for name in (*TEAM, "member"):
        join_community(actor=people[name], community=community)
    for role in TEAM:
        set_member_role(actor=people["owner"], community=community, user=people[role], role=role)
    return refresh(community)


@pytest.fixture
def closed_group(group, people) -> Community:
    return update_community(actor=people["owner"], community=group, changes={"privacy": "closed"})


def audit_actions(community: Community) -> list[str]:
    return list(
        AuditEntry.objects.filter(community=community)
        .order_by("id")
        .values_list("action", flat=True)
    )


def field_messages(exc: pytest.ExceptionInfo[DomainError], field: str) -> str:
    assert field in exc.value.fields, exc.value.fields
    return " ".join(exc.value.fields[field])


# --- invitations: the daily cap ---------------------------------------------------------------


def reset_moment() -> str:
    tomorrow = timezone.localtime().date() + timedelta(days=1)
    return date_format(datetime.combine(tomorrow, time.min), "DATETIME_FORMAT")


def test_an_inviter_sends_the_daily_number_and_then_learns_what_is_left(settings, people, group):
    # given an inviter two invitations short of the daily cap
    limit = settings.COMMUNA["INVITATIONS_PER_DAY"]
    guests = crowd(limit + 1)
    invite_to_community(actor=people["member"], community=group, invitees=guests[: limit - 2])

    # when they invite three more at once
    with pytest.raises(ValidationFailed) as refused:
        invite_to_community(actor=people["member"], community=group, invitees=guests[-3:])

    # then the message says how many are left and when the count resets, and nobody is invited
    message = field_messages(refused, "usernames")
    assert f"{limit} invitations a day" in message
    assert "2 left" in message
    assert reset_moment() in message
    assert Invitation.objects.filter(inviter=people["member"]).count() == limit - 2
    assert not Invitation.objects.filter(invitee__in=guests[-3:]).exists()

    # and the two that are left can still be used, then none
    invite_to_community(actor=people["member"], community=group, invitees=guests[-3:-1])
    with pytest.raises(ValidationFailed) as refused:
        invite_to_community(actor=people["member"], community=group, invitees=guests[-1:])
    assert "0 left" in field_messages(refused, "usernames")
    assert Invitation.objects.filter(inviter=people["member"]).count() == limit


def test_the_daily_cap_is_an_instance_setting_counted_across_communities(settings, people, group):
    # given a cap of three and an inviter who sent two in another community
    settings.COMMUNA = {**settings.COMMUNA, "INVITATIONS_PER_DAY": 3}
    other = make_community(people["member"], slug="brewers")
    guests = crowd(4)
    invite_to_community(actor=people["member"], community=other, invitees=guests[:2])

    # when they invite two people here
    with pytest.raises(ValidationFailed) as refused:
        invite_to_community(actor=people["member"], community=group, invitees=guests[2:])

    # then only one is left
    assert "have 1 left" in field_messages(refused, "usernames")
    assert not Invitation.objects.filter(community=group).exists()


def test_invitations_sent_yesterday_do_not_count_today(settings, people, group):
    # given a full day's worth of invitations, all sent before today began
    settings.COMMUNA = {**settings.COMMUNA, "INVITATIONS_PER_DAY": 3}
    earlier = crowd(3, prefix="yesterday")
    sent = invite_to_community(actor=people["member"], community=group, invitees=earlier)
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Invitation.objects.filter(pk__in=[i.pk for i in sent]).update(
        created_at=start_of_today - timedelta(minutes=1)
    )

    # when they invite three more today, then all three are invited
    today = crowd(3, prefix="today")
    assert len(invite_to_community(actor=people["member"], community=group, invitees=today)) == 3


# --- consent -------------------------------------------------------------------------------------


def test_an_invitation_alone_does_not_make_anyone_a_member(people, group):
    # when the outsider is invited
    (invitation,) = invite_to_community(
        actor=people["member"], community=group, invitees=[people["outsider"]]
    )

    # then they are invited, not a member, and the count is unchanged
    assert invitation.status == InvitationStatus.PENDING
    assert not Membership.objects.filter(community=group, user=people["outsider"]).exists()
    assert refresh(group).member_count == 6
    assert standing_of(people["outsider"], group).relation == Relation.INVITED


def test_the_invitee_joins_only_by_accepting(people, group):
    (invitation,) = invite_to_community(
        actor=people["member"], community=group, invitees=[people["outsider"]]
    )

    membership = respond_to_invitation(actor=people["outsider"], invitation=invitation, accept=True)

    assert membership.source == JoinSource.INVITATION
    assert refresh(group).member_count == 7
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_declining_an_invitation_adds_nobody(people, group):
    (invitation,) = invite_to_community(
        actor=people["member"], community=group, invitees=[people["outsider"]]
    )

    respond_to_invitation(actor=people["outsider"], invitation=invitation, accept=False)

    assert not Membership.objects.filter(community=group, user=people["outsider"]).exists()
    assert refresh(group).member_count == 6


def test_nobody_can_accept_an_invitation_meant_for_someone_else(people, group):
    (invitation,) = invite_to_community(
        actor=people["member"], community=group, invitees=[people["outsider"]]
    )

    with pytest.raises(NotFound):
        respond_to_invitation(actor=people["stranger"], invitation=invitation, accept=True)

    assert not Membership.objects.filter(
        community=group, user__in=[people["stranger"], people["outsider"]]
    ).exists()


# --- conversion group ↔ public page --------------------------------------------------------------


def test_a_group_becomes_a_public_page_and_cannot_convert_back_for_thirty_days(
    settings, people, group
):
    # given a group converted into a public page just now
    convert_community(actor=people["admin"], community=group, kind=Kind.PUBLIC_PAGE)
    group = refresh(group)
    assert group.kind == Kind.PUBLIC_PAGE
    possible = group.kind_changed_at + timedelta(days=settings.COMMUNA["KIND_CHANGE_DAYS"])

    # when someone tries to convert it back
    with pytest.raises(Conflict) as refused:
        convert_community(actor=people["owner"], community=group, kind=Kind.GROUP)

    # then the message names the date it becomes possible, and nothing changed
    assert date_format(timezone.localtime(possible), "DATETIME_FORMAT") in refused.value.message
    assert refresh(group).kind == Kind.PUBLIC_PAGE


def test_a_conversion_is_possible_again_after_thirty_days(settings, people, group):
    convert_community(actor=people["admin"], community=group, kind=Kind.PUBLIC_PAGE)
    days = settings.COMMUNA["KIND_CHANGE_DAYS"]
    Community.objects.filter(pk=group.pk).update(
        kind_changed_at=timezone.now() - timedelta(days=days, minutes=1)
    )

    convert_community(actor=people["admin"], community=refresh(group), kind=Kind.GROUP)

    assert refresh(group).kind == Kind.GROUP


def test_a_closed_group_cannot_become_a_public_page(people, closed_group):
    with pytest.raises(ValidationFailed) as refused:
        convert_community(actor=people["owner"], community=closed_group, kind=Kind.PUBLIC_PAGE)

    assert "open" in field_messages(refused, "privacy")
    assert refresh(closed_group).kind == Kind.GROUP


def test_a_public_page_stays_open(people):
    page = make_community(people["owner"], slug="kitchen", kind="public_page", category="company")

    with pytest.raises(ValidationFailed) as refused:
        update_community(actor=people["owner"], community=page, changes={"privacy": "closed"})

    assert field_messages(refused, "privacy")
    assert Community.objects.get(pk=page.pk).privacy == Privacy.OPEN


def test_a_public_page_cannot_be_created_closed(people):
    with pytest.raises(ValidationFailed) as refused:
        make_community(people["owner"], slug="kitchen", kind="public_page", privacy="closed")

    assert field_messages(refused, "privacy")
    assert not Community.objects.filter(slug="kitchen").exists()


def test_an_event_is_not_converted(people):
    event = make_community(
        people["owner"],
        slug="masterclass",
        kind="event",
        event_starts_at=timezone.now() + timedelta(days=3),
        event_place="Studio",
    )

    with pytest.raises(ValidationFailed) as refused:
        convert_community(actor=people["owner"], community=event, kind=Kind.PUBLIC_PAGE)

    assert field_messages(refused, "kind")


def test_a_moderator_cannot_convert_a_group(people, group):
    with pytest.raises(PermissionRefused):
        convert_community(actor=people["moderator"], community=group, kind=Kind.PUBLIC_PAGE)

    assert refresh(group).kind == Kind.GROUP


# --- images --------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.parametrize("size", [(795, 200), (1590, 400)])
def test_a_cover_of_an_accepted_size_is_stored(media, people, group, size):
    set_community_image(
        actor=people["admin"], community=group, field="cover", upload=image_upload(*size)
    )

    group = refresh(group)
    assert group.cover
    assert (group.cover.width, group.cover.height) == size
    assert len(stored_files(media)) == 1
    assert audit_actions(group)[-1] == "community.cover"


@pytest.mark.parametrize("size", [(200, 300), (200, 500), (300, 200), (500, 200), (200, 420)])
def test_an_avatar_of_an_accepted_size_is_stored(media, people, group, size):
    set_community_image(
        actor=people["owner"], community=group, field="avatar", upload=image_upload(*size)
    )

    assert refresh(group).avatar
    assert len(stored_files(media)) == 1


@pytest.mark.parametrize(
    ("field", "size", "accepted"),
    [
        ("cover", (800, 200), "795×200 or 1590×400"),
        ("cover", (1590, 401), "795×200 or 1590×400"),
        ("avatar", (200, 200), "300 to 500"),
        ("avatar", (200, 600), "300 to 500"),
        ("avatar", (400, 400), "200 pixels on one side"),
    ],
)
def test_an_image_of_another_size_is_refused_naming_the_sizes_accepted(
    media, people, group, field, size, accepted
):
    with pytest.raises(ValidationFailed) as refused:
        set_community_image(
            actor=people["admin"], community=group, field=field, upload=image_upload(*size)
        )

    message = field_messages(refused, field)
    assert f"{size[0]}×{size[1]}" in message
    assert accepted in message
    assert not getattr(refresh(group), field)
    assert stored_files(media) == []


def test_a_file_that_is_not_an_image_is_refused_and_not_stored(media, people, group):
    upload = SimpleUploadedFile("cover.png", b"<?php echo 'not a picture'; ?>" * 50, "image/png")

    with pytest.raises(ValidationFailed) as refused:
        set_community_image(actor=people["admin"], community=group, field="cover", upload=upload)

    assert "not an image" in field_messages(refused, "cover")
    assert stored_files(media) == []
    assert not refresh(group).cover


def test_an_image_of_a_type_not_allowed_is_refused(media, people, group):
    with pytest.raises(ValidationFailed) as refused:
        set_community_image(
            actor=people["admin"],
            community=group,
            field="cover",
            upload=image_upload(795, 200, "BMP"),
        )

    assert "JPEG, PNG, WebP or GIF" in field_messages(refused, "cover")
    assert stored_files(media) == []


def test_an_image_over_the_size_limit_is_refused_and_not_stored(settings, media, people, group):
    settings.COMMUNA = {**settings.COMMUNA, "COMMUNITY_IMAGE_MAX_BYTES": 100_000}
    upload = image_upload(795, 200, noisy=True)
    assert upload.size > 100_000

    with pytest.raises(ValidationFailed) as refused:
        set_community_image(actor=people["admin"], community=group, field="cover", upload=upload)

    assert "largest allowed" in field_messages(refused, "cover")
    assert stored_files(media) == []
    assert not refresh(group).cover


def test_a_new_cover_replaces_the_old_file(media, people, group):
    set_community_image(
        actor=people["admin"], community=group, field="cover", upload=image_upload(795, 200)
    )
    first = refresh(group).cover.name

    set_community_image(
        actor=people["admin"], community=group, field="cover", upload=image_upload(1590, 400)
    )

    files = stored_files(media)
    assert len(files) == 1
    assert refresh(group).cover.name != first


def test_an_editor_cannot_change_the_images(media, people, group):
    with pytest.raises(PermissionRefused):
        set_community_image(
            actor=people["editor"], community=group, field="cover", upload=image_upload(795, 200)
        )

    assert stored_files(media) == []


# --- blocking ------------------------------------------------------------------------------------


def test_a_block_needs_a_reason(people, group):
    with pytest.raises(ValidationFailed) as refused:
        block_member(actor=people["moderator"], community=group, user=people["member"], reason="  ")

    assert field_messages(refused, "reason")
    assert Membership.objects.filter(community=group, user=people["member"]).exists()
    assert not Block.objects.exists()
    assert "member.block" not in audit_actions(group)


def test_a_block_ends_in_the_future(people, group):
    with pytest.raises(ValidationFailed) as refused:
        block_member(
            actor=people["moderator"],
            community=group,
            user=people["member"],
            reason="Spam",
            ends_at=timezone.now() - timedelta(minutes=1),
        )

    assert field_messages(refused, "ends_at")
    assert not Block.objects.exists()


def test_a_blocked_member_is_removed_and_no_longer_counted(people, group):
    # when a moderator blocks a member until next week
    block = block_member(
        actor=people["moderator"],
        community=group,
        user=people["member"],
        reason="Insults in comments",
        ends_at=timezone.now() + timedelta(days=7),
    )

    # then they are out, the count is exact, and history and audit record it
    assert not Membership.objects.filter(community=group, user=people["member"]).exists()
    assert refresh(group).member_count == 5
    assert MembershipEvent.objects.filter(
        community=group, user=people["member"], kind=MembershipEvent.Kind.BLOCK
    ).exists()
    entry = AuditEntry.objects.get(action="member.block")
    assert entry.actor == people["moderator"]
    assert entry.target_id == str(block.pk)
    assert entry.after["reason"] == "Insults in comments"


def test_a_blocked_person_cannot_join_an_open_community(people, group):
    block_member(
        actor=people["moderator"], community=group, user=people["outsider"], reason="Spam bot"
    )

    with pytest.raises(PermissionRefused) as refused:
        join_community(actor=people["outsider"], community=group)

    assert "Spam bot" in refused.value.message
    assert refresh(group).member_count == 6


def test_a_blocked_person_cannot_ask_to_join_a_closed_community(people, closed_group):
    block_member(
        actor=people["moderator"], community=closed_group, user=people["outsider"], reason="Spam"
    )

    with pytest.raises(PermissionRefused):
        request_to_join(actor=people["outsider"], community=closed_group, message="Please")

    assert not closed_group.join_requests.exists()


def test_a_blocked_person_cannot_accept_an_invitation_sent_before(people, closed_group):
    # given an invitation, then a block
    (invitation,) = invite_to_community(
        actor=people["member"], community=closed_group, invitees=[people["outsider"]]
    )
    block_member(
        actor=people["moderator"], community=closed_group, user=people["outsider"], reason="Spam"
    )

    # when the person tries to accept it, then it is refused and they are not a member
    with pytest.raises(DomainError):
        respond_to_invitation(actor=people["outsider"], invitation=invitation, accept=True)
    with pytest.raises(PermissionRefused):
        join_community(actor=people["outsider"], community=closed_group)
    assert not Membership.objects.filter(community=closed_group, user=people["outsider"]).exists()


def test_a_blocked_person_cannot_be_invited(people, group):
    block_member(actor=people["moderator"], community=group, user=people["outsider"], reason="Spam")

    with pytest.raises(ValidationFailed) as refused:
        invite_to_community(actor=people["member"], community=group, invitees=[people["outsider"]])

    assert "outsider is blocked" in field_messages(refused, "usernames")


@pytest.mark.parametrize("target", ["admin", "owner", "editor"])
def test_a_moderator_cannot_block_a_team_member_of_their_rank_or_above(people, group, target):
    with pytest.raises(ValidationFailed) as refused:
        block_member(actor=people["moderator"], community=group, user=people[target], reason="Rude")

    assert field_messages(refused, "user")
    assert Membership.objects.filter(community=group, user=people[target]).exists()


def test_a_member_cannot_block_anyone(people, group):
    with pytest.raises(PermissionRefused):
        block_member(
            actor=people["member"], community=group, user=people["outsider"], reason="Rude"
        )


def test_after_unblocking_the_person_may_ask_again_but_is_not_re_added(people, closed_group):
    # given a member blocked, then unblocked
    block_member(
        actor=people["moderator"], community=closed_group, user=people["member"], reason="Spam"
    )
    unblock_member(actor=people["admin"], community=closed_group, user=people["member"])

    # then they are not a member again, but may ask to join
    assert not Membership.objects.filter(community=closed_group, user=people["member"]).exists()
    join_request = request_to_join(actor=people["member"], community=closed_group, message="Sorry")
    assert join_request.pk
    assert audit_actions(closed_group)[-2:] == ["member.block", "member.unblock"]


def test_an_expired_block_no_longer_blocks(people, group):
    # given a block whose end has passed
    block = block_member(
        actor=people["moderator"],
        community=group,
        user=people["outsider"],
        reason="Cool-off",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    Block.objects.filter(pk=block.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

    # when the person joins, then they are in
    join_community(actor=people["outsider"], community=group)
    assert refresh(group).member_count == 7


def test_a_person_whose_block_expired_can_be_blocked_again(people, group):
    block = block_member(
        actor=people["moderator"],
        community=group,
        user=people["outsider"],
        reason="Cool-off",
        ends_at=timezone.now() + timedelta(hours=1),
    )
    Block.objects.filter(pk=block.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

    again = block_member(
        actor=people["moderator"], community=group, user=people["outsider"], reason="Again"
    )

    assert again.pk != block.pk
    assert standing_of(people["outsider"], group).relation == Relation.BLOCKED


# --- roles ---------------------------------------------------------------------------------------


def test_an_admin_cannot_appoint_an_admin(people, group):
    with pytest.raises(PermissionRefused):
        set_member_role(
            actor=people["admin"], community=group, user=people["member"], role=Role.ADMIN
        )

    assert Membership.objects.get(community=group, user=people["member"]).role == Role.MEMBER


def test_an_admin_cannot_remove_another_admin(people, group):
    set_member_role(actor=people["owner"], community=group, user=people["editor"], role=Role.ADMIN)

    with pytest.raises(PermissionRefused):
        set_member_role(
            actor=people["admin"], community=group, user=people["editor"], role=Role.MEMBER
        )

    assert Membership.objects.get(community=group, user=people["editor"]).role == Role.ADMIN


def test_the_owner_appoints_an_admin_and_an_admin_appoints_a_moderator(people, group):
    set_member_role(actor=people["owner"], community=group, user=people["member"], role=Role.ADMIN)
    set_member_role(
        actor=people["admin"], community=group, user=people["analyst"], role=Role.MODERATOR
    )

    roles = dict(Membership.objects.filter(community=group).values_list("user__username", "role"))
    assert roles["member"] == Role.ADMIN
    assert roles["analyst"] == Role.MODERATOR
    entry = AuditEntry.objects.filter(action="team.role").order_by("-id").first()
    assert entry.actor == people["admin"]
    assert entry.before == {"user": "analyst", "role": "analyst"}
    assert entry.after == {"user": "analyst", "role": "moderator"}


@pytest.mark.parametrize("actor", ["owner", "admin"])
def test_the_owners_role_cannot_be_changed(people, group, actor):
    with pytest.raises(ValidationFailed) as refused:
        set_member_role(actor=people[actor], community=group, user=people["owner"], role=Role.ADMIN)

    assert field_messages(refused, "user")
    assert Membership.objects.get(community=group, user=people["owner"]).role == Role.OWNER


def test_only_members_get_roles(people, group):
    with pytest.raises(ValidationFailed) as refused:
        set_member_role(
            actor=people["owner"], community=group, user=people["outsider"], role=Role.EDITOR
        )

    assert "Only members" in field_messages(refused, "user")
    assert not Membership.objects.filter(user=people["outsider"]).exists()


def test_ownership_is_not_a_role_one_can_appoint(people, group):
    with pytest.raises(ValidationFailed) as refused:
        set_member_role(
            actor=people["owner"], community=group, user=people["admin"], role=Role.OWNER
        )

    assert field_messages(refused, "role")
    assert Membership.objects.filter(community=group, role=Role.OWNER).count() == 1


@pytest.mark.parametrize("actor", ["editor", "moderator", "analyst", "member"])
def test_only_the_owner_and_admins_manage_the_team(people, group, actor):
    with pytest.raises(PermissionRefused):
        set_member_role(
            actor=people[actor], community=group, user=people["member"], role=Role.EDITOR
        )


# --- leaving -------------------------------------------------------------------------------------


def test_the_owner_cannot_leave(people, group):
    with pytest.raises(PermissionRefused):
        leave_community(actor=people["owner"], community=group)

    assert Membership.objects.get(community=group, user=people["owner"]).role == Role.OWNER
    assert refresh(group).member_count == 6


def test_a_member_leaves_and_is_no_longer_counted(people, group):
    leave_community(actor=people["member"], community=group)

    assert refresh(group).member_count == 5
    assert MembershipEvent.objects.filter(
        community=group, user=people["member"], kind=MembershipEvent.Kind.LEAVE
    ).exists()


def test_a_non_member_cannot_leave(people, group):
    with pytest.raises(PermissionRefused):
        leave_community(actor=people["outsider"], community=group)

    assert refresh(group).member_count == 6


# --- the audit log -------------------------------------------------------------------------------


@dataclass
class Scene:
    people: dict[str, User]
    group: Community
    closed: Community

    def __getitem__(self, name: str) -> User:
        return self.people[name]


@pytest.fixture
def scene(people, group) -> Scene:
    closed = make_community(people["owner"], slug="closed-circle", privacy="closed")
    return Scene(people=people, group=group, closed=closed)


def _request(scene: Scene):
    return request_to_join(actor=scene["outsider"], community=scene.closed)


def _invite(scene: Scene):
    return invite_to_community(
        actor=scene["member"], community=scene.group, invitees=[scene["outsider"]]
    )


TEAM_ACTIONS: dict[str, tuple[str, Callable[[Scene], object]]] = {
    "community.create": ("owner", lambda s: make_community(s["owner"], slug="new-one")),
    "community.update": (
        "admin",
        lambda s: update_community(
            actor=s["admin"], community=s.group, changes={"description": "Bread"}
        ),
    ),
    "community.avatar": (
        "admin",
        lambda s: set_community_image(
            actor=s["admin"], community=s.group, field="avatar", upload=image_upload(200, 300)
        ),
    ),
    "community.convert": (
        "admin",
        lambda s: convert_community(actor=s["admin"], community=s.group, kind=Kind.PUBLIC_PAGE),
    ),
    "wiki.create": (
        "editor",
        lambda s: save_wiki_page(
            actor=s["editor"], community=s.group, slug="rules", title="Rules", body="Be kind"
        ),
    ),
    "wiki.delete": (
        "editor",
        lambda s: (
            save_wiki_page(
                actor=s["admin"], community=s.group, slug="rules", title="Rules", body=""
            ),
            delete_wiki_page(actor=s["editor"], community=s.group, slug="rules"),
        ),
    ),
    "invitation.send": ("member", _invite),
    "invitation.cancel": (
        "moderator",
        lambda s: cancel_invitation(actor=s["moderator"], invitation=_invite(s)[0]),
    ),
    "request.approve": (
        "owner",
        lambda s: decide_join_request(actor=s["owner"], join_request=_request(s), approve=True),
    ),
    "request.reject": (
        "owner",
        lambda s: decide_join_request(actor=s["owner"], join_request=_request(s), approve=False),
    ),
    "member.block": (
        "moderator",
        lambda s: block_member(
            actor=s["moderator"], community=s.group, user=s["member"], reason="Spam"
        ),
    ),
    "member.unblock": (
        "admin",
        lambda s: (
            block_member(actor=s["moderator"], community=s.group, user=s["member"], reason="Spam"),
            unblock_member(actor=s["admin"], community=s.group, user=s["member"]),
        ),
    ),
    "team.role": (
        "owner",
        lambda s: set_member_role(
            actor=s["owner"], community=s.group, user=s["member"], role=Role.EDITOR
        ),
    ),
    "team.leave": ("analyst", lambda s: leave_community(actor=s["analyst"], community=s.group)),
    "ownership.request": (
        "owner",
        lambda s: request_ownership_transfer(
            actor=s["owner"], community=s.group, to_user=s["admin"]
        ),
    ),
    "ownership.cancel": (
        "admin",
        lambda s: cancel_ownership_transfer(
            actor=s["admin"],
            transfer=request_ownership_transfer(
                actor=s["owner"], community=s.group, to_user=s["admin"]
            ),
        ),
    ),
}


@pytest.mark.parametrize("action", list(TEAM_ACTIONS))
def test_every_team_action_writes_an_audit_entry(media, scene, action):
    # given the audit log as it stands
    actor_name, perform = TEAM_ACTIONS[action]
    last_id = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    # when the action is done
    perform(scene)

    # then its entry says who did what, on which community, and when
    entry = AuditEntry.objects.filter(id__gt=last_id, action=action).order_by("-id").first()
    assert entry is not None, list(
        AuditEntry.objects.filter(id__gt=last_id).values_list("action", flat=True)
    )
    assert entry.actor == scene[actor_name]
    assert entry.community is not None
    assert entry.created_at is not None
    if action != "invitation.send":
        assert entry.target_type
        assert entry.target_id
