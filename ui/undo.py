"""Undoable changes: each QUndoCommand runs its store call, and its inverse, on the worker.

A command never touches the store itself. Its redo and undo each hand a
:class:`~ui.operations.CoreOp` to a :data:`Runner` (the window's ``run``), which runs it on
the worker thread and tells every view the returned :class:`~fieldwork.model.Changes`.
Because there is one worker, a command's undo always runs after its redo has finished.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes
from ui.operations import CoreOp

if TYPE_CHECKING:
    from fieldwork.store import Store

#: ``run(op)``: run a change on the worker, then tell every view what it changed.
Runner = Callable[[CoreOp[Any]], None]

_NOTE_ID = 1
#: Typing in one note merges into one undo step while pauses stay shorter than this.
MERGE_SECONDS = 30.0


class StoreCommand(QUndoCommand):
    """A command whose redo and undo are store calls run by a :data:`Runner`."""

    def __init__(self, text: str, run: Runner, initiator: QObject | None = None) -> None:
        super().__init__(text)
        self._run = run
        #: Who made the change (the views are told it with the Changes).
        self.initiator = initiator
        self.on_failure: Callable[[FieldworkError], None] | None = None

    def apply(self, store: Store) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self, store: Store) -> Changes:  # pragma: no cover - abstract
        raise NotImplementedError

    def redo(self) -> None:
        op = CoreOp(self.initiator, self.apply)
        if self.on_failure is not None:
            op.failure(self.on_failure, show_error=True)
        self._run(op)

    def undo(self) -> None:
        self._run(CoreOp(self.initiator, self.revert))


class AddNote(StoreCommand):
    """A new note. Typing that follows merges into it, so one undo takes the whole note away
    (it is a tombstone: redo brings it back)."""

    def __init__(self, run: Runner, note_id: str, fields: dict[str, Any]) -> None:
        super().__init__("New note", run)
        self.note_id = note_id
        self.fields = dict(fields)
        self._created = False
        self.touched = time.monotonic()

    def id(self) -> int:
        return _NOTE_ID

    def apply(self, store: Store) -> Changes:
        if not self._created:
            changes = store.add_note(id=self.note_id, **self.fields)
            self._created = True
            return changes
        changes = store.restore_note(self.note_id)
        return changes | store.edit_note(self.note_id, **_editable(self.fields))

    def revert(self, store: Store) -> Changes:
        return store.delete_note(self.note_id)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if isinstance(other, EditNote) and other.note_id == self.note_id and other.text_only:
            if time.monotonic() - self.touched > MERGE_SECONDS:
                return False
            self.fields.update(other.after)
            self.touched = time.monotonic()
            return True
        return False


class EditNote(StoreCommand):
    """A change to some of a note's fields."""

    def __init__(
        self, run: Runner, note_id: str, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        super().__init__("Edit note", run)
        self.note_id = note_id
        self.before = dict(before)
        self.after = dict(after)
        self.touched = time.monotonic()

    @property
    def text_only(self) -> bool:
        return set(self.after) == {"text"}

    def id(self) -> int:
        return _NOTE_ID

    def apply(self, store: Store) -> Changes:
        return store.edit_note(self.note_id, **self.after)

    def revert(self, store: Store) -> Changes:
        return store.edit_note(self.note_id, **self.before)

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            isinstance(other, EditNote)
            and other.note_id == self.note_id
            and self.text_only
            and other.text_only
            and time.monotonic() - self.touched <= MERGE_SECONDS
        ):
            self.after = dict(other.after)
            self.touched = time.monotonic()
            return True
        return False


