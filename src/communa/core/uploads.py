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
