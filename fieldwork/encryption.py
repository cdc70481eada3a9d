"""Encrypted inspection files: telling them apart, and converting a file in place.

An encrypted file is an SQLCipher database keyed from a passphrase (see
:mod:`fieldwork.store.cipher` for the key and how each connection is made); it is opened
with ``Store.open(path, passphrase=…)``, and a new one is made with
``Store.create(path, passphrase=…)``. Here:

* :func:`is_encrypted` — tells, from the file's first bytes, without opening it;
* :func:`encrypt_file` — encrypts a plain file in place;
* :func:`change_passphrase` — re-encrypts an encrypted file under a new passphrase;
* :func:`decrypt_file` — writes a plain copy (never over evidence).

A conversion in place writes the new file beside the old one as a work file
(:func:`fieldwork.files.work_path`), encrypted from its first byte, makes it durable and
renames it over the old one: a crash leaves the old file or the new one, never a mix,
and no plain copy of the notes is made anywhere. It needs the file to itself: it takes
the app's lock (:mod:`fieldwork.lock`) and refuses while another program has the file
open. The passphrase is never stored; forgetting it loses the file, by design.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fieldwork import files
from fieldwork.errors import FieldworkError, FileLocked, InvalidValue, NotAnInspection
from fieldwork.passphrases import MIN_PASSPHRASE
from fieldwork.store.cipher import (
    FileKey,
    check_new_passphrase,
    export,
    key_for,
    looks_encrypted,
    module,
    new_key,
    read_header,
)
from fieldwork.store.db import SQL_ERRORS, check_path, translated

__all__ = [
    "MIN_PASSPHRASE",
    "change_passphrase",
    "check_new_passphrase",
    "decrypt_file",
    "encrypt_file",
    "encrypted_copy",
    "is_encrypted",
]

def is_encrypted(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an encrypted inspection file (by its header; nothing is opened).

    :raises NotAnInspection: missing, empty, or neither SQLite nor an encrypted file
    """
    p = Path(path)
    check_path(p)
    header = read_header(p)
    if header.startswith(files.SQLITE_MAGIC):
        return False
    if looks_encrypted(header, p.stat().st_size):
        return True
    raise NotAnInspection(f"{p}: not a Fieldwork inspection file (not an SQLite database)")


def encrypt_file(path: str | os.PathLike[str], passphrase: str) -> None:
    """Encrypt the plain inspection file ``path`` in place with ``passphrase``.

    :raises InvalidValue: already encrypted, or the passphrase is too short
    :raises FileLocked: open in the app or in another program
    :raises ReadOnly: the file or its folder cannot be written
    :raises DiskFull: no room for the encrypted copy (the file is left as it was)
    """
    p = Path(path)
    if is_encrypted(p):
        raise InvalidValue(f"{p}: is encrypted already (to change its passphrase, use "
                           "'fieldwork passphrase')")
    check_new_passphrase(passphrase)
    _rewrite(p, None, new_key(passphrase))


def change_passphrase(path: str | os.PathLike[str], old: str, new: str) -> None:
    """Re-encrypt the encrypted file ``path`` under the passphrase ``new`` (and a new salt).

    :raises InvalidValue: the file is not encrypted, or ``new`` is too short
    :raises WrongPassphrase: ``old`` does not open it (it is left as it was)
    """
    p = Path(path)
    if not is_encrypted(p):
        raise InvalidValue(f"{p}: is not encrypted; encrypt it with 'fieldwork encrypt'")
    check_new_passphrase(new)
    old_key = key_for(p, old)
    _rewrite(p, old_key, new_key(new))


def decrypt_file(path: str | os.PathLike[str], out: str | os.PathLike[str],
                 passphrase: str) -> None:
    """Write a plain copy of the encrypted file ``path`` to ``out``, whole or not at all.

    ``out`` must not be evidence (an inspection file, a pack, the input…): it is refused
    as any output is (:func:`fieldwork.files.refuse_overwrite`), and must not exist.

    :raises InvalidValue: the file is not encrypted, or ``out`` exists
    :raises WrongPassphrase: the passphrase does not open it
    """
    from fieldwork.store import Store

    p, target = Path(path), Path(out)
    if not is_encrypted(p):
        raise InvalidValue(f"{p}: is not encrypted; copy it with 'fieldwork copy' instead")
    files.refuse_overwrite(target, inputs=[p])
    if target.exists():
        raise InvalidValue(f"{target}: already exists")
    if not target.parent.is_dir():
        raise NotAnInspection(f"{target}: no such directory: {target.parent}")
    with Store.open(p, passphrase=passphrase, read_only=True) as store:
        with _work_file(target, "decrypting") as tmp:
            store.export_database(tmp, None)
            _finish(tmp, None)
            os.replace(tmp, target)
            files.sync_dir(target.parent)


