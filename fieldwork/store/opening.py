"""Opening an inspection file, making a new one, and copying one whole, as far as the
connection goes.

:class:`~fieldwork.store.store.Store` wraps what these return. See :mod:`.db` for how a
file is recognised and refused, and for the errors SQLite's stand for.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from fieldwork import files
from fieldwork.errors import InvalidValue, NotAnInspection, ReadOnly, WrongPassphrase
from fieldwork.store import cipher, schema
from fieldwork.store.cipher import FileKey
from fieldwork.store.db import (
    FILE_FORMAT,
    OPENED_READ_ONLY,
    SQL_ERRORS,
    check_path,
    connect,
    connect_read_only,
    inspect_schema,
    new_database,
    read_only_reason,
    remove_database,
    set_pragmas,
    translated,
)
from fieldwork.store.writer import new_id

if TYPE_CHECKING:
    from sqlite_utils import Database


def open_connection(
    path: Path, *, read_only: bool, passphrase: str | None = None, key: FileKey | None = None
) -> tuple[sqlite3.Connection, Path | None, str | None, FileKey | None]:
    """A connection to an existing inspection file, brought up to this Fieldwork's schema:
    ``(connection, reading copy or None, why it is read-only or None, the file's key or
    None)``.

    An encrypted file (:mod:`.cipher`) needs its ``passphrase`` (or its ``key``, which
    another connection to it has: no key is derived again); for a plain file both are
    ignored. A wrong passphrase leaves the file as it was.

    The file opens for writing when it can be written, and otherwise read-only, saying why
    (a read-only disk, a file marked read-only, a read-only folder); ``read_only`` opens it
    read-only on purpose. It is only ever read through SQLite, never created, and changed
    only once recognised; a file of an older schema is upgraded, or, when it cannot be
    written, read as it is if :data:`~fieldwork.store.schema.OLDEST_READABLE_SCHEMA` allows.
    Opening it for writing removes the leftovers of killed Fieldwork
    commands in its folder, and takes the group's and others' permissions off it.

    :raises NotAnInspection: missing, empty, not SQLite, or SQLite of another kind
    :raises NewerSchema: written by a newer Fieldwork (the file is not touched)
    :raises EncryptedFile: encrypted, and no passphrase given
    :raises WrongPassphrase: encrypted, and the passphrase does not open it
    """
    check_path(path)
    file_key = cipher.key_for(path, passphrase, key)
    reason = OPENED_READ_ONLY if read_only else read_only_reason(path)
    copy: Path | None = None
    if reason is None:
        files.sweep(path.parent)
        files.private_database(path)
        with translated(path), _keyed(path, file_key):
            conn = connect(path, key=file_key)
    else:
        with translated(path), _keyed(path, file_key):
            conn, copy = connect_read_only(path, file_key)
    try:
        if file_key is not None:
            with _keyed(path, file_key):
                check_key(conn)
        version = inspect_schema(conn, path, schema.SCHEMA_VERSION)
        if reason is None:
            if not set_pragmas(conn, path):
                reason = "the file is read-only"
        else:
            conn.execute("PRAGMA busy_timeout = 2000")
        if version < schema.SCHEMA_VERSION:
            if reason is None:
                with translated(path):
                    schema.apply(database(conn))
            elif version < schema.OLDEST_READABLE_SCHEMA:
                raise ReadOnly(f"{path}: needs upgrading by this Fieldwork, but {reason}")
            # Otherwise read as it is: the steps since add only what a reader never needs.
    except BaseException:
        discard(conn, copy)
        raise
    return conn, copy, reason, file_key


def check_key(conn: sqlite3.Connection) -> None:
    """Read the first page of a keyed connection's file: a wrong key fails here
    (SQLITE_NOTADB), before anything else is read or written."""
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


@contextlib.contextmanager
def _keyed(path: Path, key: FileKey | None) -> Iterator[None]:
    """A key that does not decrypt the file's first page is a wrong passphrase."""
    try:
        yield
    except (NotAnInspection, *SQL_ERRORS) as err:  # type: ignore[misc]
        code = getattr(err, "sqlite_errorcode", None)
        if isinstance(err, NotAnInspection) and err.__cause__ is not None:
            code = getattr(err.__cause__, "sqlite_errorcode", None)
        if key is not None and code is not None and code & 0xFF == 26:
            raise WrongPassphrase(
                f"{path}: wrong passphrase for this encrypted file (or it is not an "
                "inspection file); nothing was changed"
            ) from None
        raise


def discard(conn: sqlite3.Connection, copy: Path | None) -> None:
    """Close a connection from :func:`open_connection` that will not be used."""
    conn.close()
    if copy is not None:
        remove_database(copy)


@contextlib.contextmanager
def new_file(path: Path, *, inspection_id: str | None, actor: str,
             key: FileKey | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to a new, empty inspection file that becomes ``path`` when the block
    ends: whole or not at all, since it is built beside ``path`` and renamed. ``path`` must
    not exist already. With ``key`` it is encrypted from its first byte."""
    if path.exists():
        raise InvalidValue(f"{path}: already exists")
    if not path.parent.is_dir():
        raise NotAnInspection(f"{path}: no such directory: {path.parent}")
    files.refuse_overwrite(path)  # not a -wal or -journal of another database
    files.refuse_stray_journal(path)
    with new_database(path, "tmp", key) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        db = database(conn)
        schema.apply(db)
        with db.atomic():
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("format", FILE_FORMAT), ("replica", new_id()), ("clock", "0"),
                 ("me", actor), ("inspection_id", inspection_id or new_id())],
            )
        yield conn


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils over a connection; imported here, not at start-up (about 0.1 s)."""
    from sqlite_utils import Database

    return Database(conn)


def backup(conn: sqlite3.Connection, path: Path, target: Path, *, replace: bool,
           key: FileKey | None = None) -> None:
    """Copy the whole file open on ``conn``, consistently, to a new file ``target`` (SQLite's
    backup API).

    The copy is written beside ``target`` and renamed, so it appears whole or not at all.
    It keeps the file's replica id: give it its own with :meth:`Store.new_replica`. An
    existing ``target`` is refused, or with ``replace`` replaced, unless it is evidence
    (an inspection file, a pack, this file's own journal: :func:`files.refuse_overwrite`),
    which is always refused. The copy of an encrypted file (``key``, the file's) is
    encrypted with the same key.
    """
    files.refuse_overwrite(target, inputs=[path])
    if target.exists() and not replace:
        raise InvalidValue(f"{target}: already exists")
    with new_database(target, "copying", key) as dest:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = WAL")
