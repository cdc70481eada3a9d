"""A refused pack, said plainly: what was not done, the library's one-line reason, and that
nothing changed."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from fieldwork.errors import FieldworkError
from ui import errors


def show_refusal(parent: QWidget | None, title: str, err: FieldworkError,
                 consequence: str) -> None:
    """A modal warning: ``title`` (e.g. "The packs were not merged"), the reason, and
    ``consequence`` (e.g. "Nothing was changed")."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, title, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("packRefusedDialog")
    box.setInformativeText(f"{err}\n\n{consequence}")
    errors._exec(box)  # the one place modal boxes are shown (tests record them instead)
