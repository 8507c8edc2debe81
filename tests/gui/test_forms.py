"""Designer forms: the committed compiled modules match ui/*.ui, and the dialogs built on
them show what they should."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bms_desktop import __version__
from bms_desktop.gui.dialogs.about_dialog import AboutDialog, AboutInfo

ROOT = Path(__file__).resolve().parents[2]


def test_compiled_forms_are_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compile_forms.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_designer_source_has_a_compiled_module():
    sources = {p.stem for p in (ROOT / "ui").glob("*.ui")}
    compiled = {
        p.stem.removeprefix("ui_") for p in (ROOT / "bms_desktop/gui/forms").glob("ui_*.py")
    }
    assert sources
    assert sources == compiled


def test_about_dialog_shows_version_database_and_counter(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    dialog.load(AboutInfo(database="/srv/boxoffice.db", data_dir="/srv", counter="Counter 2"))
    assert dialog.ui.versionValue.text() == __version__
    assert dialog.ui.databaseValue.text() == "/srv/boxoffice.db"
    assert dialog.ui.counterValue.text() == "Counter 2"
    assert "Python" in dialog.ui.runtimeValue.text()


def test_help_about_in_the_counter_window_opens_the_about_dialog(qtbot, monkeypatch, box):
    from bms_desktop.gui.hub import ChangeHub
    from bms_desktop.gui.windows.counter_window import CounterWindow
    from tests.support.builders import clerk

    class SilentFeed:
        def poll(self):
            return set()

        def close(self):
            pass

    shown: list[AboutInfo] = []
    monkeypatch.setattr(
        AboutDialog, "ask", classmethod(lambda cls, info, parent=None: shown.append(info))
    )
    hub = ChangeHub(SilentFeed(), start=False)
    window = CounterWindow(box, clerk("Counter 7"), hub, db_label="demo.db")
    qtbot.addWidget(window)
    window.actions_.about.trigger()
    assert [(i.database, i.counter.split(" · ")[0]) for i in shown] == [("demo.db", "Counter 7")]