def encrypted_copy(path: str | os.PathLike[str], out: str | os.PathLike[str],
                   passphrase: str) -> Path:
    """Write an encrypted copy of the plain file ``path`` to the new file ``out``, with its
    own identity for merging (as :func:`fieldwork.inspections.save_copy` gives one), whole
    or not at all, and encrypted from its first byte. ``path`` must not be open in this
    process (it is read through SQLCipher's library, which must not share a file with
    ``sqlite3``'s); other programs may have it open.

    :raises InvalidValue: ``path`` is encrypted (copy it as it is), the passphrase is too
        short, or ``out`` exists
    :raises ProtectedFile: ``out`` is evidence
    """
    from fieldwork.store import Store

    p, target = Path(path), Path(out)
    if is_encrypted(p):
        raise InvalidValue(f"{p}: is encrypted already: its copy is encrypted as it is")
    if files.is_open_here(p):  # pragma: no cover - the command line opens nothing first
        raise InvalidValue(f"{p}: is open; close it to make an encrypted copy")
    check_new_passphrase(passphrase)
    files.refuse_overwrite(target, inputs=[p])
    if target.exists():
        raise InvalidValue(f"{target}: already exists")
    if not target.parent.is_dir():
        raise NotAnInspection(f"{target}: no such directory: {target.parent}")
    with Store.open(p, read_only=True):  # recognised as an inspection file of this schema
        pass
    key = new_key(passphrase)
    with _work_file(target, "copying") as tmp:
        uri = Path(os.path.abspath(p)).as_uri() + "?mode=ro"
        conn = module().connect(uri, uri=True, timeout=2.0, check_same_thread=False,
                                isolation_level=None)
        try:
            with translated(p):
                conn.execute("PRAGMA temp_store = MEMORY")
                export(conn, tmp, key, p, hold_writers=False)
        finally:
            conn.close()
        _finish(tmp, key)
        os.replace(tmp, target)
        files.sync_dir(target.parent)
    with Store.open(target, key=key) as copy:
        copy.new_replica()
    return target


# ------------------------------------------------------------------------ the rewrite
def _rewrite(path: Path, old: FileKey | None, new: FileKey) -> None:
    """Write ``path`` anew encrypted with ``new`` (read with ``old``, or plain), beside it,
    and rename it over ``path``."""
    from fieldwork import lock
    from fieldwork.store import Store

    with lock.acquire(path):
        # Recognised, upgraded to this schema, and known to be writable, by the store.
        with Store.open(path, key=old) as store:
            store.require_writable()
        _refuse_others(path)
        with _work_file(path, "encrypting") as tmp, translated(path):
            conn = _connect(path, old)
            try:
                export(conn, tmp, new, path)
                _finish(tmp, new)
                files.sync_file(tmp)
                os.replace(tmp, path)  # the old file's inode goes with its last descriptor
                files.sync_dir(path.parent)
            finally:
                conn.close()


def _refuse_others(path: Path) -> None:
    """Refuse while another process has a connection to ``path`` open: each such
    connection holds a shared lock on one byte of its ``-shm`` (SQLite's "DMS" lock),
    which no one may lock for writing. Called while no connection to it is open here."""
    import fcntl

    shm = f"{path}-shm"
    try:
        fd = os.open(shm, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return
    except OSError:
        return
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
        except OSError:
            raise FileLocked(
                f"{path}: another program has the file open; close it and try again"
            ) from None
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, 128)
    finally:
        os.close(fd)


def _connect(path: Path, key: FileKey | None) -> Any:
    """An SQLCipher connection to ``path`` (plain or keyed) that has it to itself: the
    file leaves WAL mode (checkpointed, its log removed), which SQLite allows only when no
    other connection is open, and a write lock keeps others from changing it meanwhile."""
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=rw"
    conn = module().connect(uri, uri=True, timeout=2.0, check_same_thread=False,
                            isolation_level=None)
    try:
        with contextlib.suppress(*SQL_ERRORS):
            conn.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            conn.execute(f"PRAGMA key = {key.pragma_value}")
        conn.execute("PRAGMA temp_store = MEMORY")
        mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
        if mode != "delete":
            raise FileLocked(f"{path}: another program has the file open; close it and try "
                             "again")
    except BaseException:
        conn.close()
        raise
    return conn


def _finish(tmp: Path, key: FileKey | None) -> None:
    """Put the new file ``tmp`` in WAL mode, as every inspection file is, and check it."""
    import sqlite3

    from fieldwork.store.cipher import connect as cipher_connect

    conn: Any = (cipher_connect(str(tmp), key, uri_mode=False) if key is not None
                 else sqlite3.connect(str(tmp)))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":  # pragma: no cover - a copy SQLite just wrote
            raise FieldworkError(f"{tmp}: the converted copy fails its check ({problem})")
    finally:
        conn.close()
    files.sync_file(tmp)


@contextlib.contextmanager
def _work_file(beside: Path, kind: str) -> Iterator[Path]:
    """An empty owner-only work file beside ``beside``, removed (with its journals) unless
    the block renamed it away. A failure to write it is one line."""
    files.sweep(beside.parent)
    tmp = files.work_path(beside, kind)
    try:
        files.create_private(tmp)
        yield tmp
    except OSError as err:
        raise files.write_error(beside, err) from None
    finally:
        files.remove_database(tmp)


