"""Logging and crash capture for every run, from source or frozen (no Qt here).

* ``setup_logging(data_dir)``: a rotating log file ``<data dir>/logs/bms-desktop.log`` (2 MB x 5),
  shared by every terminal and process that uses the same data folder; native crashes (a segfault
  in Qt) leave their Python stacks in ``faults.log`` beside it.
* ``install_excepthook(show)``: an unexpected exception, in the main thread, in a Qt slot or
  override (PySide hands those to ``sys.excepthook``) or in any thread, is logged with its traceback
  and handed to ``show(details, log_path)`` (the GUI's crash dialog); never a silent exit.
* ``ensure_std_streams()``: a windowed build (PyInstaller without console, ``pythonw``) starts with
  ``sys.stdout``/``sys.stderr`` set to None, so every ``print`` would raise; they are routed into
  the log instead.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import logging
import logging.handlers
import os
import platform
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from bms_desktop import APP_NAME, __version__
from bms_desktop.paths import log_dir

LOG_FILE = f"{APP_NAME}.log"
FAULT_FILE = "faults.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)-8s [%(process)d %(threadName)s] %(name)s: %(message)s"

ShowCrash = Callable[[str, Path | None], None]
"""The GUI's callback: ``show(details, log_path)``; ``log_path`` is None if no log could be made."""

log = logging.getLogger(APP_NAME)


class _State:
    handler: logging.Handler | None = None
    log_path: Path | None = None
    fault_file: IO[str] | None = None
    show: ShowCrash | None = None
    reporting = threading.local()


# ---------------------------------------------------------------- std streams


class _LogStream(io.TextIOBase):
    """Stands in for a missing stdout/stderr: complete lines go to the log."""

    def __init__(self, name: str, level: int) -> None:
        super().__init__()
        self.name = name
        self._level = level
        self._buffer = ""
        self._lock = threading.Lock()
        self._guard = threading.local()
        self._logger = logging.getLogger(f"{APP_NAME}.{name}")
        # A handler of its own keeps logging's "last resort" handler (which writes to sys.stderr,
        # that is: to us) out of the way before setup_logging has run.
        self._logger.addHandler(logging.NullHandler())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if getattr(self._guard, "active", False):  # logging failed and wrote its error to us
            return len(text)
        with self._lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.split("\n")
        self._emit(lines)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            rest, self._buffer = self._buffer, ""
        if rest:
            self._emit([rest])

    def _emit(self, lines: list[str]) -> None:
        self._guard.active = True
        try:
            for line in lines:
                if line.strip():
                    self._logger.log(self._level, "%s", line.rstrip())
        finally:
            self._guard.active = False


def ensure_std_streams() -> None:
    """Give a windowed build a ``sys.stdout``/``sys.stderr`` that cannot fail (they log)."""
    if sys.stdout is None:
        sys.stdout = _LogStream("stdout", logging.INFO)
    if sys.stderr is None:
        sys.stderr = _LogStream("stderr", logging.WARNING)


def _has_console_stderr() -> bool:
    return sys.stderr is not None and not isinstance(sys.stderr, _LogStream)


def has_console() -> bool:
    """Whether a one-line refusal on stderr reaches a person (not so in a windowed build)."""
    return _has_console_stderr()


