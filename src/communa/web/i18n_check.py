"""Translation checks: every catalog is complete and its compiled .mo matches the .po.

`python -m communa.web.i18n_check` fails when a string lacks a translation in a language or a
.mo file is stale; `--compile` rewrites the .mo files (pure Python, no gettext tools needed).
"""

from __future__ import annotations

import os
import shutil
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


def unextracted() -> list[str]:
    """Strings marked in the code or templates but absent from the catalogs (needs xgettext)."""
    import polib
    from django.core.management import call_command

    pot = LOCALE_DIR / "django.pot"
    source_dir = LOCALE_DIR.parent.parent
    previous = Path.cwd()
    try:
        os.chdir(source_dir)
        # Excluding every language leaves only the template (.pot), kept for the comparison.
        call_command(
            "makemessages",
            keep_pot=True,
            no_location=True,
            exclude=list(LANGUAGES),
            ignore_patterns=["migrations/*"],
            verbosity=0,
        )
        marked = {(e.msgctxt, e.msgid) for e in polib.pofile(str(pot)) if e.msgid}
    finally:
        os.chdir(previous)
        pot.unlink(missing_ok=True)
    known = {
        (e.msgctxt, e.msgid)
        for e in polib.pofile(str(LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po"))
    }
    return [
        f"not in the catalogs (run `make messages`): {msgid!r}"
        for _ctx, msgid in sorted(marked - known)
    ]


def main() -> None:
    found = problems(compile_mo="--compile" in sys.argv)
    if "--extract" in sys.argv:
        if shutil.which("xgettext"):
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
            import django

            django.setup()
            found += unextracted()
        else:
            print("xgettext not found: skipped the check for strings missing from the catalogs.")  # noqa: T201
    for line in found:
        print(line, file=sys.stderr)  # noqa: T201
    if found:
        sys.exit(1)
    print(f"Translations complete in {', '.join(LANGUAGES)}.")  # noqa: T201


if __name__ == "__main__":
    main()
