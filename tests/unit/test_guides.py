"""The guides in docs/ name files, functions, classes and tests; every one of them must still exist,
so that a rename breaks a test before it makes a guide lie. The schema diagram must be what the
tables say (bench/make_schema_diagram.py --check)."""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ["data-model.md", "race-lab.md", "data-path.md", "interview.md", "concurrency.md"]
CODE = re.compile(r"`([^`\n]+)`")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
SNAKE = re.compile(r"_?[a-z][a-z0-9]*(_[a-z0-9]+)+")
DEF = "(def|class) {name}\\b|^\\s*{name}\\s*[:=]"


@cache
def sources() -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("bms_desktop", "tests", "bench")
        for p in (ROOT / folder).rglob("*.py")
        if p.resolve() != Path(__file__).resolve()
    )


def _defines(path: Path, name: str) -> bool:
    return re.search(DEF.format(name=re.escape(name)), path.read_text("utf-8"), re.M) is not None


def _class_files(name: str) -> list[Path]:
    pattern = re.compile(rf"^class {re.escape(name)}\b", re.M)
    return [p for p in (ROOT / "bms_desktop").rglob("*.py") if pattern.search(p.read_text("utf-8"))]


def problems_in(guide: Path) -> list[str]:
    text = guide.read_text(encoding="utf-8")
    found: list[str] = []
    for image in IMAGE.findall(text):
        if not (guide.parent / image).exists():
            found.append(f"picture {image} is missing")
    for raw in CODE.findall(text):
        token = raw.strip()
        if " " in token or "(" in token or token.startswith("-"):
            continue  # commands and SQL, not names
        path, _, symbol = token.partition("::")
        if "/" in path:
            target = ROOT / path
            if not target.exists():  # the older guides name files inside the package
                target = ROOT / "bms_desktop" / path
            if not target.exists():
                found.append(f"{path} does not exist")
            elif symbol and not _defines(target, symbol):
                found.append(f"{path} does not define {symbol}")
        elif symbol and path[:1].isupper():
            files = _class_files(path)
            if not files:
                found.append(f"no class {path}")
            elif not any(_defines(f, symbol) for f in files):
                found.append(f"class {path} has no {symbol}")
        else:
            name = token.rsplit(".", 1)[-1]
            if SNAKE.fullmatch(name) and re.search(rf"\b{re.escape(name)}\b", sources()) is None:
                found.append(f"{token} appears nowhere in the code")
    return found


@pytest.mark.parametrize("name", GUIDES)
def test_every_file_function_and_test_a_guide_names_still_exists(name: str) -> None:
    guide = ROOT / "docs" / name
    assert guide.exists()
    assert problems_in(guide) == []


def test_the_check_itself_notices_a_name_that_is_gone(tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text(
        "See `bms_desktop/race/clerk.py::run_clerk`, `bms_desktop/race/clerk.py::no_such_thing`,"
        " `tests/no_such_test.py`, `SeatMapWidget::update_seats`, `SeatMapWidget::fly`,"
        " `hold_seats`, `hold_seats_twice_over` and ![x](nowhere.png).",
        encoding="utf-8",
    )
    assert problems_in(guide) == [
        "picture nowhere.png is missing",
        "bms_desktop/race/clerk.py does not define no_such_thing",
        "tests/no_such_test.py does not exist",
        "class SeatMapWidget has no fly",
        "hold_seats_twice_over appears nowhere in the code",
    ]


def test_the_schema_diagram_is_what_the_tables_say() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_schema_diagram.py"), "--check"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
