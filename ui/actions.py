"""Making a menu action: text, what it does, its shortcut and status tip."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def make_action(parent: QObject, text: str, slot: Callable[[], Any], shortcut: Any = None,
                tip: str = "", *, add_to: QWidget | None = None) -> QAction:
    """A QAction that calls ``slot()``; ``add_to`` makes its shortcut work in that widget."""
    a = QAction(text, parent)
    if isinstance(shortcut, QKeySequence.StandardKey):
        a.setShortcuts(shortcut)  # every key the platform binds to it (Redo: Ctrl+Y too)
    elif shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    if tip:
        a.setStatusTip(tip)
    a.triggered.connect(lambda _checked=False: slot())
    if add_to is not None:
        add_to.addAction(a)
    return a
