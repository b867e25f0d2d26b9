"""A community with content of every kind, built through the API as a client would build it,
and the main pages of the site for each kind of visitor: for tests that walk every page."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.conftest import Api
from tests.factories import UserFactory


@dataclass
class World:
    """What build_world made: olga owns `bep-viet` and `pho-night` (an event), linh is a member,
    minh a moderator; the ids of olga's post with an image, linh's discussion and the album."""

    post: int
    topic: int
    album: int


def png(width: int = 640, height: int = 400) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (214, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile("market.png", buffer.getvalue(), content_type="image/png")


def api_as(user: Any) -> Api:
    client = Client()
    client.force_login(user)
    return Api(client)


def created(response: Any) -> dict[str, Any]:
    assert response.status_code in {200, 201}, response.content
    body = response.json()
    return body if isinstance(body, dict) else {"items": body}


def build_world() -> World:
    """A group with content of every kind and an event, written through the API."""
    owner = UserFactory(username="olga", display_name="Olga Petrova")
    member = UserFactory(username="linh", display_name="Trần Linh")
    moderator = UserFactory(username="minh", display_name="Lê Minh")
    as_owner, as_member, as_moderator = api_as(owner), api_as(member), api_as(moderator)

    created(
        as_owner.post(
            "/communities",
            {
                "name": "Bếp Việt",
                "slug": "bep-viet",
                "description": "Vietnamese home cooking: recipes, markets and suppers.",
                "contacts": "hello@example.org",
                "links": [{"title": "Our recipes", "url": "https://example.org/recipes"}],
            },
        )
    )
    created(
        as_owner.post(
            "/communities",
            {
                "name": "Phở night",
                "slug": "pho-night",
                "kind": "event",
                "event_starts_at": "2031-06-01T18:30:00Z",
                "event_ends_at": "2031-06-01T21:00:00Z",
                "event_place": "Hội An, the old market",
            },
        )
    )
    for api in (as_member, as_moderator):
        created(api.post("/communities/bep-viet/join", {}))
    created(as_member.post("/communities/pho-night/join", {}))
    created(as_owner.call("put", "/communities/bep-viet/team/minh", {"role": "moderator"}))
    created(as_member.call("put", "/communities/pho-night/attendance", {"status": "going"}))

    post = created(
        as_owner.client.post(
            "/api/communities/bep-viet/posts",
            {
                "payload": json.dumps({"body": "**Phở** on Friday: who brings the herbs?"}),
                "images": [png()],
            },
        )
    )
    created(as_member.post(f"/posts/{post['id']}/comments", {"body": "I will, and the limes."}))
    created(as_member.post("/communities/bep-viet/posts", {"body": "Where do you buy rice paper?"}))
    doubtful = created(as_moderator.post("/communities/bep-viet/posts", {"body": "Cheap woks!"}))
    created(as_member.post(f"/posts/{doubtful['id']}/report", {"reason": "spam", "text": "An ad."}))
    settled = created(as_member.post(f"/posts/{post['id']}/report", {"reason": "other"}))
    created(
        as_moderator.post(
            "/communities/bep-viet/moderation/queue/decide",
            {"items": [f"report:{settled['id']}"], "decision": "approve"},
        )
    )
    created(as_owner.patch("/communities/bep-viet/moderation/filters", {"stop_words": ["casino*"]}))
    created(as_member.post("/communities/bep-viet/posts", {"body": "Casino night after supper"}))

    topic = created(
        as_member.post(
            "/communities/bep-viet/topics",
            {"title": "Fish sauce brands", "body": "Which one do you trust?"},
        )
    )
    created(as_owner.post(f"/topics/{topic['id']}/comments", {"body": "Red Boat, always."}))
    pdf = SimpleUploadedFile("rules.pdf", b"%PDF-1.4\n% rules\n", content_type="application/pdf")
    created(
        as_owner.client.post(
            "/api/communities/bep-viet/documents", {"file": pdf, "title": "House rules"}
        )
    )
    album = created(as_owner.post("/communities/bep-viet/albums", {"title": "Summer market"}))
    created(
        as_owner.client.post(
            f"/api/albums/{album['id']}/photos", {"photos": [png()], "caption": "Mangoes"}
        )
    )
    return World(post=post["id"], topic=topic["id"], album=album["id"])


USERNAMES = {"member": "linh", "owner": "olga"}
ROLES = ["anonymous", "member", "owner"]


@dataclass(frozen=True)
class FailedForm:
    """A form sent with a bad value: shown at `path`, posted to `action`; each field by its id
    (for a browser to fill) and its name (for the test client to post)."""

    path: str
    action: str
    fields: tuple[tuple[str, str, str], ...]  # (id, name, value)

    @property
    def data(self) -> dict[str, str]:
        return {name: value for _id, name, value in self.fields}


FAILED_FORMS = {
    "anonymous": FailedForm(
        "/accounts/login/",
        "/accounts/login/",
        (("id_username", "username", "linh"), ("id_password", "password", "not it")),
    ),
    "member": FailedForm(
        "/accounts/profile/", "/accounts/profile/", (("id_birth_year", "birth_year", "2999"),)
    ),
    "owner": FailedForm(
        "/c/bep-viet/team/",
        "/c/bep-viet/team/handover/",
        (("id_handover_user", "user", "nobody_here"),),
    ),
}


def pages_for(role: str, world: World) -> list[str]:
    """The main pages this kind of visitor uses (the anonymous list ends with a missing page)."""
    post, topic, album = world.post, world.topic, world.album
    if role == "anonymous":
        return [
            "/",
            "/communities/",
            "/c/bep-viet/",
            f"/p/{post}/",
            "/c/bep-viet/topics/",
            f"/t/{topic}/",
            "/c/pho-night/",
            "/c/bep-viet/documents/",
            "/c/bep-viet/albums/",
            f"/albums/{album}/",
            "/c/bep-viet/members/",
            "/u/linh/wall/",
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/no/such/page/",
        ]
    if role == "member":
        return [
            "/feed/",
            "/communities/mine/",
            "/accounts/profile/",
            "/accounts/settings/tokens/",
            "/accounts/notifications/",
            "/accounts/password/",
            "/c/bep-viet/",
            f"/p/{post}/",
            f"/p/{post}/report/",
            f"/p/{post}/share/",
            f"/t/{topic}/",
            "/c/bep-viet/topics/new/",
            "/c/pho-night/",
            "/c/pho-night/attendance/",
        ]
    return [
        "/communities/dashboard/",
        "/c/bep-viet/manage/",
        "/c/bep-viet/",
        "/c/bep-viet/team/",
        "/c/bep-viet/members/",
        "/c/bep-viet/requests/",
        "/c/bep-viet/invite/",
        "/c/bep-viet/blocks/",
        "/c/bep-viet/moderation/",
        "/c/bep-viet/audit/",
        "/c/bep-viet/moderation/checks/",
        "/c/bep-viet/playbook/",
        "/c/bep-viet/rubrics/",
        "/c/bep-viet/members/sources/",
        "/c/bep-viet/statistics/best-time/",
        "/c/bep-viet/settings/",
        "/c/bep-viet/longread/new/",
        "/c/bep-viet/documents/",
        f"/albums/{album}/",
        f"/p/{post}/edit/",
        "/communities/new/",
    ]
