"""CSV downloads, the front-door kit's one way to export a table (R9.11).

Every table of the statistics pages downloads through `csv_download`: UTF-8 with a byte-order
mark (spreadsheet programs then read Cyrillic and Vietnamese right), a header row, and cells
that a spreadsheet would run as a formula (=, +, -, @ first) prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def csv_cell(value: Any) -> Any:
    """A cell as written: numbers as they are, text that starts like a formula made inert."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(str(name)) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def csv_download(
    filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An attachment `filename.csv` (the name reduced to safe characters)."""
    name = _UNSAFE_NAME.sub("-", filename).strip("-") or "export"
    response = HttpResponse(
        "\ufeff" + csv_text(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
