"""Upload checks: a file is a real image of an allowed type, size and dimensions before storage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from communa.core.errors import ValidationFailed

ALLOWED_IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


@dataclass(frozen=True)
class CheckedImage:
    """What validation learned of an image: its format, extension and pixel size."""

    format: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class SizeRule:
    """Pixel sizes an image must have for one use (a cover, an avatar...), with its wording."""

    accepts: Callable[[int, int], bool]
    description: str | Promise

    def check(self, field: str, width: int, height: int) -> None:
        if not self.accepts(width, height):
            raise ValidationFailed(
                fields={
                    field: [
                        _("The image is %(w)d×%(h)d pixels; %(rule)s")
                        % {"w": width, "h": height, "rule": str(self.description)}
                    ]
                }
            )


def check_image(
    upload: IO[bytes],
    *,
    field: str,
    max_bytes: int,
    max_side: int,
    min_side: int = 1,
    rule: SizeRule | None = None,
) -> CheckedImage:
    """Open the upload with Pillow and refuse anything that is not a sound, allowed image."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_bytes:
        raise ValidationFailed(
            fields={
                field: [
                    _("The file is %(size)s MB; the largest allowed is %(max)s MB.")
                    % {"size": f"{size / 1048576:.1f}", "max": f"{max_bytes / 1048576:.1f}"}
                ]
            }
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format = image.format or ""
            width, height = image.size
            if image_format in ALLOWED_IMAGE_FORMATS and max(width, height) <= max_side:
                # verify() reads the whole file and catches truncated or corrupt data.
                image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationFailed(
            fields={
                field: [
                    _("The file is not an image we can read. Upload a JPEG, PNG, WebP or GIF file.")
                ]
            }
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationFailed(
            fields={
                field: [
                    _("Images must be JPEG, PNG, WebP or GIF, not %(format)s.")
                    % {"format": image_format or "?"}
                ]
            }
        )
    if max(width, height) > max_side or min(width, height) < min_side:
        raise ValidationFailed(
            fields={
                field: [
                    _(
                        "The image is %(w)d×%(h)d pixels; "
                        "each side must be between %(min)d and %(max)d."
                    )
                    % {"w": width, "h": height, "min": min_side, "max": max_side}
                ]
            }
        )
    if rule is not None:
        rule.check(field, width, height)
    return CheckedImage(image_format, ALLOWED_IMAGE_FORMATS[image_format], width, height)


# Documents we accept, by extension, with the bytes their files start with ("" = plain text).
DOCUMENT_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
    "csv": ("text/csv", ()),
}


@dataclass(frozen=True)
class CheckedDocument:
    """A document that passed the checks: its safe name, size and content type."""

    name: str
    extension: str
    size: int
    content_type: str


def check_document(upload: IO[bytes], *, field: str, name: str, max_bytes: int) -> CheckedDocument:
    """Refuse a document unless its extension is allowed and its bytes match that type."""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > max_bytes:
        raise ValidationFailed(
            fields={
                field: [
                    _("The file is %(size)s MB; the largest allowed is %(max)s MB.")
                    % {"size": f"{size / 1048576:.1f}", "max": f"{max_bytes / 1048576:.1f}"}
                ]
            }
        )
    if size == 0:
        raise ValidationFailed(fields={field: [_("The file is empty.")]})
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "document"
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    if extension not in DOCUMENT_SIGNATURES:
        raise ValidationFailed(
            fields={
                field: [
                    _("Documents must be one of: %(types)s.")
                    % {"types": ", ".join(sorted(DOCUMENT_SIGNATURES))}
                ]
            }
        )
    content_type, magic = DOCUMENT_SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if magic:
        sound = any(head.startswith(m) for m in magic)
    else:
        try:
            head.decode("utf-8")
            sound = b"\x00" not in head
        except UnicodeDecodeError as exc:
            # A cut in the middle of a multi-byte character at the 4 KiB mark is still text.
            sound = exc.start >= len(head) - 3 and b"\x00" not in head
    if not sound:
        raise ValidationFailed(
            fields={
                field: [
                    _("The file's content does not match its .%(ext)s name.") % {"ext": extension}
                ]
            }
        )
    return CheckedDocument(base, extension, size, content_type)


def make_thumbnail(upload: IO[bytes], *, max_side: int) -> tuple[bytes, str]:
    """A copy of a checked image that fits in max_side × max_side, as WebP bytes and extension."""
    import io

    from PIL import ImageOps

    upload.seek(0)
    with Image.open(upload) as image:
        image.seek(0)
        copy = ImageOps.exif_transpose(image) or image
        copy = copy.convert("RGBA" if "A" in copy.getbands() else "RGB")
        copy.thumbnail((max_side, max_side))
        out = io.BytesIO()
        copy.save(out, format="WEBP", quality=82)
    upload.seek(0)
    return out.getvalue(), "webp"
