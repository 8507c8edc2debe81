"""The seat-layout editor: generate rows x seats with aisles and cross aisles, paint seat types
with the mouse (drag a rectangle to paint a range, right-drag to erase), mark wheelchair spaces,
companion seats and blocked seats, rename and renumber rows, undo / redo, import or copy the
layout as text (the format of ``domain.layouts``), and preview it at real scale in the clerks'
seat map. ``ask()`` returns the seats (``LayoutSeat``s), checked, or None when cancelled; the
caller saves them through ``services.admin.screens``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import (
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPixmap,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.admin.layout_editor.canvas import BOTTOM as CANVAS_BOTTOM
from bms_desktop.gui.admin.layout_editor.canvas import LEFT as CANVAS_LEFT
from bms_desktop.gui.admin.layout_editor.canvas import RIGHT as CANVAS_RIGHT
from bms_desktop.gui.admin.layout_editor.canvas import TOP as CANVAS_TOP
from bms_desktop.gui.admin.layout_editor.canvas import LayoutCanvas
from bms_desktop.gui.admin.layout_editor.commands import CellsCommand, RowCommand, StateCommand
from bms_desktop.gui.admin.layout_editor.model import (
    MAX_ROWS,
    Cell,
    GenerateSpec,
    LayoutModel,
    LayoutState,
    Pos,
    RowSetting,
    generate,
    parse_blocks,
    parse_row_numbers,
)
from bms_desktop.gui.admin.layout_editor.preview import LayoutPreviewDialog, preview_seat_map
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    separator,
    styled_button,
    styled_label,
)
from bms_desktop.gui.widgets.seat_style import (
    SeatVisual,
    paint_accessible_marker,
    paint_companion_marker,
    paint_seat,
)
from bms_desktop.services.admin.dto import LayoutSeat, ScreenLayout, SeatTypeChoice
from bms_desktop.services.admin.screens import type_codes, validate_layout

FLAG_TOOLS = ("accessible", "companion", "blocked")
GAP_TOOL = "gap"
MAX_COLS = 200


def _swatch(kind: str, seat_type: str | None) -> QIcon:
    pixmap = QPixmap(36, 36)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    rect = QRectF(3, 3, 30, 30)
    if kind == GAP_TOOL:
        painter.setPen(Qt.PenStyle.DashLine)
        painter.drawRoundedRect(rect.adjusted(2, 2, -2, -2), 5, 5)
    elif kind == "blocked":
        paint_seat(painter, rect, SeatVisual.BLOCKED, None)
    else:
        paint_seat(painter, rect, SeatVisual.AVAILABLE, seat_type)
        if kind == "accessible":
            paint_accessible_marker(painter, rect)
        elif kind == "companion":
            paint_companion_marker(painter, rect)
    painter.end()
    return QIcon(pixmap)


class LayoutEditorDialog(QDialog):
    """See the module docstring."""

    def __init__(
        self,
        layout: ScreenLayout,
        parent: QWidget | None = None,
        *,
        cinema_name: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("layoutEditorDialog")
        self.setWindowTitle(f"Seat layout · {layout.name or 'new screen'}")
        self.layout_dto = layout
        self.cinema_name = cinema_name
        self.seat_types: list[SeatTypeChoice] = sorted(
            (t for t in layout.seat_types if t.active), key=lambda t: (t.rank, t.code)
        )
        self.model = LayoutModel(self)
        self.undo_stack = QUndoStack(self)
        self.tool: tuple[str, str | None] = (
            ("type", self.seat_types[0].code) if self.seat_types else (GAP_TOOL, None)
        )
        self.result_seats: list[LayoutSeat] | None = None
        self._fitted = False
        self._build()
        self.load(layout)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        title = f"Seat layout of {self.layout_dto.name}" if self.layout_dto.name else "Seat layout"
        self.header = DialogHeader(
            title,
            "Generate the rows, then paint: drag a rectangle to paint a range with the tool on "
            "the left, right-drag to make gaps. Click a row label to rename or renumber it.",
            self,
        )
        outer.addWidget(self.header)

        gen = QFrame(self)
        gen.setProperty("class", "card")
        gen_layout = QHBoxLayout(gen)
        gen_layout.setContentsMargins(12, 6, 12, 6)
        gen_layout.setSpacing(8)
        self.rows_spin = QSpinBox(gen)
        self.rows_spin.setObjectName("rowsSpin")
        self.rows_spin.setRange(1, MAX_ROWS)
        self.rows_spin.setValue(16)
        self.blocks_edit = QLineEdit("6, 14, 6", gen)
        self.blocks_edit.setObjectName("blocksEdit")
        self.blocks_edit.setToolTip("Seats of each block, left to right; an aisle between blocks")
        self.blocks_edit.setMaximumWidth(110)
        self.aisle_spin = QSpinBox(gen)
        self.aisle_spin.setRange(1, 6)
        self.aisle_spin.setValue(1)
        self.aisle_spin.setToolTip("Width of each aisle, in seats")
        self.cross_edit = QLineEdit("", gen)
        self.cross_edit.setObjectName("crossEdit")
        self.cross_edit.setPlaceholderText("e.g. 8")
        self.cross_edit.setToolTip("A cross aisle (an empty row) after these rows")
        self.cross_edit.setMaximumWidth(80)
        self.type_combo = QComboBox(gen)
        for t in self.seat_types:
            self.type_combo.addItem(_swatch("type", t.code), t.name, t.code)
        self.generate_button = styled_button("Generate", None, gen)
        self.generate_button.setObjectName("generateButton")
        self.generate_button.clicked.connect(self._on_generate_button_clicked)
        for label, widget in (
            ("Rows", self.rows_spin),
            ("Seats per row", self.blocks_edit),
            ("Aisle width", self.aisle_spin),
            ("Cross aisle after row", self.cross_edit),
            ("Type", self.type_combo),
        ):
            gen_layout.addWidget(QLabel(label, gen))
            gen_layout.addWidget(widget)
        gen_layout.addWidget(self.generate_button)
        gen_layout.addStretch(1)
        wrap = QVBoxLayout()
        wrap.setContentsMargins(12, 8, 12, 0)
        wrap.addWidget(gen)
        outer.addLayout(wrap)

        middle = QHBoxLayout()
        middle.setContentsMargins(12, 8, 12, 4)
        middle.setSpacing(10)
        middle.addWidget(self._build_tools(), 0)
        self.canvas = LayoutCanvas(self.model, self)
        self.canvas.stroke_finished.connect(self._on_canvas_stroke_finished)
        self.canvas.hovered.connect(self._on_canvas_hovered)
        self.canvas.row_clicked.connect(self._on_canvas_row_clicked)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("layoutScroll")
        self.scroll_area.setWidget(self.canvas)
        self.scroll_area.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll_area.setWidgetResizable(False)
        middle.addWidget(self.scroll_area, 1)
        middle.addWidget(self._build_side(), 0)
        outer.addLayout(middle, 1)

        status = QHBoxLayout()
        status.setContentsMargins(12, 0, 12, 4)
        self.summary_label = styled_label("", "small", self)
        self.summary_label.setObjectName("layoutSummary")
        self.hover_label = styled_label("", "small", self)
        status.addWidget(self.summary_label, 1)
        status.addWidget(self.hover_label, 0)
        outer.addLayout(status)
        self.message = MessageLabel(self)
        msg = QVBoxLayout()
        msg.setContentsMargins(12, 0, 12, 6)
        msg.addWidget(self.message)
        outer.addLayout(msg)
        outer.addWidget(separator(self))

        footer = QHBoxLayout()
        footer.setContentsMargins(12, 10, 12, 12)
        footer.setSpacing(6)
        self.undo_button = styled_button("Undo", None, self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button = styled_button("Redo", None, self)
        self.redo_button.setObjectName("redoButton")
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda t: self.undo_button.setToolTip(f"Undo {t}" if t else "")
        )
        self.undo_stack.redoTextChanged.connect(
            lambda t: self.redo_button.setToolTip(f"Redo {t}" if t else "")
        )
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        undo_action = self.undo_stack.createUndoAction(self)
        undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        redo_action = self.undo_stack.createRedoAction(self)
        redo_action.setShortcuts(
            [QKeySequence(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        )
        self.addAction(undo_action)
        self.addAction(redo_action)
        zoom_out = styled_button("−", None, self)
        zoom_out.setToolTip("Smaller (Ctrl + wheel)")
        zoom_out.clicked.connect(lambda: self.zoom(-4))
        zoom_in = styled_button("+", None, self)
        zoom_in.setToolTip("Larger (Ctrl + wheel)")
        zoom_in.clicked.connect(lambda: self.zoom(+4))
        self.preview_button = styled_button("Preview at real scale…", None, self)
        self.preview_button.setObjectName("previewButton")
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        cancel = styled_button("Cancel", None, self)
        cancel.clicked.connect(self.reject)
        self.cancel_button = cancel
        self.ok_button = styled_button("Use this layout", "primary", self)
        self.ok_button.setObjectName("useLayoutButton")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        for w in (self.undo_button, self.redo_button, zoom_out, zoom_in, self.preview_button):
            footer.addWidget(w)
        footer.addStretch(1)
        footer.addWidget(cancel)
        footer.addWidget(self.ok_button)
        outer.addLayout(footer)

        self.model.cells_changed.connect(self._update_summary)
        self.model.layout_reset.connect(self._update_summary)
        self.resize(1300, 740)

    def _build_tools(self) -> QWidget:
        panel = QFrame(self)
        panel.setProperty("class", "sidePanel")
        panel.setFixedWidth(190)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(4)
        layout.addWidget(styled_label("Paint", "heading", panel))
        self.tool_group = QButtonGroup(self)
        self.tool_group.setExclusive(True)
        self.tool_buttons: dict[tuple[str, str | None], QPushButton] = {}
        tools: list[tuple[tuple[str, str | None], str, str]] = [
            (("type", t.code), t.name, f"Paint {t.name} seats (a gap becomes a seat)")
            for t in self.seat_types
        ]
        tools += [
            (("accessible", None), "Wheelchair space", "Mark wheelchair spaces (again: unmark)"),
            (("companion", None), "Companion seat", "Mark companion seats (again: unmark)"),
            (("blocked", None), "Blocked", "Not for sale in any show (again: unblock)"),
            ((GAP_TOOL, None), "Gap / aisle", "Remove seats (also: right-drag)"),
        ]
        for i, (tool, text, tip) in enumerate(tools):
            button = QPushButton(_swatch(tool[0], tool[1]), f" {text}", panel)
            button.setCheckable(True)
            button.setProperty("class", "toolButton")
            button.setObjectName(f"tool_{tool[0]}_{tool[1] or ''}".rstrip("_"))
            button.setToolTip(tip + (f"  [{i + 1}]" if i < 9 else ""))
            button.setStyleSheet("text-align: left; padding: 4px 6px;")
            button.setAutoDefault(False)
            if i < 9:
                button.setShortcut(QKeySequence(str(i + 1)))
            button.clicked.connect(lambda _c=False, t=tool: self.set_tool(t))
            self.tool_group.addButton(button)
            self.tool_buttons[tool] = button
            layout.addWidget(button)
        hint = styled_label(
            "Drag to paint a range. Right-drag erases. Ctrl + wheel zooms.", "small", panel
        )
        hint.setWordWrap(True)
        layout.addSpacing(6)
        layout.addWidget(hint)
        layout.addStretch(1)
        return panel

    def _build_side(self) -> QWidget:
        panel = QFrame(self)
        panel.setProperty("class", "sidePanel")
        panel.setFixedWidth(230)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(styled_label("Row", "heading", panel))
        self.row_hint = styled_label("Click a row label on the grid.", "small", panel)
        self.row_hint.setWordWrap(True)
        layout.addWidget(self.row_hint)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        self.row_label_edit = QLineEdit(panel)
        self.row_label_edit.setObjectName("rowLabelEdit")
        self.row_label_edit.setMaxLength(4)
        self.row_label_edit.setPlaceholderText("automatic")
        self.row_first_spin = QSpinBox(panel)
        self.row_first_spin.setObjectName("rowFirstSpin")
        self.row_first_spin.setRange(1, 9999)
        self.row_rtl_check = QCheckBox("Count from the right", panel)
        form.addRow("Label", self.row_label_edit)
        form.addRow("First seat", self.row_first_spin)
        form.addRow(self.row_rtl_check)
        layout.addLayout(form)
        self.row_apply_button = styled_button("Apply to the row", None, panel)
        self.row_apply_button.setObjectName("rowApplyButton")
        self.row_apply_button.clicked.connect(self._on_row_apply_button_clicked)
        layout.addWidget(self.row_apply_button)
        self._set_row_editing(None)

        layout.addSpacing(8)
        layout.addWidget(styled_label("Grid", "heading", panel))
        grid = QGridLayout()
        self.grid_rows_spin = QSpinBox(panel)
        self.grid_rows_spin.setRange(1, MAX_ROWS)
        self.grid_cols_spin = QSpinBox(panel)
        self.grid_cols_spin.setRange(1, MAX_COLS)
        grid.addWidget(QLabel("Rows", panel), 0, 0)
        grid.addWidget(self.grid_rows_spin, 0, 1)
        grid.addWidget(QLabel("Columns", panel), 1, 0)
        grid.addWidget(self.grid_cols_spin, 1, 1)
        layout.addLayout(grid)
        resize = styled_button("Resize the grid", None, panel)
        resize.clicked.connect(self._on_resize_button_clicked)
        layout.addWidget(resize)

        layout.addSpacing(8)
        layout.addWidget(styled_label("As text", "heading", panel))
        import_button = styled_button("Paste a text layout…", None, panel)
        import_button.clicked.connect(self._on_import_button_clicked)
        copy_button = styled_button("Copy as text", None, panel)
        copy_button.clicked.connect(self._on_copy_button_clicked)
        layout.addWidget(import_button)
        layout.addWidget(copy_button)
        layout.addStretch(1)
        return panel

    # ------------------------------------------------------------------ load / result

    def load(self, layout: ScreenLayout) -> None:
        if layout.seats:
            state = LayoutModel.state_from_seats(layout.seats)
            state = replace(state, rows=state.rows + 2, cols=state.cols + 2)
        else:
            state = LayoutState(rows=18, cols=30)
        self.model.set_state(state)
        self.undo_stack.clear()
        self.set_tool(self.tool)
        self._update_summary()

    def seats(self) -> list[LayoutSeat]:
        return self.model.to_seats()

    def save(self) -> list[LayoutSeat]:
        """The seats, checked as the service will check them (ValidationError otherwise)."""
        checked = validate_layout(self.seats(), {t.code: t for t in self.layout_dto.seat_types})
        return list(checked)

    def submit(self) -> bool:
        self.message.clear_message()
        try:
            self.result_seats = self.save()
        except DomainError as exc:
            self.message.show_error(exc.message)
            return False
        self.accept()
        return True

    # ------------------------------------------------------------------ editing

    def set_tool(self, tool: tuple[str, str | None]) -> None:
        self.tool = tool
        button = self.tool_buttons.get(tool)
        if button is not None:
            button.setChecked(True)

    def generate(self, spec: GenerateSpec) -> None:
        state = generate(spec)
        self.undo_stack.push(StateCommand(self.model, state, f"generate {spec.rows} rows"))

    def paint(self, cells: Sequence[Pos], *, erase: bool = False) -> bool:
        """Apply the current tool (or the eraser) to these cells; one undo step. False when
        nothing changed."""
        kind, code = (GAP_TOOL, None) if erase else self.tool
        model = self.model
        after: dict[Pos, Cell | None] = {}
        if kind == GAP_TOOL:
            after = {p: None for p in cells if model.cell(p) is not None}
            text = f"erase {len(after)} seat(s)"
        elif kind == "type":
            assert code is not None
            for p in cells:
                old = model.cell(p)
                new = Cell(code) if old is None else replace(old, seat_type=code)
                if new != old:
                    after[p] = new
            text = f"paint {len(after)} seat(s) {code.title()}"
        else:
            seats = [(p, c) for p in cells if (c := model.cell(p)) is not None]
            turn_on = not all(getattr(c, kind) for _p, c in seats)
            for p, c in seats:
                values: dict[str, Any] = {kind: turn_on}
                if turn_on and kind == "accessible":
                    values["companion"] = False
                if turn_on and kind == "companion":
                    values["accessible"] = False
                new = replace(c, **values)
                if new != c:
                    after[p] = new
            text = f"{'mark' if turn_on else 'unmark'} {len(after)} seat(s) {kind}"
        if not after:
            return False
        self.undo_stack.push(CellsCommand(model, after, text))
        return True

    def set_row(self, row: int, *, label: str, first: int, right_to_left: bool) -> None:
        label = label.strip().upper()
        current = self.model.row_settings.get(row, RowSetting())
        setting = RowSetting(label or None, first, right_to_left, None)
        if setting != current:
            shown = label or self.model.row_labels().get(row, "")
            self.undo_stack.push(RowCommand(self.model, row, setting, f"rename row {shown}"))

    def resize_grid(self, rows: int, cols: int) -> None:
        state = self.model.state()
        cut = [p for p in state.cells if p[0] >= rows or p[1] >= cols]
        if cut:
            self.message.show_warning(
                f"the grid is smaller than the layout: {len(cut)} seat(s) would be cut off; "
                "erase them first"
            )
            return
        self.undo_stack.push(
            StateCommand(self.model, replace(state, rows=rows, cols=cols), "resize the grid")
        )

    def import_text(self, text: str) -> None:
        codes = type_codes(self.layout_dto.seat_types)
        state = LayoutModel.state_from_text(text, codes)
        state = replace(state, rows=state.rows + 2, cols=state.cols + 2)
        self.undo_stack.push(StateCommand(self.model, state, "paste a text layout"))

    def text(self) -> str:
        codes = type_codes(self.layout_dto.seat_types)
        return self.model.to_text(codes)

    def preview_map(self) -> object:
        return preview_seat_map(
            self.seats(),
            self.layout_dto.seat_types,
            screen_name=self.layout_dto.name or "New screen",
            cinema_name=self.cinema_name,
            timezone=self.layout_dto.timezone,
        )

    # ------------------------------------------------------------------ display

    def zoom(self, step: int) -> None:
        self._fitted = True  # the person chose a size: keep it
        self.canvas.set_cell_size(self.canvas.cell + step)

    def fit_to_view(self) -> None:
        """Seats as large as the visible area allows (22 to 34 pixels)."""
        view = self.scroll_area.viewport().size()
        cols, rows = max(1, self.model.cols), max(1, self.model.rows)
        cell = min(
            (view.width() - CANVAS_LEFT - CANVAS_RIGHT) // cols,
            (view.height() - CANVAS_TOP - CANVAS_BOTTOM) // rows,
        )
        self.canvas.set_cell_size(max(22, min(34, cell)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit_to_view()

    def _set_row_editing(self, row: int | None) -> None:
        self.canvas.selected_row = row
        enabled = row is not None
        for w in (
            self.row_label_edit,
            self.row_first_spin,
            self.row_rtl_check,
            self.row_apply_button,
        ):
            w.setEnabled(enabled)
        if row is None:
            self.row_hint.setText("Click a row label on the grid to rename or renumber the row.")
            return
        setting = self.model.row_settings.get(row, RowSetting())
        label = self.model.row_labels().get(row, "")
        count = len(self.model.row_cols(row))
        self.row_hint.setText(f"Row {label}: {count} seats.")
        self.row_label_edit.setText(setting.label or "")
        self.row_label_edit.setPlaceholderText(f"automatic ({label})" if not setting.label else "")
        self.row_first_spin.setValue(setting.first)
        self.row_rtl_check.setChecked(setting.right_to_left)
        self.canvas.update()

    @Slot()
    def _update_summary(self, *_args: object) -> None:
        model = self.model
        counts = model.counts()
        names = {t.code: t.name for t in self.layout_dto.seat_types}
        parts = [f"{names.get(code, code)} {n}" for code, n in sorted(counts.items())]
        flags = (
            f"{model.flag_count('accessible')} wheelchair · {model.flag_count('companion')} "
            f"companion · {model.flag_count('blocked')} blocked"
        )
        self.summary_label.setText(
            f"{model.seat_count()} seats in {len(model.seat_rows())} rows: "
            + (" · ".join(parts) if parts else "none yet")
            + f"  |  {flags}  |  grid {model.rows} x {model.cols}"
        )
        self.grid_rows_spin.setValue(model.rows)
        self.grid_cols_spin.setValue(model.cols)
        if self.canvas.selected_row is not None:
            row = self.canvas.selected_row
            self._set_row_editing(row if row in model.row_labels() else None)

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_generate_button_clicked(self) -> None:
        self.message.clear_message()
        try:
            spec = GenerateSpec(
                rows=self.rows_spin.value(),
                blocks=parse_blocks(self.blocks_edit.text()),
                seat_type=str(self.type_combo.currentData()),
                aisle_width=self.aisle_spin.value(),
                cross_aisles_after=parse_row_numbers(self.cross_edit.text()),
            )
            self.generate(spec)
        except ValidationError as exc:
            self.message.show_error(exc.message)

    @Slot(list, bool)
    def _on_canvas_stroke_finished(self, cells: list[Pos], erase: bool) -> None:
        self.paint(cells, erase=erase)

    @Slot(str)
    def _on_canvas_hovered(self, text: str) -> None:
        self.hover_label.setText(text)

    @Slot(int)
    def _on_canvas_row_clicked(self, row: int) -> None:
        self._set_row_editing(row)
        self.row_label_edit.setFocus()

    @Slot()
    def _on_row_apply_button_clicked(self) -> None:
        row = self.canvas.selected_row
        if row is None:
            return
        label = self.row_label_edit.text().strip().upper()
        if label and not label.isalnum():
            self.message.show_error("a row label is 1 to 4 letters or digits")
            return
        self.message.clear_message()
        self.set_row(
            row,
            label=label,
            first=self.row_first_spin.value(),
            right_to_left=self.row_rtl_check.isChecked(),
        )

    @Slot()
    def _on_resize_button_clicked(self) -> None:
        self.resize_grid(self.grid_rows_spin.value(), self.grid_cols_spin.value())

    @Slot()
    def _on_import_button_clicked(self) -> None:
        codes = type_codes(self.layout_dto.seat_types)
        legend = ", ".join(f"{k} = {v.title()}" for k, v in codes.items())
        text, ok = QInputDialog.getMultiLineText(
            self,
            "Paste a text layout",
            f"One line per row, the screen at the top. {legend}; W wheelchair, c companion, "
            "x blocked; '.' or a space is a gap.",
            "",
        )
        if not ok or not text.strip():
            return
        try:
            self.import_text(text)
            self.message.clear_message()
        except ValidationError as exc:
            self.message.show_error(exc.message)

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        try:
            text = self.text()
        except ValidationError as exc:
            self.message.show_error(exc.message)
            return
        QGuiApplication.clipboard().setText(text)
        self.message.show_info("the layout is on the clipboard as text")

    @Slot()
    def _on_preview_button_clicked(self) -> None:
        if not self.model.seat_count():
            self.message.show_warning("nothing to preview yet: generate or paint some seats")
            return
        LayoutPreviewDialog.ask(self.preview_map(), self)  # type: ignore[arg-type]

    @Slot()
    def _on_ok_button_clicked(self) -> None:
        self.submit()

    @classmethod
    def ask(
        cls, layout: ScreenLayout, parent: QWidget | None = None, *, cinema_name: str = ""
    ) -> list[LayoutSeat] | None:
        dialog = cls(layout, parent, cinema_name=cinema_name)
        try:
            if parent is not None:
                screen = parent.screen().availableGeometry()
                dialog.resize(min(1300, screen.width() - 20), min(740, screen.height() - 40))
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_seats
            return None
        finally:
            dialog.deleteLater()


__all__ = ["LayoutEditorDialog"]
