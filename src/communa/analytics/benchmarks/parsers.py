"""Reading exports: other pages' posts (the UCI Facebook layout, or any CSV/JSON with a column
mapping) and reaction events (the Klout when-to-post layout).

Parsing writes nothing. It returns every row or raises `ImportRejected` naming each bad row, its
column and the reason, so an import is all or nothing (docs/metrics.md, "Benchmarks").

Rows are numbered as a spreadsheet shows them: in a CSV or TSV file the header is row 1 and the
first post row 2; in a JSON list the first object is row 1.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from communa.analytics.benchmarks.zones import iana_zone
from communa.analytics.models import ImportFormat
from communa.core.conf import int_setting
from communa.core.errors import ValidationFailed

# At most this many row errors are listed; the message says how many there were in all.
REPORTED_ERRORS = 200


@dataclass(frozen=True)
class RowError:
    """Why one cell of one row cannot be imported."""

    row: int
    column: str
    reason: str


class ImportRejected(ValidationFailed):
    """A file with bad rows: nothing of it is imported. `fields` holds "rows.<row>.<column>"."""

    code = "import_rejected"

    def __init__(self, errors: list[RowError], rows: int) -> None:
        self.errors = errors
        self.rows = rows
        fields: dict[str, list[str]] = {}
        for error in errors[:REPORTED_ERRORS]:
            fields.setdefault(f"rows.{error.row}.{error.column}", []).append(error.reason)
        super().__init__(
            _(
                "%(bad)d of %(rows)d rows cannot be imported (%(errors)d problems); "
                "nothing was imported."
            )
            % {"bad": len({e.row for e in errors}), "rows": rows, "errors": len(errors)},
            fields=fields,
        )


# --- the watched page's posts ----------------------------------------------------------------

# What a post row can hold; the generic layouts map their columns (or keys) onto these names.
NUMBER_FIELDS = ("members", "reach", "impressions", "likes", "comments", "shares")
POST_FIELDS = (
    "kind",
    "rubric",
    "published_at",
    "month",
    "weekday",
    "hour",
    *NUMBER_FIELDS,
    "paid",
)

# The UCI file's own headers (exactly as published) and the field each fills.
UCI_COLUMNS: dict[str, str] = {
    "Page total likes": "members",
    "Type": "kind",
    "Category": "rubric",
    "Post Month": "month",
    "Post Weekday": "weekday",
    "Post Hour": "hour",
    "Paid": "paid",
    "Lifetime Post Total Reach": "reach",
    "Lifetime Post Total Impressions": "impressions",
    "comment": "comments",
    "like": "likes",
    "share": "shares",
}
# The UCI "Category" (Moro et al. 2016): the rubric of the watched page.
UCI_CATEGORIES = {"1": "action", "2": "product", "3": "inspiration"}
UCI_KINDS = {"photo", "status", "link", "video"}
# "Post Weekday" counts from Sunday = 1 (the file's first post, 1 January 2014, a Wednesday, is
# 4); stored weekdays count from Monday = 0, as the best-time grid does.
UCI_WEEKDAYS = {str(n): (n + 5) % 7 for n in range(1, 8)}
# In the generic layouts a weekday is ISO's: 1 = Monday … 7 = Sunday.
ISO_WEEKDAYS = {str(n): n - 1 for n in range(1, 8)}
YES = {"1", "true", "yes", "y"}
NO = {"0", "false", "no", "n"}


@dataclass
class ParsedPost:
    """One row read: the values of `POST_FIELDS` (None where the file says nothing)."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)


