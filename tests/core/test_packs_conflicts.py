"""Resolving conflicts: choosing a version or writing one, and the end of the conflict
on every copy the resolution reaches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.errors import InvalidValue, NotFound
from fieldwork.packs import count_conflicts, get_conflict, list_conflicts, resolve_conflict
from fieldwork.store import Conflict, Store
from tests.helpers.packs import (
    FINDING_A,
    FINDING_B,
    LEAD,
    NOTE_1,
    TEAM,
    exchange,
    join_team,
    make_lead,
    state,
)

DEREK, FIONA = TEAM[0][0], TEAM[1][0]


@pytest.fixture
def copies(tmp_path: Path) -> Iterator[tuple[Store, Store, Store]]:
    """Lead, Derek and Fiona, with one finding edited by both Derek and Fiona, merged by
    the lead: one open conflict there."""
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    derek.edit_finding(FINDING_A, text="Derek's text.")
    fiona.edit_finding(FINDING_A, text="Fiona's text.")
    exchange(derek, lead, tmp_path, "-d")
    exchange(fiona, lead, tmp_path, "-f")
    yield lead, derek, fiona
    for store in (lead, derek, fiona):
        store.close()


def only(store: Store) -> Conflict:
    (conflict,) = list_conflicts(store)
    return conflict


def test_take_mine_keeps_the_shown_version(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    conflict = only(lead)
    changes = resolve_conflict(lead, conflict.id, take="mine")
    assert changes.findings == {FINDING_A}
    assert lead.finding(FINDING_A).text == conflict.mine["text"]
    assert list_conflicts(lead) == [] and count_conflicts(lead) == 0


def test_take_theirs_brings_back_the_losing_version(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    conflict = only(lead)
    resolve_conflict(lead, conflict.id, take="theirs")
    assert lead.finding(FINDING_A).text == conflict.theirs["text"]
    assert lead.search(conflict.theirs["text"].split()[0].strip("'s"))
    lead.index.check()


def test_a_merged_text_replaces_both(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    resolve_conflict(lead, only(lead).id, text="Referrals are prompt, with two exceptions.")
    assert lead.finding(FINDING_A).text == "Referrals are prompt, with two exceptions."
    assert list_conflicts(lead) == []


def test_a_resolution_is_in_history_with_before_and_after(
    copies: tuple[Store, Store, Store]
) -> None:
    lead, _, _ = copies
    conflict = only(lead)
    resolve_conflict(lead, conflict.id, take="theirs")
    last = lead.history(FINDING_A)[-1]
    assert (last.op, last.by) == ("resolve", LEAD)
    assert last.before == {"text": conflict.mine["text"]}
    assert last.after == {"text": conflict.theirs["text"]}


def test_a_resolution_travels_and_ends_the_conflict_everywhere(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    exchange(fiona, derek, tmp_path, "-x")  # Derek sees the conflict too
    assert len(list_conflicts(derek)) == 1
    resolve_conflict(lead, only(lead).id, text="Agreed text.")
    for copy in (derek, fiona):
        exchange(lead, copy, tmp_path, f"-r-{copy.path.stem}")  # a pack is never written over
        assert copy.finding(FINDING_A).text == "Agreed text."
        assert list_conflicts(copy) == []
    assert state(derek) == state(lead) == state(fiona)


def test_resolving_on_two_copies_at_once_is_a_new_conflict_not_a_loss(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    exchange(fiona, derek, tmp_path, "-x")
    resolve_conflict(lead, only(lead).id, text="Lead's resolution.")
    resolve_conflict(derek, only(derek).id, text="Derek's resolution.")
    exchange(derek, lead, tmp_path, "-y")
    (conflict,) = list_conflicts(lead)
    assert {conflict.mine["text"], conflict.theirs["text"]} == {
        "Lead's resolution.", "Derek's resolution."}


def test_resolving_a_delete_edit_conflict_by_taking_the_delete(
    tmp_path: Path,
) -> None:
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    derek.delete_note(NOTE_1)
    fiona.link(NOTE_1, FINDING_B)
    exchange(derek, lead, tmp_path)
    exchange(fiona, lead, tmp_path)
    conflict = only(lead)
    changes = resolve_conflict(lead, conflict.id, take="theirs")
    assert NOTE_1 in changes.notes and changes.findings >= {FINDING_A, FINDING_B}
    assert NOTE_1 not in {n.id for n in lead.notes()}
    assert [h for h in lead.search("Referral") if h.kind == "note"] == []
    assert lead.raw_sql("SELECT count(*) FROM links WHERE note_id = ?",
                             (NOTE_1,)).fetchone()[0] == 0
    for store in (lead, derek, fiona):
        store.close()


def test_a_conflict_is_found_by_the_start_of_its_id(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    conflict = only(lead)
    assert get_conflict(lead, conflict.id[:8]).id == conflict.id


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({}, InvalidValue, "either take"),
        ({"take": "mine", "text": "x"}, InvalidValue, "either take"),
        ({"take": "ours"}, InvalidValue, "'mine' or 'theirs'"),
        ({"text": "  "}, InvalidValue, "needs its text"),
    ],
)
def test_bad_resolutions_are_refused(
    copies: tuple[Store, Store, Store], kwargs: dict[str, str], error: type[Exception],
    message: str,
) -> None:
    lead, _, _ = copies
    before = state(lead)
    with pytest.raises(error, match=message):
        resolve_conflict(lead, only(lead).id, **kwargs)
    assert state(lead) == before


def test_an_unknown_conflict_is_refused(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    with pytest.raises(NotFound, match="no open conflict"):
        resolve_conflict(lead, "feedface", take="mine")


def test_a_text_cannot_resolve_a_case(tmp_path: Path) -> None:
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    case = lead.cases()[0].id
    derek.edit_case(case, fields={"risk": "high"})
    fiona.edit_case(case, fields={"risk": "low"})
    exchange(derek, lead, tmp_path)
    exchange(fiona, lead, tmp_path)
    conflict = only(lead)
    assert conflict.kind == "case"
    with pytest.raises(InvalidValue, match="has no text"):
        resolve_conflict(lead, conflict.id, text="x")
    resolve_conflict(lead, conflict.id, take="theirs")
    assert lead.case(case).fields == conflict.theirs["fields"]
    for store in (lead, derek, fiona):
        store.close()


def test_a_local_edit_keeps_the_conflict_open(copies: tuple[Store, Store, Store]) -> None:
    lead, _, _ = copies
    conflict = only(lead)
    lead.edit_finding(FINDING_A, text="The lead edits before deciding.")
    assert [c.id for c in list_conflicts(lead)] == [conflict.id]


def test_a_sibling_superseded_by_its_own_authors_edit_is_no_longer_shown(
    tmp_path: Path,
) -> None:
    lead = make_lead(tmp_path)
    (derek,) = join_team(lead, tmp_path, 1)
    derek.edit_finding(FINDING_A, text="Derek first.")
    lead.edit_finding(FINDING_A, text="Lead, later.")
    exchange(lead, derek, tmp_path, "-1")
    (conflict,) = list_conflicts(derek)
    assert conflict.theirs_by == DEREK  # Derek's own version lost on time
    derek.edit_finding(FINDING_A, text="Derek, having seen both.")
    assert list_conflicts(derek) == []
    exchange(derek, lead, tmp_path, "-2")
    assert list_conflicts(lead) == [] and lead.replication.sibling_rows() == []
    assert lead.finding(FINDING_A).text == "Derek, having seen both."
    lead.close()
    derek.close()
