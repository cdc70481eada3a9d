"""The store's small types, imported when first used.

``fieldwork.store`` brings in sqlite-utils, which costs a fifth of a second. The window is
built and shown without it; the worker imports it while opening the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldwork.store.store import NoteFilter


def note_filter(**fields: Any) -> NoteFilter:
    """A :class:`fieldwork.store.store.NoteFilter`."""
    from fieldwork.store.store import NoteFilter

    return NoteFilter(**fields)


def marks() -> tuple[str, str]:
    """The characters that open and close a match in a search snippet."""
    from fieldwork.store.search import MARK_CLOSE, MARK_OPEN

    return MARK_OPEN, MARK_CLOSE
