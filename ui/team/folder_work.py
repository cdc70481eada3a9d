"""The team folder in the app, without Qt: what its threads run, and what it says.

:func:`prepare_sync` runs on the team folder's lane, with a connection of its own, opened
and closed there for each sync: it looks at the folder, writes this copy's pack, and reads
and checks the team's new packs.
:func:`apply_sync` runs on the worker with the writer store, as a
:class:`~ui.operations.CoreOp` like every other write: it merges what was read, in one
transaction, and says what changed. The wording of the status item and of the Team Folder
window is made here, so tests can check it directly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fieldwork.errors import (
    FieldworkError,
    NoTeamFolder,
    ReadOnly,
    StaleCopy,
    WrongPassphrase,
)
from fieldwork.model import Changes
from fieldwork.packs import sync as team_sync
from fieldwork.packs.sync import PackNote, Prepared, SyncReport
from fieldwork.store import teampacks as T
from ui.team.present import local_time

if TYPE_CHECKING:
    from fieldwork.store import Store


@dataclass
class SyncOutcome:
    """What a sync did, and what the views must redraw (nothing, when merging changed
    nothing: the views are then left alone)."""

    report: SyncReport
    changes: Changes


def prepare_sync(path: Path, folder: Path, passphrase: str, *,
                 key: str | None = None) -> Prepared:
    """Run on the team folder's lane: everything but writing to the file, with a
    connection of its own (opened and closed here, so none is left open when the file or
    the app closes; opening costs well under a millisecond)."""
    from fieldwork.store import Store

    store = Store.open(path, passphrase=key)  # key: the file's own passphrase, if encrypted
    try:
        prepared = team_sync.prepare(store, folder, passphrase)
    finally:
        store.close()
    prepared.store = prepared.indexes = None  # of a connection now closed
    return prepared


def apply_sync(writer: Store, prepared: Prepared) -> SyncOutcome:
    """Run on the worker: merge what was read, and say what to redraw."""
    report = team_sync.apply(writer, prepared)
    return SyncOutcome(report, report.changes)


def sync_once(path: Path, folder: Path, passphrase: str, *, merge: bool,
              key: str | None = None) -> SyncReport:
    """A whole sync with a connection of its own, opened and closed here (the app's last
    sync, on closing)."""
    from fieldwork.store import Store

    store = Store.open(path, passphrase=key)
    try:
        return team_sync.apply(store, team_sync.prepare(store, folder, passphrase, merge=merge))
    finally:
        store.close()


# ---------------------------------------------------------------- wording
def first_name(name: str) -> str:
    return name.split()[0] if name.strip() else "someone"


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{len(names)} people"


@dataclass
class News:
    """What the team folder brought since the user last looked at it."""

    #: First name → new notes, in the order they came.
    notes: dict[str, int] = field(default_factory=dict)
    #: First names of those whose packs changed something else.
    changed: list[str] = field(default_factory=list)
    refused: list[PackNote] = field(default_factory=list)

    def add(self, report: SyncReport) -> None:
        for summary in report.merged:
            who = first_name(summary.sender)
            if summary.new_notes:
                self.notes[who] = self.notes.get(who, 0) + summary.new_notes
            elif any(summary.counts) and who not in self.changed:
                self.changed.append(who)
        self.refused.extend(report.refused)

    def __bool__(self) -> bool:
        return bool(self.notes or self.changed or self.refused)

    def parts(self) -> list[str]:
        out: list[str] = []
        total = sum(self.notes.values())
        if total:
            out.append(f"{total} new note{'s' if total != 1 else ''} from "
                       f"{_names(list(self.notes))}")
        others = [n for n in self.changed if n not in self.notes]
        if others:
            out.append(f"changes from {_names(others)}")
        if self.refused:
            n = len(self.refused)
            out.append(f"{n} pack{'s' if n != 1 else ''} refused")
        return out


def ago(then: dt.datetime, now: dt.datetime) -> str:
    """"just now", "1 min ago", "12 min ago", then the time of day ("at 14:02")."""
    seconds = (now - then).total_seconds()
    if seconds < 45:
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min ago"
    if then.date() == now.date():
        return f"at {then:%H:%M}"
    return f"on {then:%d %b} at {then:%H:%M}"


@dataclass
class Status:
    """What the status item knows."""

    synced_at: dt.datetime | None = None
    running: bool = False
    conflicts: int = 0
    waiting: list[PackNote] = field(default_factory=list)
    news: News = field(default_factory=News)
    #: Why syncing stopped (the item shows it until a sync goes through).
    problem: str = ""
    #: The problem needs the passphrase typed (again).
    needs_passphrase: bool = False

    def text(self, now: dt.datetime) -> str:
        if self.problem:
            return f"Team folder: {self.problem}"
        if self.synced_at is None:
            return "Team folder: syncing…" if self.running else "Team folder: not synced yet"
        parts = [f"synced {ago(self.synced_at, now)}" if not self.running else "syncing…"]
        parts.extend(self.news.parts())
        if self.conflicts:
            parts.append(f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}")
        if self.waiting and not self.news:
            parts.append(f"waiting for {_names([first_name(n.sender) for n in self.waiting])}"
                         if all(n.sender for n in self.waiting) else "a pack still arriving")
        return "Team folder: " + " · ".join(parts)

    @property
    def alarming(self) -> bool:
        return bool(self.problem or self.news.refused)


def problem_of(err: FieldworkError) -> tuple[str, bool]:
    """A sync's error as the status item says it, and whether the passphrase is asked again."""
    if isinstance(err, WrongPassphrase):
        return "the passphrase is wrong — click to type it again", True
    if isinstance(err, NoTeamFolder):
        return "the folder cannot be reached — is its drive or share connected?", False
    if isinstance(err, StaleCopy):
        return "this copy is older than its own pack there — click for details", False
    if isinstance(err, ReadOnly):
        return "paused: this file cannot be written", False
    return "not synced — click for details", False


# ----------------------------------------------------------- the folder's packs
@dataclass(frozen=True)
class PackLine:
    """One file of the team folder, as the Team Folder window lists it."""

    name: str
    sender: str
    made: str
    state: str
    detail: str


STATE_WORDS = {
    T.MINE: "yours",
    T.MERGED: "merged",
    T.REFUSED: "refused",
    T.IGNORED: "ignored",
    T.ARRIVING: "arriving",
}


def folder_lines(store: Store) -> list[PackLine]:
    """This copy's record of the team folder, for the Team Folder window (on the worker)."""
    merges = {r["id"]: r for r in store.replication.merge_rows()}
    lines: list[PackLine] = []
    for record in sorted(store.team_packs.load().values(),
                         key=lambda r: (r.state != T.MINE, r.sender, r.name)):
        detail = record.reason
        merged = merges.get(record.merge_id or "")
        if record.state == T.MERGED and merged is not None:
            counts = (merged["added"], merged["updated"], merged["deleted"], merged["conflicts"])
            detail = (f"{counts[0]} added, {counts[1]} updated, {counts[2]} deleted, "
                      f"{counts[3]} in conflict, {local_time(merged['at'])}"
                      if any(counts) else f"nothing new, {local_time(merged['at'])}")
        elif record.state == T.MINE:
            detail = detail or f"written {local_time(record.made_at)}"
        lines.append(PackLine(record.name, record.sender, local_time(record.made_at)
                              if record.made_at else "", STATE_WORDS.get(record.state,
                                                                         record.state), detail))
    return lines
