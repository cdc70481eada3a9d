"""The inspection file: the only place that reads and writes it.

A :class:`Store` is one open ``*.fieldwork`` file. Every write runs in one transaction,
records its history, keeps the search index and the note↔finding links current, stamps
the row's version vector, and returns a :class:`~fieldwork.model.Changes` saying what it
changed. Deletions are tombstones, so that they can travel to other copies.

A Store may be used from any thread, but from one thread at a time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork import validation, versions
from fieldwork.errors import (
    FieldworkError,
    InvalidValue,
    LetterFrozen,
    NoSuchCase,
    NoSuchFinding,
    NoSuchInspector,
    NoSuchNote,
    NotAnInspection,
    NotFound,
    ReadOnly,
)
from fieldwork.model import (
    Case,
    CaseKind,
    Changes,
    Finding,
    HistoryEntry,
    Inspection,
    Inspector,
    LetterState,
    Note,
    Role,
    SearchHit,
    SourceType,
)
from fieldwork.store import ordering, schema
from fieldwork.store import rows as R
from fieldwork.store.db import (
    FILE_FORMAT,
    check_header,
    connect,
    inspect_schema,
    remove_database,
    set_pragmas,
    translated,
)
from fieldwork.store.search import search_notes_and_findings

if TYPE_CHECKING:
    from sqlite_utils import Database

    from fieldwork.store.bulkindex import ParallelNotesIndex

_NOT_FOUND: dict[str, type[NotFound]] = {
    "notes": NoSuchNote,
    "findings": NoSuchFinding,
    "cases": NoSuchCase,
    "inspectors": NoSuchInspector,
    "inspection": NotFound,
}

#: Note fields a caller may change with :meth:`Store.edit_note`.
NOTE_FIELDS = frozenset(
    {"author", "source", "case_ref", "subject_role", "observed_at", "text", "findings", "extra"}
)
FINDING_FIELDS = frozenset({"section", "position", "text", "extra"})
CASE_FIELDS = frozenset({"ref", "kind", "fields", "urgent", "extra"})
INSPECTOR_FIELDS = frozenset({"name", "role", "extra"})


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


@contextlib.contextmanager
def _new_database(path: Path, kind: str) -> Iterator[sqlite3.Connection]:
    """A connection to a new database that becomes ``path`` when the block ends.

    It is built beside ``path`` under a hidden ``.…kind`` name and renamed, so the file
    appears whole or not at all; on any error the partial one is removed. SQLite's errors
    become Fieldwork's, and one that cannot be written is :class:`ReadOnly`.
    """
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.{kind}")
    try:
        conn = sqlite3.connect(str(tmp), check_same_thread=False)
        try:
            with translated(path):
                yield conn
        finally:
            conn.close()
        os.replace(tmp, path)
    except OSError as err:
        raise ReadOnly(f"{path}: cannot be written ({err.strerror})") from err
    finally:
        remove_database(tmp)


def now() -> str:
    """The current time in UTC, as ISO 8601 with a ``Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_now() -> str:
    """The local wall-clock time to the minute, as a note's ``observed_at``."""
    return dt.datetime.now().replace(second=0, microsecond=0).isoformat(timespec="minutes")


def new_id() -> str:
    return str(uuid.uuid4())


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


@dataclass(frozen=True)
class LetterIssue:
    """One issue of the letter: who issued it, when, and the checksum of its PDF."""

    id: str
    at: str
    by: str
    sha256: str
    supersedes: str | None


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


