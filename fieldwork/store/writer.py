"""Writing one row as this copy: the path of every local edit.

A row written here has its content checked as a pack or a document would be, gets a new
version (this copy's clock ticks), is recorded in the history with the values before and
after, and is kept in the search index (:mod:`.index`). Deletions are tombstones, so that
they can travel to other copies. The caller holds the transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fieldwork import validation, versions
from fieldwork.errors import (
    InvalidValue,
    NoSuchCase,
    NoSuchFinding,
    NoSuchInspector,
    NoSuchNote,
    NotFound,
)
from fieldwork.store import rows as R

if TYPE_CHECKING:
    from fieldwork.store.store import Store

_NOT_FOUND: dict[str, type[NotFound]] = {
    "notes": NoSuchNote,
    "findings": NoSuchFinding,
    "cases": NoSuchCase,
    "inspectors": NoSuchInspector,
    "inspection": NotFound,
}


def now() -> str:
    """The current time in UTC, as ISO 8601 with a ``Z``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_now() -> str:
    """The local wall-clock time to the minute, as a note's ``observed_at``."""
    return dt.datetime.now().replace(second=0, microsecond=0).isoformat(timespec="minutes")


def new_id() -> str:
    return str(uuid.uuid4())


class RowWriter:
    """Inserts, changes and deletes single rows of the replicated tables for ``store``."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn

    def by(self, by: str | None) -> str:
        """Who a write is recorded as: ``by``, or the store's actor."""
        return by if by is not None else self._store.actor

    def row(self, table: str, row_id: str, *, include_deleted: bool = False) -> sqlite3.Row:
        """A stored row; a tombstone only with ``include_deleted``.

        :raises NotFound: (its subclass for the table) no such row
        """
        row = self._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
        if row is None or (row["deleted"] and not include_deleted):
            raise _NOT_FOUND[table](f"no {R.SPECS[table].kind} with id {row_id}")
        return row

    def insert(self, table: str, row_id: str, data: dict[str, Any], *, by: str | None) -> None:
        spec = R.SPECS[table]
        check_content(table, data)
        who = self.by(by)
        at = now()
        vv = versions.dumps({self._store.replica: self._store.tick()})
        cols = ", ".join(spec.columns)
        marks = ", ".join("?" for _ in spec.columns)
        cur = self._conn.execute(
            f"INSERT INTO {table} (id, {cols}, vv, deleted, created_at, created_by, "
            f"modified_at, modified_by) VALUES (?, {marks}, ?, 0, ?, ?, ?, ?)",
            (row_id, *spec.encode(data), vv, at, who, at, who),
        )
        assert cur.lastrowid is not None
        self._changed(table, [cur.lastrowid])

    def update(
        self,
        table: str,
        row_id: str,
        changes: dict[str, Any],
        *,
        by: str | None,
        op: str = "edit",
        undelete: bool = False,
        shown: dict[str, tuple[Any, Any]] | None = None,
        record: bool = True,
    ) -> frozenset[str]:
        """Change some content columns of a row (with ``undelete``, a tombstone too, which
        comes back). Returns the columns that changed (with ``deleted`` for a row brought
        back): empty when nothing did, and nothing was written.

        ``shown`` gives the history other values to show for some columns (a finding's
        place in its list rather than its sort key); ``record=False`` leaves the change
        out of the history (the bookkeeping of spreading a section's sort keys).
        """
        spec = R.SPECS[table]
        row = self.row(table, row_id, include_deleted=undelete)
        old = spec.decode(row)
        new = {**old, **changes}
        before = {k: old[k] for k in changes if old[k] != new[k]}
        after = {k: new[k] for k in before}
        revived = bool(undelete and row["deleted"])
        if not before and not revived:
            return frozenset()
        changed = frozenset(before) | ({"deleted"} if revived else set())
        if before:
            check_content(table, new, only=before.keys())
        for key, (was, now_) in (shown or {}).items():
            if key in before:
                if was == now_:
                    del before[key], after[key]
                else:
                    before[key], after[key] = was, now_
        who = self.by(by)
        at = now()
        vv = versions.bump(versions.loads(row["vv"]), self._store.replica, self._store.tick())
        sets = ", ".join(f"{col} = ?" for col in spec.columns)
        self._store.index.forget(table, [row["seq"]])
        self._conn.execute(
            f"UPDATE {table} SET {sets}, vv = ?, deleted = 0, modified_at = ?, modified_by = ? "
            "WHERE id = ?",
            (*spec.encode(new), versions.dumps(vv), at, who, row_id),
        )
        if record:
            self.record(table, row_id, at, who, op, before or None, after or None)
        self._changed(table, [row["seq"]])
        return changed

    def delete(self, table: str, row_id: str, *, by: str | None) -> None:
        row = self.row(table, row_id)
        who = self.by(by)
        at = now()
        vv = versions.bump(versions.loads(row["vv"]), self._store.replica, self._store.tick())
        self._store.index.forget(table, [row["seq"]])
        self._conn.execute(
            f"UPDATE {table} SET deleted = 1, vv = ?, modified_at = ?, modified_by = ? "
            "WHERE id = ?",
            (versions.dumps(vv), at, who, row_id),
        )
        self.record(table, row_id, at, who, "delete", None, None)
        self._changed(table, [row["seq"]])

    def overwrite(
        self, table: str, row_id: str, content: dict[str, Any], *, deleted: bool,
        vv: versions.VersionVector, by: str | None, op: str,
    ) -> None:
        """Write a whole version of an existing row, with the version vector given, and
        record it in the history as ``op`` (a resolution of a conflict, say)."""
        spec = R.SPECS[table]
        check_content(table, content)
        row = self.row(table, row_id, include_deleted=True)
        old = spec.decode(row)
        who = self.by(by)
        at = now()
        sets = ", ".join(f"{col} = ?" for col in spec.columns)
        self._store.index.forget(table, [row["seq"]])
        self._conn.execute(
            f"UPDATE {table} SET {sets}, vv = ?, deleted = ?, modified_at = ?, modified_by = ? "
            "WHERE id = ?",
            (*spec.encode(content), versions.dumps(vv), int(deleted), at, who, row_id),
        )
        before = {k: old[k] for k in spec.columns if old[k] != content[k]}
        after = {k: content[k] for k in before}
        if bool(row["deleted"]) != deleted:
            before["deleted"], after["deleted"] = bool(row["deleted"]), deleted
        self.record(table, row_id, at, who, op, before, after)
        self._changed(table, [row["seq"]])

    def record(
        self,
        table: str,
        row_id: str,
        at: str,
        by: str,
        op: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Add one entry to the history."""
        self._conn.execute(
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

    def _changed(self, table: str, seqs: list[int]) -> None:
        self._store.index.learn(table, seqs)
        if table == "findings":
            self._store.queries.findings_changed()


# ------------------------------------------------------------------ checks
def check_content(table: str, data: dict[str, Any], *, only: Iterable[str] | None = None) -> None:
    """Refuse content the validator would refuse in a pack or a document, so that this
    copy never writes what another copy would have to refuse."""
    try:
        validation.check_content(table, data, only=tuple(only) if only is not None else ())
    except validation.Invalid as err:
        what = f"{R.SPECS[table].kind}'s {err.where}" if err.where else R.SPECS[table].kind
        raise InvalidValue(f"the {what}: {err.message}") from None


def check_keys(changes: dict[str, Any], allowed: frozenset[str], kind: str) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidValue(f"a {kind} has no field {sorted(unknown)[0]!r}")


def enum_value(enum_type: Any, value: Any, what: str) -> Any:
    """``value`` as a member of ``enum_type``, or :class:`InvalidValue` naming the choices."""
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(e.value for e in enum_type)
        raise InvalidValue(f"unknown {what} {value!r}; expected one of: {allowed}") from None


def blank_none(value: str | None) -> str | None:
    """A text stripped, or None if it is empty."""
    if value is None:
        return None
    value = value.strip()
    return value or None
