"""A pack's payload: a snapshot of one copy as an SQLite database image, held in memory.

The snapshot is the copy's database as it is. A receiver reads it as data only
(:func:`open_image`), and only what travels: the replicated rows, their conflicts, the
history and the issued letters, each checked (:mod:`fieldwork.packs.validate`). It ignores
what is local to the sender (its settings, its log of merges, its search index and links)
and anything else the image holds; a copy made by joining is built from Fieldwork's own
schema. Leaving them in keeps making a pack about as fast as copying the file. The payload
is made and read in memory, so decrypted personal data never touches the disk.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from fieldwork.errors import BadPack
from fieldwork.packs import validate
from fieldwork.packs.container import PackHeader
from fieldwork.store import Store
from fieldwork.store import rows as R
from fieldwork.store import schema as store_schema
from fieldwork.store.db import FILE_FORMAT

#: Tables a snapshot must have to be read.
REQUIRED_TABLES = frozenset(
    {"meta", *store_schema.REPLICATED_TABLES, "conflicts", "history", "issues"}
)

#: Bytes 18 and 19 of an SQLite header: 1 for a rollback journal, 2 for WAL. An in-memory
#: image must say 1, or SQLite refuses to read it.
_WAL_FLAGS = slice(18, 20)


class Image:
    """A database image being read, with its header marked as not in WAL mode.

    SQLite refuses to read an in-memory image whose header says WAL, so bytes 18 and 19
    are set to 1 (rollback journal) as they pass.
    """

    def __init__(self, fh: io.BufferedIOBase, size: int) -> None:
        self.size = size
        self._fh = fh
        self._offset = 0

    def readinto(self, buffer: memoryview) -> int:
        n = self._fh.readinto(buffer) or 0
        for pos in range(_WAL_FLAGS.start, _WAL_FLAGS.stop):
            if self._offset <= pos < self._offset + n:
                buffer[pos - self._offset] = 1
        self._offset += n
        return n


@contextlib.contextmanager
def take(store: Store) -> Iterator[Image]:
    """The snapshot of ``store`` as it is now, to be read while the block runs.

    SQLite serialises the database (WAL included) under one read transaction. The file is
    never read with plain file I/O: closing that descriptor would drop the locks this
    process's connections hold on it, and another process could then delete the WAL
    under them.
    """
    data = store.serialize()
    yield Image(io.BytesIO(data), len(data))


def check_header(header: PackHeader, path: Path, inspection_id: str | None) -> None:
    """Refuse a pack this copy cannot merge, before decrypting it.

    :raises BadPack: from a newer schema, or (given ``inspection_id``) another inspection
    """
    if header.schema_version > store_schema.SCHEMA_VERSION:
        raise BadPack(
            f"{path}: made by a newer Fieldwork (schema {header.schema_version}; this one "
            f"knows {store_schema.SCHEMA_VERSION}); update Fieldwork to merge it"
        )
    if inspection_id is not None and header.inspection_id != inspection_id:
        raise BadPack(
            f"{path}: the pack is from another inspection ({header.inspection_id}, "
            f"not {inspection_id})"
        )


#: The tables a receiver reads from a snapshot, and the columns it reads from each. Anything
#: else in the image (other tables and columns, views, triggers, indexes) is ignored.
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    **{
        name: ("seq", "id", *spec.columns, *R.VERSION_TAIL)
        for name, spec in R.SPECS.items()
    },
    "conflicts": ("id", "tbl", "row_id", "vv", "deleted", "data", "modified_at", "modified_by"),
    "history": ("seq", "id", "tbl", "row_id", "at", "by", "op", "before", "after"),
    "issues": ("id", "at", "by", "sha256", "pdf", "supersedes"),
}


def open_image(payload: bytearray, header: PackHeader, path: Path) -> sqlite3.Connection:
    """The snapshot as an in-memory database, to be read as data only.

    The image is opened with its schema untrusted (``trusted_schema=OFF``) and read-only
    (``query_only``); it must be of a schema this Fieldwork reads (it is never upgraded:
    an older one is read when what packs carry has not changed since, see
    :data:`~fieldwork.store.schema.OLDEST_PACK_SCHEMA`), pass ``quick_check`` and
    ``foreign_key_check``, and hold each table a receiver reads as an ordinary table with
    the expected columns. Nothing of its schema ever reaches a copy.

    :raises BadPack: not a snapshot, from another schema, damaged, or of another inspection
        than its header says
    """
    if payload[_WAL_FLAGS] == b"\x02\x02":
        payload[_WAL_FLAGS] = b"\x01\x01"
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.deserialize(payload)
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA query_only = ON")
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            objects = {
                str(r[1]): (r[0], r[2] or "")
                for r in conn.execute("SELECT type, name, sql FROM sqlite_master")
                if isinstance(r[1], str)
            }
        except sqlite3.Error:
            raise BadPack(f"{path}: the pack is damaged (its payload is not readable)") from None
        if version > store_schema.SCHEMA_VERSION:
            raise BadPack(
                f"{path}: made by a newer Fieldwork (schema {version}; this one knows "
                f"{store_schema.SCHEMA_VERSION}); update Fieldwork to merge it"
            )
        if version < store_schema.OLDEST_PACK_SCHEMA:
            raise BadPack(
                f"{path}: not a pack made by Fieldwork (its schema version is {version})"
            )
        if validate.checking():
            _check_tables(conn, objects, path)
            _check_integrity(conn, path)
        try:
            meta = {
                r[0]: r[1] for r in conn.execute("SELECT key, value FROM meta NOT INDEXED")
                if isinstance(r[0], str)
            } if "meta" in objects else {}
        except sqlite3.Error:
            raise BadPack(f"{path}: the pack is damaged (its payload is not readable)") from None
        if not REQUIRED_TABLES <= objects.keys() or meta.get("format") != FILE_FORMAT:
            raise BadPack(f"{path}: the pack is damaged (its payload is not an inspection)")
        if meta.get("inspection_id") != header.inspection_id:
            raise BadPack(f"{path}: the pack is damaged (its header and payload disagree)")
    except BaseException:
        conn.close()
        raise
    return conn


def _check_tables(
    conn: sqlite3.Connection, objects: dict[str, tuple[str, str]], path: Path
) -> None:
    """Each table a receiver reads is an ordinary table with the columns it reads."""
    for name, columns in TABLE_COLUMNS.items():
        kind, sql = objects.get(name, ("", ""))
        if kind != "table" or not sql.upper().startswith("CREATE TABLE"):
            raise BadPack(
                f"{path}: not a pack made by Fieldwork (its {name!r} is not an ordinary table)"
            )
        try:
            found = {
                r[1]: r[6] for r in conn.execute(
                    "SELECT * FROM pragma_table_xinfo(?)", (name,)
                )
            }
        except sqlite3.Error:
            raise BadPack(f"{path}: the pack is damaged (its {name} table is not readable)"
                          ) from None
        missing = [c for c in columns if found.get(c, 1) != 0]
        if missing:
            raise BadPack(
                f"{path}: not a pack made by Fieldwork (its {name} table has no plain "
                f"column {missing[0]!r})"
            )


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """Every page of the image well formed (``quick_check``), and no foreign key broken.

    ``integrity_check`` would also compare every index with its table, which costs more
    than checking every row (about 4 times ``quick_check`` on a 5,000-note pack). A
    receiver never reads a pack's indexes (each table is read whole, in rowid order), and
    what it reads is checked row by row, so an index that disagrees cannot mislead it.
    """
    try:
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(1)")]
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    except sqlite3.Error as err:
        raise BadPack(f"{path}: the pack is damaged (its payload fails the integrity check: "
                      f"{err})") from None
    if problems != ["ok"]:
        raise BadPack(f"{path}: the pack is damaged (its payload fails the integrity check)")
    if broken is not None:
        raise BadPack(f"{path}: the pack is damaged (its payload fails the foreign key check)")
