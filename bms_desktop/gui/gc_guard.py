"""Python's garbage collection on the GUI thread only.

The cyclic garbage collector runs in whichever thread happens to allocate when a generation's
threshold is crossed: often a worker thread (``workers.TaskRunner``) reading the database. If it
then frees a Qt object's wrapper, Qt's destructor takes a lock on the object's connections and
shiboken asks for the GIL back, while the GUI thread holds the GIL and waits for that same lock
(``QObject::connect``, say, as a menu gets an action): both wait forever. Seen once in the
suite: a counter window built while a worker's collection freed a QObject, the process frozen
until CI's limit (py-spy: ``gc_collect_main`` -> ``QObject::~QObject`` ->
``Shiboken::GilState::acquire`` on the worker, ``QBasicMutex::lockInternal`` under
``QObject::connect`` on the GUI thread).

So while the GUI runs, automatic collection is off and a timer on the GUI thread collects
instead, every ``EVERY_MS``: the generation whose threshold the allocation count has crossed,
as the automatic collector would (pyqtgraph ships the same remedy). Reference counting still
frees everything that is not in a cycle at once, on whatever thread.
"""

from __future__ import annotations

import gc
from typing import Final

from PySide6.QtCore import QObject, QTimer

EVERY_MS: Final = 500


class GuiThreadCollector(QObject):
    """Collects on the thread it lives on (the GUI thread); automatic collection off while
    it is installed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start(EVERY_MS)

    def collect_due(self) -> int:
        """Collect the oldest generation whose count is over its threshold (0: none due)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                return gc.collect(generation)
        return 0

    def uninstall(self) -> None:
        """Stop, collect once here, and give collection back to Python as it was."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()


def install(app: QObject) -> GuiThreadCollector:
    """Collect on ``app``'s thread from now on (the collector is a child of ``app``)."""
    return GuiThreadCollector(app)


__all__ = ["EVERY_MS", "GuiThreadCollector", "install"]
