"""Merging packs into a copy.

Every pack is read, authenticated and checked first (:func:`check_pack`), and folded into
an in-memory view of this copy's rows, one pack after another; only then is the result
written, in one transaction. So a bad pack anywhere in the list changes nothing (unless
the caller asks for bad packs to be left out), and a row that several packs bring is
written once. See :mod:`fieldwork.packs.lattice` for how versions join.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldwork.errors import BadPack, ForgedPack
from fieldwork.model import Changes
from fieldwork.packs import container, snapshot
from fieldwork.packs.lattice import RowState, Version, join, maximal, sibling_id
from fieldwork.packs.validate import PackRows, Receiver, read_pack
from fieldwork.store import Store
from fieldwork.store import rows as R
from fieldwork.store.schema import REPLICATED_TABLES

#: Called as a merge goes: (steps done, steps in all, what is happening).
Progress = Callable[[int, int, str], None]
#: Called for a pack left out of a merge, with the reason.
Skip = Callable[[Path, BadPack], None]


@dataclass
class MergeSummary:
    """What merging one pack did to this copy (rows of every kind)."""

    pack: str
    sender: str
    made_at: str
    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    #: When it was merged (set in entries of :func:`merges_log`).
    at: str = ""
    #: Of ``added``: the live notes this copy did not have.
    new_notes: int = 0
    #: The id of its entry in this copy's log of merges, once written.
    entry: str = ""

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return (self.added, self.updated, self.deleted, self.conflicts)

    def describe(self) -> str:
        """One line for a person: which pack, from whom, and what it changed."""
        return (
            f"merged {self.pack} from {self.sender} (made {self.made_at}): "
            f"{self.added} added, {self.updated} updated, {self.deleted} deleted, "
            f"{self.conflicts} in conflict"
        )


@dataclass(frozen=True)
class Merged:
    """What a merge did: a summary per pack, and the changes to this copy (``everything``
    when it wrote any row, conflict or issued letter; none when the packs held nothing
    new)."""

    summaries: list[MergeSummary]
    changes: Changes


def merge_packs(
    store: Store,
    paths: Sequence[str | Path],
    passphrase: str,
    *,
    progress: Progress | None = None,
    skip: Skip | None = None,
) -> list[MergeSummary]:
    """Merge packs into ``store``: all of them, or (on any error) none; a summary of each.
    :func:`merge` says what changed as well.

    With ``skip``, a pack that cannot be merged is left out instead, and ``skip(path,
    error)`` is told; the others are merged, all together or (on an error writing) none.

    :raises BadPack: a pack is unreadable, damaged, for another passphrase, inspection or
        a newer schema; the message names the file
    :raises ReadOnly: the inspection file cannot be written
    """
    return merge(store, paths, passphrase, progress=progress, skip=skip).summaries


def merge(
    store: Store,
    paths: Sequence[str | Path],
    passphrase: str,
    *,
    progress: Progress | None = None,
    skip: Skip | None = None,
) -> Merged:
    """:func:`merge_packs`, with the changes it made to ``store``."""
    store.require_writable()
    packs: list[Path] = []
    for path in map(Path, paths):
        try:
            snapshot.check_header(container.read_header(path), path, store.inspection_id)
        except BadPack as err:
            if skip is None:
                raise
            skip(path, err)
            continue
        packs.append(path)
    report = progress or (lambda done, total, what: None)
    total = len(packs) + 1
    fold = Fold(store)
    receiver = Receiver.of(store, {name: t.index for name, t in fold.tables.items()})
    summaries: list[MergeSummary] = []
    for done, path in enumerate(packs):
        report(done, total, f"reading {path.name}")
        try:
            checked = check_pack(store, path, passphrase, receiver)
        except BadPack as err:
            if skip is None:
                raise
            skip(path, err)
            continue
        summaries.append(fold.add(checked))
    report(len(packs), total, "writing")
    changes = fold.write(summaries)
    report(total, total, "done")
    return Merged(summaries, changes)


@dataclass(frozen=True)
class CheckedPack:
    """A pack read, authenticated and every row checked: ready to be folded in."""

    path: Path
    header: container.PackHeader
    rows: PackRows


Indexes = dict[str, dict[str, tuple[int, str]]]


def receiver_of(store: Store, indexes: Indexes | None = None) -> Receiver:
    """What packs for ``store`` are checked against; ``indexes``: every table's
    :meth:`~fieldwork.store.replication.Replication.version_index`, read already."""
    if indexes is None:
        indexes = {name: store.replication.version_index(name) for name in REPLICATED_TABLES}
    return Receiver.of(store, dict(indexes))


def check_pack(store: Store, path: Path, passphrase: str, receiver: Receiver) -> CheckedPack:
    """Read, authenticate and check one pack for ``store`` (nothing is written).

    ``receiver``: what the pack is checked against, from :func:`receiver_of`.

    :raises BadPack: as for :func:`merge_packs`
    """
    header, payload = container.read_pack(path, passphrase)
    snapshot.check_header(header, path, store.inspection_id)
    image = snapshot.open_image(payload, header, path)
    del payload
    try:
        _check_not_a_file_copy(store, image, header, path)
        rows = read_pack(image, path, header, receiver)
    except sqlite3.Error as err:
        raise BadPack(f"{path}: the pack is damaged ({err})") from None
    finally:
        image.close()
    return CheckedPack(path, header, rows)


def merge_checked(store: Store, packs: Sequence[CheckedPack], *,
                  indexes: Indexes | None = None) -> Merged:
    """Merge packs checked already (:func:`check_pack`), in one transaction (the caller's,
    if it holds one).

    ``indexes``: every table's version index as the store holds it now (when the caller
    knows nothing has been written since it read them).
    """
    store.require_writable()
    fold = Fold(store, indexes)
    summaries = [fold.add(pack) for pack in packs]
    return Merged(summaries, fold.write(summaries))


def _check_not_a_file_copy(
    store: Store, image: sqlite3.Connection, header: container.PackHeader, path: Path
) -> None:
    """Refuse a pack from a copy of this very file that has gone its own way.

    Such a copy writes versions under this copy's replica id, so the two could hold
    different versions under one version vector. Packs from this copy itself are fine.
    """
    if header.replica != store.replica:
        return
    row = image.execute("SELECT value FROM meta NOT INDEXED WHERE key = 'clock'").fetchone()
    clock = str(row[0]) if row is not None else ""
    if clock.isdigit() and int(clock) > int(store.meta("clock") or 0):
        raise ForgedPack(
            f"{path}: made from a copy of this inspection file, not from a copy made by "
            "joining; it cannot be merged safely"
        )


def merges_log(store: Store) -> list[MergeSummary]:
    """The packs merged into this copy, oldest first."""
    return [
        MergeSummary(
            pack=r["pack"], sender=r["sender"], made_at=r["made_at"], added=r["added"],
            updated=r["updated"], deleted=r["deleted"], conflicts=r["conflicts"], at=r["at"],
        )
        for r in store.replication.merge_rows()
    ]


@dataclass
class _Table:
    """One table's view during a fold: what is stored, and what the packs have brought."""

    name: str
    spec: R.TableSpec
    #: The stored rows: id → (seq, vv text).
    index: dict[str, tuple[int, str]]
    #: Ids of stored rows with siblings.
    conflicted: set[str]
    #: The stored state of every row the fold had to look at (None: not stored).
    before: dict[str, RowState | None] = field(default_factory=dict)
    #: The joined state of those rows.
    after: dict[str, RowState] = field(default_factory=dict)
    #: Rows no stored or other version is known of yet, as read from a pack.
    fresh: dict[str, tuple[Any, ...]] = field(default_factory=dict)


