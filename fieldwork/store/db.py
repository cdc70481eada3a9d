"""Opening an inspection file safely: recognising it, refusing newer ones, mapping errors.

Nothing here writes to a file before it has been recognised as a Fieldwork file of a schema
this Fieldwork knows; a refused file is left byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from fieldwork.errors import (
    DiskFull,
    FieldworkError,
    FileLocked,
    NewerSchema,
    NotAnInspection,
    ReadOnly,
)

SQLITE_HEADER = b"SQLite format 3\x00"

#: The value of ``meta.format`` in every inspection file.
FILE_FORMAT = "fieldwork-inspection"

_BUSY, _LOCKED, _READONLY, _IOERR, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 13, 14, 26


def translate(err: sqlite3.Error, path: Path | str) -> FieldworkError:
    """The expected error that an SQLite error stands for, with a one-line message."""
    code = getattr(err, "sqlite_errorcode", 0) & 0xFF
    text = str(err)
    if code in (_BUSY, _LOCKED) or "locked" in text:
        return FileLocked(f"{path}: the file is locked by another program; try again")
    if code == _READONLY or "readonly" in text:
        return ReadOnly(f"{path}: the file is read-only; nothing was changed")
    if code == _FULL or "disk is full" in text:
        return DiskFull(f"{path}: the disk is full; the last change was not saved")
    if code == _NOTADB or "not a database" in text:
        return NotAnInspection(f"{path}: not a Fieldwork inspection file (not an SQLite database)")
    if code == _CANTOPEN:
        return ReadOnly(f"{path}: the file cannot be opened for writing")
    if code == _IOERR:
        return DiskFull(f"{path}: the disk could not be written ({text})")
    return FieldworkError(f"{path}: {text}")


@contextlib.contextmanager
def translated(path: Path | str) -> Iterator[None]:
    """Turn SQLite's errors into Fieldwork's expected errors inside the block."""
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except sqlite3.Error as err:
        raise translate(err, path) from err


def check_header(path: Path) -> None:
    """Refuse a path that is missing, a folder, or not an SQLite file, without writing to it."""
    if not path.exists():
        if not path.parent.exists():
            raise NotAnInspection(f"{path}: no such directory: {path.parent}")
        raise NotAnInspection(f"{path}: no such file")
    if path.is_dir():
        raise NotAnInspection(f"{path}: is a folder, not an inspection file")
    # Never open the file here: closing it would drop this process's SQLite locks on it.
    # SQLite itself refuses a file that is not a database (translate: not an SQLite database).
    if not os.access(path, os.R_OK):
        raise ReadOnly(f"{path}: permission denied")


def connect(path: Path) -> sqlite3.Connection:
    """A connection usable from any one thread at a time (the caller serialises access)."""
    conn = sqlite3.connect(str(path), timeout=2.0, check_same_thread=False)
    return conn


def inspect_schema(conn: sqlite3.Connection, path: Path, known_version: int) -> int:
    """Check, read-only, that this is a Fieldwork file this Fieldwork can open.

    :returns: the file's schema version
    :raises NotAnInspection: an SQLite file of another kind
    :raises NewerSchema: written by a newer Fieldwork
    """
    with translated(path):
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    if version > known_version:
        raise NewerSchema(
            f"{path}: written by a newer Fieldwork (schema {version}; this one knows "
            f"{known_version}); update Fieldwork to open it"
        )
    if "meta" not in tables:
        raise NotAnInspection(f"{path}: an SQLite database, but not a Fieldwork inspection")
    with translated(path):
        row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
    if not row or row[0] != FILE_FORMAT:
        raise NotAnInspection(f"{path}: an SQLite database, but not a Fieldwork inspection")
    return version


def set_pragmas(conn: sqlite3.Connection, path: Path) -> bool:
    """WAL, full sync and a busy timeout. Returns False when the file can only be read."""
    conn.execute("PRAGMA busy_timeout = 2000")
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.OperationalError as err:
        if "readonly" in str(err) or "read-only" in str(err):
            return False
        raise translate(err, path) from err
    conn.execute("PRAGMA synchronous = FULL")
    return str(mode).lower() == "wal" and is_writable(path)


def is_writable(path: Path) -> bool:
    """Whether the user may write the file: it has a write bit, and the OS allows it.

    A file marked read-only is treated as read-only even for root, who could write it anyway.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(path, os.W_OK)


def remove_database(path: str | os.PathLike[str]) -> None:
    """Delete a scratch database file and its journal, WAL and shared-memory files, if there."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}{suffix}")
