"""Fieldwork: evidence capture, team merge and letter compilation for inspection teams.

The core library. It never imports Qt; ``sqlite_utils`` and ``reportlab`` are imported only
when a file is opened or a letter is rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldwork.errors import (
    BadPack,
    Damaged,
    DiskFull,
    FieldworkError,
    FileLocked,
    InvalidDocument,
    InvalidValue,
    LetterFrozen,
    NewerSchema,
    NoSuchCase,
    NoSuchFinding,
    NoSuchInspector,
    NoSuchNote,
    NotAnInspection,
    NotFound,
    ReadOnly,
)
from fieldwork.model import (
    Case,
    CaseKind,
    Changes,
    Finding,
    Inspection,
    Inspector,
    LetterState,
    Note,
    Role,
    SourceType,
)

if TYPE_CHECKING:
    from fieldwork.store import Store

__version__ = "0.1.0"

__all__ = [
    "BadPack",
    "Case",
    "CaseKind",
    "Changes",
    "Damaged",
    "DiskFull",
    "FieldworkError",
    "FileLocked",
    "Finding",
    "Inspection",
    "Inspector",
    "InvalidDocument",
    "InvalidValue",
    "LetterFrozen",
    "LetterState",
    "NewerSchema",
    "NoSuchCase",
    "NoSuchFinding",
    "NoSuchInspector",
    "NoSuchNote",
    "NotAnInspection",
    "NotFound",
    "Note",
    "ReadOnly",
    "Role",
    "SourceType",
    "Store",
    "__version__",
    "open_inspection",
]


def open_inspection(path: Any, *, actor: str | None = None, read_only: bool = False) -> Store:
    """Open an inspection file (see :meth:`fieldwork.store.Store.open`)."""
    from fieldwork.store import Store

    return Store.open(path, actor=actor, read_only=read_only)


def __getattr__(name: str) -> Any:
    if name == "Store":
        from fieldwork.store import Store

        return Store
    raise AttributeError(name)
