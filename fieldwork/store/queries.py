"""Reading the file: notes as lists and counts (the note filter, the orders, the list SQL),
the team and the cases, and the row history.

These are the reads the app's lists, side panel, findings board and coverage matrix make.
They never write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fieldwork.errors import InvalidValue, NoSuchCase, NoSuchFinding, NoSuchInspector, NotFound
from fieldwork.model import Case, CaseKind, Finding, HistoryEntry, Inspector, Note, SourceType
from fieldwork.store import ordering
from fieldwork.store import rows as R


@dataclass(frozen=True)
class NoteFilter:
    """Which notes a query returns. Every field that is set must hold."""

    source: SourceType | str | None = None
    author: str | None = None
    finding: str | None = None
    case_ref: str | None = None
    untagged: bool = False
    ids: frozenset[str] | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if self.ids is not None:
            # First, and with the deleted test kept off its index, so that SQLite looks
            # the few ids up rather than walking every live note.
            clauses.append("n.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(self.ids)))
            clauses.append("+n.deleted = 0")
        else:
            clauses.append("n.deleted = 0")
        if self.source is not None:
            clauses.append("n.source = ?")
            params.append(str(self.source))
        if self.author is not None:
            clauses.append("n.author = ?")
            params.append(self.author)
        if self.case_ref is not None:
            clauses.append("n.case_ref = ?")
            params.append(self.case_ref)
        if self.finding is not None:
            clauses.append(
                "n.id IN (SELECT note_id FROM links WHERE finding_id = ?)"
            )
            params.append(self.finding)
        if self.untagged:
            clauses.append(
                "NOT EXISTS (SELECT 1 FROM json_each(n.findings) j "
                "JOIN findings f ON f.id = j.value AND f.deleted = 0)"
            )
        return " AND ".join(clauses), params


#: Sort keys the notes list offers, mapped to SQL.
NOTE_ORDERS: dict[str, str] = {
    "observed_at": "n.observed_at, n.seq",
    "author": "author_name, n.observed_at, n.seq",
    "source": "n.source, n.observed_at, n.seq",
    "case_ref": "n.case_ref, n.observed_at, n.seq",
    "text": "n.text, n.seq",
    "findings": "finding_count, n.observed_at, n.seq",
}


@dataclass
class NoteRow:
    """One line of the notes list: what the list shows, without the full version data."""

    id: str
    observed_at: str
    author: str
    author_name: str
    source: SourceType
    case_ref: str | None
    subject_role: str | None
    text: str
    finding_count: int


#: What a line of the notes list shows; the caller adds WHERE, ORDER BY and LIMIT.
_NOTE_ROW_SELECT = (
    "SELECT n.id, n.observed_at, n.author, coalesce(i.name, n.author) AS author_name, "
    "n.source, n.case_ref, n.subject_role, substr(n.text, 1, 300) AS text, "
    "(SELECT count(*) FROM links l JOIN findings f ON f.id = l.finding_id "
    " AND f.deleted = 0 WHERE l.note_id = n.id) AS finding_count "
    "FROM notes n LEFT JOIN inspectors i ON i.id = n.author"
)

class Queries:
    """The reads of one open file. Holds the ids of the live findings, which every note
    read filters its tags by, until a write to the findings says otherwise."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._live_findings: set[str] | None = None

    def findings_changed(self) -> None:
        """Forget the live findings' ids (after a write to the findings, or a rollback)."""
        self._live_findings = None

    def live_findings(self) -> set[str]:
        """The ids of the live findings."""
        if self._live_findings is None:
            self._live_findings = {
                r[0] for r in self._conn.execute("SELECT id FROM findings WHERE deleted = 0")
            }
        return self._live_findings

    # ----------------------------------------------------------- team, cases
    def inspectors(self) -> list[Inspector]:
        """The live inspectors: the lead first, then by name."""
        rows = self._conn.execute(
            "SELECT * FROM inspectors WHERE deleted = 0 ORDER BY role = 'team', name, id"
        )
        return [R.inspector_from(r["id"], R.INSPECTORS.decode(r)) for r in rows]

    def inspector(self, id_or_name: str) -> Inspector:
        """An inspector by id, or by exact name."""
        row = self._conn.execute(
            "SELECT * FROM inspectors WHERE deleted = 0 AND (id = ? OR name = ?) "
            "ORDER BY id = ? DESC LIMIT 1",
            (id_or_name, id_or_name, id_or_name),
        ).fetchone()
        if row is None:
            raise NoSuchInspector(f"no inspector with id or name {id_or_name!r}")
        return R.inspector_from(row["id"], R.INSPECTORS.decode(row))

    def cases(self, *, kind: CaseKind | str | None = None) -> list[Case]:
        """The live cases (of one kind), by reference."""
        sql, params = "SELECT * FROM cases WHERE deleted = 0", []
        if kind is not None:
            sql, params = sql + " AND kind = ?", [str(kind)]
        rows = self._conn.execute(sql + " ORDER BY ref, id", params)
        return [R.case_from(r["id"], R.CASES.decode(r)) for r in rows]

    def case(self, id_or_ref: str) -> Case:
        """A case by id, or by its case reference."""
        row = self._conn.execute(
            "SELECT * FROM cases WHERE deleted = 0 AND (id = ? OR ref = ?) "
            "ORDER BY id = ? DESC LIMIT 1",
            (id_or_ref, id_or_ref, id_or_ref),
        ).fetchone()
        if row is None:
            raise NoSuchCase(f"no case with id or reference {id_or_ref!r}")
        return R.case_from(row["id"], R.CASES.decode(row))

    def case_ref_taken(self, ref: str) -> bool:
        """Whether a live case has the reference ``ref``."""
        return self._conn.execute(
            "SELECT 1 FROM cases WHERE deleted = 0 AND ref = ?", (ref,)
        ).fetchone() is not None

    # ------------------------------------------------------------------- notes
    def note(self, row: sqlite3.Row) -> Note:
        """A stored note row as a :class:`Note`, its tags to deleted findings left out."""
        note = R.note_from(row["id"], R.NOTES.decode(row), self.live_findings())
        note.created_at = row["created_at"]
        note.modified_at = row["modified_at"]
        return note

    def notes(
        self,
        where: NoteFilter | None = None,
        *,
        order: str = "observed_at",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Note]:
        """Live notes matching ``where``, in ``order`` (a key of ``NOTE_ORDERS``)."""
        clause, params = (where or NoteFilter()).where()
        sql = (
            "SELECT n.* FROM notes n WHERE " + clause + " ORDER BY " + _order(order, descending)
        )
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [self.note(r) for r in self._conn.execute(_with_sort_columns(sql), params)]

    def note_rows(
        self,
        where: NoteFilter | None = None,
        *,
        order: str = "observed_at",
        descending: bool = False,
        limit: int = 200,
        offset: int = 0,
    ) -> list[NoteRow]:
        """One page of the notes list: the columns a list shows, cheap to fetch."""
        clause, params = (where or NoteFilter()).where()
        sql = (
            f"{_NOTE_ROW_SELECT} WHERE {clause} "
            f"ORDER BY {_order(order, descending)} LIMIT ? OFFSET ?"
        )
        return [_note_row(r) for r in self._conn.execute(sql, [*params, limit, offset])]

    def note_rows_by_id(self, ids: Sequence[str]) -> list[NoteRow]:
        """The list rows of these live notes, in the order given (search results)."""
        if not ids:
            return []
        found = {
            row.id: row
            for row in self.note_rows(NoteFilter(ids=frozenset(ids)), limit=len(ids))
        }
        return [found[i] for i in ids if i in found]

    # ------------------------------------------------------------------ counts
    def count_notes(self, where: NoteFilter | None = None) -> int:
        clause, params = (where or NoteFilter()).where()
        return int(
            self._conn.execute(f"SELECT count(*) FROM notes n WHERE {clause}", params
                               ).fetchone()[0]
        )

    def note_counts(self, column: str) -> dict[str, int]:
        """How many live notes have each value of ``source``, ``author`` or ``case_ref``."""
        if column not in ("source", "author", "case_ref"):
            raise InvalidValue(f"cannot count notes by {column!r}")
        rows = self._conn.execute(
            f"SELECT {column}, count(*) FROM notes WHERE deleted = 0 GROUP BY {column}"
        )
        return {r[0]: r[1] for r in rows if r[0] is not None}

    def evidence_counts(self) -> dict[str, dict[str, Any]]:
        """For each live finding: its note count, and the distinct source types and authors."""
        out: dict[str, dict[str, Any]] = {
            f: {"notes": 0, "sources": {}, "authors": set()} for f in self.live_findings()
        }
        # One pass over the notes, counted in SQL: far cheaper than a lookup per link.
        rows = self._conn.execute(
            "SELECT j.value, n.source, n.author, count(*) FROM notes n, json_each(n.findings) j "
            "WHERE n.deleted = 0 GROUP BY 1, 2, 3"
        )
        for finding_id, source, author, count in rows:
            entry = out.get(finding_id)
            if entry is None:
                continue
            entry["notes"] += count
            entry["sources"][source] = entry["sources"].get(source, 0) + count
            entry["authors"].add(author)
        return out

    def subject_roles(self) -> list[str]:
        """The distinct staff roles that live notes record, sorted (for completion in the UI)."""
        rows = self._conn.execute(
            "SELECT DISTINCT subject_role FROM notes WHERE deleted = 0 "
            "AND subject_role IS NOT NULL ORDER BY subject_role"
        )
        return [r[0] for r in rows]

    # ---------------------------------------------------------------- findings
    def findings(self, section_keys: Sequence[str], *, section: str | None = None
                 ) -> list[Finding]:
        """Live findings in letter order: by section (in the order of ``section_keys``,
        others after them), then position. Each ``position`` is the finding's place in its
        section's list, 1..n."""
        sql, params = "SELECT * FROM findings WHERE deleted = 0", []
        if section is not None:
            sql, params = sql + " AND section = ?", [section]
        found: list[Finding] = []
        places: dict[str, int] = {}
        for r in self._conn.execute(f"{sql} ORDER BY {ordering.ORDER_SQL}", params):
            finding = R.finding_from(r["id"], R.FINDINGS.decode(r))
            places[finding.section] = finding.position = places.get(finding.section, 0) + 1
            found.append(finding)
        order = {key: i for i, key in enumerate(section_keys)}
        found.sort(key=lambda f: (order.get(f.section, len(order)), f.section, f.position))
        return found

    def live_finding_ids(self, findings: Iterable[str]) -> list[str]:
        """Finding ids as a note's tags: each once, in order.

        :raises NoSuchFinding: one is not a live finding
        """
        out: list[str] = []
        live = self.live_findings()
        for f in findings:
            if f not in live:
                raise NoSuchFinding(f"no finding with id {f}")
            if f not in out:
                out.append(f)
        return out

    def tagged_to(self, finding_id: str) -> frozenset[str]:
        """The ids of the live notes tagged to a finding."""
        return frozenset(r[0] for r in self._conn.execute(
            "SELECT note_id FROM links WHERE finding_id = ?", (finding_id,)))

    def finding_keys(self, *, deleted: bool = False) -> list[tuple[str, str, int]]:
        """``(id, section, sort key)`` of the findings, live ones only unless ``deleted``,
        in the order of their keys (see :mod:`.ordering`)."""
        where = "" if deleted else "WHERE deleted = 0 "
        return [
            (r[0], r[1], int(r[2])) for r in self._conn.execute(
                f"SELECT id, section, position FROM findings {where}ORDER BY {ordering.ORDER_SQL}"
            )
        ]

    def known_ids(self, table: str) -> dict[str, bool]:
        """Every row of ``table``, tombstones too: id → whether it is deleted."""
        R.SPECS[table]  # a replicated table, not any name
        return {r[0]: bool(r[1]) for r in self._conn.execute(f"SELECT id, deleted FROM {table}")}

    # ----------------------------------------------------------------- history
    def history(self, row_id: str) -> list[HistoryEntry]:
        """Every recorded change to one row, oldest first, starting with its creation."""
        entries: list[HistoryEntry] = []
        for table in R.SPECS:
            row = self._conn.execute(
                f"SELECT created_at, created_by FROM {table} WHERE id = ?", (row_id,)
            ).fetchone()
            if row is not None:
                entries.append(HistoryEntry(
                    id=f"create:{row_id}", table=table, row_id=row_id, at=row["created_at"],
                    by=row["created_by"], op="create", before=None, after=None,
                ))
                break
        else:
            raise NotFound(f"no row with id {row_id}")
        for r in self._conn.execute(
            "SELECT * FROM history WHERE row_id = ? ORDER BY at, seq", (row_id,)
        ):
            entries.append(HistoryEntry(
                id=r["id"], table=r["tbl"], row_id=r["row_id"], at=r["at"], by=r["by"],
                op=r["op"],
                before=None if r["before"] is None else json.loads(r["before"]),
                after=None if r["after"] is None else json.loads(r["after"]),
            ))
        return entries


