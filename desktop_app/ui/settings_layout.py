"""Layout helpers shared by the Settings dialog's pages: a page heading, and form labels of one
width across a page's groups so the fields line up."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget


def page_title(text: str) -> QLabel:
    """A page's heading: the page's name, larger and bold."""
    title = QLabel(text)
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.25)
    font.setBold(True)
    title.setFont(font)
    return title


def align_form_labels(page: QWidget) -> None:
    """Give the labels of every form on ``page`` one width, so fields line up across groups."""
    labels: list[QLabel] = []
    for form in page.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel):
                labels.append(label)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)
