"""The search indexes and the note↔finding links, kept in step with the rows.

Both are derived from the live rows and never travel in a pack: the FTS5 tables index the
text of notes and findings (with the rows as their external content), and ``links`` lists
each live note's findings for the finding filters and counts. There is one way to keep
them current, whatever wrote the rows (an edit, an import, a merge, a resolution):

* :meth:`SearchIndex.forget` the rows that are about to change, before they change: their
  entries are read from the rows as stored, so they are exactly what was indexed;
* write the rows;
* :meth:`SearchIndex.learn` them (or every row above a seq, for rows just added).

Only a new file being built hands its notes to a worker process instead
(:meth:`SearchIndex.start_parallel`, see :mod:`.bulkindex`), from the values it is
inserting. The columns each index holds are defined once, in :data:`INDEXES`; the schema's
migrations write the same columns out in full (a test checks that they agree).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork.store.cipher import FileKey

if TYPE_CHECKING:
    from fieldwork.store.bulkindex import ParallelNotesIndex


@dataclass(frozen=True)
class FtsIndex:
    """One search index: the FTS5 table, the table it indexes, and the columns it holds."""

    name: str
    table: str
    columns: tuple[str, ...]

    @property
    def _cols(self) -> str:
        return ", ".join(self.columns)

    def from_rows(self, where: str) -> str:
        """Add or (``forget``) remove the entries of the live rows that ``where`` selects,
        in rowid order: FTS5 writes out its pending batch whenever a rowid goes backwards.
        ``+deleted`` keeps SQLite off the ``deleted`` index."""
        return (
            f"INSERT INTO {self.name} (rowid, {self._cols}) SELECT seq, {self._cols} "
            f"FROM {self.table} WHERE {where} AND +deleted = 0 ORDER BY seq"
        )

    def forget_rows(self, where: str) -> str:
        return (
            f"INSERT INTO {self.name} ({self.name}, rowid, {self._cols}) "
            f"SELECT 'delete', seq, {self._cols} FROM {self.table} "
            f"WHERE {where} AND +deleted = 0 ORDER BY seq"
        )

    def positions(self, columns: Sequence[str]) -> tuple[int, ...]:
        """Where this index's columns are in a row of ``columns``."""
        return tuple(columns.index(c) for c in self.columns)


NOTES_FTS = FtsIndex("notes_fts", "notes", ("text", "case_ref", "subject_role"))
FINDINGS_FTS = FtsIndex("findings_fts", "findings", ("text",))

#: The search index of each indexed table.
INDEXES: dict[str, FtsIndex] = {i.table: i for i in (NOTES_FTS, FINDINGS_FTS)}

#: How much pending index data FTS5 may hold in memory before writing a segment: while
#: many rows are written at once, and otherwise (FTS5's default).
BULK_FTS_HASHSIZE = 64 << 20
FTS_HASHSIZE = 1 << 20

#: The links of the live notes that ``where`` selects (``n`` is the notes table).
_LINKS_FROM_NOTES = (
    "INSERT OR IGNORE INTO links (finding_id, note_id) "
    "SELECT j.value, n.id FROM notes n, json_each(n.findings) j WHERE {where} AND +n.deleted = 0"
)
_UNLINK = "DELETE FROM links WHERE note_id IN (SELECT id FROM notes WHERE seq = ?)"


class SearchIndex:
    """The search indexes and links of one open file."""

    def __init__(self, conn: sqlite3.Connection, key: FileKey | None = None) -> None:
        self._conn = conn
        #: The file's key, if it is encrypted: a worker's scratch index is encrypted too.
        self.key = key
        #: The notes index being built by a worker process, while a new file is built.
        self.pending: ParallelNotesIndex | None = None

    # ------------------------------------------------------------ the one path
    def forget(self, table: str, seqs: Sequence[int]) -> None:
        """Take these rows (by seq) out of the index and links: call before changing them.
        Rows that are tombstones are not indexed, and are skipped."""
        index = INDEXES.get(table)
        if index is None or not seqs:
            return
        params = [(s,) for s in sorted(seqs)]
        self._conn.executemany(index.forget_rows("seq = ?"), params)
        if table == "notes":
            self._conn.executemany(_UNLINK, params)

    def learn(self, table: str, seqs: Sequence[int] | None = None, *, after: int | None = None
              ) -> None:
        """Index these rows (by seq), or every row whose seq is above ``after``, as they are
        now stored, with their links: call after writing them. Tombstones are skipped."""
        index = INDEXES.get(table)
        if index is None:
            return
        if after is not None:
            self._conn.execute(index.from_rows("seq > ?"), (after,))
            if table == "notes":
                self._conn.execute(_LINKS_FROM_NOTES.format(where="n.seq > ?"), (after,))
            return
        if not seqs:
            return
        params = [(s,) for s in sorted(seqs)]
        self._conn.executemany(index.from_rows("seq = ?"), params)
        if table == "notes":
            self._conn.executemany(_LINKS_FROM_NOTES.format(where="n.seq = ?"), params)

    def check(self) -> None:
        """FTS5's own check of each index against the rows it indexes.

        :raises sqlite3.DatabaseError: an index disagrees with its rows
        """
        for index in INDEXES.values():
            self._conn.execute(
                f"INSERT INTO {index.name} ({index.name}) VALUES ('integrity-check')"
            )

    # ----------------------------------------------------------------- tuning
    def set_hashsize(self, size: int) -> None:
        """How much pending index data FTS5 holds in memory (see :data:`BULK_FTS_HASHSIZE`)."""
        for index in INDEXES.values():
            self._conn.execute(
                f"INSERT INTO {index.name} ({index.name}, rank) VALUES ('hashsize', ?)", (size,)
            )

    def notes_index_empty(self) -> bool:
        return self._conn.execute(
            "SELECT 1 FROM notes_fts_docsize LIMIT 1"
        ).fetchone() is None

    # ------------------------------------------------------- a worker's index
    def start_parallel(
        self, beside: Path, rows: Sequence[tuple[Any, ...]], columns: Sequence[str],
        first_seq: int, links: Iterable[tuple[str, str]],
    ) -> bool:
        """Hand new notes to a worker process to index (for a new file being built, whose
        notes index is empty). ``rows`` are table rows with ``columns`` in order, to be
        stored with seqs from ``first_seq``. False if no worker could be started: index
        them here, as for few rows."""
        from fieldwork.store.bulkindex import ParallelNotesIndex

        try:
            self.pending = ParallelNotesIndex(beside, self._table_sql(NOTES_FTS.name),
                                              BULK_FTS_HASHSIZE, key=self.key)
        except OSError:  # no interpreter to start
            self.pending = None
            return False
        where = NOTES_FTS.positions(columns)
        self.pending.add_rows([(seq, *(row[i] for i in where))
                               for seq, row in enumerate(rows, start=first_seq)])
        self.pending.add_links(links)
        return True

    def install_parallel(self) -> None:
        """Wait for the worker and copy its index in (see :meth:`ParallelNotesIndex.install`)."""
        if self.pending is not None:
            self.pending.install(self._conn)

    def discard_parallel(self) -> None:
        if self.pending is not None:
            self.pending.discard()
            self.pending = None

    def _table_sql(self, name: str) -> str:
        """The statement that made table ``name``, as the file records it."""
        return str(self._conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()[0])
