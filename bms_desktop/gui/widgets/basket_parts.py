"""Small pieces of the basket's layout."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QWidget

from bms_desktop.gui.widgets.basket_text import COLOUR_MUTED


def section_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    label.setStyleSheet(f"color: {COLOUR_MUTED};")
    return label


def hline(parent: QWidget) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Plain)
    line.setStyleSheet("color: #DADDE1;")
    return line


__all__ = ["hline", "section_label"]
