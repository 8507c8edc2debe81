"""Regenerate docs/screenshots/: the counter window as a clerk and a learner see it.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--db /tmp/demo.db]

Builds (or copies) the demo box office, picks the show the demo opens at start
(``demo.demo_show``: the next show on sale in a "Grand hall", 572 seats), sells and holds some
more of its seats from two other counters, then stages a real race: Counter 2 holds a seat with
a processing delay inside its transaction while this counter asks for the same seat, waits for
the lock and loses it, so the banner explains a real conflict with real milliseconds.

Everything is rendered offscreen (``QT_QPA_PLATFORM=offscreen``) with ``QWidget.grab()``. The
window title bar is not part of a grab; the script draws a plain title strip above each window
with the real ``windowTitle()``, so the pictures show which counter is which.

Outputs: counter-1366x768.png, counter-1920x1080.png, two-counters-1920x1080.png and
two-counters-1366x768.png (the demo's two windows on a small screen: each shows the whole
572-seat hall with readable seats, and its basket); door-admit-1366x768.png and
door-already-admitted-1366x768.png (the Door window at the demo's show at the doors: a group
admitted, then a ticket another door admitted earlier); and (``scripts/screenshots_reports.py``,
issue 11) cash-up-1366x768.png, reports-sales-1366x768.png, seat-heat-map-1366x768.png.
``--only counter|door|reports`` makes one kind only.
With ``--only admin`` (or by default) also the admin console's pictures
(``scripts/admin_screenshots.py``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QRect, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from bms_desktop.app import connect  # noqa: E402
from bms_desktop.domain.model import Role, Strategy  # noqa: E402
from bms_desktop.gui.windows.counter_window import CounterWindow  # noqa: E402
from bms_desktop.persistence.changefeed import open_change_feed  # noqa: E402
from bms_desktop.services import booking, checkout, demo, queries  # noqa: E402
from bms_desktop.services.context import BoxOffice, CounterContext  # noqa: E402
from bms_desktop.services.dto import SeatMap, ShowSummary  # noqa: E402

TITLE_BAR = 30


def spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(what: str, condition: Callable[[], bool], timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        spin(15)


def copy_database(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def staff_id(box: BoxOffice, username: str) -> int | None:
    with box.uows() as uow:
        record = uow.staff.by_username(username)
        return None if record is None else record.staff_id


def grand_hall_show(box: BoxOffice) -> ShowSummary:
    """The demo's show (what ``bms-desktop --demo`` opens), else an evening Grand hall show."""
    chosen = demo.demo_show(box)
    if chosen is not None and "Grand hall" in chosen.screen_name:
        return chosen
    shows = queries.find_shows(box, limit=1000)
    big = [s for s in shows if 500 <= s.seats_total <= 700 and "Grand hall" in s.screen_name]
    if not big:
        raise SystemExit("no Grand hall show in this database: is it the demo box office?")
    evening = [s for s in big if s.local_starts_at.hour >= 18]
    return (evening or big)[0]


def labels_to_ids(seat_map: SeatMap, labels: Sequence[str]) -> list[int]:
    by_label = {s.label: s.show_seat_id for s in seat_map.seats}
    return [by_label[label] for label in labels]


def row_labels(seat_map: SeatMap) -> list[str]:
    rows: dict[int, str] = {}
    for seat in seat_map.seats:
        rows.setdefault(seat.row, seat.row_label)
    return [rows[r] for r in sorted(rows)]


def seats_of_row(seat_map: SeatMap, row_label: str) -> list[str]:
    seats = sorted((s for s in seat_map.seats if s.row_label == row_label), key=lambda s: s.col)
    return [s.label for s in seats]


