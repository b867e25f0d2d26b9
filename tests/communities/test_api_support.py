"""Builders shared by the communities API tests (this module holds no tests of its own)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from PIL import Image

from communa.accounts.models import User
from communa.communities import actions
from communa.communities.models import (
    Block,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    Role,
)
from communa.communities.permissions import Relation
from tests.conftest import Api
from tests.factories import UserFactory


def person(**fields: Any) -> User:
    """A user without a usable password: skipping argon2 keeps hundreds of cases fast."""
    return UserFactory(password=None, **fields)


def make_community(owner: User | None = None, **data: Any) -> Community:
    """A community created through the domain action, so its owner is a real member."""
    owner = owner or person()
    counter = Community.objects.count() + 1
    data.setdefault("name", f"Community {counter}")
    data.setdefault("slug", f"community-{counter}-{owner.pk}")
    return actions.create_community(actor=owner, data=data)


def owner_of(community: Community) -> User:
    return Membership.objects.select_related("user").get(community=community, role=Role.OWNER).user


def add_member(
    community: Community, user: User | None = None, role: str = Role.MEMBER, **fields: Any
) -> User:
    """A membership written directly, as test set-up (any privacy, any role)."""
    user = user or person()
    Membership.objects.create(community=community, user=user, role=role, **fields)
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
    return user


def invite(community: Community, user: User | None = None) -> Invitation:
    user = user or person()
    return Invitation.objects.create(community=community, inviter=owner_of(community), invitee=user)


def block(community: Community, user: User | None = None, reason: str = "spam") -> Block:
    user = user or person()
    return Block.objects.create(
        community=community, user=user, reason=reason, blocked_by=owner_of(community)
    )


def pending_request(community: Community, user: User | None = None, **fields: Any) -> JoinRequest:
    return JoinRequest.objects.create(community=community, user=user or person(), **fields)


def with_relation(community: Community, relation: Relation) -> User | None:
    """A person who stands in this relation to the community (None for anonymous)."""
    if relation == Relation.ANONYMOUS:
        return None
    if relation == Relation.OWNER:
        return owner_of(community)
    if relation == Relation.NON_MEMBER:
        return person()
    if relation == Relation.INVITED:
        return invite(community).invitee
    if relation == Relation.BLOCKED:
        # A blocked member: was in the community, the block removed them.
        return block(community).user
    return add_member(community, role=relation.value)


def api_as(user: User | None) -> Api:
    """A fresh client, logged in as `user` (anonymous when None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return Api(client)


def image_bytes(width: int, height: int, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 200)).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(width: int, height: int, fmt: str = "PNG", name: str = "") -> SimpleUploadedFile:
    extension = {"PNG": "png", "JPEG": "jpg", "BMP": "bmp", "GIF": "gif"}.get(fmt, "bin")
    return SimpleUploadedFile(
        name or f"image.{extension}", image_bytes(width, height, fmt), content_type="image/png"
    )
