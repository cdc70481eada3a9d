"""A pack's payload: a snapshot of one copy as an SQLite database image, held in memory.

The snapshot is the copy's database as it is. A receiver reads only what travels: the
replicated rows, their conflicts, the history and the issued letters. It ignores what is
local to the sender (its settings, its log of merges, its search index and links), and a
copy made by joining starts with those wiped or rebuilt. Leaving them in keeps making a
pack about as fast as copying the file. The payload is made and read in memory, so
decrypted personal data never touches the disk.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from fieldwork.errors import BadPack
from fieldwork.packs.container import PackHeader
from fieldwork.store import Store
from fieldwork.store import schema as store_schema
from fieldwork.store.db import FILE_FORMAT, translated

#: The settings of the sender's copy that a copy made by joining keeps.
TRAVELLING_META = ("format", "inspection_id", "replica", "document_extra")

#: Tables a snapshot must have to be read.
REQUIRED_TABLES = frozenset({"meta", *store_schema.REPLICATED_TABLES, "conflicts", "history"})

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
    with translated(store.path):
        data = store.conn.serialize()
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


def open_image(payload: bytearray, header: PackHeader, path: Path) -> sqlite3.Connection:
    """The snapshot as an in-memory database, checked and brought to this schema.

    :raises BadPack: not a snapshot, from a newer schema, or of another inspection than
        its header says
    """
    if payload[_WAL_FLAGS] == b"\x02\x02":
        payload[_WAL_FLAGS] = b"\x01\x01"
    conn = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        try:
            conn.deserialize(payload)
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            meta = dict(conn.execute("SELECT key, value FROM meta")) if "meta" in tables else {}
        except sqlite3.Error:
            raise BadPack(f"{path}: the pack is damaged (its payload is not readable)") from None
        if version > store_schema.SCHEMA_VERSION:
            raise BadPack(
                f"{path}: made by a newer Fieldwork (schema {version}; this one knows "
                f"{store_schema.SCHEMA_VERSION}); update Fieldwork to merge it"
            )
        if not REQUIRED_TABLES <= tables or meta.get("format") != FILE_FORMAT:
            raise BadPack(f"{path}: the pack is damaged (its payload is not an inspection)")
        if meta.get("inspection_id") != header.inspection_id:
            raise BadPack(f"{path}: the pack is damaged (its header and payload disagree)")
        if version < store_schema.SCHEMA_VERSION:
            Store.upgrade_image(conn)
    except BaseException:
        conn.close()
        raise
    return conn