def lived_in(box: BoxOffice, show: ShowSummary) -> None:
    """Groups sold at two other counters, a few seats held: a map in the middle of a day."""
    smap = queries.get_seat_map(box, show.show_id)
    rows = row_labels(smap)
    counters = [
        CounterContext("Counter 2", None, "ravi", Role.CLERK),
        CounterContext("Counter 3", None, "meera", Role.CLERK),
    ]
    plan = [  # (row index, first seat index, how many, counter, sell?)
        (0, 10, 6, 0, True),
        (1, 4, 4, 1, True),
        (2, 12, 8, 0, True),
        (3, 2, 3, 1, True),
        (5, 16, 5, 1, True),
        (6, 9, 4, 0, True),
        (8, 20, 6, 0, True),
        (9, 6, 2, 1, False),
        (10, 14, 7, 1, True),
        (12, 3, 4, 0, True),
        (13, 18, 4, 1, False),
        (15, 9, 9, 0, True),
        (16, 24, 3, 1, True),
    ]
    free = {s.label for s in smap.seats if s.status == "AVAILABLE"}
    for row_i, first, count, who, sell in plan:
        if row_i >= len(rows):
            continue
        labels = seats_of_row(smap, rows[row_i])[first : first + count]
        labels = [label for label in labels if label in free]  # the seed sold some already
        if not labels:
            continue
        ctx = counters[who]
        held = booking.hold_seats(
            box, ctx, show_id=show.show_id, show_seat_ids=labels_to_ids(smap, labels)
        )
        if sell:
            checkout.confirm_booking(box, ctx, ticket_id=held.ticket_id, mode="UPI")


def title_strip(painter: QPainter, rect: QRect, title: str) -> None:
    painter.fillRect(rect, QColor("#2B3036"))
    font = QFont()
    font.setPixelSize(13)
    painter.setFont(font)
    painter.setPen(QColor("#E9ECF0"))
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), title)


