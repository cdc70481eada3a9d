"""Undoing a resolution: the row and its conflict come back exactly as they were."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.errors import InvalidValue
from fieldwork.packs import list_conflicts
from fieldwork.packs.conflicts import resolve_conflict_undoably, undo_resolution
from fieldwork.store import Store
from tests.helpers.packs import FINDING_A, FINDING_B, NOTE_1, exchange, join_team, make_lead, state


@pytest.fixture
def copies(tmp_path: Path) -> Iterator[tuple[Store, Store, Store]]:
    """The lead has merged Derek's and Fiona's concurrent edits of one finding."""
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    derek.edit_finding(FINDING_A, text="Derek's text.")
    fiona.edit_finding(FINDING_A, text="Fiona's text.")
    exchange(derek, lead, tmp_path, "-d")
    exchange(fiona, lead, tmp_path, "-f")
    yield lead, derek, fiona
    for store in (lead, derek, fiona):
        store.close()


def search_ids(store: Store, word: str) -> set[str]:
    return {h.id for h in store.search(word)}


def check_indexes(store: Store) -> None:
    assert store.integrity_check() == "ok"
    store.index.check()


@pytest.mark.parametrize("how", [{"take": "mine"}, {"take": "theirs"}, {"text": "Agreed."}])
def test_undo_puts_the_row_and_its_conflict_back(
    copies: tuple[Store, Store, Store], how: dict[str, str]
) -> None:
    lead, _, _ = copies
    before = state(lead)
    (conflict,) = list_conflicts(lead)
    resolution = resolve_conflict_undoably(lead, conflict.id, **how)
    assert list_conflicts(lead) == []
    changes = undo_resolution(lead, resolution)
    assert changes.findings == {FINDING_A}
    assert state(lead) == before
    assert list_conflicts(lead) == [conflict]
    assert FINDING_A in search_ids(lead, conflict.mine["text"].split("'")[0])
    check_indexes(lead)


def test_undo_is_in_history(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    (conflict,) = list_conflicts(lead)
    undo_resolution(lead, resolve_conflict_undoably(lead, conflict.id, text="Agreed."))
    resolve, unresolve = lead.history(FINDING_A)[-2:]
    assert (resolve.op, unresolve.op) == ("resolve", "unresolve")
    assert unresolve.before == {"text": "Agreed."}
    assert unresolve.after == {"text": conflict.mine["text"]}


def test_redo_after_undo_resolves_the_same_conflict(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    (conflict,) = list_conflicts(lead)
    undo_resolution(lead, resolve_conflict_undoably(lead, conflict.id, take="theirs"))
    resolve_conflict_undoably(lead, conflict.id, take="theirs")
    assert lead.finding(FINDING_A).text == conflict.theirs["text"]
    assert list_conflicts(lead) == []


def test_undo_and_a_later_merge_converge(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    (conflict,) = list_conflicts(lead)
    undo_resolution(lead, resolve_conflict_undoably(lead, conflict.id, take="theirs"))
    exchange(lead, derek, tmp_path, "-a")
    exchange(fiona, derek, tmp_path, "-b")
    exchange(derek, lead, tmp_path, "-c")
    assert state(derek) == state(lead)


def test_undo_is_refused_after_the_row_changed(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    (conflict,) = list_conflicts(lead)
    resolution = resolve_conflict_undoably(lead, conflict.id, take="mine")
    lead.edit_finding(FINDING_A, text="Edited after.")
    before = state(lead)
    with pytest.raises(InvalidValue, match="can no longer be undone"):
        undo_resolution(lead, resolution)
    assert state(lead) == before


def test_undoing_a_delete_edit_resolution_brings_the_note_and_its_tags_back(
    tmp_path: Path,
) -> None:
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    derek.delete_note(NOTE_1)
    fiona.link(NOTE_1, FINDING_B)
    exchange(derek, lead, tmp_path)
    exchange(fiona, lead, tmp_path)
    before = state(lead)
    (conflict,) = list_conflicts(lead)
    taken = "theirs" if conflict.theirs_deleted else "mine"
    resolution = resolve_conflict_undoably(lead, conflict.id, take=taken)
    assert NOTE_1 not in {n.id for n in lead.notes()}
    changes = undo_resolution(lead, resolution)
    assert NOTE_1 in changes.notes and changes.findings >= {FINDING_A, FINDING_B}
    assert state(lead) == before
    assert set(lead.note(NOTE_1).findings) == {FINDING_A, FINDING_B}
    assert NOTE_1 in search_ids(lead, "Referral")
    check_indexes(lead)
    for store in (lead, derek, fiona):
        store.close()
