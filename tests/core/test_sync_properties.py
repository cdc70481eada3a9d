"""Property test: copies that sync through team folders converge, whatever the order of the
syncs, and however late or cut short their packs arrive.

Each copy has its own team folder, as on its own laptop; a sync engine is played by
deliveries of a copy's pack from its folder to another's: whole (a temporary name, then a
rename, as Syncthing does), cut short in place (as a network share shows a file being
copied), or as the engine's conflict copy of a pack (of another member, or an older one
of the receiver itself). Packs are delivered late, or not at all, until the end: then
every pack arrives whole, and once every copy has synced twice, all hold the same.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.errors import BadPack
from fieldwork.packs import container, list_conflicts, resolve_conflict
from fieldwork.packs.sync import SyncReport
from fieldwork.store import Store
from tests.helpers.packs import join_team, make_lead, state
from tests.helpers.teamfolder import pack_of, synced

WORDS = st.sampled_from(["alpha", "beta", "gamma", "referral", "visit", "plan"])
TEXT = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)
PICK = st.integers(min_value=0, max_value=50)


def operations(copies: int) -> st.SearchStrategy[tuple[Any, ...]]:
    copy = st.integers(min_value=0, max_value=copies - 1)
    return st.one_of(
        st.tuples(st.just("add_note"), copy, TEXT),
        st.tuples(st.just("edit_note"), copy, PICK, TEXT),
        st.tuples(st.just("delete_note"), copy, PICK),
        st.tuples(st.just("edit_finding"), copy, PICK, TEXT),
        st.tuples(st.just("resolve"), copy, PICK, st.sampled_from(["mine", "theirs"])),
        st.tuples(st.just("sync"), copy),
        st.tuples(st.just("sync"), copy),
        st.tuples(st.just("deliver"), copy, copy,
                  st.sampled_from(["whole", "whole", "cut short", "conflict copy", "echo"]),
                  st.floats(min_value=0.0, max_value=0.999)),
    )


@st.composite
def programs(draw: st.DrawFn) -> tuple[int, list[tuple[Any, ...]]]:
    copies = draw(st.integers(min_value=3, max_value=4))
    return copies, draw(st.lists(operations(copies), min_size=8, max_size=30))


def _whole(path: Path) -> bool:
    try:
        container.read_header(path)
    except BadPack:
        return False
    return True


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


class Team:
    """The copies, each with its own team folder, and the engine between the folders."""

    def __init__(self, root: Path, copies: int) -> None:
        lead = make_lead(root)
        self.copies: list[Store] = [lead, *join_team(lead, root, copies - 1)]
        self.folders = [root / f"laptop{i}" / "Team" for i in range(copies)]
        for store, folder in zip(self.copies, self.folders, strict=True):
            store.raw_sql("PRAGMA synchronous = OFF")  # durability is not under test
            folder.mkdir(parents=True)
        self.conflict_copies = 0

    def sync(self, index: int) -> SyncReport:
        report = synced(self.copies[index], self.folders[index])
        # Every pack here is genuine: one cut short is awaited, never refused.
        assert not report.refused, report.refused
        assert not report.ignored
        return report

    def deliver(self, source: int, target: int, how: str, fraction: float) -> None:
        """The engine brings ``source``'s pack, as its folder holds it, to ``target``."""
        if source == target:
            return
        if how == "echo":  # an older copy of the target's own pack, from the source's folder
            origin = pack_of(self.copies[target], self.folders[source])
        else:
            origin = pack_of(self.copies[source], self.folders[source])
        if not origin.is_file():
            return
        if how in ("conflict copy", "echo") and not _whole(origin):
            return  # an engine keeps whole versions as conflict copies, not partial files
        dest = pack_of(self.copies[target if how == "echo" else source], self.folders[target])
        dest.parent.mkdir(mode=0o700, exist_ok=True)
        data = origin.read_bytes()
        if how == "cut short":
            dest.write_bytes(data[: int(len(data) * fraction)])
            return
        if how in ("conflict copy", "echo"):
            self.conflict_copies += 1
            dest = dest.with_name(
                f"{dest.stem}.sync-conflict-20090625-1000{self.conflict_copies:02d}-ABCDEFG"
                f"{dest.suffix}")
        temporary = dest.with_name(f".syncthing.{dest.name}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, dest)

    def deliver_everything(self, source: int) -> None:
        for target in range(len(self.copies)):
            self.deliver(source, target, "whole", 1.0)

    def apply(self, op: tuple[Any, ...]) -> None:
        kind, index, *args = op
        if kind == "sync":
            self.sync(index)
            return
        if kind == "deliver":
            self.deliver(index, *args)
            return
        store = self.copies[index]
        notes = [n.id for n in store.notes()]
        findings = [f.id for f in store.findings()]
        if kind == "add_note":
            store.add_note(author=store.me, source="observation", text=args[0])
        elif kind == "edit_note" and notes:
            store.edit_note(_pick(notes, args[0]), text=args[1])
        elif kind == "delete_note" and notes:
            store.delete_note(_pick(notes, args[0]))
        elif kind == "edit_finding" and findings:
            store.edit_finding(_pick(findings, args[0]), text=args[1])
        elif kind == "resolve":
            conflict = _pick(list_conflicts(store), args[0])
            if conflict is not None:
                resolve_conflict(store, conflict.id, take=args[1])

    def close(self) -> None:
        for store in self.copies:
            store.close()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(program=programs(), data=st.data())
def test_copies_syncing_in_any_order_converge_once_everyone_has_synced_twice(
    program: tuple[int, list[tuple[Any, ...]]], data: st.DataObject
) -> None:
    copies, ops = program
    root = Path(tempfile.mkdtemp(prefix="fw-sync-prop-"))
    team = Team(root, copies)
    try:
        for op in ops:
            team.apply(op)
        # At last every pack arrives whole; then each copy syncs twice, in any order, the
        # engine passing on what each sync writes.
        for source in range(copies):
            team.deliver_everything(source)
        for _ in range(2):
            for index in data.draw(st.permutations(range(copies))):
                team.sync(index)
                team.deliver_everything(index)
        states = [state(store) for store in team.copies]
        assert all(s == states[0] for s in states[1:])
        # And then there is nothing more to do.
        for index in range(copies):
            report = team.sync(index)
            assert report.nothing_new and not report.waiting, report.lines()
    finally:
        team.close()
        shutil.rmtree(root, ignore_errors=True)
