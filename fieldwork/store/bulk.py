"""Writing many rows at once: a bulk import, a merge, a new file being built.

Rows inserted in bulk share one version stamp (:meth:`Bulk.stamp`) and are indexed in bulk
after they go in (:mod:`.index`). A large batch goes in without its table's secondary
indexes, which are built again afterwards in one sort each; a new file being built
(:meth:`Bulk.building`) also hands its notes' search index to a worker process.
:meth:`Bulk.upsert` writes rows by id, the way an interchange document is imported.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from fieldwork import versions
from fieldwork.store import rows as R
from fieldwork.store.db import SQL_ERRORS, translated
from fieldwork.store.index import BULK_FTS_HASHSIZE, FTS_HASHSIZE
from fieldwork.store.writer import check_content, now

if TYPE_CHECKING:
    from fieldwork.store.store import Store

#: The page cache (KiB) while many rows are written at once.
BULK_CACHE_KIB = 131072
#: From how many new rows a bulk write builds a table's secondary indexes after the rows
#: rather than with them, and a file being built indexes its notes in a worker process:
#: below this, the sorts and starting the worker cost more than they save.
PARALLEL_INDEX_MIN = 5000


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold Python's cycle collector while bulk work makes hundreds of thousands of
    short-lived tuples: otherwise it walks every object in memory again and again (a
    third of the Python time of a 100,000-note import). Only the caller that paused it
    resumes it, so nested or concurrent pauses are harmless."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class Bulk:
    """The bulk writes of one open file."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn
        self._building = False
        self._deferred: list[tuple[str, str]] = []  # (table, CREATE INDEX)

    # ---------------------------------------------------------------- settings
    @contextlib.contextmanager
    def building(self) -> Iterator[Store]:
        """Fast bulk writes for a file that nobody else can see yet (being built, then renamed).

        Journaling and syncing are off inside, and a large bulk of notes is indexed by a
        worker process (:mod:`.bulkindex`): a failure leaves a file to throw away, which the
        caller does. On leaving, the deferred indexes are built and the search index
        installed, and the file returns to WAL. Close the store afterwards, and only then
        make the file durable with :func:`fieldwork.files.sync_file` (a descriptor opened and
        closed while a connection is open would drop the connection's locks).
        """
        conn, index = self._conn, self._store.index
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        self._building = True
        try:
            with gc_paused():
                yield self._store
            with translated(self._store.path):
                # The worker is usually still indexing: sort out the notes' own indexes
                # meanwhile, and those of the links once they are in.
                later = [sql for table, sql in self._deferred if table == "links"]
                for table, sql in self._deferred:
                    if table != "links":
                        conn.execute(sql)
                index.install_parallel()
                for sql in later:
                    conn.execute(sql)
        finally:
            self._building = False
            self._deferred = []
            index.discard_parallel()
            conn.execute("PRAGMA cache_size = -2000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")

    @contextlib.contextmanager
    def writes(self) -> Iterator[None]:
        """Tune the connection for one transaction that writes many rows; must run inside
        :meth:`Store.atomic`. Settings go back to normal afterwards. Big batches of pending
        search-index data spare FTS5 most of its segment merging, which otherwise costs
        more than the indexing itself."""
        index = self._store.index
        cache = self._conn.execute("PRAGMA cache_size").fetchone()[0]
        self._conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        index.set_hashsize(BULK_FTS_HASHSIZE)
        try:
            with gc_paused():
                yield
        finally:
            with contextlib.suppress(*SQL_ERRORS):
                index.set_hashsize(FTS_HASHSIZE)
            with contextlib.suppress(*SQL_ERRORS):
                self._conn.execute(f"PRAGMA cache_size = {int(cache)}")

    # ------------------------------------------------------------------ writes
    def upsert(
        self, table: str, items: Sequence[tuple[str, dict[str, Any]]], *,
        by: str | None = None, op: str = "import",
    ) -> frozenset[str]:
        """Write rows by id: a row already in the file (a tombstone too, which comes back)
        gets the content given, recorded in its history as ``op``; a new one is inserted,
        in bulk. Returns the ids of the rows that changed. Must run inside
        :meth:`Store.atomic`.
        """
        if not items:
            return frozenset()
        known = self._store.queries.known_ids(table)
        touched: set[str] = set()
        new: list[tuple[str, dict[str, Any]]] = []
        for row_id, data in items:
            if row_id not in known:
                new.append((row_id, data))
                touched.add(row_id)
            elif self._store._writer.update(table, row_id, data, by=by, op=op, undelete=True):
                touched.add(row_id)
        self.insert(table, new, by=by)
        return frozenset(touched)

    def insert(
        self, table: str, items: Sequence[tuple[str, dict[str, Any]]], *, by: str | None = None
    ) -> None:
        """Insert many new rows at once, indexing them in bulk as they go in.

        ``items`` are ``(id, content)`` pairs of rows not yet in the file. Notes go in in
        the order they were observed, so that storage order follows time (search ranks
        the newest matches of a very common word). Must run inside :meth:`Store.atomic`.
        """
        if not items:
            return
        spec = R.SPECS[table]
        for _, data in items:
            check_content(table, data)
        ordered = sorted(items, key=lambda item: (item[1].get("observed_at") or "", item[0]))
        stamp = self.stamp(by)
        self.insert_encoded(
            table,
            [(row_id, *spec.encode(data), *stamp) for row_id, data in ordered],
            findings=[data.get("findings") or [] for _, data in ordered]
            if table == "notes" else None,
        )

    def stamp(self, by: str | None = None) -> tuple[str, str, str, str, str]:
        """The columns every row of one bulk insert shares: its version vector (one tick
        of this copy's clock) and created/modified at and by."""
        who = self._store._writer.by(by)
        at = now()
        return versions.dumps({self._store.replica: self._store.tick()}), at, who, at, who

    def insert_encoded(
        self,
        table: str,
        rows: Sequence[tuple[Any, ...]],
        *,
        findings: Sequence[Sequence[str]] | None = None,
    ) -> None:
        """The fast path of :meth:`insert`: rows already encoded, in storage order.

        Each row is ``(id, *content, *stamp)``: the table's columns in order, JSON
        columns as text, then the five columns of one :meth:`stamp`. For notes,
        ``findings`` gives each row's finding ids (for a worker's links).
        """
        if not rows:
            return
        spec = R.SPECS[table]
        start = self._last_seq(table)
        if self._building and len(rows) >= PARALLEL_INDEX_MIN:
            self._defer_indexes(table)
            if table == "notes":
                self._defer_indexes("links")
        in_worker = False
        index = self._store.index
        if (table == "notes" and self._building and index.pending is None
                and len(rows) >= PARALLEL_INDEX_MIN and index.notes_index_empty()):
            assert findings is not None
            links = [(f, row[0]) for row, tags in zip(rows, findings, strict=True) for f in tags]
            in_worker = index.start_parallel(self._store.path, rows, ("id", *spec.columns),
                                             start + 1, links)
        cols = ", ".join(spec.columns)
        marks = ", ".join("?" for _ in spec.columns)
        # seq is left to SQLite: rows inserted one after another take start + 1, + 2, …
        # (the worker's index is given those rowids, so check).
        self._conn.executemany(
            f"INSERT INTO {table} (id, {cols}, vv, created_at, created_by, "
            f"modified_at, modified_by) VALUES (?, {marks}, ?, ?, ?, ?, ?)",
            rows,
        )
        last = self._last_seq(table)
        if last != start + len(rows):
            raise RuntimeError(f"{table}: rows took seq up to {last}, not {start + len(rows)}")
        if not in_worker:
            index.learn(table, after=start)
        if table == "findings":
            self._store.queries.findings_changed()

    # ----------------------------------------------------------------- indexes
    def drop_indexes(self, table: str) -> list[str]:
        """Drop ``table``'s named indexes; returns the statements that make them again."""
        rows = self._conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, _ in rows:
            self._conn.execute(f"DROP INDEX {name}")
        return [sql for _, sql in rows]

    def _defer_indexes(self, table: str) -> None:
        """Drop ``table``'s secondary indexes until the build ends: one sort beats many inserts."""
        self._deferred.extend((table, sql) for sql in self.drop_indexes(table))

    def _last_seq(self, table: str) -> int:
        return int(self._conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0])