def decoded(data: bytes) -> str:
    """The file as text: UTF-8 (with or without a byte-order mark)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            fields={"file": [_("The file is not UTF-8 text (byte %(at)d).") % {"at": exc.start}]}
        ) from exc


def _too_many(rows: int) -> None:
    most = int_setting("IMPORT_MAX_ROWS")
    if rows > most:
        raise ValidationFailed(
            fields={
                "file": [
                    _("The file has %(rows)d rows; at most %(most)d are imported at once.")
                    % {"rows": rows, "most": most}
                ]
            }
        )


def _delimiter(header_line: str) -> str:
    """Semicolons, tabs or commas: whichever the header line uses most (commas on a tie)."""
    counts = {mark: header_line.count(mark) for mark in (",", ";", "\t")}
    best = max(counts.values())
    return "," if counts[","] == best else max(counts, key=lambda mark: counts[mark])


def csv_table(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered rows of a CSV text with any line ending (CR, LF, CRLF) and
    commas or semicolons; wholly empty rows are skipped."""
    # newline="" keeps the CR endings for the csv reader, which ends rows at CR, LF or CRLF.
    first_line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line)))
    except csv.Error as exc:
        raise ValidationFailed(
            fields={"file": [_("The file is not readable as CSV: %(why)s") % {"why": exc}]}
        ) from exc
    if not records or not any(cell.strip() for cell in records[0]):
        raise ValidationFailed(fields={"file": [_("The file is empty: it needs a header row.")]})
    header = [cell.strip() for cell in records[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    _too_many(len(rows))
    return header, rows


def _whole(text: str, low: int | None = None, high: int | None = None) -> int:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    try:
        value = int(cleaned)
    except ValueError:
        try:
            as_float = float(cleaned)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        if not as_float.is_integer():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None
        value = int(as_float)
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            raise ValueError(_("%(value)d is below %(low)d.") % {"value": value, "low": low})
        raise ValueError(
            _("%(value)d is not between %(low)d and %(high)d.")
            % {"value": value, "low": low, "high": high}
        )
    return value


def _flag(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    raise ValueError(_("“%(value)s” is neither 1/yes nor 0/no.") % {"value": text})


def _moment(text: str) -> datetime:
    """An ISO 8601 date and time; without an offset it is read as UTC. The post's hour and
    weekday are those of the wall clock written (its offset, if any, kept)."""
    found = parse_datetime(text.strip())
    if found is None:
        raise ValueError(
            _("“%(value)s” is not a date and time such as 2014-01-31T09:30.") % {"value": text}
        )
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def _kind(text: str, uci: bool) -> str:
    kind = " ".join(text.split()).lower()[:40]
    if uci and kind not in UCI_KINDS:
        raise ValueError(
            _("“%(value)s” is not one of Photo, Status, Link, Video.") % {"value": text}
        )
    return kind


def _rubric(text: str, uci: bool) -> str:
    if not uci:
        return " ".join(text.split())[:80]
    if text.strip() not in UCI_CATEGORIES:
        raise ValueError(
            _("“%(value)s” is not 1 (action), 2 (product) or 3 (inspiration).") % {"value": text}
        )
    return UCI_CATEGORIES[text.strip()]


def _weekday(text: str, uci: bool) -> int:
    days = UCI_WEEKDAYS if uci else ISO_WEEKDAYS
    return days[str(_whole(text, 1, 7))]


# How each field reads a non-empty cell (`uci`: the UCI file's codes); ValueError says why not.
CELL_READERS: dict[str, Callable[[str, bool], Any]] = {
    **{name: (lambda text, _uci: _whole(text, 0)) for name in NUMBER_FIELDS},
    "month": lambda text, _uci: _whole(text, 1, 12),
    "hour": lambda text, _uci: _whole(text, 0, 23),
    "weekday": _weekday,
    "paid": lambda text, _uci: _flag(text),
    "published_at": lambda text, _uci: _moment(text),
    "kind": _kind,
    "rubric": _rubric,
}


# A UCI row must say these; any other empty cell is an unknown number.
UCI_REQUIRED = ("kind", "rubric", "month", "weekday", "hour")


def _read_row(
    row: int,
    cells: Mapping[str, Any],
    columns: Mapping[str, str],
    *,
    uci: bool,
    required: Iterable[str],
    errors: list[RowError],
) -> ParsedPost:
    """One post from its cells (`columns`: field → the column or key it is read from)."""
    post = ParsedPost(row)
    needed = set(required)
    for name, column in columns.items():
        raw = cells.get(column)
        text = "" if raw is None else str(raw)
        if isinstance(raw, bool):
            text = "1" if raw else "0"
        if not text.strip():
            if name in needed:
                errors.append(RowError(row, column, _("This cell is empty.")))
            post.values[name] = None
            continue
        try:
            post.values[name] = CELL_READERS[name](text, uci)
        except ValueError as exc:
            errors.append(RowError(row, column, str(exc)))
    moment = post.values.get("published_at")
    if isinstance(moment, datetime):
        # A dated post: its month, weekday and hour come from the date where not mapped.
        for name, value in (
            ("month", moment.month),
            ("weekday", moment.weekday()),
            ("hour", moment.hour),
        ):
            if post.values.get(name) is None:
                post.values[name] = value
    post.values.setdefault("kind", "post")
    if not post.values.get("kind"):
        post.values["kind"] = "post"
    return post


def parse_uci(text: str) -> list[ParsedPost]:
    """Posts in the layout of the UCI "Facebook metrics" file (dataset_Facebook.csv)."""
    header, rows = csv_table(text)
    missing = [name for name in UCI_COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            fields={
                "file": [
                    _("This is not the UCI Facebook layout: no column %(names)s.")
                    % {"names": ", ".join(f"“{name}”" for name in missing)}
                ]
            }
        )
    return _parsed_rows(
        header,
        rows,
        {field_name: column for column, field_name in UCI_COLUMNS.items()},
        uci=True,
        required=UCI_REQUIRED,
    )


def _parsed_rows(
    header: list[str],
    rows: list[tuple[int, list[str]]],
    columns: Mapping[str, str],
    *,
    uci: bool,
    required: Iterable[str],
) -> list[ParsedPost]:
    errors: list[RowError] = []
    posts: list[ParsedPost] = []
    required = tuple(required)
    for number, cells in rows:
        if len(cells) != len(header):
            errors.append(
                RowError(
                    number,
                    "*",
                    _("The row has %(cells)d cells; the header has %(header)d.")
                    % {"cells": len(cells), "header": len(header)},
                )
            )
            continue
        named = dict(zip(header, cells, strict=True))
        posts.append(_read_row(number, named, columns, uci=uci, required=required, errors=errors))
    if errors:
        raise ImportRejected(errors, len(rows))
    return posts


def clean_mapping(mapping: Mapping[str, Any] | None) -> dict[str, str]:
    """field → column of a generic layout; a 422 naming `mapping` when it is unusable."""
    problems: list[str] = []
    cleaned: dict[str, str] = {}
    for name, column in (mapping or {}).items():
        if name not in POST_FIELDS:
            problems.append(
                _("“%(name)s” is not a field; the fields are: %(fields)s.")
                % {"name": name, "fields": ", ".join(POST_FIELDS)}
            )
        elif not isinstance(column, str) or not column.strip():
            problems.append(_("Give the column that fills “%(name)s”.") % {"name": name})
        else:
            cleaned[name] = column.strip()
    if not cleaned and not problems:
        problems.append(_("Map at least one column, e.g. likes = Likes."))
    if cleaned and not ({"published_at", "month"} & cleaned.keys()):
        problems.append(_("Map “published_at” or “month”: a post needs its time."))
    if problems:
        raise ValidationFailed(fields={"mapping": problems})
    return cleaned


def mapping_from_text(text: str) -> dict[str, str]:
    """A mapping written one pair a line, `field = column` (as the upload form takes it)."""
    mapping: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, column = line.partition("=")
        if not sep:
            raise ValidationFailed(
                fields={"mapping": [_("Line %(line)d: write field = column.") % {"line": number}]}
            )
        mapping[name.strip()] = column.strip()
    return mapping


def parse_mapped_csv(text: str, mapping: Mapping[str, Any] | None) -> list[ParsedPost]:
    """Posts of any CSV export, read through a column mapping."""
    columns = clean_mapping(mapping)
    header, rows = csv_table(text)
    missing = [column for column in columns.values() if column not in header]
    if missing:
        raise ValidationFailed(
            fields={
                "mapping": [
                    _("The file has no column %(names)s.")
                    % {"names": ", ".join(f"“{name}”" for name in missing)}
                ]
            }
        )
    return _parsed_rows(header, rows, columns, uci=False, required=())


def parse_mapped_json(text: str, mapping: Mapping[str, Any] | None) -> list[ParsedPost]:
    """Posts of a JSON export: a list of objects (or {"posts": [...]}), read through a key
    mapping."""
    columns = clean_mapping(mapping)
    try:
        found = json.loads(text)
    except ValueError as exc:
        raise ValidationFailed(
            fields={"file": [_("The file is not JSON: %(why)s") % {"why": exc}]}
        ) from exc
    if isinstance(found, dict):
        found = found.get("posts")
    if not isinstance(found, list):
        raise ValidationFailed(
            fields={"file": [_("Expected a list of posts, or an object with a “posts” list.")]}
        )
    _too_many(len(found))
    errors: list[RowError] = []
    posts: list[ParsedPost] = []
    for number, item in enumerate(found, start=1):
        if not isinstance(item, dict):
            errors.append(RowError(number, "*", _("Expected an object.")))
            continue
        cells = {key: value for key, value in item.items() if not isinstance(value, dict | list)}
        posts.append(_read_row(number, cells, columns, uci=False, required=(), errors=errors))
    if errors:
        raise ImportRejected(errors, len(found))
    return posts


def parse_posts(
    data: bytes, source_format: str, mapping: Mapping[str, Any] | None
) -> list[ParsedPost]:
    """The posts of an export in one of `ImportFormat`'s layouts."""
    if source_format not in ImportFormat.values:
        raise ValidationFailed(
            fields={
                "format": [
                    _("Choose one of: %(choices)s.") % {"choices": ", ".join(ImportFormat.values)}
                ]
            }
        )
    text = decoded(data)
    if source_format == ImportFormat.UCI_FACEBOOK:
        return parse_uci(text)
    if source_format == ImportFormat.CSV:
        return parse_mapped_csv(text, mapping)
    return parse_mapped_json(text, mapping)


# --- reaction events (best time) -----------------------------------------------------------------

ACTIVITY_FORMATS = ("klout",)
KLOUT_COLUMNS = (
    "user_id_fingerprint",
    "actor_id_fingerprint",
    "post_id_fingerprint",
    "post_timestamp",
    "action_timestamp",
    "user_timezone",
)


@dataclass(frozen=True)
class Reaction:
    """One reaction of a person at a moment; `zone` is a tz name, "" when unknown."""

    row: int
    person: str
    at: datetime
    zone: str


def parse_klout(data: bytes) -> list[Reaction]:
    """Reactions in the Klout when-to-post layout: tab-separated user, actor, post, post time
    (ms), action time (ms) and time zone name; the header line starts with #. The actor is the
    person who reacted, at the action time, in the zone the row names."""
    text = decoded(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    numbered = [
        (number, line)
        for number, line in enumerate(lines, start=1)
        if line.strip() and not line.startswith("#")
    ]
    _too_many(len(numbered))
    errors: list[RowError] = []
    reactions: list[Reaction] = []
    for number, line in numbered:
        cells = line.split("\t")
        if len(cells) != len(KLOUT_COLUMNS):
            errors.append(
                RowError(
                    number,
                    "*",
                    _("The row has %(cells)d cells; the layout has %(header)d.")
                    % {"cells": len(cells), "header": len(KLOUT_COLUMNS)},
                )
            )
            continue
        named = dict(zip(KLOUT_COLUMNS, cells, strict=True))
        person = named["actor_id_fingerprint"].strip()
        if not person or len(person) > 100:
            errors.append(
                RowError(
                    number, "actor_id_fingerprint", _("Expected an id of 1 to 100 characters.")
                )
            )
        at: datetime | None = None
        try:
            millis = _whole(named["action_timestamp"], 0, 253402300799999)
            at = datetime.fromtimestamp(millis / 1000, UTC)
        except ValueError as exc:
            errors.append(RowError(number, "action_timestamp", str(exc)))
        zone = iana_zone(named["user_timezone"])
        if zone is None:
            errors.append(
                RowError(
                    number,
                    "user_timezone",
                    _("“%(value)s” is not a time zone we know.")
                    % {"value": named["user_timezone"]},
                )
            )
        if at is not None and zone is not None and person:
            reactions.append(Reaction(number, person, at, zone))
    if errors:
        raise ImportRejected(errors, len(numbered))
    if not reactions:
        raise ValidationFailed(fields={"file": [_("The file holds no reactions.")]})
    return reactions
