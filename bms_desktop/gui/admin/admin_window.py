"""The admin console: a left-hand list of areas and one page per area.

Built from ``areas.AREA_CLASSES`` (only the areas the signed-in role may see). Each page is an
``AdminAreaWidget``; when one saves something (``data_changed``) the other pages are marked stale
(they reload when shown next) and the first-run checklist asks the services again.

``open_admin_window(box, ctx, runner, parent)`` is what the counter window's Admin menu calls;
``bms-desktop admin`` goes through ``launch_admin`` (``gui/admin/launch.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import PermissionDenied
from bms_desktop.domain.model import Role
from bms_desktop.gui.admin.area_base import AdminAreaWidget
from bms_desktop.gui.admin.checklist import SetupChecklistWidget
from bms_desktop.gui.theme import app_icon
from bms_desktop.gui.workers import TaskRunner
from bms_desktop.services.context import BoxOffice, CounterContext

AreaKeyRole = Qt.ItemDataRole.UserRole + 1


class AdminWindow(QMainWindow):
    """Signals:
    closed(): the window closed.
    area_shown(str): the area with this key became the current page.
    """

    closed = Signal()
    area_shown = Signal(str)

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
        *,
        show_checklist: bool | None = False,
        area_classes: Sequence[type[AdminAreaWidget]] | None = None,
        db_label: str = "",
    ) -> None:
        super().__init__(parent)
        if not ctx.role.at_least(Role.SUPERVISOR):
            raise PermissionDenied(
                f"the admin console needs an administrator; {ctx.username} is a "
                f"{ctx.role.value.lower()}"
            )
        self.box = box
        self.ctx = ctx
        # Its own runner by default: nothing it submits outlives the window's widgets.
        self.runner = runner if runner is not None else TaskRunner(self, max_threads=2)
        self.setObjectName("adminWindow")
        self.setWindowTitle(
            f"Admin console · {ctx.username}" + (f" · {db_label}" if db_label else "")
        )
        self.setWindowIcon(app_icon())
        if parent is not None:
            self.setWindowFlag(Qt.WindowType.Window, True)

        if area_classes is None:
            from bms_desktop.gui.admin.areas import AREA_CLASSES

            area_classes = AREA_CLASSES
        visible = [cls for cls in area_classes if ctx.role.at_least(cls.minimum_role)]

        central = QWidget(self)
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        side = QWidget(central)
        side.setObjectName("adminSide")
        side.setProperty("class", "sidePanel")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(10, 12, 10, 12)
        side_layout.setSpacing(10)
        self.area_list = QListWidget(side)
        self.area_list.setObjectName("areaList")
        self.area_list.setFrameShape(QListWidget.Shape.NoFrame)
        self.area_list.setIconSize(QSize(16, 16))
        side_layout.addWidget(self.area_list, 1)
        self.checklist = SetupChecklistWidget(box, self.runner, side)
        self.checklist.area_requested.connect(self._on_checklist_area_requested)
        # None: show it only while the first-run steps are not all done.
        self._auto_checklist = show_checklist is None
        self.checklist.setVisible(bool(show_checklist))
        self.checklist.progress_changed.connect(self._on_checklist_progress_changed)
        side_layout.addWidget(self.checklist)
        side.setFixedWidth(260)
        outer.addWidget(side)

        self.pages = QStackedWidget(central)
        self.pages.setObjectName("areaPages")
        outer.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self._areas: dict[str, AdminAreaWidget] = {}
        for cls in visible:
            area = cls(box, ctx, self.runner, self.pages)
            self._areas[cls.area_key] = area
            self.pages.addWidget(area)
            item = QListWidgetItem(cls.area_title, self.area_list)
            item.setData(AreaKeyRole, cls.area_key)
            area.data_changed.connect(self._on_area_data_changed)
        if not visible:
            empty = QLabel("There is nothing here for your role.", self.pages)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.pages.addWidget(empty)
        self.area_list.currentRowChanged.connect(self._on_area_list_current_row_changed)

        self._build_menu()
        self.statusBar().showMessage(
            f"Signed in as {ctx.username} ({ctx.role.value.lower()}) at {ctx.counter}"
        )
        self.resize(1280, 760)
        self.setMinimumSize(1000, 600)
        if visible:
            self.area_list.setCurrentRow(0)
        if show_checklist or show_checklist is None:
            self.checklist.refresh()

    # ------------------------------------------------------------------ building

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Console")
        self.refresh_action = QAction("&Reload this page", self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.triggered.connect(self._on_refresh_action_triggered)
        menu.addAction(self.refresh_action)
        self.checklist_action = QAction("Show the &getting-started checklist", self)
        self.checklist_action.setCheckable(True)
        self.checklist_action.setChecked(self.checklist.isVisibleTo(self) or False)
        self.checklist_action.toggled.connect(self.set_checklist_visible)
        menu.addAction(self.checklist_action)
        menu.addSeparator()
        close = QAction("&Close", self)
        close.setShortcut(QKeySequence(QKeySequence.StandardKey.Close))
        close.triggered.connect(self.close)
        menu.addAction(close)

    def show_fitted(self) -> None:
        """Show the window at a size that fits the screen: maximised on a small screen
        (1366 x 768), 1280 x 800 on a larger one."""
        screen = self.screen()
        available = screen.availableGeometry() if screen is not None else None
        if available is not None and (available.height() < 860 or available.width() < 1400):
            self.showMaximized()
            return
        if available is not None:
            self.resize(min(1280, available.width() - 40), min(800, available.height() - 60))
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())
        self.show()

    # ------------------------------------------------------------------ queries

    def area_keys(self) -> list[str]:
        return list(self._areas)

    def area(self, key: str) -> AdminAreaWidget:
        return self._areas[key]

    def current_area(self) -> AdminAreaWidget | None:
        page = self.pages.currentWidget()
        return page if isinstance(page, AdminAreaWidget) else None

    # ------------------------------------------------------------------ actions

    def show_area(self, key: str) -> AdminAreaWidget | None:
        """Make the area with this key the current page (None when this role has no such
        area, e.g. staff for a supervisor, or an area not built yet)."""
        for row in range(self.area_list.count()):
            if self.area_list.item(row).data(AreaKeyRole) == key:
                self.area_list.setCurrentRow(row)
                return self._areas[key]
        return None

    @Slot(bool)
    def set_checklist_visible(self, visible: bool) -> None:
        self.checklist.setVisible(visible)
        if visible:
            self.checklist.refresh()
        if self.checklist_action.isChecked() != visible:
            self.checklist_action.setChecked(visible)

    # ------------------------------------------------------------------ slots

    @Slot(int)
    def _on_area_list_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = self.area_list.item(row).data(AreaKeyRole)
        area = self._areas[key]
        self.pages.setCurrentWidget(area)
        if area.stale:
            area.refresh()
        self.area_shown.emit(key)

    @Slot()
    def _on_area_data_changed(self) -> None:
        sender = self.sender()
        for area in self._areas.values():
            if area is not sender:
                area.mark_stale()
        if self.checklist.isVisibleTo(self):
            self.checklist.refresh()

    def _on_checklist_progress_changed(self, progress: object) -> None:
        if self._auto_checklist:
            self._auto_checklist = False
            done = bool(getattr(progress, "done", True))
            self.set_checklist_visible(not done)

    @Slot(str)
    def _on_checklist_area_requested(self, key: str) -> None:
        if self.show_area(key) is None:
            self.statusBar().showMessage("That part of the console is not available yet.", 5000)

    @Slot()
    def _on_refresh_action_triggered(self) -> None:
        area = self.current_area()
        if area is not None:
            area.refresh()
        if self.checklist.isVisibleTo(self):
            self.checklist.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


def open_admin_window(
    box: BoxOffice,
    ctx: CounterContext,
    runner: TaskRunner | None,
    parent: QWidget | None = None,
    *,
    show_checklist: bool | None = None,
) -> AdminWindow:
    """Open the admin console for a signed-in administrator (the counter window's Admin menu).
    PermissionDenied for a clerk. The window deletes itself when closed.

    ``runner`` is accepted for symmetry with the areas, but the console runs its work on a
    runner of its own (a child of the window), so that no answer arrives for a page that was
    closed and deleted meanwhile."""
    del runner
    window = AdminWindow(box, ctx, None, parent, show_checklist=show_checklist)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    window.show_fitted()
    window.raise_()
    window.activateWindow()
    return window


__all__ = ["AdminWindow", "open_admin_window"]
