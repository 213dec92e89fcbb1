#!/usr/bin/env python3
"""Update and compile the back office's translations (Flask-Babel).

  scripts/i18n.py          extract messages, merge them into every .po, compile the .mo files
  scripts/i18n.py --check  fail if a .po lacks a translation or its .mo is out of date (CI)

The PWA's own strings live in pwa/static/i18n/*.json; this covers the server-rendered pages.
"""
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "server" / "office" / "translations"
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as f:
        catalog = read_po(f)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def missing(po_path: Path) -> list:
    with po_path.open("rb") as f:
        catalog = read_po(f)
    return [m.id for m in catalog if m.id and not m.string]


def main() -> int:
    check = "--check" in sys.argv
    pos = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    if not check:
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            subprocess.run([*PYBABEL, "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-o", str(pot), str(ROOT)],
                           check=True, capture_output=True)
            subprocess.run([*PYBABEL, "update", "-i", str(pot), "-d", str(TRANSLATIONS), "--no-fuzzy-matching"],
                           check=True, capture_output=True)
    problems = 0
    for po in pos:
        mo = po.with_suffix(".mo")
        gaps = missing(po)
        for text in gaps:
            print(f"{po.relative_to(ROOT)}: no translation for {text!r}")
        problems += len(gaps)
        if check:
            if not mo.exists() or mo.read_bytes() != compiled(po):
                print(f"{mo.relative_to(ROOT)} is out of date: run scripts/i18n.py")
                problems += 1
        else:
            mo.write_bytes(compiled(po))
            print(f"compiled {mo.relative_to(ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
