"""The application object, its icon, fonts and style sheets.

Style sheets live in ``resources/styles/*.qss`` and are applied in file-name order (``10-base.qss``
first), so a later file can refine an earlier one. The vocabulary of object names and dynamic
properties that widgets use to pick a style (``QPushButton[role="primary"]``,
``QLabel[class="muted"]``, ``QFrame#conflictBanner``...) is documented at the top of
``10-base.qss``. Resources are found through ``bms_desktop.paths.resources_dir()``, which also
works in a PyInstaller bundle; icons are reachable as ``icons:name.svg`` through a ``QDir`` search
path.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QDir, Qt
from PySide6.QtGui import QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from bms_desktop import APP_NAME, __version__
from bms_desktop.gui import gc_guard
from bms_desktop.paths import resources_dir

ORGANISATION = "bms-desktop"
UI_FONT_FAMILIES = ["Segoe UI", "Inter", "Noto Sans", "Cantarell", "DejaVu Sans", "Arial"]
UI_FONT_POINTS = 10.0


def styles_dir() -> Path:
    return resources_dir() / "styles"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def _add_search_paths() -> None:
    """``icons:name.svg`` and ``styles:arrows/chevron-down.svg`` (what the style sheets use)."""
    for prefix, folder in (("icons", icons_dir()), ("styles", styles_dir())):
        if str(folder) not in QDir.searchPaths(prefix):
            QDir.addSearchPath(prefix, str(folder))


def load_style_sheet() -> str:
    """Every ``resources/styles/*.qss``, concatenated in file-name order. Images in them are
    named ``styles:...`` (found in ``resources/styles``, in a frozen bundle too)."""
    _add_search_paths()
    folder = styles_dir()
    parts = [
        f"/* ---- {path.name} ---- */\n{path.read_text(encoding='utf-8')}"
        for path in sorted(folder.glob("*.qss"))
    ]
    return "\n".join(parts)


def app_icon() -> QIcon:
    return QIcon(str(icons_dir() / "app.svg"))


def ui_font() -> QFont:
    font = QFont()
    font.setFamilies(UI_FONT_FAMILIES)
    font.setPointSizeF(UI_FONT_POINTS)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


def apply_theme(app: QApplication) -> None:
    """Style, font, icon and style sheets for the whole application."""
    _add_search_paths()
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setFont(ui_font())
    app.setWindowIcon(app_icon())
    app.setStyleSheet(load_style_sheet())


def ensure_application(argv: list[str] | None = None) -> tuple[QApplication, bool]:
    """The QApplication, created (with name, organisation and high-DPI policy) if there is none
    yet. Returns it and whether this call created it."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing, False
    if existing is not None:  # a QCoreApplication/QGuiApplication: cannot host widgets
        raise RuntimeError("a non-widget Qt application already exists in this process")
    # Fractional scale factors (125 %, 150 %) as they are: crisp text, no rounding up to 200 %.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setOrganizationName(ORGANISATION)
    QApplication.setDesktopFileName(APP_NAME)
    app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    gc_guard.install(app)  # garbage collection on this (the GUI) thread only
    return app, True


def set_style_property(widget: QWidget, name: str, value: object) -> None:
    """Set a dynamic property that a style sheet selects on, and re-apply the style at once
    (Qt does not re-evaluate property selectors by itself)."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
