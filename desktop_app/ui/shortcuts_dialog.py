"""Help > Keyboard shortcuts: every key of the window's menus, plus the keys of the transcript
table and its text editor that have no menu entry.

The list is read from the menus when the dialog opens, so it cannot drift from the real
bindings. GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _fixed_keys() -> list[tuple[str, str]]:
    translate = QCoreApplication.translate
    return [
        (translate("ShortcutsDialog", "Play/pause (in the transcript, not editing)"), "Space"),
        (translate("ShortcutsDialog", "Play from the selected segment"), "Enter"),
        (translate("ShortcutsDialog", "Edit the segment's text"), "F2"),
        (translate("ShortcutsDialog", "While editing: save / cancel"), "Enter / Esc"),
        (translate("ShortcutsDialog", "While editing: split at the cursor"), "Ctrl+Enter"),
        (
            translate("ShortcutsDialog", "While editing: merge with the previous segment"),
            translate("ShortcutsDialog", "Ctrl+Backspace at the start"),
        ),
        (translate("ShortcutsDialog", "Timeline: zoom in / out / fit"), "Ctrl+wheel, + / - / 0"),
    ]


def shortcut_rows(menu_actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """``(what, keys)`` for every action with a shortcut under ``menu_actions`` (menu bar
    entries), then the fixed keys."""
    rows: list[tuple[str, str]] = []

    def walk(actions: Iterable[QAction]) -> None:
        for item in actions:
            menu = item.menu()
            if isinstance(menu, QMenu):
                walk(menu.actions())
                continue
            keys = [
                k.toString(QKeySequence.SequenceFormat.NativeText)
                for k in item.shortcuts()
                if not k.isEmpty()
            ]
            if keys and item.text():
                rows.append((item.text().replace("&", ""), ", ".join(keys)))

    walk(menu_actions)
    return rows + _fixed_keys()


def show_shortcuts_dialog(parent: QWidget, menu_actions: Iterable[QAction]) -> QDialog:
    """Open (non-modal) a table of the keyboard shortcuts; returns the dialog."""
    rows = shortcut_rows(menu_actions)
    dialog = QDialog(parent)
    dialog.setWindowTitle(QCoreApplication.translate("ShortcutsDialog", "Keyboard shortcuts"))
    table = QTableWidget(len(rows), 2, dialog)
    table.setHorizontalHeaderLabels(
        [
            QCoreApplication.translate("ShortcutsDialog", "Action"),
            QCoreApplication.translate("ShortcutsDialog", "Keys"),
        ]
    )
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for row, (what, keys) in enumerate(rows):
        table.setItem(row, 0, QTableWidgetItem(what))
        table.setItem(row, 1, QTableWidgetItem(keys))
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(table)
    layout.addWidget(buttons)
    dialog.resize(560, 520)
    dialog.open()
    return dialog