class Store:
    """One open inspection file.

    :param actor: the inspector id that writes are recorded as; defaults to the file's
        ``me`` (who this copy belongs to).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, writable: bool) -> None:
        self.path = path
        self.conn = conn
        conn.row_factory = sqlite3.Row
        self.db = _database(conn)
        self.writable = writable
        self._meta: dict[str, str] = {
            row["key"]: row["value"] for row in conn.execute("SELECT key, value FROM meta")
        }
        self.actor: str = self._meta.get("me", "")
        self._live_findings_cache: set[str] | None = None
        self._building = False
        self._pending_index: ParallelNotesIndex | None = None
        self._deferred_indexes: list[tuple[str, str]] = []  # (table, CREATE INDEX)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | os.PathLike[str], *, actor: str | None = None) -> Store:
        """Open an existing inspection file.

        :raises NotAnInspection: missing, not SQLite, or SQLite of another kind
        :raises NewerSchema: written by a newer Fieldwork (the file is not touched)
        """
        p = Path(path)
        check_header(p)
        conn = connect(p)
        try:
            version = inspect_schema(conn, p, schema.SCHEMA_VERSION)
            writable = set_pragmas(conn, p)
            if version < schema.SCHEMA_VERSION and writable:
                with translated(p):
                    schema.apply(_database(conn))
            elif version < schema.OLDEST_READABLE_SCHEMA:
                raise ReadOnly(f"{p}: needs upgrading, but the file is read-only")
            store = cls(conn, p, writable=writable)
        except BaseException:
            conn.close()
            raise
        if actor is not None:
            store.actor = actor
        return store

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        inspection: dict[str, Any] | None = None,
        inspection_id: str | None = None,
        actor: str = "",
        with_inspection: bool = True,
    ) -> Store:
        """Create a new, empty inspection file. It must not exist already.

        The file appears whole or not at all: it is built beside the target and renamed.
        ``with_inspection=False`` leaves out the inspection's own row, for a copy whose rows
        all come from elsewhere (a pack being joined): the caller adds it.
        """
        p = Path(path)
        if p.exists():
            raise InvalidValue(f"{p}: already exists")
        if not p.parent.is_dir():
            raise NotAnInspection(f"{p}: no such directory: {p.parent}")
        with _new_database(p, "tmp") as conn:
            conn.execute("PRAGMA journal_mode = WAL")
            db = _database(conn)
            schema.apply(db)
            replica = new_id()
            with db.atomic():
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [
                        ("format", FILE_FORMAT),
                        ("replica", replica),
                        ("clock", "0"),
                        ("me", actor),
                        ("inspection_id", inspection_id or new_id()),
                    ],
                )
            store = cls(conn, p, writable=True)
            store.actor = actor
            if with_inspection:
                with store.atomic():
                    store._insert(
                        "inspection",
                        store.inspection_id,
                        {"fields": dict(inspection or {}), "state": LetterState.DRAFT.value},
                    )
        return cls.open(p, actor=actor or None)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def atomic(self) -> Iterator[Store]:
        """A transaction; nested blocks use savepoints. SQLite errors become expected ones."""
        try:
            with translated(self.path), self.db.atomic():
                yield self
        except BaseException:
            self._live_findings_cache = None
            raise

    def _require_writable(self) -> None:
        if not self.writable:
            raise ReadOnly(f"{self.path}: the file is read-only; nothing was changed")

    # -------------------------------------------------------------------- meta
    @property
    def replica(self) -> str:
        """This copy's own id, the key of its entries in version vectors."""
        return self._meta["replica"]

    @property
    def inspection_id(self) -> str:
        return self._meta["inspection_id"]

    @property
    def me(self) -> str:
        """The inspector this copy belongs to (an id), or empty if not yet chosen."""
        return self._meta.get("me", "")

    def meta(self, key: str, default: str | None = None) -> str | None:
        return self._meta.get(key, default)

    def set_meta(self, key: str, value: str) -> None:
        """Set a local setting of this copy (never travels in a pack)."""
        self._require_writable()
        with self.atomic():
            self.conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
        self._meta[key] = value

    def set_me(self, inspector_id: str) -> None:
        """Record who this copy belongs to; later writes are recorded as theirs."""
        self.inspector(inspector_id)
        self.set_meta("me", inspector_id)
        self.actor = inspector_id

    def new_replica(self) -> None:
        """Give this file a fresh replica id: for a copy made by copying the file."""
        self.set_meta("replica", new_id())

    def tick(self) -> int:
        """The next value of this copy's write counter."""
        row = self.conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'clock' "
            "RETURNING value"
        ).fetchone()
        self._meta["clock"] = str(row[0])
        return int(row[0])

    # ------------------------------------------------------- generic row writes
    def _by(self, by: str | None) -> str:
        return by if by is not None else self.actor

    def _row(self, table: str, row_id: str, *, include_deleted: bool = False) -> sqlite3.Row:
        row = self.conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None or (row["deleted"] and not include_deleted):
            raise _NOT_FOUND[table](f"no {R.SPECS[table].kind} with id {row_id}")
        return row

    def _insert(
        self, table: str, row_id: str, data: dict[str, Any], *, by: str | None = None
    ) -> None:
        spec = R.SPECS[table]
        _check_content(table, data)
        who = self._by(by)
        at = now()
        vv = versions.dumps({self.replica: self.tick()})
        cols = ", ".join(spec.columns)
        marks = ", ".join("?" for _ in spec.columns)
        cur = self.conn.execute(
            f"INSERT INTO {table} (id, {cols}, vv, deleted, created_at, created_by, "
            f"modified_at, modified_by) VALUES (?, {marks}, ?, 0, ?, ?, ?, ?)",
            (row_id, *spec.encode(data), vv, at, who, at, who),
        )
        self._after_write(table, cur.lastrowid, row_id, None, data)

    def _update(
        self,
        table: str,
        row_id: str,
        changes: dict[str, Any],
        *,
        by: str | None = None,
        op: str = "edit",
        base_vv: versions.VersionVector | None = None,
        undelete: bool = False,
        shown: dict[str, tuple[Any, Any]] | None = None,
        record: bool = True,
    ) -> bool:
        """Change some content columns of a row. Returns False when nothing changed.

        ``shown`` gives the history other values to show for some columns (a finding's
        place in its list rather than its sort key); ``record=False`` leaves the change
        out of the history (the bookkeeping of spreading a section's sort keys).
        """
        spec = R.SPECS[table]
        row = self._row(table, row_id, include_deleted=undelete)
        old = spec.decode(row)
        new = {**old, **changes}
        before = {k: old[k] for k in changes if old[k] != new[k]}
        after = {k: new[k] for k in before}
        if not before and not (undelete and row["deleted"]):
            return False
        if before:
            _check_content(table, new, only=before.keys())
        for key, (was, now_) in (shown or {}).items():
            if key in before:
                if was == now_:
                    del before[key], after[key]
                else:
                    before[key], after[key] = was, now_
        who = self._by(by)
        at = now()
        vv = versions.bump(
            base_vv if base_vv is not None else versions.loads(row["vv"]), self.replica, self.tick()
        )
        sets = ", ".join(f"{col} = ?" for col in spec.columns)
        self.conn.execute(
            f"UPDATE {table} SET {sets}, vv = ?, deleted = 0, modified_at = ?, modified_by = ? "
            "WHERE id = ?",
            (*spec.encode(new), versions.dumps(vv), at, who, row_id),
        )
        if record:
            self._record(table, row_id, at, who, op, before or None, after or None)
        self._after_write(table, row["seq"], row_id, None if row["deleted"] else old, new)
        return True

    def _delete(self, table: str, row_id: str, *, by: str | None = None) -> None:
        spec = R.SPECS[table]
        row = self._row(table, row_id)
        old = spec.decode(row)
        who = self._by(by)
        at = now()
        vv = versions.bump(versions.loads(row["vv"]), self.replica, self.tick())
        self.conn.execute(
            f"UPDATE {table} SET deleted = 1, vv = ?, modified_at = ?, modified_by = ? "
            "WHERE id = ?",
            (versions.dumps(vv), at, who, row_id),
        )
        self._record(table, row_id, at, who, "delete", None, None)
        self._after_write(table, row["seq"], row_id, old, None)

    def _record(
        self,
        table: str,
        row_id: str,
        at: str,
        by: str,
        op: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO history (id, tbl, row_id, at, by, op, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new_id(),
                table,
                row_id,
                at,
                by,
                op,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ),
        )

    def _after_write(
        self,
        table: str,
        seq: int | None,
        row_id: str,
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
    ) -> None:
        """Keep the search index and links in step with one row's change.

        ``old`` is the live content before (None if the row was absent or deleted);
        ``new`` the live content after (None if it is now deleted).
        """
        if table == "notes":
            if old is not None:
                self.conn.execute(
                    "INSERT INTO notes_fts (notes_fts, rowid, text, case_ref, subject_role) "
                    "VALUES ('delete', ?, ?, ?, ?)",
                    (seq, old["text"], old["case_ref"], old["subject_role"]),
                )
                self.conn.execute("DELETE FROM links WHERE note_id = ?", (row_id,))
            if new is not None:
                self.conn.execute(
                    "INSERT INTO notes_fts (rowid, text, case_ref, subject_role) "
                    "VALUES (?, ?, ?, ?)",
                    (seq, new["text"], new["case_ref"], new["subject_role"]),
                )
                self.conn.executemany(
                    "INSERT OR IGNORE INTO links (finding_id, note_id) VALUES (?, ?)",
                    [(f, row_id) for f in new["findings"] or []],
                )
        elif table == "findings":
            self._live_findings_cache = None
            if old is not None:
                self.conn.execute(
                    "INSERT INTO findings_fts (findings_fts, rowid, text) VALUES ('delete', ?, ?)",
                    (seq, old["text"]),
                )
            if new is not None:
                self.conn.execute(
                    "INSERT INTO findings_fts (rowid, text) VALUES (?, ?)", (seq, new["text"])
                )

    def _check_not_frozen(self) -> None:
        if self.inspection().state == LetterState.ISSUED:
            raise LetterFrozen(
                "the letter has been issued; its fields and findings cannot change "
                "without a re-issue"
            )

    # -------------------------------------------------------------- inspection
    def inspection(self) -> Inspection:
        row = self._row("inspection", self.inspection_id)
        return R.inspection_from(row["id"], R.INSPECTION.decode(row))

    def update_inspection(self, fields: dict[str, Any], *, by: str | None = None) -> Changes:
        """Set some of the letter's fields; a value of None removes the field."""
        self._require_writable()
        with self.atomic():
            self._check_not_frozen()
            current = self.inspection().fields
            merged = {**current, **fields}
            merged = {k: v for k, v in merged.items() if v is not None}
            keys = [k for k in fields if current.get(k) != merged.get(k)]
            # The history shows the fields that changed, not the whole letter.
            shown = {
                "fields": ({k: current.get(k) for k in keys}, {k: merged.get(k) for k in keys})
            }
            changed = self._update(
                "inspection", self.inspection_id, {"fields": merged}, by=by, shown=shown
            )
        return Changes(inspection=changed)

    def set_state(self, state: LetterState, *, by: str | None = None) -> Changes:
        """Move the letter to a new state (issuing goes through :mod:`fieldwork.issuing`)."""
        self._require_writable()
        with self.atomic():
            changed = self._update(
                "inspection", self.inspection_id, {"state": LetterState(state).value}, by=by,
                op="state",
            )
        return Changes(inspection=changed)

    # -------------------------------------------------------------- inspectors
    def inspectors(self) -> list[Inspector]:
        rows = self.conn.execute(
            "SELECT * FROM inspectors WHERE deleted = 0 ORDER BY role = 'team', name, id"
        )
        return [R.inspector_from(r["id"], R.INSPECTORS.decode(r)) for r in rows]

    def inspector(self, id_or_name: str) -> Inspector:
        """An inspector by id, or by exact name."""
        row = self.conn.execute(
            "SELECT * FROM inspectors WHERE deleted = 0 AND (id = ? OR name = ?) "
            "ORDER BY id = ? DESC LIMIT 1",
            (id_or_name, id_or_name, id_or_name),
        ).fetchone()
        if row is None:
            raise NoSuchInspector(f"no inspector with id or name {id_or_name!r}")
        return R.inspector_from(row["id"], R.INSPECTORS.decode(row))

    def add_inspector(
        self,
        name: str,
        role: Role | str = Role.TEAM,
        *,
        id: str | None = None,
        extra: dict[str, Any] | None = None,
        by: str | None = None,
    ) -> Changes:
        self._require_writable()
        if not name.strip():
            raise InvalidValue("an inspector needs a name")
        row_id = id or new_id()
        data = {"name": name, "role": _enum(Role, role, "role").value, "extra": extra or None}
        with self.atomic():
            self._insert("inspectors", row_id, data, by=by)
        return Changes(inspectors=frozenset({row_id}), created=row_id)

    def edit_inspector(
        self, inspector_id: str, *, by: str | None = None, **changes: Any
    ) -> Changes:
        self._require_writable()
        _check_keys(changes, INSPECTOR_FIELDS, "inspector")
        if "role" in changes:
            changes["role"] = _enum(Role, changes["role"], "role").value
        with self.atomic():
            changed = self._update("inspectors", inspector_id, changes, by=by)
        return Changes(inspectors=frozenset({inspector_id}) if changed else frozenset())

    def delete_inspector(self, inspector_id: str, *, by: str | None = None) -> Changes:
        self._require_writable()
        with self.atomic():
            self._delete("inspectors", inspector_id, by=by)
        return Changes(inspectors=frozenset({inspector_id}))

    # ------------------------------------------------------------------- cases
    def cases(self, *, kind: CaseKind | str | None = None) -> list[Case]:
        sql = "SELECT * FROM cases WHERE deleted = 0"
        params: list[Any] = []
        if kind is not None:
            sql += " AND kind = ?"
            params.append(str(kind))
        rows = self.conn.execute(sql + " ORDER BY ref, id", params)
        return [R.case_from(r["id"], R.CASES.decode(r)) for r in rows]

    def case(self, id_or_ref: str) -> Case:
        """A case by id, or by its case reference."""
        row = self.conn.execute(
            "SELECT * FROM cases WHERE deleted = 0 AND (id = ? OR ref = ?) "
            "ORDER BY id = ? DESC LIMIT 1",
            (id_or_ref, id_or_ref, id_or_ref),
        ).fetchone()
        if row is None:
            raise NoSuchCase(f"no case with id or reference {id_or_ref!r}")
        return R.case_from(row["id"], R.CASES.decode(row))

    def add_case(
        self,
        ref: str,
        kind: CaseKind | str = CaseKind.SAMPLED,
        *,
        fields: dict[str, Any] | None = None,
        urgent: dict[str, Any] | None = None,
        id: str | None = None,
        extra: dict[str, Any] | None = None,
        by: str | None = None,
    ) -> Changes:
        self._require_writable()
        if not ref.strip():
            raise InvalidValue("a case needs its reference")
        row_id = id or new_id()
        data = {
            "ref": ref.strip(),
            "kind": _enum(CaseKind, kind, "kind").value,
            "fields": fields or {},
            "urgent": urgent,
            "extra": extra or None,
        }
        with self.atomic():
            if self.conn.execute(
                "SELECT 1 FROM cases WHERE deleted = 0 AND ref = ?", (data["ref"],)
            ).fetchone():
                raise InvalidValue(f"a case with reference {data['ref']!r} already exists")
            self._insert("cases", row_id, data, by=by)
        return Changes(cases=frozenset({row_id}), created=row_id)

    def edit_case(self, case_id: str, *, by: str | None = None, **changes: Any) -> Changes:
        self._require_writable()
        _check_keys(changes, CASE_FIELDS, "case")
        if "kind" in changes:
            changes["kind"] = _enum(CaseKind, changes["kind"], "kind").value
        with self.atomic():
            changed = self._update("cases", case_id, changes, by=by)
        return Changes(cases=frozenset({case_id}) if changed else frozenset())

    def delete_case(self, case_id: str, *, by: str | None = None) -> Changes:
        self._require_writable()
        with self.atomic():
            self._delete("cases", case_id, by=by)
        return Changes(cases=frozenset({case_id}))

    # ---------------------------------------------------------------- findings
    def section_keys(self) -> tuple[str, ...]:
        """The section keys of this inspection's letter template."""
        from fieldwork.letter import load_template

        return tuple(load_template(self.inspection().template).section_keys)

    def _check_section(self, section: str) -> None:
        keys = self.section_keys()
        if section not in keys:
            raise InvalidValue(
                f"unknown section {section!r}; this letter's sections are: {', '.join(keys)}"
            )

    def findings(self, *, section: str | None = None) -> list[Finding]:
        """Live findings in letter order (by section, then position).

        Each finding's ``position`` is its place in its section's list, 1..n.
        """
        sql = "SELECT * FROM findings WHERE deleted = 0"
        params: list[Any] = []
        if section is not None:
            sql += " AND section = ?"
            params.append(section)
        rows = list(self.conn.execute(f"{sql} ORDER BY {ordering.ORDER_SQL}", params))
        found: list[Finding] = []
        places: dict[str, int] = {}
        for r in rows:
            finding = R.finding_from(r["id"], R.FINDINGS.decode(r))
            places[finding.section] = finding.position = places.get(finding.section, 0) + 1
            found.append(finding)
        try:
            order = {key: i for i, key in enumerate(self.section_keys())}
        except FieldworkError:
            order = {}
        found.sort(key=lambda f: (order.get(f.section, len(order)), f.section, f.position))
        return found

    def finding(self, finding_id: str) -> Finding:
        row = self._row("findings", finding_id)
        finding = R.finding_from(row["id"], R.FINDINGS.decode(row))
        finding.position = self._rank(finding_id, finding.section)
        return finding

    def _live_findings(self) -> set[str]:
        if self._live_findings_cache is None:
            self._live_findings_cache = {
                r[0] for r in self.conn.execute("SELECT id FROM findings WHERE deleted = 0")
            }
        return self._live_findings_cache

    def _section_list(self, section: str) -> list[tuple[str, int]]:
        """(id, sort key) of a section's live findings, in order."""
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                f"SELECT id, position FROM findings WHERE deleted = 0 AND section = ? "
                f"ORDER BY {ordering.ORDER_SQL}",
                (section,),
            )
        ]

    def _rank(self, finding_id: str, section: str) -> int:
        ids = [fid for fid, _ in self._section_list(section)]
        return ids.index(finding_id) + 1 if finding_id in ids else len(ids) + 1

    def _key_at(
        self, section: str, position: int | None, *, moving: str | None, by: str | None
    ) -> int:
        """The sort key that puts a finding at ``position`` of ``section`` (None or past the
        end: last), among the section's other findings. When two neighbours leave no room
        between their keys, the section is spread out first (see :mod:`.ordering`)."""
        others = [(fid, key) for fid, key in self._section_list(section) if fid != moving]
        index = ordering.index_for(position, len(others))
        before = others[index - 1][1] if index > 0 else None
        after = others[index][1] if index < len(others) else None
        key = ordering.key_between(before, after)
        if key is not None:
            return key
        keys = ordering.spaced(len(others) + 1)
        for (fid, old), new in zip(others, keys[:index] + keys[index + 1 :], strict=True):
            if old != new:
                self._update("findings", fid, {"position": new}, by=by, op="move", record=False)
        return keys[index]

    def add_finding(
        self,
        section: str,
        text: str,
        *,
        position: int | None = None,
        id: str | None = None,
        extra: dict[str, Any] | None = None,
        by: str | None = None,
    ) -> Changes:
        """Add a finding at ``position`` of its section (1 is first; past the end, or
        None, is last); the findings from there on move down one.

        :raises InvalidValue: no text, an unknown section, or a position below 1
        """
        self._require_writable()
        if not text.strip():
            raise InvalidValue("a finding needs its text")
        if position is not None:
            ordering.check_position(position)
        self._check_section(section)
        row_id = id or new_id()
        with self.atomic():
            self._check_not_frozen()
            key = self._key_at(section, position, moving=None, by=by)
            data = {"section": section, "position": key, "text": text, "extra": extra}
            self._insert("findings", row_id, data, by=by)
        return Changes(findings=frozenset({row_id}), created=row_id)

    def edit_finding(self, finding_id: str, *, by: str | None = None, **changes: Any) -> Changes:
        """Change a finding's text, section or position.

        ``position`` is its place in the section's list (1 is first, past the end is
        last). A finding moved to another section without a position goes last there.

        :raises InvalidValue: an empty text, an unknown section, or a position below 1
        """
        self._require_writable()
        _check_keys(changes, FINDING_FIELDS, "finding")
        if "section" in changes:
            self._check_section(changes["section"])
        if "text" in changes and not str(changes["text"]).strip():
            raise InvalidValue("a finding needs its text")
        if changes.get("position") is not None:
            ordering.check_position(changes["position"])
        with self.atomic():
            self._check_not_frozen()
            changed = self._edit_finding(finding_id, changes, by=by, op="edit")
        return Changes(findings=frozenset({finding_id}) if changed else frozenset())

    def _edit_finding(
        self, finding_id: str, changes: dict[str, Any], *, by: str | None, op: str
    ) -> bool:
        current = self.finding(finding_id)
        changes = dict(changes)
        position = changes.pop("position", None)
        section = changes.get("section", current.section)
        shown: dict[str, tuple[Any, Any]] = {}
        moved = section != current.section or (
            position is not None and min(position, self._count(section)) != current.position
        )
        if moved:
            key = self._key_at(section, position, moving=finding_id, by=by)
            changes["position"] = key
            changes["section"] = section
            shown["position"] = (current.position, self._rank_of_key(section, key, finding_id))
        return self._update("findings", finding_id, changes, by=by, op=op, shown=shown)

    def _count(self, section: str) -> int:
        row = self.conn.execute(
            "SELECT count(*) FROM findings WHERE deleted = 0 AND section = ?", (section,)
        ).fetchone()
        return int(row[0])

    def _rank_of_key(self, section: str, key: int, finding_id: str) -> int:
        """The place a finding would have in ``section`` with sort key ``key``."""
        row = self.conn.execute(
            "SELECT count(*) FROM findings WHERE deleted = 0 AND section = ? AND id != ? "
            "AND position < ?",
            (section, finding_id, key),
        ).fetchone()
        return int(row[0]) + 1

    def move_finding(
        self, finding_id: str, section: str, index: int, *, by: str | None = None
    ) -> Changes:
        """Put a finding at ``index`` (0-based; past the end is last) of ``section``: the
        same rule as :meth:`edit_finding` with ``position = index + 1``."""
        self._require_writable()
        self._check_section(section)
        with self.atomic():
            self._check_not_frozen()
            changed = self._edit_finding(
                finding_id, {"section": section, "position": max(0, index) + 1}, by=by, op="move"
            )
        return Changes(findings=frozenset({finding_id}) if changed else frozenset())

    def restore_finding(self, finding_id: str, *, by: str | None = None) -> Changes:
        """Bring back a deleted finding with its tags (the undo of a delete)."""
        self._require_writable()
        with self.atomic():
            self._check_not_frozen()
            self._update("findings", finding_id, {}, by=by, op="restore", undelete=True)
            noted = {
                r[0]
                for r in self.conn.execute(
                    "SELECT note_id FROM links WHERE finding_id = ?", (finding_id,)
                )
            }
        return Changes(findings=frozenset({finding_id}), notes=frozenset(noted))

    def delete_finding(self, finding_id: str, *, by: str | None = None) -> Changes:
        """Delete a finding. Notes tagged to it keep their tags, which return if it is restored."""
        self._require_writable()
        with self.atomic():
            self._check_not_frozen()
            noted = {
                r[0]
                for r in self.conn.execute(
                    "SELECT note_id FROM links WHERE finding_id = ?", (finding_id,)
                )
            }
            self._delete("findings", finding_id, by=by)
        return Changes(findings=frozenset({finding_id}), notes=frozenset(noted))

    # ------------------------------------------------------------------- notes
    def add_note(
        self,
        *,
        author: str,
        source: SourceType | str,
        text: str,
        case_ref: str | None = None,
        subject_role: str | None = None,
        observed_at: str | None = None,
        findings: Sequence[str] = (),
        id: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Changes:
        """Add a note, recorded as written by ``author`` (an inspector id or name)."""
        self._require_writable()
        author_id = self.inspector(author).id
        data = {
            "author": author_id,
            "source": _enum(SourceType, source, "source").value,
            "case_ref": _blank_none(case_ref),
            "subject_role": _blank_none(subject_role),
            "observed_at": observed_at or local_now(),
            "text": text,
            "findings": self._checked_findings(findings),
            "extra": extra or None,
        }
        row_id = id or new_id()
        with self.atomic():
            self._insert("notes", row_id, data, by=author_id)
        return Changes(notes=frozenset({row_id}), created=row_id)

    def _checked_findings(self, findings: Iterable[str]) -> list[str]:
        out: list[str] = []
        live = self._live_findings()
        for f in findings:
            if f not in live:
                raise NoSuchFinding(f"no finding with id {f}")
            if f not in out:
                out.append(f)
        return out

    def edit_note(self, note_id: str, *, by: str | None = None, **changes: Any) -> Changes:
        """Change some of a note's fields. Returns empty Changes if nothing differed."""
        self._require_writable()
        _check_keys(changes, NOTE_FIELDS, "note")
        if "source" in changes:
            changes["source"] = _enum(SourceType, changes["source"], "source").value
        if "author" in changes:
            changes["author"] = self.inspector(changes["author"]).id
        for key in ("case_ref", "subject_role"):
            if key in changes:
                changes[key] = _blank_none(changes[key])
        if "findings" in changes:
            changes["findings"] = self._checked_findings(changes["findings"])
        with self.atomic():
            changed = self._update("notes", note_id, changes, by=by)
        return Changes(notes=frozenset({note_id}) if changed else frozenset())

    def delete_note(self, note_id: str, *, by: str | None = None) -> Changes:
        self._require_writable()
        with self.atomic():
            tagged = frozenset(self._note_findings(note_id))
            self._delete("notes", note_id, by=by)
        return Changes(notes=frozenset({note_id}), findings=tagged)

    def restore_note(self, note_id: str, *, by: str | None = None) -> Changes:
        """Bring back a deleted note (the undo of a delete)."""
        self._require_writable()
        with self.atomic():
            self._update("notes", note_id, {}, by=by, op="restore", undelete=True)
            tagged = frozenset(self._note_findings(note_id))
        return Changes(notes=frozenset({note_id}), findings=tagged)

    def _note_findings(self, note_id: str) -> list[str]:
        row = self._row("notes", note_id)
        return [f for f in json.loads(row["findings"]) if f in self._live_findings()]

    def note(self, note_id: str) -> Note:
        row = self._row("notes", note_id)
        return self._note(row)

    def _note(self, row: sqlite3.Row) -> Note:
        note = R.note_from(row["id"], R.NOTES.decode(row), self._live_findings())
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
        return [self._note(r) for r in self.conn.execute(_with_sort_columns(sql), params)]

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
        return [_note_row(r) for r in self.conn.execute(sql, [*params, limit, offset])]

    def note_rows_by_id(self, ids: Sequence[str]) -> list[NoteRow]:
        """The list rows of these live notes, in the order given (search results)."""
        if not ids:
            return []
        found = {
            row.id: row
            for row in self.note_rows(NoteFilter(ids=frozenset(ids)), limit=len(ids))
        }
        return [found[i] for i in ids if i in found]

    def count_notes(self, where: NoteFilter | None = None) -> int:
        clause, params = (where or NoteFilter()).where()
        return int(
            self.conn.execute(f"SELECT count(*) FROM notes n WHERE {clause}", params).fetchone()[0]
        )

    def note_counts(self, column: str) -> dict[str, int]:
        """How many live notes have each value of ``source``, ``author`` or ``case_ref``."""
        if column not in ("source", "author", "case_ref"):
            raise InvalidValue(f"cannot count notes by {column!r}")
        rows = self.conn.execute(
            f"SELECT {column}, count(*) FROM notes WHERE deleted = 0 GROUP BY {column}"
        )
        return {r[0]: r[1] for r in rows if r[0] is not None}

    def evidence_counts(self) -> dict[str, dict[str, Any]]:
        """For each live finding: its note count, and the distinct source types and authors."""
        out: dict[str, dict[str, Any]] = {
            f: {"notes": 0, "sources": {}, "authors": set()} for f in self._live_findings()
        }
        # One pass over the notes, counted in SQL: far cheaper than a lookup per link.
        rows = self.conn.execute(
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
        rows = self.conn.execute(
            "SELECT DISTINCT subject_role FROM notes WHERE deleted = 0 "
            "AND subject_role IS NOT NULL ORDER BY subject_role"
        )
        return [r[0] for r in rows]

    # ------------------------------------------------------------------- links
    def link(self, note_id: str, finding_id: str, *, by: str | None = None) -> Changes:
        """Tag a note to a finding. Linking twice is a no-op.

        :raises NoSuchNote: if ``note_id`` is unknown
        :raises NoSuchFinding: if ``finding_id`` is unknown
        """
        return self.link_many([note_id], finding_id, by=by)

    def link_many(
        self, note_ids: Iterable[str], finding_id: str, *, by: str | None = None
    ) -> Changes:
        """Tag several notes to one finding, in one transaction."""
        self._require_writable()
        self.finding(finding_id)
        touched: set[str] = set()
        with self.atomic():
            for note_id in note_ids:
                current = json.loads(self._row("notes", note_id)["findings"])
                if finding_id in current:
                    continue
                self._update("notes", note_id, {"findings": [*current, finding_id]}, by=by,
                             op="link")
                touched.add(note_id)
        return Changes(
            notes=frozenset(touched), findings=frozenset({finding_id}) if touched else frozenset()
        )

    def unlink(self, note_id: str, finding_id: str, *, by: str | None = None) -> Changes:
        """Remove a note's tag to a finding. Unlinking an absent tag is a no-op."""
        self._require_writable()
        with self.atomic():
            current = json.loads(self._row("notes", note_id)["findings"])
            if finding_id not in current:
                return Changes()
            self._update(
                "notes", note_id, {"findings": [f for f in current if f != finding_id]}, by=by,
                op="unlink",
            )
        return Changes(notes=frozenset({note_id}), findings=frozenset({finding_id}))

    # ------------------------------------------------------------------ issues
    def record_issue(self, pdf: bytes, *, by: str | None = None) -> LetterIssue:
        """Store an issued letter's exact bytes and checksum, and freeze the letter."""
        import hashlib

        self._require_writable()
        previous = self.latest_issue()
        issue = LetterIssue(
            id=new_id(),
            at=now(),
            by=self._by(by),
            sha256=hashlib.sha256(pdf).hexdigest(),
            supersedes=previous.id if previous else None,
        )
        with self.atomic():
            self.conn.execute(
                "INSERT INTO issues (id, at, by, sha256, pdf, supersedes) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (issue.id, issue.at, issue.by, issue.sha256, pdf, issue.supersedes),
            )
            self._update(
                "inspection", self.inspection_id, {"state": LetterState.ISSUED.value},
                by=by, op="issue",
            )
        return issue

    def issues(self) -> list[LetterIssue]:
        """Every issue of the letter, oldest first (without the PDF bytes)."""
        rows = self.conn.execute(
            "SELECT id, at, by, sha256, supersedes FROM issues ORDER BY at, id"
        )
        return [LetterIssue(r["id"], r["at"], r["by"], r["sha256"], r["supersedes"]) for r in rows]

    def latest_issue(self) -> LetterIssue | None:
        found = self.issues()
        return found[-1] if found else None

    def issued_pdf(self, issue_id: str) -> bytes:
        """The exact bytes of an issued letter."""
        row = self.conn.execute("SELECT pdf FROM issues WHERE id = ?", (issue_id,)).fetchone()
        if row is None:
            raise NotFound(f"no issued letter with id {issue_id}")
        return bytes(row[0])

    # ----------------------------------------------------------------- history
    def history(self, row_id: str) -> list[HistoryEntry]:
        """Every recorded change to one row, oldest first, starting with its creation."""
        entries: list[HistoryEntry] = []
        for table in R.SPECS:
            row = self.conn.execute(
                f"SELECT created_at, created_by FROM {table} WHERE id = ?", (row_id,)
            ).fetchone()
            if row is not None:
                entries.append(
                    HistoryEntry(
                        id=f"create:{row_id}",
                        table=table,
                        row_id=row_id,
                        at=row["created_at"],
                        by=row["created_by"],
                        op="create",
                        before=None,
                        after=None,
                    )
                )
                break
        else:
            raise NotFound(f"no row with id {row_id}")
        for r in self.conn.execute(
            "SELECT * FROM history WHERE row_id = ? ORDER BY at, seq", (row_id,)
        ):
            entries.append(
                HistoryEntry(
                    id=r["id"],
                    table=r["tbl"],
                    row_id=r["row_id"],
                    at=r["at"],
                    by=r["by"],
                    op=r["op"],
                    before=None if r["before"] is None else json.loads(r["before"]),
                    after=None if r["after"] is None else json.loads(r["after"]),
                )
            )
        return entries

    # ------------------------------------------------------------------ search
    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Ranked hits over note text, case references and findings, with marked snippets."""
        return search_notes_and_findings(self.conn, query, limit=limit)

    # -------------------------------------------------------------- bulk work
    def bulk_insert(
        self, table: str, items: Sequence[tuple[str, dict[str, Any]]], *, by: str | None = None
    ) -> None:
        """Insert many new rows at once, indexing them in bulk as they go in.

        ``items`` are ``(id, content)`` pairs of rows not yet in the file. Notes go in in
        the order they were observed, so that storage order follows time (search ranks
        the newest matches of a very common word). Must run inside :meth:`atomic`.
        """
        spec = R.SPECS[table]
        for _, data in items:
            _check_content(table, data)
        ordered = sorted(items, key=lambda item: (item[1].get("observed_at") or "", item[0]))
        stamp = self.bulk_stamp(by)
        self.bulk_insert_encoded(
            table,
            [(row_id, *spec.encode(data), *stamp) for row_id, data in ordered],
            findings=[data.get("findings") or [] for _, data in ordered]
            if table == "notes" else None,
        )

    def bulk_stamp(self, by: str | None = None) -> tuple[str, str, str, str, str]:
        """The columns every row of one bulk insert shares: its version vector (one tick
        of this copy's clock) and created/modified at and by."""
        who = self._by(by)
        at = now()
        return versions.dumps({self.replica: self.tick()}), at, who, at, who

    def bulk_insert_encoded(
        self,
        table: str,
        rows: Sequence[tuple[Any, ...]],
        *,
        findings: Sequence[Sequence[str]] | None = None,
    ) -> None:
        """The fast path of :meth:`bulk_insert`: rows already encoded, in storage order.

        Each row is ``(id, *content, *stamp)``: the table's columns in order, JSON
        columns as text, then the five columns of one :meth:`bulk_stamp`. For notes,
        ``findings`` gives each row's finding ids, for the links.
        """
        if not rows:
            return
        spec = R.SPECS[table]
        start = int(
            self.conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0]
        )
        if self._building and len(rows) >= self.PARALLEL_INDEX_MIN:
            self._defer_indexes(table)
            if table == "notes":
                self._defer_indexes("links")
        if table == "notes":
            text, case_ref, role = (
                1 + spec.columns.index(c) for c in ("text", "case_ref", "subject_role")
            )
            assert findings is not None
            fts_rows = [(seq, row[text], row[case_ref], row[role])
                        for seq, row in enumerate(rows, start=start + 1)]
            links = [(f, row[0]) for row, tags in zip(rows, findings, strict=True)
                     for f in tags]
            if self._can_index_in_parallel(len(rows)):
                from fieldwork.store.bulkindex import ParallelNotesIndex

                try:
                    self._pending_index = ParallelNotesIndex(
                        self.path, self._table_sql("notes_fts"), self.BULK_FTS_HASHSIZE
                    )
                except OSError:  # no interpreter to start: index here, as for few rows
                    self._pending_index = None
                else:
                    self._pending_index.add_rows(fts_rows)
                    self._pending_index.add_links(links)
                    fts_rows, links = [], []
        cols = ", ".join(spec.columns)
        marks = ", ".join("?" for _ in spec.columns)
        # seq is left to SQLite: rows inserted one after another take start + 1, + 2, …
        # (the search index is given those rowids, so check).
        self.conn.executemany(
            f"INSERT INTO {table} (id, {cols}, vv, created_at, created_by, "
            f"modified_at, modified_by) VALUES (?, {marks}, ?, ?, ?, ?, ?)",
            rows,
        )
        last = self.conn.execute(f"SELECT max(seq) FROM {table}").fetchone()[0]
        if last != start + len(rows):
            raise RuntimeError(f"{table}: rows took seq up to {last}, not {start + len(rows)}")
        if table == "notes":
            if links:
                links.sort()
                self.conn.executemany(
                    "INSERT OR IGNORE INTO links (finding_id, note_id) VALUES (?, ?)", links
                )
            if fts_rows:
                self.conn.executemany(
                    "INSERT INTO notes_fts (rowid, text, case_ref, subject_role) "
                    "VALUES (?, ?, ?, ?)",
                    fts_rows,
                )
        elif table == "findings":
            self._live_findings_cache = None
            text = 1 + spec.columns.index("text")
            self.conn.executemany(
                "INSERT INTO findings_fts (rowid, text) VALUES (?, ?)",
                [(seq, row[text]) for seq, row in enumerate(rows, start=start + 1)],
            )

    def _defer_indexes(self, table: str) -> None:
        """Drop ``table``'s secondary indexes until the build ends: one sort beats many inserts."""
        self._deferred_indexes.extend((table, sql) for sql in self._drop_indexes(table))

    def _table_sql(self, name: str) -> str:
        """The statement that made table ``name``, as the file records it."""
        return str(self.conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()[0])

    def _drop_indexes(self, table: str) -> list[str]:
        """Drop ``table``'s named indexes; returns the statements that make them again."""
        rows = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        ).fetchall()
        for name, _ in rows:
            self.conn.execute(f"DROP INDEX {name}")
        return [sql for _, sql in rows]

    def _can_index_in_parallel(self, count: int) -> bool:
        """Only while building a new file whose notes index is still empty, and worth it."""
        return (
            self._building
            and self._pending_index is None
            and count >= self.PARALLEL_INDEX_MIN
            and self.conn.execute("SELECT 1 FROM notes_fts_docsize LIMIT 1").fetchone() is None
        )

    @contextlib.contextmanager
    def building(self) -> Iterator[Store]:
        """Fast bulk writes for a file that nobody else can see yet (being built, then renamed).

        Journaling and syncing are off inside, and a large bulk of notes is indexed by a
        worker process (:mod:`bulkindex`): a failure leaves a file to throw away, which the
        caller does. On leaving, the deferred indexes are built and the search index
        installed, the file returns to WAL and is made durable.
        Close the store afterwards.
        """
        self.conn.execute("PRAGMA journal_mode = OFF")
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute("PRAGMA cache_size = -262144")
        self._building = True
        try:
            with gc_paused():
                yield self
            with translated(self.path):
                # The worker is usually still indexing: sort out the notes' own indexes
                # meanwhile, and those of the links once they are in.
                later = [sql for table, sql in self._deferred_indexes if table == "links"]
                for table, sql in self._deferred_indexes:
                    if table != "links":
                        self.conn.execute(sql)
                if self._pending_index is not None:
                    self._pending_index.install(self.conn)
                for sql in later:
                    self.conn.execute(sql)
        finally:
            self._building = False
            self._deferred_indexes = []
            if self._pending_index is not None:
                self._pending_index.discard()
                self._pending_index = None
            self.conn.execute("PRAGMA cache_size = -2000")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
        with open(self.path, "rb+") as fh:
            os.fsync(fh.fileno())

    def reindex_from(self, table: str, after_seq: int) -> None:
        """Index, in bulk, the live rows of ``table`` whose seq is above ``after_seq``.

        Rows go to FTS5 in rowid order (``+deleted`` keeps SQLite off the ``deleted``
        index): FTS5 writes out its pending batch whenever a rowid goes backwards.
        """
        if table == "notes":
            self.conn.execute(
                "INSERT INTO notes_fts (rowid, text, case_ref, subject_role) "
                "SELECT seq, text, case_ref, subject_role FROM notes "
                "WHERE seq > ? AND +deleted = 0 ORDER BY seq",
                (after_seq,),
            )
            self.conn.execute(
                "INSERT OR IGNORE INTO links (finding_id, note_id) "
                "SELECT j.value, n.id FROM notes n, json_each(n.findings) j "
                "WHERE n.seq > ? AND +n.deleted = 0",
                (after_seq,),
            )
        elif table == "findings":
            self._live_findings_cache = None
            self.conn.execute(
                "INSERT INTO findings_fts (rowid, text) SELECT seq, text FROM findings "
                "WHERE seq > ? AND +deleted = 0 ORDER BY seq",
                (after_seq,),
            )

    def rebuild_indexes(self) -> None:
        """Rebuild the search indexes and links from the rows (after a bulk merge)."""
        with self.atomic():
            self.conn.execute("INSERT INTO notes_fts (notes_fts) VALUES ('rebuild')")
            self.conn.execute("INSERT INTO findings_fts (findings_fts) VALUES ('rebuild')")
            self.conn.execute("DELETE FROM links")
            self.reindex_from("notes", 0)
        self._live_findings_cache = None

    def invalidate_caches(self) -> None:
        self._live_findings_cache = None
        rows = self.conn.execute("SELECT key, value FROM meta")
        self._meta = {r["key"]: r["value"] for r in rows}

    def backup(self, target: str | os.PathLike[str]) -> None:
        """Copy the whole file, consistently, to a new file ``target`` (SQLite's backup API).

        The copy is written beside ``target`` and renamed, so it appears whole or not at all.
        It keeps this copy's replica id: give it its own with :meth:`new_replica`.
        """
        p = Path(target)
        if p.exists():
            raise InvalidValue(f"{p}: already exists")
        with _new_database(p, "copying") as dest:
            self.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = WAL")

    def integrity_check(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])

    # ---- replication
    # The primitives that packs (fieldwork.packs) merge with. They move whole versions of
    # rows between copies, as they are: no new version vectors, no history entries. The
    # caller holds the transaction (:meth:`atomic`) and decides which versions win.

    #: A row as it travels: id, the content columns (stored form), vv, deleted,
    #: created_at, created_by, modified_at, modified_by.
    VERSION_TAIL = ("vv", "deleted", "created_at", "created_by", "modified_at", "modified_by")

    #: While many rows are written at once: the page cache (KiB), and how much pending
    #: search-index data FTS5 may hold before writing a segment. Big batches spare FTS5
    #: most of its segment merging, which otherwise costs more than the indexing itself.
    BULK_CACHE_KIB = 131072
    #: From how many new rows a bulk write builds a table's secondary indexes after the
    #: rows rather than with them, and a file being built indexes its notes in a worker
    #: process: below this, the sorts and starting the worker cost more than they save.
    PARALLEL_INDEX_MIN = 5000
    BULK_FTS_HASHSIZE = 64 << 20
    FTS_HASHSIZE = 1 << 20
    FTS_TABLES = ("notes_fts", "findings_fts")

    @contextlib.contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Tune the connection for one transaction that writes many rows; must run inside
        :meth:`atomic`. Settings go back to normal afterwards."""
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{self.BULK_CACHE_KIB}")
        self._fts_hashsize(self.BULK_FTS_HASHSIZE)
        try:
            with gc_paused():
                yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self._fts_hashsize(self.FTS_HASHSIZE)
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def _fts_hashsize(self, size: int) -> None:
        for fts in self.FTS_TABLES:
            self.conn.execute(
                f"INSERT INTO {fts} ({fts}, rank) VALUES ('hashsize', ?)", (size,)
            )

    def version_index(self, table: str) -> dict[str, tuple[int, str]]:
        """Every row of ``table``, tombstones too: id → (seq, version vector text)."""
        return {
            r[0]: (r[1], r[2]) for r in self.conn.execute(f"SELECT id, seq, vv FROM {table}")
        }

    def conflicted_ids(self, table: str) -> set[str]:
        """The ids of the rows of ``table`` that have losing versions kept in conflicts."""
        return {
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT row_id FROM conflicts WHERE tbl = ?", (table,)
            )
        }

    def raw_row(self, table: str, row_id: str) -> sqlite3.Row | None:
        """A row with all its columns, tombstone or not; None when absent."""
        row: sqlite3.Row | None = self.conn.execute(
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
        return list(self.conn.execute(sql + " ORDER BY tbl, row_id, modified_at, vv", params))

    def insert_versions(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add rows made on other copies, as they are, and index them in bulk.

        Each row is ``(id, *content columns, *VERSION_TAIL)``.
        """
        if not rows:
            return
        spec = R.SPECS[table]
        cols = ", ".join(("id", *spec.columns, *self.VERSION_TAIL))
        marks = ", ".join("?" for _ in range(1 + len(spec.columns) + len(self.VERSION_TAIL)))
        start = int(self.conn.execute(f"SELECT coalesce(max(seq), 0) FROM {table}").fetchone()[0])
        # A batch that at least doubles the table (a lead's first merge, say) goes in
        # without its secondary indexes, which are then built again in one sort each,
        # inside the same transaction: about twice as fast as inserting into five b-trees.
        rebuild = len(rows) >= self.PARALLEL_INDEX_MIN and len(rows) >= start
        indexes = self._drop_indexes(table) if rebuild else []
        self.conn.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)
        for sql in indexes:
            self.conn.execute(sql)
        self.reindex_from(table, start)

    def replace_versions(
        self, table: str, rows: Sequence[tuple[int, dict[str, Any] | None, tuple[Any, ...]]]
    ) -> None:
        """Overwrite existing rows with versions from other copies, keeping the index current.

        Each item is ``(seq, old, row)``: ``old`` is the row's live content before (None if it
        was a tombstone) and ``row`` is as for :meth:`insert_versions`.
        """
        if not rows:
            return
        spec = R.SPECS[table]
        rows = sorted(rows, key=lambda item: item[0])
        sets = ", ".join(f"{col} = ?" for col in (*spec.columns, "vv", "deleted", "modified_at",
                                                  "modified_by"))
        width = len(spec.columns)
        self.conn.executemany(
            f"UPDATE {table} SET {sets} WHERE seq = ?",
            [(*row[1 : 1 + width], row[-6], row[-5], row[-2], row[-1], seq)
             for seq, _, row in rows],
        )
        self.reindex_rows(
            table,
            [
                (seq, row[0], old,
                 None if row[-5] else spec.decode(dict(zip(spec.columns, row[1 : 1 + width],
                                                           strict=True))))
                for seq, old, row in rows
            ],
        )

    def reindex_rows(
        self,
        table: str,
        items: Sequence[tuple[int, str, dict[str, Any] | None, dict[str, Any] | None]],
    ) -> None:
        """:meth:`_after_write` for many rows at once: ``(seq, id, old, new)`` each."""
        if table == "notes":
            self.conn.executemany(
                "INSERT INTO notes_fts (notes_fts, rowid, text, case_ref, subject_role) "
                "VALUES ('delete', ?, ?, ?, ?)",
                [(s, o["text"], o["case_ref"], o["subject_role"]) for s, _, o, _ in items if o],
            )
            self.conn.executemany(
                "DELETE FROM links WHERE note_id = ?", [(i,) for _, i, o, _ in items if o]
            )
            self.conn.executemany(
                "INSERT INTO notes_fts (rowid, text, case_ref, subject_role) VALUES (?, ?, ?, ?)",
                [(s, n["text"], n["case_ref"], n["subject_role"]) for s, _, _, n in items if n],
            )
            self.conn.executemany(
                "INSERT OR IGNORE INTO links (finding_id, note_id) VALUES (?, ?)",
                [(f, i) for _, i, _, n in items if n for f in n["findings"] or []],
            )
        elif table == "findings":
            self._live_findings_cache = None
            self.conn.executemany(
                "INSERT INTO findings_fts (findings_fts, rowid, text) VALUES ('delete', ?, ?)",
                [(s, o["text"]) for s, _, o, _ in items if o],
            )
            self.conn.executemany(
                "INSERT INTO findings_fts (rowid, text) VALUES (?, ?)",
                [(s, n["text"]) for s, _, _, n in items if n],
            )

    def set_siblings(
        self, table: str, row_ids: Iterable[str], siblings: Sequence[tuple[Any, ...]]
    ) -> None:
        """Replace the losing versions kept for ``row_ids`` with ``siblings``.

        Each sibling is ``(id, row_id, vv, deleted, data, modified_at, modified_by)`` with
        ``data`` the JSON of its content.
        """
        self.conn.executemany(
            "DELETE FROM conflicts WHERE tbl = ? AND row_id = ?", [(table, r) for r in row_ids]
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO conflicts (id, tbl, row_id, vv, deleted, data, modified_at, "
            "modified_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(s[0], table, *s[1:]) for s in siblings],
        )

    def add_history(self, entries: Iterable[tuple[Any, ...]]) -> None:
        """Add history entries from another copy; ones already here are skipped.

        Each is ``(id, tbl, row_id, at, by, op, before, after)`` with JSON text.
        """
        self.conn.executemany(
            "INSERT OR IGNORE INTO history (id, tbl, row_id, at, by, op, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            entries,
        )

    def add_issues(self, issues: Iterable[tuple[Any, ...]]) -> None:
        """Add issued letters from another copy: ``(id, at, by, sha256, pdf, supersedes)``."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO issues (id, at, by, sha256, pdf, supersedes) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            issues,
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
        spec = R.SPECS[table]
        _check_content(table, content)
        row = self._row(table, row_id, include_deleted=True)
        old = spec.decode(row)
        who = self._by(by)
        at = now()
        sets = ", ".join(f"{col} = ?" for col in spec.columns)
        self.conn.execute(
            f"UPDATE {table} SET {sets}, vv = ?, deleted = ?, modified_at = ?, modified_by = ? "
            "WHERE id = ?",
            (*spec.encode(content), versions.dumps(vv), int(deleted), at, who, row_id),
        )
        before = {k: old[k] for k in spec.columns if old[k] != content[k]}
        after = {k: content[k] for k in before}
        if bool(row["deleted"]) != deleted:
            before["deleted"], after["deleted"] = bool(row["deleted"]), deleted
        self._record(table, row_id, at, who, "resolve", before, after)
        self.set_siblings(table, [row_id], [])
        self._after_write(
            table, row["seq"], row_id, None if row["deleted"] else old, None if deleted else content
        )

    def record_merge(
        self, *, pack: str, sender: str, made_at: str, counts: tuple[int, int, int, int]
    ) -> str:
        """Note in this copy's own log that a pack was merged; returns the entry's id."""
        entry = new_id()
        self.conn.execute(
            "INSERT INTO merges (id, at, pack, sender, made_at, added, updated, deleted, "
            "conflicts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry, now(), pack, sender, made_at, *counts),
        )
        return entry

    def merge_rows(self) -> list[sqlite3.Row]:
        """This copy's log of merged packs, oldest first."""
        return list(self.conn.execute("SELECT * FROM merges ORDER BY at, id"))


#: What a line of the notes list shows; the caller adds WHERE, ORDER BY and LIMIT.
_NOTE_ROW_SELECT = (
    "SELECT n.id, n.observed_at, n.author, coalesce(i.name, n.author) AS author_name, "
    "n.source, n.case_ref, n.subject_role, substr(n.text, 1, 300) AS text, "
    "(SELECT count(*) FROM links l JOIN findings f ON f.id = l.finding_id "
    " AND f.deleted = 0 WHERE l.note_id = n.id) AS finding_count "
    "FROM notes n LEFT JOIN inspectors i ON i.id = n.author"
)


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


def _database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils over a connection; imported here, not at start-up (about 0.1 s)."""
    from sqlite_utils import Database

    return Database(conn)


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


def _enum(enum_type: Any, value: Any, what: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum_type)
        raise InvalidValue(f"unknown {what} {value!r}; expected one of: {allowed}") from None


def _check_content(
    table: str, data: dict[str, Any], *, only: Iterable[str] | None = None
) -> None:
    """Refuse content the validator would refuse in a pack or a document, so that this
    copy never writes what another copy would have to refuse."""
    try:
        validation.check_content(table, data, only=tuple(only) if only is not None else ())
    except validation.Invalid as err:
        what = f"{R.SPECS[table].kind}'s {err.where}" if err.where else R.SPECS[table].kind
        raise InvalidValue(f"the {what}: {err.message}") from None


def _check_keys(changes: dict[str, Any], allowed: frozenset[str], kind: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidValue(f"a {kind} has no field {sorted(unknown)[0]!r}")


def _blank_none(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None
