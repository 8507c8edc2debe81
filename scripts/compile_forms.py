"""Compile the Qt Designer sources in ui/*.ui into bms_desktop/gui/forms/ui_<name>.py.

    .venv/bin/python scripts/compile_forms.py          # write the modules
    .venv/bin/python scripts/compile_forms.py --check  # exit 1 if a module is stale

The compiled modules are committed (the frozen app imports them like any module);
tests/gui/test_forms_current.py fails when one is out of date.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "bms_desktop" / "gui" / "forms"


def uic() -> str:
    exe = Path(sys.executable).with_name("pyside6-uic")
    return str(exe) if exe.exists() else "pyside6-uic"


def compile_form(source: Path) -> str:
    result = subprocess.run(
        [uic(), "--generator", "python", "--no-autoconnection", str(source)],
        capture_output=True,
        text=True,
        check=True,
    )
    # The generator stamps its version in a header comment: keep the module stable across
    # PySide6 patch releases by dropping that line.
    lines = [ln for ln in result.stdout.splitlines() if "Created by: Qt User Interface" not in ln]
    return "\n".join(lines).rstrip() + "\n"


def target(source: Path) -> Path:
    return FORMS_DIR / f"ui_{source.stem}.py"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = []
    for source in sorted(UI_DIR.glob("*.ui")):
        text = compile_form(source)
        out = target(source)
        if args.check:
            if not out.exists() or out.read_text() != text:
                stale.append(out)
        else:
            out.write_text(text)
            print(f"{source.relative_to(ROOT)} -> {out.relative_to(ROOT)}")
    if stale:
        print("stale compiled forms: " + ", ".join(str(p.relative_to(ROOT)) for p in stale))
        print("run: .venv/bin/python scripts/compile_forms.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
