"""This copy's record of the packs in its team folder: the ``team_packs`` table.

One row per ``*.fwpack`` file in the inspection's folder of the team folder, by file name:
what the file looked like when last seen (size, modification time, inode), its sha256,
what became of it (merged, refused, ignored, still arriving, or this copy's own), who made
it and when, and for a merged pack the entry in the log of merges. It lets a sync skip a
file it has seen, without reading it, and report a bad pack once. It never travels: a
receiver reads only the tables a pack carries. Reached as ``store.team_packs``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields

from fieldwork.store.db import OPERATIONAL_ERRORS

#: What became of a file.
MINE = "mine"  # this copy's own pack (the one it wrote, or an identical copy of it)
MERGED = "merged"  # read, checked and merged
REFUSED = "refused"  # cannot be merged; reported once, tried again when the file changes
IGNORED = "ignored"  # a pack of another inspection
ARRIVING = "arriving"  # cut short or unreadable while it was changing: tried again
STATES = (MINE, MERGED, REFUSED, IGNORED, ARRIVING)
#: The states that are final for a file's content: one with the same sha256 is not read.
SETTLED = frozenset({MINE, MERGED, REFUSED, IGNORED})


@dataclass(frozen=True)
class Look:
    """What a file looks like without reading it."""

    size: int
    mtime_ns: int
    inode: int


@dataclass
class TeamPack:
    """One file of the team folder, as this copy last saw it."""

    name: str
    size: int
    mtime_ns: int
    inode: int
    sha256: str
    state: str
    replica: str = ""
    sender: str = ""
    made_at: str = ""
    key_check: str = ""
    #: For this copy's own pack: the clock (write counter) it was made at.
    clock: int | None = None
    #: Why it was refused or ignored, or why it is awaited.
    reason: str = ""
    #: For a merged pack: its entry in the log of merges (``merges.id``).
    merge_id: str | None = None
    #: When this copy last decided about it.
    seen_at: str = ""

    @property
    def look(self) -> Look:
        return Look(self.size, self.mtime_ns, self.inode)


_COLUMNS = tuple(f.name for f in fields(TeamPack))


class TeamPacks:
    """The ``team_packs`` table of one open file (``store.team_packs``)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def load(self) -> dict[str, TeamPack]:
        """Every record, by file name (none in a file of the previous schema, opened
        read-only and so not upgraded)."""
        try:
            rows = self._conn.execute(
                f"SELECT {', '.join(_COLUMNS)} FROM team_packs").fetchall()
        except OPERATIONAL_ERRORS as err:
            if "no such table" in str(err):
                return {}
            raise
        return {row[0]: TeamPack(*row) for row in rows}

    def save(self, records: Iterable[TeamPack], forget: Iterable[str] = ()) -> None:
        """Write ``records`` (replacing those of the same names) and drop those of
        ``forget``. The caller holds the transaction (:meth:`Store.atomic`)."""
        self._conn.executemany("DELETE FROM team_packs WHERE name = ?",
                               [(n,) for n in forget])
        self._conn.executemany(
            f"INSERT OR REPLACE INTO team_packs ({', '.join(_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
            [astuple(r) for r in records],
        )
