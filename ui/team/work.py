"""What the Team menu's actions do on the worker thread: plain functions of the writer store.

No Qt and no SQL here: each function calls the ``fieldwork`` library and returns plain
data for a dialog to show on the GUI thread.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes, HistoryEntry, Inspector
from fieldwork.packs import (
    MergeSummary,
    PackHeader,
    PackInfo,
    Progress,
    count_conflicts,
    export_pack,
    join_pack,
    list_conflicts,
    read_pack_header,
)
from fieldwork.packs import merge as merge_into
from fieldwork.packs.join import pack_team
from fieldwork.store import Conflict
from fieldwork.store import rows as R
from ui.session import section_titles
from ui.team.present import Names, row_title

if TYPE_CHECKING:
    from fieldwork.store import Store

#: How many open conflicts the merge summary names.
SUMMARY_CONFLICTS = 12


@dataclass
class MergeOutcome:
    """What a merge did: per pack, and the conflicts now open in the copy."""

    summaries: list[MergeSummary]
    open_conflicts: int
    changes: Changes
    seconds: float
    #: The first open conflicts, as (what, whose two versions), for the summary.
    conflicts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def totals(self) -> tuple[int, int, int, int]:
        return (
            sum(s.added for s in self.summaries),
            sum(s.updated for s in self.summaries),
            sum(s.deleted for s in self.summaries),
            sum(s.conflicts for s in self.summaries),
        )


def merge(store: Store, paths: Sequence[Path], passphrase: str,
          progress: Progress | None = None) -> MergeOutcome:
    """Merge the packs (all or none), then count what is open and what to redraw."""
    started = time.perf_counter()
    merged = merge_into(store, list(paths), passphrase, progress=progress)
    summaries, changes = merged.summaries, merged.changes
    seconds = time.perf_counter() - started
    open_now = load_conflicts(store)
    described = [
        (open_now.titles[c.id], f"{open_now.names.inspector(c.mine_by)} (shown now) and "
                                f"{open_now.names.inspector(c.theirs_by)}")
        for c in open_now.conflicts[:SUMMARY_CONFLICTS]
    ]
    return MergeOutcome(summaries, len(open_now.conflicts), changes, seconds, described)


def pack_headers(paths: Iterable[Path]) -> list[PackHeader | FieldworkError]:
    """Each pack's header, or the reason it cannot be read (no passphrase needed)."""
    out: list[PackHeader | FieldworkError] = []
    for path in paths:
        try:
            out.append(read_pack_header(path))
        except FieldworkError as err:
            out.append(err)
    return out


def export(store: Store, path: Path, passphrase: str) -> PackInfo:
    return export_pack(store, path, passphrase)


def read_team(path: Path, passphrase: str) -> tuple[PackHeader, list[Inspector]]:
    return pack_team(path, passphrase)


def join(pack: Path, target: Path, passphrase: str, who: str, *,
         encrypt_with: str | None = None) -> Path:
    """Make this person's own copy from the pack (encrypted from its first byte with
    ``encrypt_with``), and close it (the window opens it)."""
    join_pack(pack, target, passphrase, who, encrypt_with=encrypt_with).close()
    return target


# ------------------------------------------------------------------- names
def load_names(store: Store, finding_ids: Iterable[str] = (),
               inspector_ids: Iterable[str] = ()) -> Names:
    """Names for the live inspectors and findings, and for the given ids even if deleted."""
    names = Names(
        inspectors={i.id: i.name for i in store.inspectors()},
        findings={f.id: f.text for f in store.findings()},
        sections=section_titles(store),
    )
    for finding_id, section, sort_key in store.queries.finding_keys():
        names.orders.setdefault(section, []).append((sort_key, finding_id))
    for table, ids, known, key in (
        ("findings", finding_ids, names.findings, "text"),
        ("inspectors", inspector_ids, names.inspectors, "name"),
    ):
        for row_id in set(ids) - set(known):
            row = store.replication.raw_row(table, row_id)
            if row is not None:
                known[row_id] = str(row[key])
    return names


def _ids(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for v in values:
        if isinstance(v, list):
            out.update(str(x) for x in v)
    return out


# --------------------------------------------------------------- conflicts
@dataclass
class ConflictsState:
    """The open conflicts and the names to show them with."""

    conflicts: list[Conflict]
    names: Names
    titles: dict[str, str] = field(default_factory=dict)


def load_conflicts(store: Store) -> ConflictsState:
    conflicts = list_conflicts(store)
    findings = _ids(c.mine.get("findings") for c in conflicts) | _ids(
        c.theirs.get("findings") for c in conflicts)
    people = {c.mine_by for c in conflicts} | {c.theirs_by for c in conflicts} | {
        str(c.mine.get("author")) for c in conflicts if c.table == "notes"} | {
        str(c.theirs.get("author")) for c in conflicts if c.table == "notes"}
    names = load_names(store, findings, people)
    titles = {
        c.id: row_title(c.table, c.theirs if c.mine_deleted else c.mine, names)
        for c in conflicts
    }
    return ConflictsState(conflicts, names, titles)


# ----------------------------------------------------------------- history
@dataclass
class RowHistory:
    """One note's or finding's history, oldest first, with the names to show it with."""

    row_id: str
    table: str
    title: str
    deleted: bool
    entries: list[HistoryEntry]
    names: Names


def load_history(store: Store, row_id: str) -> RowHistory:
    """:raises NotFound: no row with that id"""
    entries = store.history(row_id)
    table = entries[0].table
    row = store.replication.raw_row(table, row_id)
    content = R.SPECS[table].decode(row) if row is not None else {}
    findings = _ids(
        v.get("findings") for e in entries for v in (e.before or {}, e.after or {}))
    findings |= _ids([content.get("findings")])
    people = {e.by for e in entries} | _ids(
        [[str(v.get("author"))] for e in entries for v in (e.before or {}, e.after or {})
         if v.get("author")])
    names = load_names(store, findings, people)
    return RowHistory(row_id, table, row_title(table, content, names),
                      bool(row is not None and row["deleted"]), entries, names)


def count_open_conflicts(store: Store) -> int:
    return count_conflicts(store)