def with_title(widget: QWidget) -> QImage:
    shot = widget.grab().toImage()
    image = QImage(shot.width(), shot.height() + TITLE_BAR, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    title_strip(painter, QRect(0, 0, shot.width(), TITLE_BAR), widget.windowTitle())
    painter.drawImage(0, TITLE_BAR, shot)
    painter.end()
    return image


def rival_hold(
    box: BoxOffice, ctx: CounterContext, show_id: int, ids: list[int], delay_s: float
) -> threading.Thread:
    """Counter 2 holds ``ids`` and stays inside its transaction for ``delay_s``."""
    inside = threading.Event()
    rival_box = BoxOffice(uows=box.uows, clock=box.clock, locks=box.locks)

    def sleep(seconds: float) -> None:
        inside.set()
        time.sleep(seconds)

    rival_box.sleep = sleep
    rival = CounterContext(
        ctx.counter, ctx.staff_id, ctx.username, ctx.role, ctx.strategy, int(delay_s * 1000)
    )
    thread = threading.Thread(
        target=booking.hold_seats,
        kwargs={"box": rival_box, "ctx": rival, "show_id": show_id, "show_seat_ids": ids},
        daemon=True,
    )
    thread.start()
    if not inside.wait(10):
        raise TimeoutError("the rival counter never entered its transaction")
    return thread


def stage(
    url: str,
    size: tuple[int, int],
    *,
    two_windows: bool = False,
) -> list[QImage]:
    from bms_desktop.gui.hub import ChangeHub

    wiring = connect(url)
    box = wiring.box
    show = grand_hall_show(box)
    hub = ChangeHub(open_change_feed(url))
    asha = CounterContext("Counter 1", staff_id(box, "asha"), "asha", Role.CLERK)
    ravi = CounterContext(
        "Counter 2", staff_id(box, "ravi"), "ravi", Role.CLERK, Strategy.OPTIMISTIC
    )
    folder = Path(tempfile.mkdtemp(prefix="bms-shots-"))
    windows: list[CounterWindow] = []
    width, height = size
    each = (width // 2, height - TITLE_BAR) if two_windows else (width, height - TITLE_BAR)
    for ctx in [asha, ravi] if two_windows else [asha]:
        win = CounterWindow(box, ctx, hub, print_folder=folder, db_label="demo.db")
        win.resize(*each)
        if two_windows:
            win.move(len(windows) * each[0], 0)
        win.show()
        windows.append(win)
    for win in windows:
        open_in(win, show)
        if win.current_hold() is not None:  # a hold the demo's seed left to this counter
            win.controller.release()
            wait_for("the release", lambda w=win: w.current_hold() is None and not w.is_busy())
        win.controller.dismiss_message()

    me = windows[0]
    ids = list(queries.best_available_seats(box, show.show_id, 4))  # four in the sweet spot
    if len(ids) != 4:
        raise SystemExit("no four seats together are free in the demo show")
    me.seat_map.set_selection(ids)
    wait_for("the quote", lambda: not me.is_busy())
    if two_windows:
        # The rival is the second window: a real window with a delay inside its transaction.
        rival_win = windows[1]
        rival_win.set_delay_ms(450)
        wait_for("the rival's delay", lambda: rival_win.context().delay_ms == 450)
        rival_win.seat_map.set_selection(ids[1:3])
        wait_for("the rival's quote", lambda: not rival_win.is_busy())
        inside = threading.Event()
        real_sleep = box.sleep

        def sleep(seconds: float) -> None:
            inside.set()
            real_sleep(seconds)

        box.sleep = sleep
        rival_win.basket.hold_button.click()
        wait_for("the rival inside its transaction", inside.is_set)
        me.basket.hold_button.click()
        wait_for("the conflict", lambda: me.banner.is_showing() and not me.is_busy())
        box.sleep = real_sleep
    else:
        thread = rival_hold(box, ravi, show.show_id, ids[1:2], 0.42)
        me.basket.hold_button.click()
        wait_for("the conflict", lambda: me.banner.is_showing() and not me.is_busy())
        thread.join(10)
    me.basket.coupon_edit.setText("WELCOME10")
    me.basket.coupon_button.click()
    wait_for("the coupon", lambda: not me.is_busy())
    spin(900)  # let the change flashes fade: a screenshot shows the calm state
    for win in windows:
        wait_for("quiet windows", idle(win))
    images = [with_title(win) for win in windows]
    for win in windows:
        win.set_live_updates(False)
        win.hide()
    hub.stop()
    wiring.close()
    return images


def idle(win: CounterWindow) -> Callable[[], bool]:
    return lambda: not win.is_busy()


def open_in(win: CounterWindow, show: ShowSummary) -> None:
    """Find the show in the window's finder and open it, as a clerk would."""
    wait_for("the show list", lambda: not win.finder.is_loading())
    win.finder.search_edit.setText(show.movie_title)
    wait_for("the search", lambda: not win.finder.is_loading() and win.finder.model.rowCount() > 0)
    win.finder.select_show(show.show_id)
    win.open_show(show.show_id)
    wait_for("the seat map", lambda: win.current_show() is not None and not win.is_busy())


def side_by_side(images: Sequence[QImage], size: tuple[int, int]) -> QImage:
    width, height = size
    canvas = QImage(width, height, QImage.Format.Format_RGB32)
    canvas.fill(QColor("#1E2226"))
    painter = QPainter(canvas)
    x = 0
    for image in images:
        painter.drawImage(x, 0, image)
        x += image.width()
    painter.end()
    return canvas


def door_shots(url: str, size: tuple[int, int]) -> list[tuple[str, QImage]]:
    """The Door window at the demo's show at the doors (issue 12): ADMIT for a group that has
    not come in yet, then ALREADY ADMITTED for a ticket another door admitted."""
    from bms_desktop.gui.door.door_window import DoorWindow
    from bms_desktop.gui.door.sound import DoorSound
    from bms_desktop.gui.hub import ChangeHub
    from bms_desktop.services import door_board

    wiring = connect(url)
    box = wiring.box
    at_doors = [s for s in door_board.shows_at_doors(box) if s.doors_open and s.admitted_people]
    if not at_doors:
        raise SystemExit("no show at the doors with admissions: is it a fresh demo database?")
    show = at_doors[0].show
    path = url.split("///", 1)[1]
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT t.code, t.seat_count, t.admitted_count, "
            "(SELECT door FROM admissions a WHERE a.ticket_id = t.id ORDER BY a.id DESC LIMIT 1) "
            "FROM tickets t WHERE t.show_id = ? AND t.status = 'CONFIRMED' ORDER BY t.id",
            (show.show_id,),
        ).fetchall()
    fresh = max((r for r in rows if r[2] == 0), key=lambda r: r[1])[0]
    admitted = next(r[0] for r in rows if r[2] == r[1] and r[3] == "Door 2")
    hub = ChangeHub(open_change_feed(url))
    usha = CounterContext("Door 1", staff_id(box, "usha"), "usha", Role.USHER)
    win = DoorWindow(box, usha, hub, sound=DoorSound(enabled=False))
    win.resize(size[0], size[1] - TITLE_BAR)
    win.show()
    wait_for("the door's screens and shows", lambda: win.controller.setup is not None)
    wait_for("a quiet door", lambda: not win.is_busy())
    shots: list[tuple[str, QImage]] = []
    for name, code in (("door-admit", fresh), ("door-already-admitted", admitted)):
        before = win.model.rowCount()
        win.code_edit.setText(code)
        win.code_edit.returnPressed.emit()
        wait_for("the outcome", lambda b=before: win.model.rowCount() > b and not win.is_busy())
        spin(200)
        shots.append((f"{name}-{size[0]}x{size[1]}.png", with_title(win)))
    win.close()
    hub.stop()
    wiring.close()
    return shots


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--db", type=Path, help="an existing demo database to copy")
    parser.add_argument(
        "--only",
        choices=["all", "counter", "door", "admin", "reports"],
        default="all",
        help="which pictures (default: all)",
    )
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        from bms_desktop.gui import theme

        theme.apply_theme(app)  # type: ignore[arg-type]
    except ImportError:
        pass
    work = Path(tempfile.mkdtemp(prefix="bms-shots-db-"))
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only in ("all", "admin"):  # issue 8: the admin console
        from scripts.admin_screenshots import admin_shots

        admin_shots(args.out, work, with_title=with_title, wait_for=wait_for, spin=spin)
        # admin-B: the price matrix and a rule's live preview
        from scripts.admin_b_screenshots import pricing_shots
        from scripts.admin_screenshots import new_cinema

        box, ctx, pricing_db = new_cinema(work / "pricing.db")
        pricing_shots(box, ctx, args.out, with_title=with_title, wait_for=wait_for, spin=spin)
        pricing_db.close()  # type: ignore[attr-defined]
        if args.only == "admin":
            return 0
    pristine = work / "pristine.db"
    if args.db:
        copy_database(args.db, pristine)
    else:
        print("Building the demo box office...", flush=True)
        wiring = connect(f"sqlite:///{pristine}")
        demo.seed_demo(wiring.box)
        wiring.close()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only in ("all", "door"):
        door_db = work / "door.db"
        copy_database(pristine, door_db)
        for name, image in door_shots(f"sqlite:///{door_db}", (1366, 768)):
            path = args.out / name
            if not image.save(str(path)):
                raise SystemExit(f"could not write {path}")
            print(f"wrote {path} ({image.width()}x{image.height()})")
    if args.only in ("all", "reports"):  # issue 11: shifts and reports, on the demo's past days
        import screenshots_reports

        db = work / "reports.db"
        copy_database(pristine, db)
        screenshots_reports.shots(
            f"sqlite:///{db}", args.out, spin=spin, wait_for=wait_for, title_strip=title_strip
        )
    if args.only in ("door", "reports"):
        return 0
    wiring = connect(f"sqlite:///{pristine}")
    show = grand_hall_show(wiring.box)
    lived_in(wiring.box, show)
    wiring.close()
    print(f"Show {show.show_id}: {show.movie_title}, {show.screen_name} ({show.seats_total} seats)")
    jobs = [
        ("counter-1366x768.png", (1366, 768), False),
        ("counter-1920x1080.png", (1920, 1080), False),
        ("two-counters-1920x1080.png", (1920, 1080), True),
        ("two-counters-1366x768.png", (1366, 768), True),
    ]
    for i, (name, size, two) in enumerate(jobs):
        db = work / f"stage{i}.db"
        copy_database(pristine, db)
        images = stage(f"sqlite:///{db}", size, two_windows=two)
        image = side_by_side(images, size) if two else images[0]
        path = args.out / name
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(f"wrote {path} ({image.width()}x{image.height()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
