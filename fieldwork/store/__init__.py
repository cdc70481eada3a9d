"""The inspection file (the only package that imports sqlite_utils).

:class:`Store` is the way in; its parts are reached from it (``store.queries``,
``store.index``, ``store.bulk``, ``store.replication``, ``store.letter_issues``).
"""

from fieldwork.store.issues import LetterIssue
from fieldwork.store.queries import NoteFilter, NoteRow
from fieldwork.store.replication import Conflict
from fieldwork.store.store import Store
from fieldwork.store.writer import new_id, now

__all__ = ["Conflict", "LetterIssue", "NoteFilter", "NoteRow", "Store", "new_id", "now"]
