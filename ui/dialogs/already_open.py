"""The question asked when a file is open for writing in another app or window."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from fieldwork.lock import AlreadyOpen

OPEN_READ_ONLY = "Open &Read-Only"


def ask_open_read_only(parent: QWidget | None, err: AlreadyOpen) -> bool:
    """Say who has the file and where; True if the user chose to open it read-only."""
    here = err.holder is not None and err.holder.here
    box = QMessageBox(QMessageBox.Icon.Information, "Already Open", f"{err}.",
                      QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName("alreadyOpenDialog")
    box.setInformativeText(
        ("Only one window can change an inspection at a time, so that nothing is lost. "
         if here else
         "Only one copy of Fieldwork can change an inspection at a time, so that nothing "
         "is lost. ")
        + "You can open it read-only here: the changes made there appear within a few "
        "seconds, but you cannot make your own.")
    read_only = box.addButton(OPEN_READ_ONLY, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(read_only)
    return _exec(box) is read_only


def _exec(box: QMessageBox) -> QAbstractButton | None:
    """Show the box modally; the button chosen (tests replace this to answer instead)."""
    box.exec()
    return box.clickedButton()
