"""A long counter session: tens of thousands of calls of Qt methods that return nothing.

PySide6 6.12.0 on CPython 3.11 drops a reference to None/True/False on every such call and the
interpreter aborts (``Fatal Python error: none_dealloc``) after about 10^4 of them. The app must
run on a combination that survives this; the soak runs in a child process so that an abort
shows up as a failed test, not a dead test session.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SOAK = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget, QVBoxLayout
    from bms_desktop.gui.widgets.seat_map import SeatMapWidget

    app = QApplication([])
    root = QWidget()
    layout = QVBoxLayout(root)
    label = QLabel()
    button = QPushButton()
    seat_map = SeatMapWidget()
    layout.addWidget(label)
    layout.addWidget(button)
    layout.addWidget(seat_map)
    calls = 0
    for i in range(CALLS):
        label.setText(str(i))           # returns None
        button.setEnabled(i % 2 == 0)   # returns None; passes True/False
        root.setUpdatesEnabled(True)    # returns None
        seat_map.clear_selection()      # our own widget's call path
        calls += 4
        if i % 5000 == 0:
            app.processEvents()
    print("soak done", calls, sys.getrefcount(None) > 0)
    """
)


def test_tens_of_thousands_of_widget_calls_do_not_crash_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SOAK.replace("CALLS", "15000")],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, f"interpreter died ({result.returncode}): {result.stderr[-800:]}"
    assert "soak done 60000 True" in result.stdout
