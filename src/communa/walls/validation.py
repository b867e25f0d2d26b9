"""Rules for post, comment and label fields, shared by the web forms and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from communa.accounts.validation import FieldErrors
from communa.communities.models import Rubric, Tone
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed
from communa.core.hooks import answer
from communa.core.uploads import CheckedDocument, CheckedImage, check_document, check_image
from communa.core.widgets import BlockEmbeds
from communa.walls.formatting import clean_blocks
from communa.walls.models import PostKind, Signature

_url = URLValidator(schemes=["http", "https"])


@dataclass
class PostContent:
    """The words of a post, checked: what an author writes, whoever labels it."""

    kind: str
    title: str
    body: str
    blocks: list[dict[str, Any]]
    link_url: str
    link_title: str


@dataclass
class Attachment:
    """An uploaded image or document and what its checks learned."""

    upload: IO[bytes]
    checked: CheckedImage | CheckedDocument


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _no_nul(errors: FieldErrors, field: str, value: str) -> None:
    if "\x00" in value:
        errors.add(field, _("The text contains a NUL character."))


def _check_lengths(errors: FieldErrors, *, title: str, body: str, link_title: str) -> None:
    max_chars = int_setting("POST_MAX_CHARS")
    if len(body) > max_chars:
        errors.add(
            "body",
            _("A post has at most %(max)d characters; this one has %(count)d.")
            % {"max": max_chars, "count": len(body)},
        )
    if len(title) > 200:
        errors.add("title", _("A title has at most 200 characters."))
    if len(link_title) > 200:
        errors.add("link_title", _("A link title has at most 200 characters."))


def _check_link(errors: FieldErrors, link_url: str) -> None:
    if not link_url:
        return
    try:
        _url(link_url)
    except ValidationError:
        errors.add("link_url", _("Enter a full web address starting with http:// or https://."))
    if len(link_url) > 1000:
        errors.add("link_url", _("A web address has at most 1000 characters."))


def clean_post_content(
    data: dict[str, Any], *, image_count: int, has_document: bool = False
) -> PostContent:
    """Check the text, long-read blocks and link of a post; raise with every reason at once."""
    errors = FieldErrors()
    kind = data.get("kind") or PostKind.POST
    if kind not in PostKind.values:
        errors.add(
            "kind", _("Choose one of: %(choices)s.") % {"choices": ", ".join(PostKind.values)}
        )
        kind = PostKind.POST
    title, body = _text(data.get("title")), _text(data.get("body"))
    link_url, link_title = _text(data.get("link_url")), _text(data.get("link_title"))
    for field, value in (("title", title), ("body", body), ("link_title", link_title)):
        _no_nul(errors, field, value)
    _check_lengths(errors, title=title, body=body, link_title=link_title)
    _check_link(errors, link_url)
    blocks: list[dict[str, Any]] = []
    if kind == PostKind.LONGREAD:
        if not title:
            errors.add("title", _("A long-read needs a title."))
        try:
            blocks = clean_blocks(
                data.get("blocks"),
                image_count=image_count,
                max_blocks=int_setting("LONGREAD_MAX_BLOCKS"),
            )
        except ValidationFailed as exc:
            for field, messages in exc.fields.items():
                for message in messages:
                    errors.add(field, message)
    elif data.get("blocks"):
        errors.add("blocks", _("Only a long-read is built from blocks."))
    elif not (body or image_count or link_url or has_document):
        errors.add("body", _("A post needs text, an image, a link or a document."))
    errors.raise_if_any()
    return PostContent(kind, title, body, blocks, link_url, link_title)


def clean_comment_body(body: Any) -> str:
    """A comment's text: not empty, not too long."""
    errors = FieldErrors()
    text = _text(body)
    limit = int_setting("COMMENT_MAX_CHARS")
    if not text:
        errors.add("body", _("Write something first."))
    elif len(text) > limit:
        errors.add(
            "body",
            _("A comment has at most %(max)d characters; this one has %(count)d.")
            % {"max": limit, "count": len(text)},
        )
    _no_nul(errors, "body", text)
    errors.raise_if_any()
    return text


