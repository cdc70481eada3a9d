"""The undoable draft finding: a new finding tagged to the notes about the cases behind it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fieldwork.model import Changes
from ui.undo import Runner, StoreCommand

if TYPE_CHECKING:
    from fieldwork.store import Store


class DraftFinding(StoreCommand):
    """Add a finding and tag to it the notes about ``refs``, in one transaction.

    Undo deletes the finding (the notes keep their tags, which come back with it); redo
    restores it.
    """

    def __init__(self, run: Runner, finding_id: str, section: str, text: str,
                 refs: Sequence[str], section_title: str = "") -> None:
        where = f" in “{section_title}”" if section_title else ""
        super().__init__(f"Draft timeliness finding{where}", run)
        self.finding_id = finding_id
        self.section = section
        self.finding_text = text
        self.refs = list(refs)
        self.note_ids: list[str] | None = None

    def apply(self, store: Store) -> Changes:
        if self.note_ids is not None:
            return store.restore_finding(self.finding_id)
        from fieldwork.store.store import NoteFilter

        with store.atomic():
            ids = [n.id for ref in self.refs for n in store.notes(NoteFilter(case_ref=ref))]
            changes = store.add_finding(self.section, self.finding_text, id=self.finding_id)
            if ids:
                changes |= store.link_many(ids, self.finding_id)
        self.note_ids = ids
        return changes

    def revert(self, store: Store) -> Changes:
        return store.delete_finding(self.finding_id)
