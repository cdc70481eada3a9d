"""The inspection file (the only package that imports sqlite_utils)."""

from fieldwork.store.store import Conflict, LetterIssue, NoteFilter, NoteRow, Store, now

__all__ = ["Conflict", "LetterIssue", "NoteFilter", "NoteRow", "Store", "now"]
