"""Pictures for the demo, drawn with Pillow at load time: the same seed draws the same picture.

Nothing is downloaded and no photograph is bundled, so there is no licence to carry: each
picture is a warm two-colour gradient with a simple kitchen motif (a plate, a pan, a knife, a
pot) and, where it helps, a caption. They go through the same upload actions as a person's
files, so their sizes, types and thumbnails are checked as any upload's are.
"""

from __future__ import annotations

import io
import random
import zlib

from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ("#b4532a", "#f3d9b1"),
    ("#1f3b57", "#d7e3ee"),
    ("#3d5a3a", "#e6efd8"),
    ("#7a2e3b", "#f6dfe2"),
    ("#5b4a8a", "#e7e2f5"),
    ("#8a6a1f", "#f7ecc9"),
    ("#2f6b6b", "#d6eeee"),
]
MOTIFS = ("plate", "pan", "knife", "pot", "board")


def _rng(key: str) -> random.Random:
    # A stable seed from the picture's name: the same name always draws the same picture.
    return random.Random(zlib.crc32(key.encode("utf-8")))


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _gradient(size: tuple[int, int], top: str, bottom: str) -> Image.Image:
    width, height = size
    start, end = _hex(top), _hex(bottom)
    column = Image.new("RGB", (1, height))
    for y in range(height):
        share = y / max(1, height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * share) for a, b in zip(start, end, strict=True))
        )
    return column.resize((width, height))


def _motif(draw: ImageDraw.ImageDraw, rng: random.Random, size: tuple[int, int], ink: str) -> None:
    width, height = size
    side = min(width, height)
    cx = int(width * rng.uniform(0.55, 0.75))
    cy = int(height * rng.uniform(0.45, 0.6))
    r = int(side * rng.uniform(0.22, 0.32))
    motif = rng.choice(MOTIFS)
    line = max(2, side // 60)
    if motif in ("plate", "pan", "pot"):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=line * 2)
        draw.ellipse((cx - r * 2 // 3, cy - r * 2 // 3, cx + r * 2 // 3, cy + r * 2 // 3),
                     outline=ink, width=line)  # fmt: skip
        if motif == "pan":
            draw.rounded_rectangle((cx + r, cy - line * 3, cx + r * 2, cy + line * 3),
                                   radius=line * 2, fill=ink)  # fmt: skip
        if motif == "pot":
            draw.rectangle((cx - r - line * 4, cy - line * 2, cx - r, cy + line * 2), fill=ink)
            draw.rectangle((cx + r, cy - line * 2, cx + r + line * 4, cy + line * 2), fill=ink)
    elif motif == "knife":
        draw.polygon(
            [(cx - r * 2, cy), (cx + r // 2, cy - r // 3), (cx + r // 2, cy + r // 6)],
            outline=ink,
            width=line,
        )
        draw.rounded_rectangle((cx + r // 2, cy - r // 5, cx + r * 3 // 2, cy + r // 8),
                               radius=line * 2, fill=ink)  # fmt: skip
    else:
        draw.rounded_rectangle((cx - r * 3 // 2, cy - r, cx + r * 3 // 2, cy + r),
                               radius=line * 4, outline=ink, width=line * 2)  # fmt: skip
        for step in range(3):
            x = cx - r + step * r
            draw.ellipse((x - r // 5, cy - r // 5, x + r // 5, cy + r // 5), fill=ink)


def picture(
    key: str,
    size: tuple[int, int],
    *,
    caption: str = "",
    colors: tuple[str, str] | None = None,
    image_format: str = "JPEG",
) -> io.BytesIO:
    """A picture of this size, drawn from its key; a file-like object ready to upload."""
    rng = _rng(key)
    dark, light = colors or rng.choice(PALETTES)
    image = _gradient(size, light, dark) if rng.random() < 0.5 else _gradient(size, dark, light)
    draw = ImageDraw.Draw(image)
    _motif(draw, rng, size, "#ffffff")
    if caption:
        font = ImageFont.load_default(size=max(14, min(size) // 9))
        margin = max(8, min(size) // 16)
        box = draw.textbbox((0, 0), caption, font=font)
        y = size[1] - margin - (box[3] - box[1])
        draw.rectangle((0, y - margin // 2, size[0], size[1]), fill=dark)
        draw.text((margin, y - box[1] // 2), caption, fill="#ffffff", font=font)
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=82)
    else:
        image.save(out, image_format)
    out.seek(0)
    out.name = f"{key}.{'jpg' if image_format == 'JPEG' else image_format.lower()}"
    return out


def avatar(key: str, initials: str, *, colors: tuple[str, str] | None = None) -> io.BytesIO:
    """A round-looking avatar with a person's or a community's initials."""
    rng = _rng(key)
    dark, _light = colors or rng.choice(PALETTES)
    image = Image.new("RGB", (256, 256), dark)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=110)
    box = draw.textbbox((0, 0), initials, font=font)
    x = (256 - (box[2] - box[0])) // 2 - box[0]
    y = (256 - (box[3] - box[1])) // 2 - box[1]
    draw.text((x, y), initials, fill="#ffffff", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    out.name = f"{key}.png"
    return out


def pdf(lines: list[str]) -> io.BytesIO:
    """A one-page PDF with these lines of plain ASCII text (enough for a demo document)."""
    text = (
        "BT /F1 16 Tf 72 760 Td 22 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        )
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            "/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n".encode("latin-1")
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    out = io.BytesIO(body)
    out.name = "document.pdf"
    return out
