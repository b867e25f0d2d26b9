"""Translation checks: every catalog is complete and its compiled .mo matches the .po.

`python -m communa.web.i18n_check` fails when a string lacks a translation in a language or a
.mo file is stale; `--compile` rewrites the .mo files (pure Python, no gettext tools needed).
"""

from __future__ import annotations

import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("ru", "uk", "vi", "ms")


def problems(*, compile_mo: bool = False) -> list[str]:
    import polib

    found: list[str] = []
    for code in LANGUAGES:
        po_path = LOCALE_DIR / code / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            found.append(f"{code}: no catalog at {po_path}")
            continue
        catalog = polib.pofile(str(po_path))
        for entry in catalog:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                found.append(f"{code}: fuzzy translation of {entry.msgid!r}")
            elif entry.msgid_plural:
                if not all(entry.msgstr_plural.values()):
                    found.append(f"{code}: missing plural translation of {entry.msgid!r}")
            elif not entry.msgstr:
                found.append(f"{code}: missing translation of {entry.msgid!r}")
        mo_path = po_path.with_suffix(".mo")
        if compile_mo:
            catalog.save_as_mofile(str(mo_path))
        elif not mo_path.exists() or polib.mofile(str(mo_path)).to_binary() != catalog.to_binary():
            found.append(f"{code}: {mo_path.name} is stale; run `make messages`")
    return found


def main() -> None:
    found = problems(compile_mo="--compile" in sys.argv)
    for line in found:
        print(line, file=sys.stderr)  # noqa: T201
    if found:
        sys.exit(1)
    print(f"Translations complete in {', '.join(LANGUAGES)}.")  # noqa: T201


if __name__ == "__main__":
    main()
