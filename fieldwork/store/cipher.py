"""The key of an encrypted inspection file, and SQLCipher connections to it.

An encrypted file is an SQLCipher 4 database (through the ``sqlcipher3`` module, which
bundles SQLCipher) keyed with a raw 256-bit key. The key is derived from the passphrase by
scrypt (n=2**14, r=8, p=1: about 16 MiB and a few tens of milliseconds), salted with the
file's first 16 bytes, which SQLCipher keeps in the clear for exactly that purpose; the
rest of the file, its write-ahead log's pages and its journal's pages are AES-256
encrypted and authenticated page by page. The key is derived once per passphrase and
salt in a process (cached in memory, never written anywhere), so every further connection
to the file (the app's reader, the team folder's, a work copy) opens at once. Work copies
of an encrypted file (backups, scratch databases, reading copies) take the same key and
salt, so that they are encrypted too and open with the same passphrase.

A plain file stays on Python's own ``sqlite3``. The two libraries never open the same
file in one process: each keeps its own POSIX locks, and closing one would drop the
other's.

Whether a file is encrypted is told by its first 16 bytes (:func:`read_header`), read
before any connection to it is open in the process, and remembered for as long as one is
(reading them again then would drop the process's locks on the file).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from fieldwork import files, passphrases
from fieldwork.errors import EncryptedFile, InvalidValue, NotAnInspection
from fieldwork.files import looks_encrypted

#: The scrypt cost of the file key. Fixed: a file says nothing about how its key was made
#: until it is decrypted.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_SIZE = 16
KEY_SIZE = 32
#: The page cache of an encrypted file's connection, in KiB.
CACHE_KIB = 64 * 1024


#: A file's first 16 bytes, by (st_dev, st_ino), while a connection to it is open here.
_headers: dict[tuple[int, int], bytes] = {}
_headers_lock = threading.Lock()


class FileKey:
    """The raw key of one encrypted file and the salt it was derived with. Held in memory
    only; its repr never shows the key."""

    __slots__ = ("key", "salt")

    def __init__(self, key: bytes, salt: bytes) -> None:
        if len(key) != KEY_SIZE or len(salt) != SALT_SIZE:
            raise ValueError("a file key is 32 bytes and its salt 16")
        self.key = key
        self.salt = salt

    def __repr__(self) -> str:
        return "FileKey(…)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileKey) and (self.key, self.salt) == (other.key, other.salt)

    def __hash__(self) -> int:
        return hash((self.key, self.salt))

    @property
    def pragma_value(self) -> str:
        """The value of ``PRAGMA key`` (and ``ATTACH … KEY``): the raw key and its salt."""
        return f"\"x'{self.key.hex()}{self.salt.hex()}'\""


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase too short to encrypt a file with (the rule of
    :func:`fieldwork.passphrases.check_new`).

    :raises InvalidValue: empty, or shorter than
        :data:`~fieldwork.passphrases.MIN_PASSPHRASE` characters
    """
    passphrases.check_new(passphrase, what="the passphrase",
                          why="a lost laptop's file can be attacked at leisure")


@functools.lru_cache(maxsize=16)
def _derive(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R,
                          p=SCRYPT_P, maxmem=64 * 1024 * 1024, dklen=KEY_SIZE)


def derive(passphrase: str, salt: bytes) -> FileKey:
    """The key for ``passphrase`` and a file's ``salt`` (cached for the process)."""
    return FileKey(_derive(passphrase, bytes(salt)), bytes(salt))


def new_key(passphrase: str) -> FileKey:
    """A key with a fresh salt, for a file encrypted from now on (the passphrase checked)."""
    check_new_passphrase(passphrase)
    return derive(passphrase, os.urandom(SALT_SIZE))


#: The passphrase given to the running command for the files it opens (the CLI's
#: ``--passphrase-file``), in this context only: the app never sets it.
_given: ContextVar[str | None] = ContextVar("fieldwork_file_passphrase", default=None)


def given_passphrase() -> str | None:
    """The passphrase given for the files opened in this context, if any."""
    return _given.get()


@contextlib.contextmanager
def passphrase_given(passphrase: str | None) -> Iterator[None]:
    """Inside the block, :meth:`Store.open` without a passphrase uses ``passphrase``."""
    token = _given.set(passphrase)
    try:
        yield
    finally:
        _given.reset(token)


