"""Opening an inspection file safely: recognising it, refusing newer ones, mapping errors.

Nothing here writes to a file before it has been recognised as a Fieldwork file of a schema
this Fieldwork knows; a refused file is left byte-for-byte as it was. The file is only
ever read through SQLite (a ``file:`` URI, so that a missing file is never created): a
plain ``open()`` and ``close()`` of it would drop every lock this process holds on it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlcipher3

from fieldwork import files
from fieldwork.errors import (
    Damaged,
    DiskFull,
    FieldworkError,
    FileLocked,
    NewerSchema,
    NotAnInspection,
    ReadOnly,
)
from fieldwork.store.cipher import FileKey
from fieldwork.store.cipher import connect as cipher_connect

#: SQLite's errors from either library: ``sqlite3`` (plain files) and ``sqlcipher3``
#: (encrypted ones; its classes are its own).
SQL_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher3.Error)
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.OperationalError, sqlcipher3.OperationalError)

#: The value of ``meta.format`` in every inspection file.
FILE_FORMAT = "fieldwork-inspection"

_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3, 5, 6, 8, 10, 11, 13, 14, 26
)
_READONLY_DBMOVED = _READONLY | 4 << 8

#: Why a file opens read-only (:attr:`Store.read_only_reason`), as the app's banner says it.
ON_READ_ONLY_DISK = "the file is on a read-only disk"
MARKED_READ_ONLY = "the file is marked read-only"
NOT_PERMITTED = "you do not have permission to change the file"
FOLDER_READ_ONLY = "the file's folder is read-only"
OPENED_READ_ONLY = "opened read-only"


def translate(err: Exception, path: Path | str) -> FieldworkError | None:
    """The expected error that an SQLite error stands for, with a one-line message.

    None when it stands for none: a mistake in Fieldwork's own SQL ("no such column", a
    wrong number of bindings, a constraint broken), which must surface as the bug it is.
    Expected are only the failures of the file and the disk: busy or locked, read-only,
    full, an I/O error, cannot be opened, not a database, damaged, permission denied.
    """
    full_code = getattr(err, "sqlite_errorcode", None)
    if full_code is None:
        return None
    code = full_code & 0xFF
    text = str(err)
    if code in (_BUSY, _LOCKED):
        return FileLocked(f"{path}: the file is locked by another program; try again")
    if code == _READONLY:
        if full_code == _READONLY_DBMOVED:
            return ReadOnly(f"{path}: the file was moved or deleted while it was open; "
                            "nothing was changed")
        return ReadOnly(f"{path}: the file is read-only; nothing was changed")
    if code == _FULL:
        return DiskFull(f"{path}: the disk is full; the last change was not saved")
    if code == _NOTADB:
        return NotAnInspection(f"{path}: not a Fieldwork inspection file (not an SQLite database)")
    if code == _CORRUPT:
        return Damaged(f"{path}: the file is damaged ({text}); open a copy or a teammate's pack")
    if code == _CANTOPEN:
        return ReadOnly(f"{path}: the file cannot be opened ({text})")
    if code == _PERM:
        return ReadOnly(f"{path}: permission denied")
    if code == _IOERR:
        return DiskFull(f"{path}: the disk could not be read or written ({text})")
    return None


@contextlib.contextmanager
def translated(path: Path | str) -> Iterator[None]:
    """Turn SQLite's expected errors into Fieldwork's inside the block; others propagate."""
    try:
        yield
    except SQL_ERRORS as err:
        expected = translate(err, path)
        if expected is None:
            raise
        raise expected from err


def check_path(path: Path) -> None:
    """Refuse a path that is missing, a folder, empty or not a file, by its ``stat`` alone."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if not path.parent.exists():
            raise NotAnInspection(f"{path}: no such directory: {path.parent}") from None
        raise NotAnInspection(f"{path}: no such file") from None
    except PermissionError as err:
        raise ReadOnly(f"{path}: permission denied") from err
    except OSError as err:
        raise NotAnInspection(f"{path}: cannot be read ({err.strerror})") from None
    if path.is_dir():
        raise NotAnInspection(f"{path}: is a folder, not an inspection file")
    if not os.path.isfile(path):
        raise NotAnInspection(f"{path}: not a Fieldwork inspection file (not a regular file)")
    if st.st_size == 0:
        raise NotAnInspection(f"{path}: not a Fieldwork inspection file (it is empty)")


def read_only_reason(path: Path) -> str | None:
    """Why the file cannot be written, as a short phrase; None when it can be.

    A file or folder without write permission bits counts as read-only even for root,
    who could write it anyway: the user marked it so.
    """
    statvfs = getattr(os, "statvfs", None)
    if statvfs is not None:
        with contextlib.suppress(OSError):
            if statvfs(path).f_flag & os.ST_RDONLY:
                return ON_READ_ONLY_DISK
    if not is_writable(path):
        try:
            marked = not path.stat().st_mode & 0o222
        except OSError:
            marked = False
        return MARKED_READ_ONLY if marked else NOT_PERMITTED
    folder = path.resolve().parent
    try:
        folder_mode = folder.stat().st_mode
    except OSError:
        return FOLDER_READ_ONLY
    if not folder_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
        return FOLDER_READ_ONLY
    return None