class Fold:
    """This copy's rows with packs joined in, held in memory until :meth:`write`."""

    def __init__(self, store: Store, indexes: Indexes | None = None) -> None:
        self.store = store
        self.tables = {
            name: _Table(name, R.SPECS[name],
                         store.replication.version_index(name) if indexes is None
                         else indexes[name],
                         store.replication.conflicted_ids(name))
            for name in REPLICATED_TABLES
        }
        self.history: dict[str, tuple[Any, ...]] = {}
        self.issues: dict[str, tuple[Any, ...]] = {}

    # ------------------------------------------------------------------ reading
    def add(self, pack: CheckedPack) -> MergeSummary:
        """Join a checked pack into the fold; returns what it brings."""
        header = pack.header
        summary = MergeSummary(pack=pack.path.name, sender=header.sender_name,
                               made_at=header.made_at)
        self.add_rows(pack.rows, summary)
        return summary

    def add_rows(self, pack: PackRows, summary: MergeSummary) -> None:
        """Join every row of a pack (checked already) into the fold, counting into
        ``summary``."""
        siblings = self._siblings(pack)
        for table in self.tables.values():
            rows = pack.rows[table.name]
            wanted = {
                row[0] for row in rows
                if (table.name, row[0]) in siblings or not self._known(table, row[0], row[-6])
            }
            if not wanted:
                continue
            for row in rows:
                if row[0] in wanted:
                    self._add_row(table, row, siblings.get((table.name, row[0]), ()), summary)
        for entry in pack.history:
            self.history.setdefault(entry[0], entry)
        for issue in pack.issues:
            self.issues.setdefault(issue[0], issue)

    def _known(self, table: _Table, row_id: str, vv: str) -> bool:
        """Whether the fold holds this version of the row as its only one already."""
        current = table.after.get(row_id)
        if current is not None:
            return current.winner.vv == vv and not current.siblings
        fresh = table.fresh.get(row_id)
        if fresh is not None:
            return bool(fresh[-6] == vv)
        stored = table.index.get(row_id)
        return stored is not None and stored[1] == vv and row_id not in table.conflicted

    def _siblings(self, pack: PackRows) -> dict[tuple[str, str], list[Version]]:
        out: dict[tuple[str, str], list[Version]] = {}
        for name, siblings in pack.siblings.items():
            spec = self.tables[name].spec
            for _, row_id, vv, deleted, data, at, by in siblings:
                values = spec.encode(json.loads(data))
                out.setdefault((name, row_id), []).append(
                    Version(vv, bool(deleted), values, at, by)
                )
        return out

    def _add_row(
        self, table: _Table, row: tuple[Any, ...], extra: Sequence[Version], summary: MergeSummary
    ) -> None:
        row_id, vv = row[0], row[-6]
        current = table.after.get(row_id)
        if current is None:
            fresh = table.fresh.get(row_id)
            if fresh is not None:
                if fresh[-6] == vv and not extra:
                    return
                current = _state(table.spec, table.fresh.pop(row_id))
                table.before[row_id] = None
                table.after[row_id] = current
            elif row_id not in table.index:
                if extra:
                    table.before[row_id] = None
                    table.after[row_id] = _state(table.spec, row, extra)
                    summary.conflicts += 1
                else:
                    table.fresh[row_id] = row
                summary.added += not row[-5]
                summary.new_notes += not row[-5] and table.name == "notes"
                return
            elif not extra and table.index[row_id][1] == vv and row_id not in table.conflicted:
                return
        elif not extra and current.winner.vv == vv and not current.siblings:
            return
        incoming = _state(table.spec, row, extra)
        if current is None:
            current = self._stored(table, row_id)
        merged = join(current, incoming)
        table.after[row_id] = merged
        if merged.vvs == current.vvs and merged.winner.vv == current.winner.vv:
            return
        old, new = current.winner, merged.winner
        if new.vv != old.vv:
            if new.deleted and not old.deleted:
                summary.deleted += 1
            elif old.deleted and not new.deleted:
                summary.added += 1
                summary.new_notes += table.name == "notes"
            elif not new.deleted:
                summary.updated += 1
        summary.conflicts += bool(merged.siblings) and merged.vvs != current.vvs

    def _stored(self, table: _Table, row_id: str) -> RowState:
        """The stored state of a row, read when a pack first brings something new for it."""
        row = self.store.replication.raw_row(table.name, row_id)
        assert row is not None
        siblings = tuple(
            Version(s["vv"], bool(s["deleted"]), table.spec.encode(json.loads(s["data"])),
                    s["modified_at"], s["modified_by"])
            for s in self.store.replication.sibling_rows(table.name, row_id)
        )
        state = RowState(
            Version(row["vv"], bool(row["deleted"]), tuple(row[c] for c in table.spec.columns),
                    row["modified_at"], row["modified_by"]),
            siblings, row["created_at"], row["created_by"],
        )
        table.before[row_id] = state
        return state

    # ------------------------------------------------------------------ writing
    def write(self, summaries: Iterable[MergeSummary]) -> Changes:
        """Write the joined rows, the new history and the merge log, in one transaction;
        what changed (any row, conflict or issued letter may have: views read it all)."""
        store, replication = self.store, self.store.replication
        known_issues = {issue.id for issue in store.issues()}
        wrote = any(issue_id not in known_issues for issue_id in self.issues)
        with store.atomic(), store.bulk.writes():
            for table in self.tables.values():
                wrote = self._write_table(table) or wrote
            replication.add_history(sorted(self.history.values(), key=lambda e: (e[3], e[0])))
            replication.add_issues(self.issues.values())
            for summary in summaries:
                summary.entry = replication.record_merge(
                    pack=summary.pack, sender=summary.sender, made_at=summary.made_at,
                    counts=summary.counts,
                )
        store.invalidate_caches()
        return Changes.all() if wrote else Changes()

    def _write_table(self, table: _Table) -> bool:
        """Write one table's joined rows and conflicts; whether there were any."""
        spec = table.spec
        inserts: list[tuple[Any, ...]] = []
        replaces: list[tuple[int, tuple[Any, ...]]] = []
        changed: list[str] = []
        siblings: list[tuple[Any, ...]] = []
        for row_id, state in table.after.items():
            before = table.before[row_id]
            if before is None:
                inserts.append(_row_tuple(row_id, state))
            elif state.winner.vv != before.winner.vv:
                replaces.append((table.index[row_id][0], _row_tuple(row_id, state)))
            old_siblings = frozenset(s.vv for s in before.siblings) if before else frozenset()
            if frozenset(s.vv for s in state.siblings) != old_siblings:
                changed.append(row_id)
                siblings.extend(_sibling_tuple(table.name, spec, row_id, s) for s in state.siblings)
        inserts.extend(table.fresh.values())
        if "observed_at" in spec.columns:
            # Stored in the order they were observed, as on every other path: search ranks
            # the newest matches of a very common word, and seq is what says "newest".
            at = 1 + spec.columns.index("observed_at")
            inserts.sort(key=lambda r: (r[at], r[0]))
        else:
            inserts.sort(key=lambda r: r[0])
        replication = self.store.replication
        replication.insert_versions(table.name, inserts)
        replication.replace_versions(table.name, replaces)
        replication.set_siblings(table.name, changed, siblings)
        return bool(inserts or replaces or changed)


def _state(spec: R.TableSpec, row: tuple[Any, ...], extra: Sequence[Version] = ()) -> RowState:
    """A pack's row (and its siblings in the pack) as a row state."""
    width = len(spec.columns)
    version = Version(row[-6], bool(row[-5]), tuple(row[1 : 1 + width]), row[-2], row[-1])
    if not extra:
        return RowState(version, (), row[-4], row[-3])
    winner, siblings = maximal((version, *extra))
    return RowState(winner, siblings, row[-4], row[-3])


def _content(spec: R.TableSpec, version: Version) -> dict[str, Any]:
    return spec.decode(dict(zip(spec.columns, version.values, strict=True)))


def _row_tuple(row_id: str, state: RowState) -> tuple[Any, ...]:
    w = state.winner
    return (row_id, *w.values, w.vv, int(w.deleted), state.created_at, state.created_by,
            w.modified_at, w.modified_by)


def _sibling_tuple(table: str, spec: R.TableSpec, row_id: str, s: Version) -> tuple[Any, ...]:
    data = json.dumps(_content(spec, s), ensure_ascii=False, sort_keys=True)
    return (sibling_id(table, row_id, s.vv), row_id, s.vv, int(s.deleted), data, s.modified_at,
            s.modified_by)
