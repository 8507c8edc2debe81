"""The base of every per-record dialog of the admin console.

A dialog ``load()``s a record (a DTO, or None for a new one) into its widgets, ``save()``s the
widgets through a service (off the GUI thread, with a busy indicator when it takes a moment)
and returns what the service returned; ``ask()`` is the classmethod callers use and tests
replace. A refusal never closes the dialog and never clears what the user typed: a
``ValidationError`` is shown beside the field it names (``error.field``), any other domain error
in the message line above the buttons.

Subclasses build their form in ``build_form(body)``, by hand with ``add_row`` or from a Designer
form (``setupUi(body)``) followed by ``attach_field`` for each field the services may name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from bms_desktop.domain.errors import DomainError, ValidationError
from bms_desktop.gui.dialogs.common import (
    DialogHeader,
    MessageLabel,
    footer_buttons,
    run_in_background,
    separator,
)
from bms_desktop.services.context import BoxOffice, CounterContext

T = TypeVar("T")
D = TypeVar("D", bound="RecordDialog")


class FieldError(QLabel):
    """The message shown beside one field (hidden while the field is fine)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setProperty("class", "fieldError")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.hide()

    def heightForWidth(self, width: int) -> int:
        return super().heightForWidth(max(width, 380))


def _layout_contains(layout: QLayout, widget: QWidget) -> bool:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        if item is None:
            continue
        if item.widget() is widget:
            return True
        inner = item.layout()
        if inner is not None and _layout_contains(inner, widget):
            return True
        w = item.widget()
        if w is not None and w.isAncestorOf(widget):
            return True
    return False


def _holds(item: QLayoutItem, widget: QWidget) -> bool:
    inner = item.layout()
    return item.widget() is widget or (inner is not None and _layout_contains(inner, widget))


def _find_form_row(root: QLayout, widget: QWidget) -> tuple[QLayout, int] | None:
    """The QFormLayout / QGridLayout under ``root`` whose row holds ``widget``, and the row."""
    if isinstance(root, QFormLayout):
        for row in range(root.rowCount()):
            item = root.itemAt(row, QFormLayout.ItemRole.FieldRole) or root.itemAt(
                row, QFormLayout.ItemRole.SpanningRole
            )
            if item is None:
                continue
            if _holds(item, widget):
                return root, row
            w = item.widget()
            w_layout = w.layout() if w is not None else None
            if w is not None and w_layout is not None and w.isAncestorOf(widget):
                found = _find_form_row(w_layout, widget)
                return found if found is not None else (root, row)
    if isinstance(root, QGridLayout):
        for i in range(root.count()):
            item = root.itemAt(i)
            if item is not None and _holds(item, widget):
                position = root.getItemPosition(i)
                return root, int(position[0])  # type: ignore[index]
    for i in range(root.count()):
        item = root.itemAt(i)
        if item is None:
            continue
        inner = item.layout()
        child = item.widget()
        if inner is None and child is not None:
            inner = child.layout()
        if inner is not None:
            found = _find_form_row(inner, widget)
            if found is not None:
                return found
    return None