def connect(path: Path, *, read_only: bool = False, immutable: bool = False,
            key: FileKey | None = None) -> sqlite3.Connection:
    """A connection usable from any one thread at a time (the caller serialises access).

    Through a ``file:`` URI with ``mode=rw`` (or ``ro``), so that a missing file is never
    created; ``immutable`` reads a file nobody can be writing (on a read-only disk). With
    ``key``, an SQLCipher connection to an encrypted file (:mod:`.cipher`).
    """
    uri = Path(os.path.abspath(path)).as_uri() + ("?mode=ro" if read_only else "?mode=rw")
    if immutable:
        uri += "&immutable=1"
    if key is not None:
        conn: sqlite3.Connection = cipher_connect(uri, key)
        return conn
    return sqlite3.connect(uri, uri=True, timeout=2.0, check_same_thread=False)


def connect_read_only(path: Path, key: FileKey | None = None
                      ) -> tuple[sqlite3.Connection, Path | None]:
    """A read-only connection to ``path``, wherever it lies.

    SQLite reads a WAL file only with its ``-shm`` beside it, which it cannot make on a
    read-only disk or in a read-only folder. Then nobody can be writing the file, and:
    with no write-ahead log to read, the file is opened as immutable; with one (the file
    was not closed cleanly before it was copied there), the file and its log are copied
    into a private work file in the user's data folder and read from there.

    :returns: the connection, and the work copy it reads (remove it after closing) or None
    """
    conn: sqlite3.Connection | None = None
    try:
        # An encrypted file's connection is keyed as it is made, which may open it.
        conn = connect(path, read_only=True, key=key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn, None
    except OPERATIONAL_ERRORS as err:
        if conn is not None:
            conn.close()
        # The -shm cannot be made (CANTOPEN), or is there but cannot be written to
        # rebuild (READONLY_RECOVERY, READONLY_CANTINIT): read without it, as below.
        if getattr(err, "sqlite_errorcode", 0) & 0xFF not in (_CANTOPEN, _READONLY):
            expected = translate(err, path)
            if expected is None:
                raise
            raise expected from err
    wal = Path(f"{path}-wal")
    try:
        has_log = wal.stat().st_size > 0
    except OSError:
        has_log = False
    if not has_log:
        return connect(path, read_only=True, immutable=True, key=key), None
    copy = _reading_copy(path)  # an encrypted file's copy is as encrypted as the file
    try:
        return connect(copy, key=key), copy
    except BaseException:
        files.remove_database(copy)
        raise


def _reading_copy(path: Path) -> Path:
    """A private copy of ``path`` and its write-ahead log, to read (see connect_read_only)."""
    from fieldwork.paths import private_data_dir

    if files.is_open_here(path):  # cannot be: every open of it here would have failed
        raise RuntimeError(f"{path}: open here, so it cannot be copied with plain file I/O")
    try:
        folder = private_data_dir()
    except OSError as err:
        raise ReadOnly(
            f"{path}: the file is on a read-only disk and holds unsaved changes, and no "
            f"copy of it can be made to read them ({err.strerror})"
        ) from None
    files.sweep(folder)
    copy = files.work_path(folder / path.name, "reading")
    try:
        for suffix in ("", "-wal"):
            files.create_private(f"{copy}{suffix}")
            shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
    except OSError as err:
        files.remove_database(copy)
        raise files.write_error(copy, err) from None
    except BaseException:
        files.remove_database(copy)
        raise
    return copy


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
    except OPERATIONAL_ERRORS as err:
        if getattr(err, "sqlite_errorcode", 0) & 0xFF == _READONLY:
            return False
        expected = translate(err, path)
        if expected is None:
            raise
        raise expected from err
    conn.execute("PRAGMA synchronous = FULL")
    return str(mode).lower() == "wal"


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
    """Delete a work database and its journal, WAL and shared-memory files, if there."""
    files.remove_database(path)


@contextlib.contextmanager
def new_database(path: Path, kind: str, key: FileKey | None = None
                 ) -> Iterator[sqlite3.Connection]:
    """A connection to a new database that becomes ``path`` when the block ends.

    It is built beside ``path`` as a hidden work file (:func:`files.work_path`), created
    owner-only before SQLite opens it (its WAL and shared memory then are too), and
    renamed, so the file appears whole or not at all; on any error the partial one is
    removed. SQLite's errors become Fieldwork's, and one that cannot be written is
    :class:`ReadOnly` (or :class:`DiskFull`). With ``key`` the new file is encrypted with
    it (and its salt) from its first byte.
    """
    files.sweep(path.parent)
    tmp = files.work_path(path, kind)
    try:
        files.create_private(tmp)
        with translated(path):
            conn = (cipher_connect(str(tmp), key, uri_mode=False) if key is not None
                    else sqlite3.connect(str(tmp), check_same_thread=False))
        try:
            with translated(path):
                yield conn
        finally:
            conn.close()
        os.replace(tmp, path)
        files.sync_dir(path.parent)
    except OSError as err:
        raise files.write_error(path, err) from None
    finally:
        remove_database(tmp)