def clean_labels(
    data: dict[str, Any], *, community: Any, current: Any = None
) -> tuple[Rubric, str, bool, str]:
    """The rubric, tone, promotional flag and signature the team chose, or their defaults."""
    errors = FieldErrors()
    rubrics = {r.pk: r for r in Rubric.objects.filter(community=community, archived=False)}
    rubric = None
    rubric_id = data.get("rubric")
    if rubric_id not in (None, ""):
        try:
            rubric = rubrics.get(int(rubric_id))
        except (TypeError, ValueError):
            rubric = None
        if rubric is None:
            errors.add("rubric", _("Choose one of this community's rubrics."))
    if rubric is None:
        rubric = getattr(current, "rubric", None) or default_rubric(rubrics.values())
    tone = (
        data.get("tone") or getattr(current, "tone", "") or (rubric.default_tone if rubric else "")
    )
    if tone not in Tone.values:
        errors.add("tone", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Tone.values)})
    promotional = data.get("promotional")
    if promotional is None:
        promotional = getattr(current, "promotional", False)
    signed_as = data.get("signed_as") or getattr(current, "signed_as", "") or Signature.COMMUNITY
    if signed_as not in Signature.values:
        errors.add(
            "signed_as",
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(Signature.values)},
        )
    if rubric is None:
        errors.add("rubric", _("This community has no rubrics yet: add one first."))
    errors.raise_if_any()
    assert rubric is not None  # noqa: S101 — raise_if_any above refuses a missing rubric
    return rubric, tone, bool(promotional), signed_as


def default_rubric(rubrics: Any) -> Rubric | None:
    """Members' posts go to "interaction with members" when the community has it."""
    ordered = sorted(rubrics, key=lambda r: (r.position, r.pk))
    for rubric in ordered:
        if rubric.code == "interaction":
            return rubric
    return ordered[0] if ordered else None


def check_post_images(uploads: list[IO[bytes]]) -> list[Attachment]:
    """Each image is a sound JPEG, PNG, WebP or GIF within the limits; at most POST_MAX_IMAGES."""
    limit = int_setting("POST_MAX_IMAGES")
    if len(uploads) > limit:
        raise_field(
            "images",
            _("A post has at most %(max)d images; you attached %(count)d.")
            % {"max": limit, "count": len(uploads)},
        )
    return [
        Attachment(
            upload,
            check_image(
                upload,
                field="images",
                max_bytes=int_setting("POST_IMAGE_MAX_BYTES"),
                max_side=int_setting("POST_IMAGE_MAX_PIXELS"),
            ),
        )
        for upload in uploads
    ]


def check_post_document(upload: IO[bytes] | None, name: str = "") -> Attachment | None:
    """The document of a post, checked against its extension and the size limit."""
    if upload is None:
        return None
    return Attachment(
        upload,
        check_document(
            upload,
            field="document",
            name=name or getattr(upload, "name", "") or "document",
            max_bytes=int_setting("DOCUMENT_MAX_BYTES"),
        ),
    )


def raise_field(field: str, message: str) -> None:
    """Refuse one field with one reason."""
    raise ValidationFailed(fields={field: [message]})


LINK_TAG_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_content")
LINK_TAG_MAX_CHARS = 100


def clean_link_tags(data: dict[str, Any]) -> dict[str, str] | None:
    """The UTM tags the team chose for a post's links (R8.8), "" for the default, by the fields
    the data names; None when it names none (the post keeps what it has)."""
    named = [field for field in LINK_TAG_FIELDS if field in data]
    if not named:
        return None
    errors = FieldErrors()
    tags: dict[str, str] = {}
    for field in named:
        value = data[field]
        if value is not None and not isinstance(value, str):
            errors.add(field, _("A tag must be text."))
            continue
        text = _text(value)
        if len(text) > LINK_TAG_MAX_CHARS:
            errors.add(
                field,
                _("A tag has at most %(max)d characters; this one has %(count)d.")
                % {"max": LINK_TAG_MAX_CHARS, "count": len(text)},
            )
        elif any(ord(char) < 32 or ord(char) == 127 for char in text):
            errors.add(field, _("A tag cannot hold control characters."))
        tags[field] = text
    errors.raise_if_any()
    return tags


def check_embeds(content: PostContent, *, community_id: int | None) -> None:
    """Refuse a long-read whose embed blocks point at another community's poll or product (or
    at one that does not exist): the app that owns the kind answers through `BlockEmbeds`. A
    post on a person's own wall has no community, so it embeds no poll."""
    wanted: dict[str, list[int]] = {}
    for block in content.blocks:
        if block.get("type") == "embed":
            wanted.setdefault(block["kind"], []).append(block["ref"])
    for kind, refs in wanted.items():
        if community_id is None:
            unknown = sorted(set(refs)) if kind == "poll" else []
        else:
            unknown = answer(BlockEmbeds).unknown(community_id, kind, refs)
        if unknown:
            numbers = ", ".join(str(ref) for ref in unknown)
            message = (
                _("This community has no poll numbered %(refs)s to embed.")
                if kind == "poll"
                else _("This community has no product numbered %(refs)s to embed.")
            )
            raise ValidationFailed(fields={"blocks": [message % {"refs": numbers}]})