def _editable(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields a note's edit takes (a note field added to the store is one of them)."""
    from fieldwork.store.store import NOTE_FIELDS

    return {k: v for k, v in fields.items() if k in NOTE_FIELDS}


class DeleteNotes(StoreCommand):
    def __init__(self, run: Runner, note_ids: Sequence[str]) -> None:
        n = len(note_ids)
        super().__init__("Delete note" if n == 1 else f"Delete {n} notes", run)
        self.note_ids = list(note_ids)

    def apply(self, store: Store) -> Changes:
        changes = Changes()
        with store.atomic():
            for note_id in self.note_ids:
                changes |= store.delete_note(note_id)
        return changes

    def revert(self, store: Store) -> Changes:
        changes = Changes()
        with store.atomic():
            for note_id in self.note_ids:
                changes |= store.restore_note(note_id)
        return changes


class LinkNotes(StoreCommand):
    """Tag notes to a finding; undo removes only the tags this command added."""

    def __init__(self, run: Runner, note_ids: Sequence[str], finding_id: str,
                 finding_text: str = "") -> None:
        n = len(note_ids)
        what = "note" if n == 1 else f"{n} notes"
        short = _short(finding_text)
        super().__init__(f"Tag {what} to “{short}”" if short else f"Tag {what}", run)
        self.note_ids = list(note_ids)
        self.finding_id = finding_id
        self.added: list[str] | None = None

    def apply(self, store: Store) -> Changes:
        ids = self.note_ids if self.added is None else self.added
        changes = store.link_many(ids, self.finding_id)
        if self.added is None:
            self.added = sorted(changes.notes)
        return changes

    def revert(self, store: Store) -> Changes:
        changes = Changes()
        with store.atomic():
            for note_id in self.added or []:
                changes |= store.unlink(note_id, self.finding_id)
        return changes


class UnlinkNote(StoreCommand):
    def __init__(self, run: Runner, note_id: str, finding_id: str) -> None:
        super().__init__("Remove tag", run)
        self.note_id = note_id
        self.finding_id = finding_id
        self.removed = False

    def apply(self, store: Store) -> Changes:
        changes = store.unlink(self.note_id, self.finding_id)
        self.removed = bool(changes)
        return changes

    def revert(self, store: Store) -> Changes:
        if not self.removed:
            return Changes()
        return store.link(self.note_id, self.finding_id)


class AddFinding(StoreCommand):
    def __init__(self, run: Runner, finding_id: str, section: str, text: str,
                 position: int | None = None) -> None:
        super().__init__("New finding", run)
        self.finding_id = finding_id
        self.section = section
        self.finding_text = text
        self.position = position
        self._created = False

    def apply(self, store: Store) -> Changes:
        if not self._created:
            changes = store.add_finding(
                self.section, self.finding_text, position=self.position, id=self.finding_id
            )
            self._created = True
            return changes
        return store.restore_finding(self.finding_id)

    def revert(self, store: Store) -> Changes:
        return store.delete_finding(self.finding_id)


class EditFinding(StoreCommand):
    def __init__(self, run: Runner, finding_id: str, before: str, after: str) -> None:
        super().__init__("Edit finding", run)
        self.finding_id = finding_id
        self.before = before
        self.after = after

    def apply(self, store: Store) -> Changes:
        return store.edit_finding(self.finding_id, text=self.after)

    def revert(self, store: Store) -> Changes:
        return store.edit_finding(self.finding_id, text=self.before)


class DeleteFinding(StoreCommand):
    def __init__(self, run: Runner, finding_id: str) -> None:
        super().__init__("Delete finding", run)
        self.finding_id = finding_id

    def apply(self, store: Store) -> Changes:
        return store.delete_finding(self.finding_id)

    def revert(self, store: Store) -> Changes:
        return store.restore_finding(self.finding_id)


class MoveFinding(StoreCommand):
    """Put a finding at ``index`` of ``section``; undo puts it back where it was."""

    def __init__(self, run: Runner, finding_id: str, section: str, index: int,
                 section_title: str = "") -> None:
        super().__init__(
            f"Move finding to “{section_title}”" if section_title else "Move finding", run
        )
        self.finding_id = finding_id
        self.section = section
        self.index = index
        self.origin: tuple[str, int] | None = None

    def apply(self, store: Store) -> Changes:
        if self.origin is None:
            finding = store.finding(self.finding_id)
            siblings = [f.id for f in store.findings(section=finding.section)]
            self.origin = (finding.section, siblings.index(self.finding_id))
        return store.move_finding(self.finding_id, self.section, self.index)

    def revert(self, store: Store) -> Changes:
        if self.origin is None:
            return Changes()
        section, index = self.origin
        return store.move_finding(self.finding_id, section, index)


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
