"""Regenerate the race lab's pictures and figures for docs/: a finished compare run, its timeline.

    .venv/bin/python scripts/race_lab_screenshots.py [--clerks 8] [--mode processes]
                                                     [--db-url URL] [--out docs]

Runs a real compare race (the four strategies, ``--clerks`` robot clerks as processes, 600-seat
scratch shows) in the race lab window, offscreen, on a throwaway SQLite database (or ``--db-url``),
then grabs the window:

* docs/screenshots/race-lab-compare-{1366x768,1920x1080}.png: the Results tab (table, verdict,
  explanation);
* docs/screenshots/race-lab-timeline-{1366x768,1920x1080}.png: the thread strategy's timeline
  (processes: red bars where only the database constraint stopped a sale);
* docs/screenshots/race-lab-live-1366x768.png: the seat map in one colour per clerk and the charts;
* docs/figures/race-lab-timeline-thread.png (the timeline alone, for the concurrency guide) and
  docs/figures/race-lab-compare.csv (the table the lab exported).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from bms_desktop.gui.race_lab import RaceLabWindow  # noqa: E402
from bms_desktop.gui.theme import apply_theme, ensure_application  # noqa: E402


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def run_compare(window: RaceLabWindow, clerks: int, mode: str) -> None:
    done: list[tuple[bool, str]] = []
    window.controller.finished.connect(lambda ok, msg: done.append((ok, msg)))
    window.choose(strategy="compare", clerks=clerks, mode=mode, seats=600)
    window.start()
    while not done:
        spin(100)
    ok, message = done[0]
    if not ok:
        raise SystemExit(f"the race did not finish: {message}")


def grab(window: RaceLabWindow, size: tuple[int, int], tab: int, path: Path) -> None:
    window.resize(*size)
    window.tabs.setCurrentIndex(tab)
    spin(300)
    window.grab().save(str(path))
    print(f"wrote {path}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--mode", default="processes", choices=["processes", "threads"])
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    shots, figures = args.out / "screenshots", args.out / "figures"
    shots.mkdir(parents=True, exist_ok=True)
    figures.mkdir(parents=True, exist_ok=True)
    app, _ = ensure_application(["race-lab-screenshots"])
    apply_theme(app)
    with tempfile.TemporaryDirectory(prefix="bms-lab-shots-") as folder:
        url = args.db_url or f"sqlite:///{Path(folder) / 'lab.db'}"
        window = RaceLabWindow(url)
        window.resize(1366, 768)
        window.show()
        run_compare(window, args.clerks, args.mode)
        thread_run = next(
            i for i, r in enumerate(window.controller.state.runs) if r.strategy == "thread"
        )
        for size in ((1366, 768), (1920, 1080)):
            tag = f"{size[0]}x{size[1]}"
            grab(window, size, 2, shots / f"race-lab-compare-{tag}.png")
            window.timeline_run_box.setCurrentIndex(thread_run)
            grab(window, size, 1, shots / f"race-lab-timeline-{tag}.png")
        grab(window, (1366, 768), 0, shots / "race-lab-live-1366x768.png")
        window.resize(1366, 768)
        window.tabs.setCurrentIndex(1)
        spin(200)
        window.export_timeline_png(figures / "race-lab-timeline-thread.png")
        window.export_csv(figures / "race-lab-compare.csv")
        print(f"wrote {figures / 'race-lab-timeline-thread.png'} and race-lab-compare.csv")
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
