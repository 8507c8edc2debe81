"""Logging and crash capture (bms_desktop.logsetup) and the crash dialog, from source.

The frozen program is exercised by test_frozen_bundle.py; these tests pin the behaviour the
bundle relies on: a rotating log in the data folder, every unexpected exception (main thread,
worker thread, Qt slot) logged and handed to the dialog, one dialog at a time, and no crash when
there is no console.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from bms_desktop import logsetup
from bms_desktop.gui import crash_dialog
from bms_desktop.gui.crash_dialog import CrashDialog, CrashReporter


class Shown:
    """A stand-in for the crash dialog: records what it was given and in which thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Path | None, str]] = []
        self.done = threading.Event()

    def __call__(self, details: str, log_path: Path | None) -> None:
        self.calls.append((details, log_path, threading.current_thread().name))
        self.done.set()


@pytest.fixture
def log_path(tmp_path: Path) -> Iterator[Path]:
    path = logsetup.setup_logging(tmp_path / "data", fault_log=False)
    assert path is not None
    yield path
    logsetup.teardown_logging()


@contextmanager
def hooks_installed(show: Callable[[str, Path | None], None] | None) -> Iterator[None]:
    """install_excepthook for the length of a block; whatever was there before comes back."""
    saved = sys.excepthook, threading.excepthook
    logsetup.install_excepthook(show)
    try:
        yield
    finally:
        logsetup.install_excepthook(None)
        sys.excepthook, threading.excepthook = saved


def _raise_and_catch(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


# ---------------------------------------------------------------- the log file


def test_log_lands_in_the_logs_folder_of_the_data_folder(tmp_path: Path, log_path: Path) -> None:
    assert log_path == tmp_path / "data" / "logs" / "bms-desktop.log"
    logging.getLogger("bms-desktop.test").warning("ticket printer out of paper")
    text = log_path.read_text()
    assert "WARNING" in text and "bms-desktop.test: ticket printer out of paper" in text


def test_log_rotates_and_keeps_five_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logsetup, "MAX_BYTES", 300)
    path = logsetup.setup_logging(tmp_path, fault_log=False)
    assert path is not None
    try:
        for n in range(60):
            logging.getLogger("bms-desktop.test").warning("sale %03d of a long shift", n)
    finally:
        logsetup.teardown_logging()
    rotated = sorted(p.name for p in path.parent.glob("bms-desktop.log.*"))
    assert rotated == [f"bms-desktop.log.{n}" for n in range(1, 6)]
    assert "sale 059" in path.read_text()


def test_log_follows_a_rotation_made_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "shared.log"
    mine = logsetup.SharedRotatingFileHandler(path, maxBytes=10_000, backupCount=2)
    other = logsetup.SharedRotatingFileHandler(path, maxBytes=10_000, backupCount=2)
    try:
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "%s", ("before",), None)
        mine.emit(record)
        other.doRollover()  # the other terminal rotates: shared.log -> shared.log.1
        record.args = ("after",)
        mine.emit(record)
    finally:
        mine.close()
        other.close()
    assert path.read_text().strip() == "after"
    assert (tmp_path / "shared.log.1").read_text().strip() == "before"


def test_without_a_writable_data_folder_the_log_goes_to_the_temp_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path / "tmp"))
    path = logsetup.setup_logging(blocker, fault_log=False)
    try:
        assert path == tmp_path / "tmp" / "bms-desktop" / "logs" / "bms-desktop.log"
    finally:
        logsetup.teardown_logging()


# ---------------------------------------------------------------- unexpected exceptions


def test_unexpected_exception_is_logged_with_its_traceback_and_shown(log_path: Path) -> None:
    shown = Shown()
    exc = _raise_and_catch(ZeroDivisionError("price per seat / 0"))
    with hooks_installed(shown):
        sys.excepthook(type(exc), exc, exc.__traceback__)
    [(details, path, _thread)] = shown.calls
    assert path == log_path
    assert "ZeroDivisionError: price per seat / 0" in details
    assert "Traceback (most recent call last)" in details and "bms-desktop 0.1.0" in details
    text = log_path.read_text()
    assert "CRITICAL" in text and "Unexpected error" in text and "ZeroDivisionError" in text


def test_exception_in_a_worker_thread_is_logged_and_shown(log_path: Path) -> None:
    shown = Shown()

    def work() -> None:
        raise RuntimeError("change feed lost its connection")

    with hooks_installed(shown):
        worker = threading.Thread(target=work, name="change-feed")
        worker.start()
        worker.join()
    [(details, _path, thread)] = shown.calls
    assert thread == "change-feed"
    assert "in thread change-feed" in details and "RuntimeError" in details
    assert "change feed lost its connection" in log_path.read_text()


