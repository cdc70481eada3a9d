"""The primitives that packs (:mod:`fieldwork.packs`) merge and join with.

They move whole versions of rows between copies, as they are: no new version vectors and
no history entries of their own, except for a resolution, which is this copy's own edit.
The caller holds the transaction (:meth:`Store.atomic`) and decides which versions win.
Also here: the losing versions of concurrent edits (conflicts, kept as siblings of the
row), the history and issued letters that come from other copies, and this copy's own
log of the packs merged into it.

A row as it travels is ``(id, *content columns, *VERSION_TAIL)`` (see
:data:`fieldwork.store.rows.VERSION_TAIL`), JSON columns as text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fieldwork import versions
from fieldwork.store import bulk
from fieldwork.store import rows as R
from fieldwork.store.writer import new_id, now

if TYPE_CHECKING:
    from fieldwork.store.store import Store


@dataclass
class Conflict:
    """A losing version of a row that was edited concurrently on two copies."""

    id: str
    table: str
    row_id: str
    theirs: dict[str, Any]
    theirs_deleted: bool
    theirs_by: str
    theirs_at: str
    mine: dict[str, Any] = field(default_factory=dict)
    mine_deleted: bool = False
    mine_by: str = ""
    mine_at: str = ""

    @property
    def kind(self) -> str:
        """What the row is, as a word: note, finding, case, inspector or inspection."""
        return R.SPECS[self.table].kind

    @property
    def differing(self) -> tuple[str, ...]:
        """The fields whose values differ between the two versions, in column order."""
        fields = [c for c in R.SPECS[self.table].columns if self.mine.get(c) != self.theirs.get(c)]
        if self.mine_deleted != self.theirs_deleted:
            fields.append("deleted")
        return tuple(fields)


class Replication:
    """Versions of rows in and out of one open file."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn

    # ----------------------------------------------------------------- reading
    def version_index(self, table: str) -> dict[str, tuple[int, str]]:
        """Every row of ``table``, tombstones too: id → (seq, version vector text)."""
        return {
            r[0]: (r[1], r[2]) for r in self._conn.execute(f"SELECT id, seq, vv FROM {table}")
        }

    def conflicted_ids(self, table: str) -> set[str]:
        """The ids of the rows of ``table`` that have losing versions kept in conflicts."""
        return {
            r[0]
            for r in self._conn.execute(
                "SELECT DISTINCT row_id FROM conflicts WHERE tbl = ?", (table,)
            )
        }

    def raw_row(self, table: str, row_id: str) -> sqlite3.Row | None:
        """A row with all its columns, tombstone or not; None when absent."""
        row: sqlite3.Row | None = self._conn.execute(
            f"SELECT * FROM {table} WHERE id = ?", (row_id,)
        ).fetchone()
        return row

    def sibling_rows(
        self, table: str | None = None, row_id: str | None = None
    ) -> list[sqlite3.Row]:
        """The losing versions kept in conflicts: of one row, of one table, or all."""
        sql = "SELECT * FROM conflicts"
        params: list[str] = []
        if table is not None:
            sql += " WHERE tbl = ?"
            params.append(table)
            if row_id is not None:
                sql += " AND row_id = ?"
                params.append(row_id)
        return list(self._conn.execute(sql + " ORDER BY tbl, row_id, modified_at, vv", params))

    def merge_rows(self) -> list[sqlite3.Row]:
        """This copy's log of merged packs, oldest first."""
        return list(self._conn.execute("SELECT * FROM merges ORDER BY at, id"))

    # ----------------------------------------------------------------- writing
    def insert_versions(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add rows made on other copies, as they are, and index them in bulk."""
        if not rows:
            return
        spec = R.SPECS[table]
        cols = ", ".join(("id", *spec.columns, *R.VERSION_TAIL))
        marks = ", ".join("?" for _ in range(1 + len(spec.columns) + len(R.VERSION_TAIL)))
        start = int(
            self._conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
        )
        # A batch that at least doubles the table (a lead's first merge, say) goes in
        # without its secondary indexes, which are then built again in one sort each,
        # inside the same transaction: about twice as fast as inserting into five b-trees.
        rebuild = len(rows) >= bulk.PARALLEL_INDEX_MIN and len(rows) >= start
        indexes = self._store.bulk.drop_indexes(table) if rebuild else []
        self._conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        for sql in indexes:
            self._conn.execute(sql)
        self._store.index.learn(table, after=start)
        if table == "findings":
            self._store.queries.findings_changed()

    def replace_versions(self, table: str, rows: Sequence[tuple[int, tuple[Any, ...]]]) -> None:
        """Overwrite existing rows with versions from other copies, keeping the index current.

        Each item is ``(seq, row)``, the row as for :meth:`insert_versions`.
        """
        if not rows:
            return
        spec = R.SPECS[table]
        rows = sorted(rows, key=lambda item: item[0])
        sets = ", ".join(f"{col} = ?" for col in (*spec.columns, "vv", "deleted", "modified_at",
                                                  "modified_by"))
        width = len(spec.columns)
        seqs = [seq for seq, _ in rows]
        self._store.index.forget(table, seqs)
        self._conn.executemany(
            f"UPDATE {table} SET {sets} WHERE seq = ?",
            [(*row[1 : 1 + width], row[-6], row[-5], row[-2], row[-1], seq)
             for seq, row in rows],
        )
        self._store.index.learn(table, seqs)
        if table == "findings":
            self._store.queries.findings_changed()

    def set_siblings(
        self, table: str, row_ids: Iterable[str], siblings: Sequence[tuple[Any, ...]]
    ) -> None:
        """Replace the losing versions kept for ``row_ids`` with ``siblings``.

        Each sibling is ``(id, row_id, vv, deleted, data, modified_at, modified_by)`` with
        ``data`` the JSON of its content.
        """
        self._conn.executemany(
            "DELETE FROM conflicts WHERE tbl = ? AND row_id = ?", [(table, r) for r in row_ids]
        )
        self._conn.executemany(
            "INSERT OR REPLACE INTO conflicts (id, tbl, row_id, vv, deleted, data, modified_at, "
            "modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(s[0], table, *s[1:]) for s in siblings],
        )

    def write_resolution(
        self,
        table: str,
        row_id: str,
        content: dict[str, Any],
        *,
        deleted: bool,
        vv: versions.VersionVector,
        by: str | None = None,
    ) -> None:
        """Write the version that settles a row's conflict, and drop its losing versions.

        ``vv`` must dominate every version of the row. Recorded in history as ``resolve``.
        """
        self._store._writer.overwrite(table, row_id, content, deleted=deleted, vv=vv, by=by,
                                      op="resolve")
        self.set_siblings(table, [row_id], [])

    def add_history(self, entries: Iterable[tuple[Any, ...]]) -> None:
        """Add history entries from another copy; ones already here are skipped.

        Each is ``(id, tbl, row_id, at, by, op, before, after)`` with JSON text.
        """
        self._conn.executemany(
            "INSERT OR IGNORE INTO history (id, tbl, row_id, at, by, op, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )

    def add_issues(self, issues: Iterable[tuple[Any, ...]]) -> None:
        """Add issued letters from another copy: ``(id, at, by, sha256, pdf, supersedes)``."""
        self._conn.executemany(
            "INSERT OR IGNORE INTO issues (id, at, by, sha256, pdf, supersedes) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            issues,
        )

    def record_merge(
        self, *, pack: str, sender: str, made_at: str, counts: tuple[int, int, int, int]
    ) -> str:
        """Note in this copy's own log that a pack was merged; returns the entry's id."""
        entry = new_id()
        self._conn.execute(
            "INSERT INTO merges (id, at, pack, sender, made_at, added, updated, deleted, "
            "conflicts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry, now(), pack, sender, made_at, *counts),
        )
        return entry
