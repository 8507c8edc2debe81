"""The core runs without Qt, and the GUI without SQLAlchemy (import-linter checks the same
statically; this proves it at run time)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def run_isolated(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )


def test_domain_services_and_persistence_import_with_no_qt_present():
    result = run_isolated(
        """
        import sys
        sys.modules["PySide6"] = None  # any import of Qt now fails
        sys.modules["shiboken6"] = None
        import bms_desktop.domain.model, bms_desktop.domain.pricing, bms_desktop.domain.seating
        import bms_desktop.services.booking, bms_desktop.services.queries, bms_desktop.services.demo
        import bms_desktop.services.checkout, bms_desktop.services.cancellation
        import bms_desktop.persistence.uow, bms_desktop.persistence.changefeed
        import bms_desktop.app, bms_desktop.cli
        print("core without Qt: ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "core without Qt: ok" in result.stdout


def test_gui_widgets_import_with_no_sqlalchemy_present():
    result = run_isolated(
        """
        import sys
        sys.modules["sqlalchemy"] = None
        sys.modules["psycopg"] = None
        import bms_desktop.gui.widgets.seat_map
        print("gui without SQLAlchemy: ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert "gui without SQLAlchemy: ok" in result.stdout
