"""Expected errors shown as clear dialogs: a title, one sentence, and what to do next.

Only :class:`fieldwork.errors.FieldworkError` is handled here; anything else is a bug and is
reported by the application's exception hook (see :mod:`ui.app`).
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from fieldwork.errors import (
    Damaged,
    DiskFull,
    FieldworkError,
    FileLocked,
    InvalidValue,
    LetterFrozen,
    NewerSchema,
    NotAnInspection,
    NotFound,
    ReadOnly,
)
from fieldwork.files import ProtectedFile

#: (title, advice) for each kind of expected error, most specific first.
_ADVICE: tuple[tuple[type[FieldworkError], str, str], ...] = (
    (FileLocked, "The inspection file is locked",
     "Another program is using the file. Close it there, then try again. "
     "Nothing you typed has been lost."),
    (ReadOnly, "The inspection file is read-only",
     "Fieldwork cannot write to this file or its folder. Use File ▸ Save a Copy to keep "
     "working in a folder you can write to."),
    (DiskFull, "The disk is full",
     "The last change was not saved. Free some space; your text stays on screen and is "
     "saved again when you next type or leave the field."),
    (NewerSchema, "Made by a newer Fieldwork",
     "This file was written by a newer version of Fieldwork. Update Fieldwork to open it; "
     "the file has not been changed."),
    (NotAnInspection, "Not an inspection file",
     "Choose a .fieldwork file made by Fieldwork."),
    (LetterFrozen, "The letter has been issued",
     "An issued letter is frozen: its fields and findings cannot change. To change them, "
     "choose Letter ▸ Reopen for Re-issue…; the issued letter stays on record."),
    (Damaged, "The inspection file is damaged",
     "SQLite reports the file as damaged, and Fieldwork has not changed it. Open a copy "
     "of it, or join again from a teammate's pack."),
    (ProtectedFile, "Fieldwork will not write over that file",
     "It holds evidence: an inspection file, a pack, or part of the file you are writing "
     "from. Choose another name."),
    (NotFound, "No longer there",
     "It may have been deleted, perhaps in a merged pack."),
    (InvalidValue, "That cannot be saved", ""),
)


def describe(err: FieldworkError) -> tuple[str, str]:
    """The dialog's title and text for an expected error."""
    for kind, title, advice in _ADVICE:
        if isinstance(err, kind):
            detail = str(err)
            return title, f"{advice}\n\n{detail}".strip() if advice else detail
    return "Fieldwork could not do that", str(err)


def show_error(parent: QWidget | None, err: FieldworkError) -> None:
    """A modal warning for one expected error."""
    title, text = describe(err)
    box = QMessageBox(QMessageBox.Icon.Warning, title, title, QMessageBox.StandardButton.Ok,
                      parent)
    box.setInformativeText(text)
    box.setObjectName("errorDialog")
    _exec(box)


def _exec(box: QMessageBox) -> None:
    """Show the box modally (tests replace this to record instead)."""
    box.exec()
