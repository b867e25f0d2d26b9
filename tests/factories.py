"""The one set of builders for test data: people, communities and how people stand to them.

Communities are created through the domain action, so their owner is a real member and every
rule of creation holds; memberships, invitations, blocks and requests below are written directly,
as test set-up in any privacy and any role. Passwords are real argon2 hashes of PASSWORD when a
test asks for one; otherwise a person has no usable password (hashing would only slow the
hundreds of matrix cases down).
"""

from __future__ import annotations

import io
import os
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
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

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


def person(username: str | None = None, *, password: str | None = None, **fields: Any) -> User:
    """A saved user: `person()`, `person("olga")`, `person(display_name="Olga", language="vi")`.

    Without `password` the account has no usable password (log in with `force_login`); with
    `password=PASSWORD` it logs in through the form. Any other field of User may be given.
    """
    if username is not None:
        fields["username"] = username
    return UserFactory(password=password, **fields)


def crowd(count: int, prefix: str = "guest") -> list[User]:
    """Many people at once (one INSERT): `guest0`, `guest1`, ..."""
    return User.objects.bulk_create(
        [User(username=f"{prefix}{i}", email=f"{prefix}{i}@example.org") for i in range(count)]
    )


def make_community(owner: User | None = None, **data: Any) -> Community:
    """A community created through the domain action, so its owner is a real member.

    Any field the creation form takes may be given (name, slug, kind, privacy, wall_mode, ...);
    without a name or slug it gets a unique one.
    """
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


def image_bytes(width: int, height: int, fmt: str = "PNG", *, noisy: bool = False) -> bytes:
    """A real image of this size and format; `noisy` pixels do not compress (a large file)."""
    if noisy:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (40, 120, 200))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(
    width: int, height: int, fmt: str = "PNG", name: str = "", *, noisy: bool = False
) -> SimpleUploadedFile:
    """An uploaded image file, named and typed after its format unless `name` is given."""
    extension = {"PNG": "png", "JPEG": "jpg", "BMP": "bmp", "GIF": "gif"}.get(fmt, "bin")
    return SimpleUploadedFile(
        name or f"image.{extension}",
        image_bytes(width, height, fmt, noisy=noisy),
        content_type=Image.MIME.get(fmt, "application/octet-stream"),
    )
