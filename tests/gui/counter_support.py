"""Helpers for the counter-window tests: a quiet change feed, window factories, a gate that
holds a counter inside its transaction until the test lets it go."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from bms_desktop.gui.hub import ChangeHub
from bms_desktop.gui.windows.counter_window import CounterWindow
from bms_desktop.services.context import BoxOffice, CounterContext
from bms_desktop.services.ports import ChangeFeed


class QuietFeed(ChangeFeed):
    """A feed that never reports anything: windows learn only through ``hub.announce``."""

    def __init__(self) -> None:
        self.closed = False
        self.polls = 0
        self.answers: list[set[int] | None] = []

    def poll(self) -> set[int] | None:
        self.polls += 1
        return self.answers.pop(0) if self.answers else set()

    def close(self) -> None:
        self.closed = True


def allow_counter_setup(box: BoxOffice, role: str = "CLERK") -> None:
    """Let this role change a counter's strategy and delay (a demo box office lets clerks)."""
    with box.uows(write=True, label="test") as uow:
        uow.settings.put("counter_setup_role", role)
        uow.commit()


def make_window(
    qtbot: QtBot,
    box: BoxOffice,
    ctx: CounterContext,
    hub: ChangeHub,
    print_folder: Path,
) -> CounterWindow:
    win = CounterWindow(box, ctx, hub, print_folder=print_folder, db_label="test.db")
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not win.finder.is_loading(), timeout=10_000)
    return win


def open_show(qtbot: QtBot, win: CounterWindow, show_id: int) -> None:
    with qtbot.waitSignal(win.show_opened, timeout=10_000):
        win.open_show(show_id)
    wait_idle(qtbot, win)


def wait_idle(qtbot: QtBot, win: CounterWindow, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: not win.is_busy(), timeout=timeout)


class Gate:
    """Replaces ``BoxOffice.sleep``: the processing delay of a counter becomes "wait here until
    the test opens the gate", so a transaction can be held open without any timing guess."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.calls = 0

    def __call__(self, _seconds: float) -> None:
        self.calls += 1
        self.entered.set()
        if not self.opened.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")

    def open(self) -> None:
        self.opened.set()


@contextmanager
def gated(box: BoxOffice) -> Iterator[Gate]:
    gate = Gate()
    previous: Callable[[float], None] = box.sleep
    box.sleep = gate
    try:
        yield gate
    finally:
        gate.open()
        box.sleep = previous


def press(
    widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """One key press and release, as the clerk's keyboard sends it (typed wrapper of QTest)."""
    QTest.keyClick(widget, key, modifiers)


def type_text(widget: QWidget, text: str) -> None:
    QTest.keyClicks(widget, text)