# ---------------------------------------------------------------- the log file


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file that several processes (terminals, race clerks) append to.

    Another process may rotate the file under us: then the path names a new file and we reopen it
    (as ``WatchedFileHandler`` does) instead of writing on into the renamed one. If rotating fails
    (on Windows another process still has the file open) we keep appending and try again later.
    """

    def emit(self, record: logging.LogRecord) -> None:
        self._reopen_if_rotated()
        super().emit(record)

    def _reopen_if_rotated(self) -> None:
        if self.stream is None:
            return
        try:
            on_disk = os.stat(self.baseFilename)
            mine = os.fstat(self.stream.fileno())
        except OSError:
            on_disk = None
            mine = None
        if (
            on_disk is None
            or mine is None
            or (on_disk.st_dev, on_disk.st_ino)
            != (
                mine.st_dev,
                mine.st_ino,
            )
        ):
            self.stream.close()
            self.stream = self._open()

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()


def _quiet_alembic(record: logging.LogRecord) -> bool:
    """Alembic says "Context impl SQLiteImpl" on every database open; keep "Running upgrade"."""
    return not (
        record.name.startswith("alembic.")
        and str(record.msg).startswith(("Context impl", "Will assume"))
    )


def setup_logging(
    data_dir: Path, *, level: int = logging.INFO, fault_log: bool = True
) -> Path | None:
    """Log to ``<data_dir>/logs/bms-desktop.log``; returns the file's path.

    Idempotent: a second call (another data folder) replaces the first file handler. If the data
    folder cannot be written, the log goes to the temporary folder; if that fails too, there is no
    log file and None is returned (the crash dialog then says so).
    """
    root = logging.getLogger()
    if _State.handler is not None:
        root.removeHandler(_State.handler)
        _State.handler.close()
        _State.handler = None
        _State.log_path = None
    for folder in (log_dir(data_dir), Path(tempfile.gettempdir()) / APP_NAME / "logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / LOG_FILE
            handler = SharedRotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        except OSError:
            continue
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(_quiet_alembic)
        root.addHandler(handler)
        _State.handler = handler
        _State.log_path = path
        break
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    logging.captureWarnings(True)
    # Native crashes: their stacks go beside the log, unless faulthandler already writes somewhere
    # (python -X faulthandler, pytest) -- then that choice is kept.
    if fault_log and _State.log_path is not None and not _fault_log_taken():
        _enable_fault_log(_State.log_path.parent / FAULT_FILE)
    return _State.log_path


def _fault_log_taken() -> bool:
    return faulthandler.is_enabled() and _State.fault_file is None


def _enable_fault_log(path: Path) -> None:
    try:
        fh = path.open("a", encoding="utf-8")
    except OSError:
        return
    faulthandler.enable(file=fh, all_threads=True)
    if _State.fault_file is not None:
        _State.fault_file.close()
    _State.fault_file = fh


def teardown_logging() -> None:
    """Close the log file (and the fault log) that ``setup_logging`` opened."""
    if _State.handler is not None:
        logging.getLogger().removeHandler(_State.handler)
        _State.handler.close()
    _State.handler = None
    _State.log_path = None
    logging.captureWarnings(False)
    if _State.fault_file is not None:
        faulthandler.disable()
        _State.fault_file.close()
        _State.fault_file = None


def current_log_path() -> Path | None:
    return _State.log_path


def runtime_summary() -> str:
    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    return (
        f"{APP_NAME} {__version__} ({frozen}), Python {platform.python_version()}, "
        f"{platform.platform()}"
    )


# ---------------------------------------------------------------- unexpected exceptions


def format_details(exc: BaseException, *, where: str = "") -> str:
    """What the crash dialog shows and "Copy details" copies."""
    head = f"{runtime_summary()}\n"
    if where:
        head += f"in {where}\n"
    return head + "".join(traceback.format_exception(exc))


def report_exception(exc: BaseException, *, where: str = "") -> None:
    """Log an unexpected exception and hand it to the installed ``show`` callback.

    Never raises. An exception raised while reporting (a broken dialog) is logged, not reported
    again, so a faulty crash dialog cannot loop.
    """
    reporting = _State.reporting
    if getattr(reporting, "active", False):
        log.error("another error while reporting one", exc_info=exc)
        return
    reporting.active = True
    try:
        details = format_details(exc, where=where)
        log.critical("Unexpected error%s", f" in {where}" if where else "", exc_info=exc)
        if _has_console_stderr():
            print(details, file=sys.stderr, end="", flush=True)
        show = _State.show
        if show is not None:
            try:
                show(details, _State.log_path)
            except Exception:
                log.exception("the crash dialog failed")
    except Exception:  # logging itself broke: the last thing we can do is the default hook
        _call_default_hook(exc)
    finally:
        reporting.active = False


def _call_default_hook(exc: BaseException) -> None:
    with contextlib.suppress(Exception):
        sys.__excepthook__(type(exc), exc, exc.__traceback__)


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if exc.__traceback__ is None and tb is not None:
        exc = exc.with_traceback(tb)
    if isinstance(exc, KeyboardInterrupt):
        _call_default_hook(exc)
        return
    report_exception(exc)


def _thread_excepthook(args: Any) -> None:
    # args: threading.ExceptHookArgs (exc_type, exc_value, exc_traceback, thread)
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    thread = args.thread.name if args.thread is not None else "a thread"
    report_exception(args.exc_value, where=f"thread {thread}")


def install_excepthook(show: ShowCrash | None = None) -> None:
    """Route unexpected exceptions (main thread, Qt slots, threads) to the log and ``show``.

    ``show(details, log_path)`` is called in the thread that failed; a GUI callback must carry it
    over to the GUI thread itself (the crash dialog does). Call again to change the callback.
    """
    _State.show = show
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
