"""The inspection file (the only package that imports sqlite_utils).

:class:`Store` is the way in; its parts are reached from it (``store.queries``,
``store.index``, ``store.bulk``, ``store.replication``, ``store.letter_issues``).
:data:`SQL_ERRORS` are SQLite's errors from either library (a plain file's ``sqlite3`` or
an encrypted file's ``sqlcipher3``), to catch around a store's connection.
"""

from fieldwork.store.cipher import FileKey
from fieldwork.store.db import OPERATIONAL_ERRORS, SQL_ERRORS
from fieldwork.store.issues import LetterIssue
from fieldwork.store.queries import NoteFilter, NoteRow
from fieldwork.store.replication import Conflict
from fieldwork.store.store import Store
from fieldwork.store.writer import new_id, now

__all__ = [
    "OPERATIONAL_ERRORS",
    "SQL_ERRORS",
    "Conflict",
    "FileKey",
    "LetterIssue",
    "NoteFilter",
    "NoteRow",
    "Store",
    "new_id",
    "now",
]