# ------------------------------------------------------------------ recognising a file
def _stat_key(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def read_header(path: str | os.PathLike[str]) -> bytes:
    """The file's first 16 bytes: from memory while a connection to it is open here,
    otherwise read (which is safe only then)."""
    key = _stat_key(path)
    if key is not None:
        with _headers_lock:
            known = _headers.get(key)
        if known is not None and files.is_open_here(path):
            return known
    if files.is_open_here(path):
        raise RuntimeError(f"{path}: open here, so its header cannot be read with file I/O")
    try:
        with open(path, "rb") as fh:
            return fh.read(16)
    except OSError:
        return b""


def remember_header(path: str | os.PathLike[str], header: bytes) -> None:
    """Keep the header of a file a connection is about to open (see :func:`read_header`)."""
    key = _stat_key(path)
    if key is not None:
        with _headers_lock:
            _headers[key] = header


def key_for(path: Path, passphrase: str | None, key: FileKey | None = None) -> FileKey | None:
    """The key to open ``path`` with: None for a plain file (a passphrase is then ignored).

    Reads the header (:func:`read_header`) and remembers it.

    :raises EncryptedFile: the file is encrypted and neither a passphrase nor a key is given
    :raises NotAnInspection: neither an SQLite file nor an encrypted one
    """
    header = read_header(path)
    if header.startswith(files.SQLITE_MAGIC):
        remember_header(path, header)
        return None
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    if not looks_encrypted(header, size):
        raise NotAnInspection(f"{path}: not a Fieldwork inspection file (not an SQLite database)")
    remember_header(path, header)
    if key is not None and key.salt == header:
        return key
    if passphrase is None:
        raise EncryptedFile(
            f"{path} is encrypted: give its passphrase with --passphrase-file P or "
            "FIELDWORK_PASSPHRASE_FILE"
        )
    return derive(passphrase, header)


# ------------------------------------------------------------------------- connecting
def module() -> Any:
    """The ``sqlcipher3`` DB-API module (imported when first needed)."""
    import sqlcipher3

    return sqlcipher3


def connect(uri: str, key: FileKey, *, uri_mode: bool = True) -> Any:
    """An SQLCipher connection to ``uri``, keyed, with its temporary tables in memory."""
    conn = module().connect(uri, uri=uri_mode, timeout=2.0, check_same_thread=False)
    try:
        apply_key(conn, key)
    except BaseException:
        conn.close()
        raise
    return conn


def apply_key(conn: Any, key: FileKey) -> None:
    with contextlib.suppress(Exception):  # SQLCipher's own log to stderr: not for users
        conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {key.pragma_value}")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Every page read from the file is decrypted and checked: a larger cache of decrypted
    # pages (SQLite's default is 2 MiB) keeps a search's index pages from being decrypted
    # again on each keystroke. Allocated as used, and freed when the connection closes.
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


def is_cipher(conn: Any) -> bool:
    """Whether ``conn`` is an SQLCipher connection (rather than ``sqlite3``'s)."""
    return not isinstance(conn, sqlite3.Connection)


def row_factory(conn: Any) -> Any:
    """The ``Row`` class of ``conn``'s own module."""
    return module().Row if is_cipher(conn) else sqlite3.Row


def plain_image(conn: Any) -> bytes:
    """The data of an encrypted file as a plain SQLite database image, in memory.

    SQLCipher's module cannot serialise a database, so the ordinary tables (not the search
    indexes, which a receiver never reads, nor their shadow tables) are copied, in one
    read transaction, into an in-memory ``sqlite3`` database, which is serialised. Nothing
    is written to disk.
    """
    mem = sqlite3.connect(":memory:")
    try:
        cur = conn.cursor()
        cur.row_factory = None
        cur.execute("BEGIN")
        try:
            objects = cur.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                "ORDER BY rowid").fetchall()
            virtual = [name for kind, name, sql in objects
                       if kind == "table" and sql.upper().startswith("CREATE VIRTUAL")]
            tables = [
                (name, sql) for kind, name, sql in objects
                if kind == "table" and name not in virtual and not name.startswith("sqlite_")
                and not any(name.startswith(f"{v}_") for v in virtual)
            ]
            version = cur.execute("PRAGMA user_version").fetchone()[0]
            mem.execute("BEGIN")
            for name, sql in tables:
                mem.execute(sql)
                width = len(cur.execute(f'SELECT * FROM "{name}" LIMIT 0').description)
                mem.executemany(
                    f'INSERT INTO "{name}" VALUES ({", ".join("?" * width)})',
                    cur.execute(f'SELECT * FROM "{name}"'),
                )
            mem.execute(f"PRAGMA user_version = {int(version)}")
            mem.execute("COMMIT")
        finally:
            cur.execute("COMMIT")
        return mem.serialize()
    finally:
        mem.close()


#: The tables whose row counts must agree between a file and its converted copy.
_COUNTED = ("meta", "notes", "findings", "cases", "inspectors", "history", "issues")


def export(conn: Any, target: Path, key: FileKey | None, path: Path, *,
           hold_writers: bool = True) -> None:
    """Copy everything the SQLCipher connection ``conn`` reads (the file ``path``) into the
    new, empty database ``target``: encrypted with ``key``, or plain without. In one
    transaction (that keeps writers off ``path``, with ``hold_writers``); the row counts
    are checked."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    value = key.pragma_value if key is not None else "''"
    conn.execute(f"ATTACH DATABASE ? AS fieldwork_new KEY {value}", (str(target),))
    try:
        conn.execute("BEGIN IMMEDIATE" if hold_writers else "BEGIN")
        try:
            conn.execute("SELECT sqlcipher_export('fieldwork_new')")
            conn.execute(f"PRAGMA fieldwork_new.user_version = {version}")
            for table in _COUNTED:
                mine = conn.execute(f"SELECT count(*) FROM main.{table}").fetchone()[0]
                theirs = conn.execute(f"SELECT count(*) FROM fieldwork_new.{table}"
                                      ).fetchone()[0]
                if mine != theirs:  # pragma: no cover - SQLCipher's export copies every row
                    raise InvalidValue(f"{path}: the converted copy is incomplete ({table}); "
                                       "nothing was changed")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("DETACH DATABASE fieldwork_new")
