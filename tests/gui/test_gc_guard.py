"""Garbage collection on the GUI thread only (bms_desktop/gui/gc_guard.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from bms_desktop.gui.gc_guard import GuiThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_while_installed_only_the_gui_thread_collects_and_afterwards_python_does_again(qapp):
    collector = GuiThreadCollector(qapp)  # the autouse fixture has one too: nesting is fine
    try:
        assert not gc.isenabled()
        refs = []

        def make_cycles() -> None:  # a worker allocating far past every threshold
            for _ in range(5 * gc.get_threshold()[0]):
                refs.append(weakref.ref(_Cycle()))

        worker = threading.Thread(target=make_cycles)
        worker.start()
        worker.join(10.0)
        assert all(r() is not None for r in refs)  # nothing collected on the worker
        assert collector.collect_due() > 0  # the GUI thread's tick collects them
        gc.collect()
        assert all(r() is None for r in refs)
    finally:
        collector.uninstall()
        collector.deleteLater()
    assert not gc.isenabled()  # the fixture's collector is still installed
