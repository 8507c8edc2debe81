"""Undoable edits of a ``LayoutModel`` (one ``QUndoCommand`` per stroke, rename or generation)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QUndoCommand

from bms_desktop.gui.admin.layout_editor.model import (
    Cell,
    LayoutModel,
    LayoutState,
    Pos,
    RowSetting,
)


class CellsCommand(QUndoCommand):
    """Set some cells; undo puts back what they were."""

    def __init__(
        self,
        model: LayoutModel,
        after: Mapping[Pos, Cell | None],
        text: str,
    ) -> None:
        super().__init__(text)
        self._model = model
        self._before = {pos: model.cell(pos) for pos in after}
        self._after = dict(after)

    def is_empty(self) -> bool:
        return self._before == self._after

    def redo(self) -> None:
        self._model.apply(self._after)

    def undo(self) -> None:
        self._model.apply(self._before)


class RowCommand(QUndoCommand):
    """Rename or renumber one row."""

    def __init__(self, model: LayoutModel, row: int, setting: RowSetting, text: str) -> None:
        super().__init__(text)
        self._model = model
        self._row = row
        self._before = model.row_settings.get(row, RowSetting())
        self._after = setting

    def redo(self) -> None:
        self._model.set_row(self._row, self._after)

    def undo(self) -> None:
        self._model.set_row(self._row, self._before)


class StateCommand(QUndoCommand):
    """Replace everything (generate, import text, resize the grid)."""

    def __init__(self, model: LayoutModel, after: LayoutState, text: str) -> None:
        super().__init__(text)
        self._model = model
        self._before = model.state()
        self._after = after

    def redo(self) -> None:
        self._model.set_state(self._after)

    def undo(self) -> None:
        self._model.set_state(self._before)