class RecordDialog(QDialog):
    """Header, a form, a message line, Cancel + the primary button. See the module docstring.

    Class attributes: ``title`` (new record), ``edit_title`` (existing one), ``primary_text``.
    After ``exec()``, ``result_value`` holds what ``save()`` returned.
    """

    title: ClassVar[str] = "New record"
    edit_title: ClassVar[str] = "Edit record"
    subtitle: ClassVar[str] = ""
    primary_text: ClassVar[str] = "Save"

    def __init__(
        self,
        box: BoxOffice,
        ctx: CounterContext,
        record: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.box = box
        self.ctx = ctx
        self.record = record
        self.result_value: Any = None
        self._fields: dict[str, tuple[QWidget, FieldError]] = {}
        self.setModal(True)
        self.setObjectName(type(self).__name__[0].lower() + type(self).__name__[1:])
        self.setWindowTitle(self.edit_title if record is not None else self.title)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = DialogHeader(
            self.edit_title if record is not None else self.title, self.subtitle, self
        )
        outer.addWidget(self.header)
        self.body = QWidget(self)
        self.body.setObjectName("recordBody")
        outer.addWidget(self.body, 1)
        self.message = MessageLabel(self)
        message_box = QVBoxLayout()
        message_box.setContentsMargins(20, 0, 20, 8)
        message_box.addWidget(self.message)
        outer.addLayout(message_box)
        outer.addWidget(separator(self))
        buttons, self.cancel_button, self.save_button = footer_buttons(
            self, self.primary_text, "saveButton", self._on_save_button_clicked
        )
        self.footer = buttons
        outer.addLayout(buttons)
        self.build_form(self.body)
        self.load(record)

    # ------------------------------------------------------------------ for subclasses

    def build_form(self, body: QWidget) -> None:
        """Build the widgets into ``body`` (default: an empty form layout in ``self.form``)."""
        self.form = self.make_form(body)

    def make_form(self, body: QWidget) -> QFormLayout:
        form = QFormLayout(body)
        form.setContentsMargins(20, 16, 20, 8)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        return form

    def add_row(
        self,
        form: QFormLayout,
        label: str,
        widget: QWidget | QLayout,
        *,
        field: str | None = None,
        aliases: Iterable[str] = (),
        focus: QWidget | None = None,
    ) -> None:
        """A labelled row and, when ``field`` is given, the error line under it."""
        if isinstance(widget, QLayout):
            form.addRow(label, widget)
        else:
            form.addRow(label, widget)
        if field is not None:
            target = focus if focus is not None else widget
            assert isinstance(target, QWidget)
            self.attach_field(field, target, aliases=aliases)

    def attach_field(
        self, name: str, widget: QWidget, *, aliases: Iterable[str] = ()
    ) -> FieldError:
        """Let errors about ``name`` (and ``aliases``) show beside ``widget``: an error line is
        inserted under the widget's row of its form."""
        error = FieldError(self.body)
        error.setObjectName(f"{name}Error")
        layout = self.body.layout()
        placed = False
        if layout is not None:
            found = _find_form_row(layout, widget)
            if isinstance(found, tuple):
                container, row = found
                if isinstance(container, QFormLayout):
                    container.insertRow(row + 1, "", error)
                    placed = True
                elif isinstance(container, QGridLayout):
                    container.addWidget(error, row, container.columnCount())
                    placed = True
        if not placed and layout is not None:
            layout.addWidget(error)
        for key in (name, *aliases):
            self._fields[key] = (widget, error)
        return error

    def load(self, record: Any) -> None:
        """Record -> widgets (``None``: a new record)."""

    def save(self) -> Any:
        """Widgets -> service call; returns what the service returned. Raises DomainError."""
        raise NotImplementedError

    def run_service(self, label: str, work: Callable[[], T]) -> T:
        """Run a service call off the GUI thread (a busy indicator after 300 ms)."""
        return run_in_background(self, label, work)

    # ------------------------------------------------------------------ errors

    def field_names(self) -> list[str]:
        return list(self._fields)

    def field_error(self, name: str) -> str:
        """The message shown beside the field (empty when none)."""
        entry = self._fields.get(name)
        if entry is None or entry[1].isHidden():
            return ""
        return entry[1].text()

    def clear_errors(self) -> None:
        for widget, error in self._fields.values():
            error.clear()
            error.hide()
            widget.setProperty("invalid", False)
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        self.message.clear_message()

    def show_error(self, error: DomainError) -> None:
        """A ValidationError beside its field (focused); anything else in the message line.
        What the user typed stays as it was."""
        field = error.field if isinstance(error, ValidationError) else None
        entry = self._fields.get(field or "")
        if entry is None:
            self.message.show_error(error.message)
            return
        widget, label = entry
        text = error.message.strip()
        label.setText(text[:1].upper() + text[1:] if text else text)
        # A word-wrapped label asks for several lines; wrap only what cannot fit on one.
        label.setWordWrap(label.fontMetrics().horizontalAdvance(text) > max(widget.width(), 380))
        label.show()
        widget.setProperty("invalid", True)
        widget.style().unpolish(widget)
        widget.style().polish(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()
        self.message.clear_message()
        self.make_room()

    def make_room(self) -> None:
        """Grow the dialog so that a message that appeared does not squeeze the form (a
        top-level window does not grow by itself). Never shrinks it."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        body_layout = self.body.layout()
        if body_layout is not None:
            body_layout.activate()
        layout.activate()
        needed = max(self.minimumSizeHint().height(), layout.totalSizeHint().height())
        if layout.hasHeightForWidth():
            needed = max(needed, layout.totalHeightForWidth(self.width()))
        if needed > self.height():
            self.resize(self.width(), needed)

    # ------------------------------------------------------------------ acting

    def submit(self) -> bool:
        """Save; on success keep the result and accept. False (dialog stays open) on a refusal."""
        self.clear_errors()
        try:
            self.result_value = self.save()
        except DomainError as exc:
            self.show_error(exc)
            return False
        self.accept()
        return True

    @Slot()
    def _on_save_button_clicked(self) -> None:
        self.submit()

    @classmethod
    def ask(
        cls,
        box: BoxOffice,
        ctx: CounterContext,
        record: Any = None,
        parent: QWidget | None = None,
        **kwargs: Any,
    ) -> Any:
        """Open the dialog; what ``save()`` returned, or None when cancelled."""
        dialog = cls(box, ctx, record, parent, **kwargs)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_value
            return None
        finally:
            dialog.deleteLater()


def combo_select_data(combo: QComboBox, value: object) -> bool:
    """Select the item whose data is ``value``; False when there is none."""
    for i in range(combo.count()):
        if combo.itemData(i) == value:
            combo.setCurrentIndex(i)
            return True
    return False


def is_text_input(widget: QWidget) -> bool:
    return isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox)


__all__ = ["FieldError", "RecordDialog", "combo_select_data"]
