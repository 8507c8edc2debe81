"""The race lab window, driven as a person would: real races in a child process (real threads,
real processes, both engines), the verdict on screen, and on-screen numbers equal to the engine's
own JSON (the ``final`` line the child printed, the same object ``race --json`` prints)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from bms_desktop.domain.model import SeatStatus
from bms_desktop.gui.race_lab import RaceLabWindow
from bms_desktop.gui.race_lab.events import Attempt
from bms_desktop.gui.race_lab.window import FIGURES, figure_text
from bms_desktop.persistence.integrity import check_integrity

RACE_TIMEOUT_MS = 240_000


def _lab(qtbot: QtBot, db_url: str) -> RaceLabWindow:
    window = RaceLabWindow(db_url)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    return window


def _run(qtbot: QtBot, window: RaceLabWindow, **choices: Any) -> None:
    window.choose(**choices)
    with qtbot.waitSignal(window.controller.finished, timeout=RACE_TIMEOUT_MS) as blocker:
        window.start()
    ok, message = blocker.args
    assert ok, message


def _assert_screen_equals_engine(window: RaceLabWindow) -> list[dict[str, Any]]:
    final = window.controller.state.final
    assert final is not None
    entries = list(final["strategies"].values()) if final.get("compare") else [final]
    cells = window.table_cells()
    assert len(cells) == len(entries)
    for row, entry in zip(cells, entries, strict=True):
        assert row == [figure_text(key, entry[key]) for key, _h in FIGURES]
    return entries


@pytest.mark.parametrize("mode", ["threads", "processes"])
def test_compare_all_four_strategies_gives_a_pass_verdict_and_the_engines_numbers(
    qtbot: QtBot, sqlite_url: str, mode: str, tmp_path: Path
) -> None:
    window = _lab(qtbot, sqlite_url)
    _run(qtbot, window, strategy="compare", clerks=4, mode=mode, seats=50)
    entries = _assert_screen_equals_engine(window)
    assert [e["strategy"] for e in entries] == ["pessimistic", "optimistic", "thread", "naive"]
    assert window.verdict_label.text().startswith("PASS")
    assert window.verdict_label.property("passed") is True
    for e in entries:
        assert e["double_sales"] == 0 and e["integrity_ok"] and e["counts_agree"]
        report = check_integrity(sqlite_url, show_id=e["show_id"])  # the database agrees
        assert report.ok and report.sold_seats == e["db_sold_seats"]
    # the thread strategy's contrast: between threads the lock holds; processes need the net
    thread = next(e for e in entries if e["strategy"] == "thread")
    if mode == "threads":
        assert thread["safety_net_catches"] == 0
    # exports: the CSV is the table; the pictures are written
    window.export_csv(tmp_path / "t.csv")
    with (tmp_path / "t.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [k for k, _h in FIGURES] and len(rows) == 5
    assert window.export_charts_png(tmp_path / "c.png")
    assert window.export_timeline_png(tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 1000


@pytest.mark.postgres
def test_a_pessimistic_race_on_postgresql_shows_the_engines_numbers(
    qtbot: QtBot, pg_url: str
) -> None:
    window = _lab(qtbot, pg_url)
    _run(qtbot, window, strategy="pessimistic", clerks=4, mode="processes", seats=50)
    (entry,) = _assert_screen_equals_engine(window)
    assert entry["dialect"] == "postgresql" and entry["double_sales"] == 0
    assert window.verdict_label.text().startswith("PASS")


def test_the_seat_map_fills_in_with_one_colour_per_clerk(qtbot: QtBot, sqlite_url: str) -> None:
    window = _lab(qtbot, sqlite_url)
    _run(qtbot, window, strategy="pessimistic", clerks=3, mode="threads", seats=50)
    seat_map = window.seat_map.seat_map()
    assert seat_map is not None
    sold = [window.seat_map.seat(s.show_seat_id) for s in seat_map.seats]
    assert all(s is not None and s.status is SeatStatus.SOLD for s in sold)
    owners = {s.held_by_counter for s in sold if s is not None}
    assert owners <= {"Robot 1", "Robot 2", "Robot 3"} and len(owners) >= 2
    colours = {window.seat_map.owner_colour(s.show_seat_id).name() for s in seat_map.seats}  # type: ignore[union-attr]
    assert len(colours) == len(owners)
    # the timeline holds every attempt, one row per clerk
    run = window.controller.state.runs[0]
    final = window.controller.state.final
    assert final is not None and len(run.attempts) == final["attempts"]


def test_thread_strategy_in_processes_reaches_the_constraint_and_says_so(
    qtbot: QtBot, sqlite_url: str
) -> None:
    window = _lab(qtbot, sqlite_url)
    caught = 0
    for _ in range(3):  # whether two processes race in one run is up to the scheduler
        _run(qtbot, window, strategy="thread", clerks=8, mode="processes", seats=200)
        (entry,) = _assert_screen_equals_engine(window)
        assert entry["double_sales"] == 0
        caught += entry["safety_net_catches"]
        if caught:
            break
    assert caught > 0
    assert "stopped only by the database constraint" in window.verdict_label.text()
    bars = [a for a in window.controller.state.runs[0].attempts if a.kind == "constraint"]
    assert bars and "caught by the database constraint" in bars[0].describe()


def test_naive_strategy_on_sqlite_counts_database_is_locked_and_sells_nothing_twice(
    qtbot: QtBot, sqlite_url: str
) -> None:
    window = _lab(qtbot, sqlite_url)
    _run(qtbot, window, strategy="naive", clerks=6, mode="processes", seats=200)
    (entry,) = _assert_screen_equals_engine(window)
    assert entry["double_sales"] == 0 and entry["integrity_ok"]
    assert entry["database_locked_errors"] > 0
    assert f'{entry["database_locked_errors"]} "database is locked"' in window.verdict_label.text()
    assert window.verdict_label.text().startswith("PASS")
    locked = [a for a in window.controller.state.runs[0].attempts if a.kind == "locked"]
    assert len(locked) == entry["database_locked_errors"]


def test_stopping_a_run_midway_leaves_a_consistent_database(qtbot: QtBot, sqlite_url: str) -> None:
    window = _lab(qtbot, sqlite_url)
    window.choose(strategy="pessimistic", clerks=4, mode="processes", seats=2000, delay_ms=5)
    with qtbot.waitSignal(window.controller.finished, timeout=RACE_TIMEOUT_MS) as blocker:
        window.start()
        qtbot.waitUntil(
            lambda: (
                len(window.controller.state.runs[0].attempts) >= 20
                if window.controller.state.runs
                else False
            ),
            timeout=RACE_TIMEOUT_MS,
        )
        window.stop()
    ok, message = blocker.args
    assert ok, message
    (entry,) = _assert_screen_equals_engine(window)
    assert entry["stopped"] and not entry["sold_out"]
    assert 0 < entry["sold_seats"] < 2000
    report = check_integrity(sqlite_url, show_id=entry["show_id"])
    assert report.ok and report.double_sales == 0 and report.held_seats == 0
    assert report.sold_seats == entry["sold_seats"]
    assert "(Stopped before the end.)" in window.verdict_label.text()


def test_a_timeline_bar_tells_the_milliseconds_and_the_winner() -> None:
    a = Attempt(
        clerk=3, start_ms=120.0, wait_ms=4.25, hold_ms=5.5, confirm_ms=None, latency_ms=5.5,
        outcome="CONFLICT", retries=0, safety_net=0, locked=False, lost_to=("Robot 1",),
        reasons=("SOLD",), seat_ids=(1, 2), error=None, resolved=None,
    )  # fmt: skip
    text = a.describe()
    assert "waited 4.25 ms" in text and "winner: Robot 1" in text and a.kind == "conflict"


def test_every_chart_has_its_axes_before_the_first_run(qtbot: QtBot, sqlite_url: str) -> None:
    """QtCharts draws no axis without a series: the sales chart was an empty white box before
    the first run, beside two charts with their axes."""
    window = _lab(qtbot, sqlite_url)
    panel = window.charts
    for chart, axes in (
        (panel.sales_chart, (panel.sales_x, panel.sales_y)),
        (panel.trouble_chart, (panel.trouble_x, panel.trouble_y)),
    ):
        assert any(set(axes) <= set(s.attachedAxes()) for s in chart.series()), chart.title()
    assert not any(m.isVisible() and not m.label() for m in panel.sales_chart.legend().markers())