def _note_row(r: sqlite3.Row) -> NoteRow:
    return NoteRow(
        id=r["id"],
        observed_at=r["observed_at"],
        author=r["author"],
        author_name=r["author_name"],
        source=SourceType(r["source"]),
        case_ref=r["case_ref"],
        subject_role=r["subject_role"],
        text=r["text"],
        finding_count=r["finding_count"],
    )


def _order(order: str, descending: bool) -> str:
    if order not in NOTE_ORDERS:
        raise InvalidValue(f"cannot sort notes by {order!r}")
    parts = NOTE_ORDERS[order].split(", ")
    if descending:
        parts = [f"{p} DESC" for p in parts]
    return ", ".join(parts)


def _with_sort_columns(sql: str) -> str:
    """Add the computed sort columns a plain ``SELECT n.*`` needs for some orders."""
    if "author_name" in sql or "finding_count" in sql:
        return sql.replace(
            "SELECT n.* FROM notes n",
            "SELECT n.*, (SELECT name FROM inspectors i WHERE i.id = n.author) AS author_name, "
            "(SELECT count(*) FROM links l JOIN findings f ON f.id = l.finding_id "
            "AND f.deleted = 0 WHERE l.note_id = n.id) AS finding_count FROM notes n",
            1,
        )
    return sql