def test_keyboard_interrupt_is_not_reported_as_a_crash(log_path: Path) -> None:
    shown = Shown()
    exc = _raise_and_catch(KeyboardInterrupt())
    with hooks_installed(shown):
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert shown.calls == []
    assert "Unexpected error" not in log_path.read_text()


def test_a_failing_crash_dialog_is_logged_and_does_not_raise(log_path: Path) -> None:
    def broken(details: str, path: Path | None) -> None:
        raise OSError("no display")

    exc = _raise_and_catch(ValueError("bad seat label"))
    with hooks_installed(broken):
        sys.excepthook(type(exc), exc, exc.__traceback__)  # must not raise
    text = log_path.read_text()
    assert "bad seat label" in text and "the crash dialog failed" in text and "no display" in text


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_qt_slot_reaches_the_crash_callback(qtbot: QtBot, log_path: Path) -> None:
    shown = Shown()

    def slot() -> None:
        raise LookupError("show 42 vanished")

    with hooks_installed(shown):
        QTimer.singleShot(0, slot)
        qtbot.waitUntil(lambda: len(shown.calls) == 1)
    assert "LookupError: show 42 vanished" in shown.calls[0][0]


def test_missing_stdout_and_stderr_are_routed_into_the_log(
    monkeypatch: pytest.MonkeyPatch, log_path: Path
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    logsetup.ensure_std_streams()
    print("Demo box office created")
    print("half a line", end="", file=sys.stderr)
    sys.stderr.flush()
    text = log_path.read_text()
    assert "INFO" in text and "bms-desktop.stdout: Demo box office created" in text
    assert "bms-desktop.stderr: half a line" in text


# ---------------------------------------------------------------- the dialog


def test_crash_dialog_names_the_log_and_copies_the_details(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "logs" / "bms-desktop.log"
    dialog = CrashDialog("Traceback...\nValueError: boom\n", path)
    qtbot.addWidget(dialog)
    text = dialog.message_label.text()
    assert text.startswith("Something went wrong.")
    assert f"The box office saved the details in {path}." in text
    assert dialog.open_folder_button.isEnabled()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Traceback...\nValueError: boom\n"


def test_crash_dialog_without_a_log_file_says_so(qtbot: QtBot) -> None:
    dialog = CrashDialog("details", None)
    qtbot.addWidget(dialog)
    assert "could not write a log file" in dialog.message_label.text()
    assert not dialog.open_folder_button.isEnabled()


@pytest.fixture
def dialogs_do_not_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """exec() would wait for a clerk; here it only shows the dialog."""

    def show_instead(self: CrashDialog) -> int:
        self.show()
        return 0

    monkeypatch.setattr(CrashDialog, "exec", show_instead)


@pytest.mark.usefixtures("dialogs_do_not_block")
def test_one_crash_dialog_at_a_time_collects_further_errors(qtbot: QtBot, tmp_path: Path) -> None:
    reporter = CrashReporter()
    reporter.report("first error", tmp_path / "x.log")
    first = reporter.dialog
    assert first is not None
    qtbot.addWidget(first)
    reporter.report("second error", tmp_path / "x.log")
    assert reporter.dialog is first
    assert first.error_count == 2
    assert "(2 errors)" in first.message_label.text()
    assert "first error" in first.details_text() and "second error" in first.details_text()
    first.close_button.click()
    assert reporter.dialog is None
    reporter.report("third error", tmp_path / "x.log")
    assert reporter.dialog is not None and reporter.dialog is not first
    qtbot.addWidget(reporter.dialog)


@pytest.mark.usefixtures("dialogs_do_not_block")
def test_a_report_from_a_worker_thread_opens_the_dialog_in_the_gui_thread(
    qtbot: QtBot, tmp_path: Path
) -> None:
    reporter = CrashReporter()
    worker = threading.Thread(target=reporter.report, args=("from a worker", tmp_path / "x.log"))
    worker.start()
    worker.join()

    def dialog_is_open() -> None:
        assert reporter.dialog is not None

    qtbot.waitUntil(dialog_is_open)
    assert reporter.dialog is not None
    qtbot.addWidget(reporter.dialog)
    assert reporter.dialog.thread() is QThread.currentThread()
    assert "from a worker" in reporter.dialog.details_text()


@pytest.mark.usefixtures("dialogs_do_not_block")
def test_show_crash_never_raises(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("dialog construction failed")

    monkeypatch.setattr(crash_dialog, "CrashDialog", explode)
    monkeypatch.setattr(crash_dialog._Installed, "reporter", None)
    crash_dialog.show_crash("details", None)  # logged, not raised
