"""Undoable edits of the letter's fields: ``store.update_inspection`` and back."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from ui.undo import Runner, StoreCommand

if TYPE_CHECKING:
    from fieldwork.model import Changes
    from fieldwork.store import Store

_LETTER_ID = 61
#: Typing in one field merges into one undo step while pauses stay shorter than this.
MERGE_SECONDS = 30.0

#: How a field is named in the Edit menu ("Undo Edit recipient").
LABELS = {
    "statutory_basis": "statutory basis", "fieldwork_dates": "fieldwork dates",
    "letter_date": "letter date", "summary": "summary sentence",
    "evidence_statement": "evidence statement", "copies": "copy list",
}


class EditLetter(StoreCommand):
    """A change to some of the letter's fields (top-level keys of ``inspection.fields``).

    ``before`` holds each key's stored value (None when it was unset), ``after`` the new
    one (None removes the key, as "Use generated" does).
    """

    def __init__(self, run: Runner, before: dict[str, Any], after: dict[str, Any]) -> None:
        super().__init__(_label(after), run)
        self.before = dict(before)
        self.after = dict(after)
        self.touched = time.monotonic()

    def id(self) -> int:
        return _LETTER_ID

    def apply(self, store: Store) -> Changes:
        return store.update_inspection(self.after)

    def revert(self, store: Store) -> Changes:
        return store.update_inspection(self.before)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            isinstance(other, EditLetter)
            and set(other.after) == set(self.after)
            and time.monotonic() - self.touched <= MERGE_SECONDS
        ):
            self.after = dict(other.after)
            self.touched = time.monotonic()
            return True
        return False


def _label(after: dict[str, Any]) -> str:
    if len(after) != 1:
        return "Edit letter"
    (key,) = after
    return f"Edit {LABELS.get(key, key.replace('_', ' '))}"
