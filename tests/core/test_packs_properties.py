"""Property tests: random edits on three to five copies, exchanged in random orders and
groupings, always converge, lose nothing, and raise exactly the true conflicts."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork import versions
from fieldwork.packs import list_conflicts, merge_packs, resolve_conflict
from fieldwork.packs.lattice import vector
from fieldwork.store import Store
from fieldwork.store.schema import REPLICATED_TABLES
from tests.helpers.packs import PASSPHRASE, join_team, make_lead, pack, state

WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "referral", "visit", "plan"])
TEXT = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)
PICK = st.integers(min_value=0, max_value=50)

Row = tuple[str, str]


def operations(copies: int) -> st.SearchStrategy[tuple[Any, ...]]:
    copy = st.integers(min_value=0, max_value=copies - 1)
    return st.one_of(
        st.tuples(st.just("add_note"), copy, TEXT),
        st.tuples(st.just("edit_note"), copy, PICK, TEXT),
        st.tuples(st.just("delete_note"), copy, PICK),
        st.tuples(st.just("tag"), copy, PICK, PICK),
        st.tuples(st.just("untag"), copy, PICK, PICK),
        st.tuples(st.just("edit_finding"), copy, PICK, TEXT),
        st.tuples(st.just("add_finding"), copy, TEXT),
        st.tuples(st.just("resolve"), copy, PICK, st.sampled_from(["mine", "theirs", "text"])),
        st.tuples(st.just("exchange"), st.lists(copy, min_size=1, max_size=3), copy),
        st.tuples(st.just("exchange"), st.lists(copy, min_size=1, max_size=3), copy),
    )


@st.composite
def programs(draw: st.DrawFn) -> tuple[int, list[tuple[Any, ...]]]:
    copies = draw(st.integers(min_value=3, max_value=5))
    return copies, draw(st.lists(operations(copies), min_size=6, max_size=20))


def _pick(items: list[Any], index: int) -> Any:
    return items[index % len(items)] if items else None


class Team:
    """The copies, and every version any of them ever wrote (the oracle)."""

    def __init__(self, folder: Path, copies: int) -> None:
        self.folder = folder
        lead = make_lead(folder)
        self.copies = [lead, *join_team(lead, folder, 3)]
        first = folder / "lead-first.fwpack"
        from fieldwork.packs import join_pack

        for i in range(4, copies):
            self.copies.append(join_pack(first, folder / f"extra{i}.fieldwork", PASSPHRASE,
                                         "Derek Osei"))
        self.copies = self.copies[:copies]
        for store in self.copies:  # durability is not under test here; speed is welcome
            store.raw_sql("PRAGMA synchronous = OFF")
        self.written: dict[Row, set[str]] = {}
        self.packs = 0
        for store in self.copies:
            self.record(store)

    def record(self, store: Store) -> None:
        for table in REPLICATED_TABLES:
            for row_id, (_, vv) in store.replication.version_index(table).items():
                self.written.setdefault((table, row_id), set()).add(vv)

    def pack(self, index: int) -> Path:
        self.packs += 1
        return pack(self.copies[index], self.folder / f"p{self.packs}-{index}.fwpack")

    def apply(self, op: tuple[Any, ...]) -> None:
        kind, index, *args = op
        if kind == "exchange":
            self.exchange(index, args[0])
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
        elif kind == "tag" and notes and findings:
            store.link(_pick(notes, args[0]), _pick(findings, args[1]))
        elif kind == "untag" and notes and findings:
            store.unlink(_pick(notes, args[0]), _pick(findings, args[1]))
        elif kind == "edit_finding" and findings:
            store.edit_finding(_pick(findings, args[0]), text=args[1])
        elif kind == "add_finding":
            store.add_finding("development", args[0])
        elif kind == "resolve":
            conflict = _pick(list_conflicts(store), args[0])
            if conflict is not None:
                how = args[1]
                if how == "text" and conflict.table in ("notes", "findings"):
                    resolve_conflict(store, conflict.id, text=f"resolved {conflict.row_id[:4]}")
                else:
                    resolve_conflict(store, conflict.id, take="theirs" if how == "text" else how)
        self.record(store)

    def exchange(self, sources: list[int], target: int) -> None:
        paths = [self.pack(i) for i in sources]
        store = self.copies[target]
        merge_packs(store, paths, PASSPHRASE)
        once = state(store)
        assert [s.counts for s in merge_packs(store, paths, PASSPHRASE)] == [(0, 0, 0, 0)] * len(
            paths
        ), "merging the same packs twice changed something"
        assert state(store) == once

    def exchange_everything(self, orders: list[list[int]]) -> None:
        paths = [self.pack(i) for i in range(len(self.copies))]
        for store, order in zip(self.copies, orders, strict=True):
            merge_packs(store, [paths[i] for i in order], PASSPHRASE)

    def close(self) -> None:
        for store in self.copies:
            store.close()


def _final_versions(store: Store) -> dict[Row, set[str]]:
    out: dict[Row, set[str]] = {}
    for table in REPLICATED_TABLES:
        for row_id, (_, vv) in store.replication.version_index(table).items():
            out[(table, row_id)] = {vv}
    for sibling in store.replication.sibling_rows():
        out[(sibling["tbl"], sibling["row_id"])].add(sibling["vv"])
    return out


def _maximal(vvs: set[str]) -> set[str]:
    return {
        v for v in vvs
        if not any(w != v and versions.dominates(vector(w), vector(v)) for w in vvs)
    }


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(program=programs(), data=st.data())
def test_copies_converge_and_keep_exactly_the_concurrent_versions(
    program: tuple[int, list[tuple[Any, ...]]], data: st.DataObject
) -> None:
    copies, ops = program
    with tempfile.TemporaryDirectory() as name:
        team = Team(Path(name), copies)
        try:
            for op in ops:
                team.apply(op)
            orders = [data.draw(st.permutations(range(copies))) for _ in range(copies)]
            team.exchange_everything(orders)

            # Every copy holds the same content and the same open conflicts.
            states = [state(store) for store in team.copies]
            assert all(s == states[0] for s in states[1:])

            # Each row's versions are exactly the maximal ones of all ever written: every
            # concurrent losing version is kept, and no causal predecessor is.
            final = _final_versions(team.copies[0])
            assert set(final) == set(team.written)
            for row, vvs in final.items():
                assert vvs == _maximal(team.written[row]), row
                for a in vvs:
                    for b in vvs - {a}:
                        order = versions.compare(vector(a), vector(b))
                        assert order is versions.Order.CONCURRENT, (row, a, b)
        finally:
            team.close()
