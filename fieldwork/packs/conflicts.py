"""Open conflicts: listing them, and settling one by choosing a version or writing a text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fieldwork import versions
from fieldwork.errors import InvalidValue, NotFound
from fieldwork.model import Changes
from fieldwork.packs.lattice import vector
from fieldwork.store import Conflict, Store, new_id, now
from fieldwork.store import rows as R

#: Tables whose rows have a text that a merged version can replace.
TEXT_TABLES = frozenset({"notes", "findings"})


def list_conflicts(store: Store) -> list[Conflict]:
    """Every open conflict: the shown version (mine) and a losing one (theirs), per sibling.

    A row edited three ways has two conflicts, one for each losing version.
    """
    out: list[Conflict] = []
    for s in store.replication.sibling_rows():
        row = store.replication.raw_row(s["tbl"], s["row_id"])
        if row is None or versions.dominates(vector(row["vv"]), vector(s["vv"])):
            continue  # superseded here by a later local edit; the next merge drops it
        out.append(_conflict(s, row))
    out.sort(key=lambda c: (c.mine_at, c.table, c.row_id, c.theirs_at, c.id))
    return out


def count_conflicts(store: Store) -> int:
    """How many conflicts are open (cheap enough for a status bar)."""
    return len(list_conflicts(store))


def get_conflict(store: Store, conflict_id: str) -> Conflict:
    """One open conflict, by its id or a unique start of it.

    :raises NotFound: no such open conflict, or the start is ambiguous
    """
    wanted = conflict_id.strip().lower()
    found = [c for c in list_conflicts(store) if c.id == wanted] or [
        c for c in list_conflicts(store) if wanted and c.id.startswith(wanted)
    ]
    if not found:
        raise NotFound(f"no open conflict with id {conflict_id}")
    if len(found) > 1:
        raise NotFound(f"{conflict_id} is the start of {len(found)} conflicts' ids; give more")
    return found[0]


def resolve_conflict(
    store: Store,
    conflict_id: str,
    *,
    take: str | None = None,
    text: str | None = None,
    by: str | None = None,
) -> Changes:
    """Settle a row's conflict: keep ``take`` ("mine" or "theirs"), or a merged ``text``.

    The result is a new version that has seen every version of the row, so it ends the
    conflict on every copy it reaches, and all the row's losing versions go. It is recorded
    in history as ``resolve``, with the values before and after, so it can be undone by
    an ordinary edit.

    :raises NotFound: no such open conflict
    :raises InvalidValue: neither or both of ``take`` and ``text``; a text for a row
        that has none
    """
    store.require_writable()
    if (take is None) == (text is None):
        raise InvalidValue("resolve a conflict with either take ('mine' or 'theirs') or a text")
    if take is not None and take not in ("mine", "theirs"):
        raise InvalidValue(f"take must be 'mine' or 'theirs', not {take!r}")
    conflict = get_conflict(store, conflict_id)
    table = conflict.table
    spec = R.SPECS[table]
    content: dict[str, Any]
    if take == "mine":
        content, deleted = conflict.mine, conflict.mine_deleted
    elif take == "theirs":
        content, deleted = conflict.theirs, conflict.theirs_deleted
    else:
        assert text is not None
        if table not in TEXT_TABLES:
            raise InvalidValue(f"a {spec.kind} has no text; resolve it with take instead")
        if table == "findings" and not text.strip():
            raise InvalidValue("a finding needs its text")
        base = conflict.theirs if conflict.mine_deleted else conflict.mine
        content, deleted = {**base, "text": text}, False
    content = {col: content.get(col) for col in spec.columns}
    replication = store.replication
    with store.atomic():
        row = replication.raw_row(table, conflict.row_id)
        assert row is not None
        seen = [vector(row["vv"])] + [vector(s["vv"])
                                      for s in replication.sibling_rows(table, row["id"])]
        vv = versions.bump(versions.join(seen), store.replica, store.tick())
        replication.write_resolution(table, conflict.row_id, content, deleted=deleted, vv=vv, by=by)
    return _changes(conflict, content)


def _conflict(sibling: Any, row: Any) -> Conflict:
    spec = R.SPECS[sibling["tbl"]]
    return Conflict(
        id=sibling["id"],
        table=sibling["tbl"],
        row_id=sibling["row_id"],
        theirs=json.loads(sibling["data"]),
        theirs_deleted=bool(sibling["deleted"]),
        theirs_by=sibling["modified_by"],
        theirs_at=sibling["modified_at"],
        mine=spec.decode(row),
        mine_deleted=bool(row["deleted"]),
        mine_by=row["modified_by"],
        mine_at=row["modified_at"],
    )


def _changes(conflict: Conflict, content: dict[str, Any]) -> Changes:
    row = frozenset({conflict.row_id})
    if conflict.table == "notes":
        tagged = {*(conflict.mine.get("findings") or []), *(content.get("findings") or [])}
        return Changes(notes=row, findings=frozenset(tagged))
    if conflict.table == "findings":
        return Changes(findings=row)
    if conflict.table == "cases":
        return Changes(cases=row)
    if conflict.table == "inspectors":
        return Changes(inspectors=row)
    return Changes(inspection=True)


@dataclass(frozen=True)
class Resolution:
    """A resolution as it was written, with the row's state before it, so it can be undone.

    ``before`` is the row as it was stored (every column); ``siblings`` are the losing
    versions it had, as ``(id, row_id, vv, deleted, data, modified_at, modified_by)``.
    """

    conflict_id: str
    table: str
    row_id: str
    before: dict[str, Any]
    siblings: tuple[tuple[Any, ...], ...]
    #: The version vector (as stored) that the resolution wrote.
    vv: str
    changes: Changes


def resolve_conflict_undoably(
    store: Store,
    conflict_id: str,
    *,
    take: str | None = None,
    text: str | None = None,
    by: str | None = None,
) -> Resolution:
    """:func:`resolve_conflict`, returning what :func:`undo_resolution` needs to undo it.

    :raises NotFound: no such open conflict
    :raises InvalidValue: as for :func:`resolve_conflict`
    """
    store.require_writable()
    with store.atomic():
        conflict = get_conflict(store, conflict_id)
        row = store.replication.raw_row(conflict.table, conflict.row_id)
        assert row is not None
        siblings = tuple(
            (s["id"], s["row_id"], s["vv"], s["deleted"], s["data"], s["modified_at"],
             s["modified_by"])
            for s in store.replication.sibling_rows(conflict.table, conflict.row_id)
        )
        before = {key: row[key] for key in row.keys()}
        changes = resolve_conflict(store, conflict.id, take=take, text=text, by=by)
        after = store.replication.raw_row(conflict.table, conflict.row_id)
        assert after is not None
    return Resolution(conflict.id, conflict.table, conflict.row_id, before, siblings,
                      after["vv"], changes)


def undo_resolution(store: Store, resolution: Resolution, *, by: str | None = None) -> Changes:
    """Put a row back exactly as it was before ``resolution``: its version, and its conflict.

    Only for a resolution that has not left this copy: call it before any pack is made or
    merged after the resolution. (The restored versions are ones every copy may hold; the
    resolution's own version is dropped, so it must not have travelled.) Recorded in
    history as ``unresolve``, with the values before and after.

    :raises InvalidValue: the row has changed since the resolution
    """
    store.require_writable()
    table, row_id = resolution.table, resolution.row_id
    spec = R.SPECS[table]
    replication = store.replication
    with store.atomic():
        row = replication.raw_row(table, row_id)
        if row is None or row["vv"] != resolution.vv:
            raise InvalidValue(
                f"the {spec.kind} has changed since the conflict was resolved; "
                "the resolution can no longer be undone"
            )
        old = spec.decode(row)
        was = resolution.before
        restored = spec.decode(was)
        replication.replace_versions(table, [(
            row["seq"],
            (row_id, *(was[c] for c in spec.columns), *(was[c] for c in R.VERSION_TAIL)),
        )])
        replication.set_siblings(table, [row_id], list(resolution.siblings))
        before = {k: old[k] for k in spec.columns if old[k] != restored[k]}
        after = {k: restored[k] for k in before}
        if bool(row["deleted"]) != bool(was["deleted"]):
            before["deleted"], after["deleted"] = bool(row["deleted"]), bool(was["deleted"])
        replication.add_history([(
            new_id(), table, row_id, now(), by if by is not None else store.actor, "unresolve",
            json.dumps(before, ensure_ascii=False), json.dumps(after, ensure_ascii=False),
        )])
        store.invalidate_caches()
    if table == "notes":
        tagged = {*(old.get("findings") or []), *(restored.get("findings") or [])}
        return resolution.changes | Changes(notes=frozenset({row_id}), findings=frozenset(tagged))
    return resolution.changes
