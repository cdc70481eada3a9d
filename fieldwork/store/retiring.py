"""Removing an inspection's evidence for good, keeping its issued letters (see
:mod:`fieldwork.retention` for when and why).

Everything that holds evidence or says where it went is deleted: notes, cases, their
history, conflicts, links, the notes' search index, the log of merged packs and the team
folder's record, and any extra data of the imported document. What remains is the
inspection's own record (the letter's fields), its team, its findings (the letter's
published text) and every issued letter with its checksum. It is done with SQLite's
``secure_delete`` (deleted content is overwritten with zeros), then a ``VACUUM`` (the file
is rewritten without the freed pages) and a checkpoint that empties the write-ahead log,
so that none of the removed text can be found in the file's bytes afterwards.
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

from fieldwork.errors import FileLocked

if TYPE_CHECKING:
    from fieldwork.store.store import Store

#: Tables emptied by a retirement.
WIPED_TABLES = ("notes", "cases", "history", "conflicts", "links", "merges", "team_packs")
#: Settings of the copy that go with them (extra data of an imported document).
WIPED_META = ("document_extra",)
#: The settings that record a retirement.
RETIRED_AT, RETIRED_BY, RETIRED_SHA256 = "retired_at", "retired_by", "retired_letter_sha256"


def wipe(store: Store, conn: sqlite3.Connection, record: dict[str, str]) -> None:
    """Delete the evidence in one transaction, record the retirement (``record``: the
    settings to set), then rewrite the file and empty its log."""
    conn.execute("PRAGMA secure_delete = ON")
    with store.atomic():
        for table in WIPED_TABLES:
            conn.execute(f"DELETE FROM {table}")
        conn.execute("INSERT INTO notes_fts (notes_fts) VALUES ('delete-all')")
        conn.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k in WIPED_META])
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            sorted(record.items()),
        )
    conn.execute("VACUUM")
    empty_log(store, conn)


def empty_log(store: Store, conn: sqlite3.Connection) -> None:
    """Copy the write-ahead log into the file and truncate it to nothing, waiting a little
    for readers of other connections to finish.

    :raises FileLocked: another program kept reading (the log is emptied when it closes)
    """
    for _ in range(40):
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if not busy:
            return
        time.sleep(0.05)
    raise FileLocked(
        f"{store.path}: retired, but another program is reading the file; the removed text "
        "leaves the file's log when that program closes it"
    )
