"""What the import commands share: reading the file, finding the community, printing a refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from communa.analytics.benchmarks.parsers import ImportRejected
from communa.communities.models import Community
from communa.communities.selectors import community_at
from communa.core.conf import int_setting
from communa.core.errors import DomainError


def read_file(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or too large file is exit code 2."""
    try:
        size = path.stat().st_size
        most = int_setting("IMPORT_MAX_BYTES")
        if size > most:
            raise CommandError(
                f"{path}: {size} bytes; at most {most} are read (COMMUNA_IMPORT_MAX_BYTES).",
                returncode=2,
            )
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: cannot read the file ({exc.strerror}).", returncode=2) from exc


def community_by_slug(slug: str) -> Community:
    """The community at this address; none is exit code 2."""
    community = community_at(slug)
    if community is None:
        raise CommandError(f"No community has the address {slug!r}.", returncode=2)
    return community


def print_refusal(stream: Any, exc: DomainError) -> None:
    """Each bad row as "row N, column C: reason", or each field's reasons."""
    if isinstance(exc, ImportRejected):
        for error in exc.errors:
            stream.write(f"row {error.row}, column {error.column}: {error.reason}")
        return
    for field, reasons in exc.fields.items():
        for reason in reasons:
            stream.write(f"{field}: {reason}")
