"""Findings' positions are a list: 1..n in a section, on the command line, in the app and
across merged copies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.errors import InvalidValue
from fieldwork.packs import list_conflicts, merge_packs
from fieldwork.store import Store, ordering
from tests.helpers.packs import PASSPHRASE, exchange, join_team, make_lead, pack, state


def order(store: Store, section: str = "strength") -> list[str]:
    return [f.text for f in store.findings(section=section)]


def places(store: Store, section: str = "strength") -> list[int]:
    return [f.position for f in store.findings(section=section)]


def fill(store: Store, *texts: str, section: str = "strength") -> dict[str, str]:
    return {t: store.add_finding(section, t).created or "" for t in texts}


def test_adding_at_n_shifts_the_rest_down(store: Store) -> None:
    fill(store, "A", "B", "C")
    for i in range(6):
        store.add_finding("strength", f"new {i}", position=2)
    assert order(store) == ["A", "new 5", "new 4", "new 3", "new 2", "new 1", "new 0", "B", "C"]
    assert places(store) == list(range(1, 10))


def test_adding_in_turn_at_the_next_place_keeps_the_order_typed(store: Store) -> None:
    fill(store, "A", "B")
    for i in range(40):  # far more than the keys' gap can halve: the section is spread out
        store.add_finding("strength", f"n{i:02}", position=2 + i)
    assert order(store) == ["A", *(f"n{i:02}" for i in range(40)), "B"]
    assert places(store) == list(range(1, 43))


def test_moving_to_n_puts_the_finding_there(store: Store) -> None:
    ids = fill(store, "A", "B", "C", "D")
    store.edit_finding(ids["D"], position=1)
    assert order(store) == ["D", "A", "B", "C"]
    store.edit_finding(ids["D"], position=3)
    assert order(store) == ["A", "B", "D", "C"]
    assert store.finding(ids["D"]).position == 3
    store.edit_finding(ids["A"], position=99)  # past the end: last
    assert order(store) == ["B", "D", "C", "A"]
    assert places(store) == [1, 2, 3, 4]


def test_moving_to_its_own_place_changes_nothing(store: Store) -> None:
    ids = fill(store, "A", "B", "C")
    assert not store.edit_finding(ids["B"], position=2)
    assert not store.edit_finding(ids["C"], position=7)


def test_moving_to_another_section_goes_last_there_or_to_its_place(store: Store) -> None:
    ids = fill(store, "A", "B")
    dev = fill(store, "X", "Y", section="development")
    store.edit_finding(ids["A"], section="development")
    assert order(store, "development") == ["X", "Y", "A"]
    assert order(store) == ["B"]
    store.edit_finding(ids["B"], section="development", position=2)
    assert order(store, "development") == ["X", "B", "Y", "A"]
    assert places(store, "development") == [1, 2, 3, 4]
    assert dev


@pytest.mark.parametrize("bad", [0, -3])
def test_zero_and_negative_positions_are_refused(store: Store, bad: int) -> None:
    ids = fill(store, "A")
    with pytest.raises(InvalidValue, match="1 or more"):
        store.add_finding("strength", "B", position=bad)
    with pytest.raises(InvalidValue, match="1 or more"):
        store.edit_finding(ids["A"], position=bad)
    assert order(store) == ["A"]


def test_the_app_move_uses_the_same_rule(store: Store) -> None:
    ids = fill(store, "A", "B", "C")
    store.move_finding(ids["C"], "strength", 0)
    assert order(store) == ["C", "A", "B"]
    store.move_finding(ids["C"], "strength", 50)
    assert order(store) == ["A", "B", "C"]


def test_a_move_writes_the_moved_finding_alone_and_history_says_where(store: Store) -> None:
    ids = fill(store, "A", "B", "C", "D")
    changes = store.edit_finding(ids["D"], position=1)
    assert changes.findings == {ids["D"]}
    (entry,) = [h for h in store.history(ids["D"]) if h.op == "edit"]
    assert entry.before == {"position": 4} and entry.after == {"position": 1}
    assert [h.op for h in store.history(ids["A"])] == ["create"]


def test_a_deleted_finding_leaves_no_gap_and_comes_back_to_its_place(store: Store) -> None:
    ids = fill(store, "A", "B", "C")
    store.delete_finding(ids["B"])
    assert places(store) == [1, 2]
    store.restore_finding(ids["B"])
    assert order(store) == ["A", "B", "C"]


def test_keys() -> None:
    assert ordering.key_between(None, None) == ordering.GAP
    assert ordering.key_between(5, None) == 5 + ordering.GAP
    assert ordering.key_between(None, 8) == 4
    assert ordering.key_between(None, 1) is None
    assert ordering.key_between(3, 4) is None
    assert ordering.key_between(3, 9) == 6
    assert ordering.index_for(None, 3) == 3
    assert ordering.index_for(99, 3) == 3
    assert ordering.index_for(1, 3) == 0


# ------------------------------------------------------------------ command line
def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_command_line_adds_and_moves_by_position(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = fill(store, "A", "B", "C")
    path = str(store.path)
    store.close()
    for i in range(3):
        assert run(capsys, "finding", "add", path, "--section", "strength", "--text", f"N{i}",
                   "--position", "2")[0] == 0
    assert run(capsys, "finding", "edit", path, ids["C"], "--position", "1")[0] == 0
    for bad in ("0", "-3"):
        status, out, err = run(capsys, "finding", "add", path, "--section", "strength",
                               "--text", "Z", "--position", bad)
        assert status == 2 and out == ""
        assert err.startswith("error: a position is 1 or more") and err.count("\n") == 1
        status, _, err = run(capsys, "finding", "edit", path, ids["A"], "--position", bad)
        assert status == 2 and err.startswith("error: a position is 1 or more")
    doc = json.loads(run(capsys, "export", path)[1])
    strength = [(f["position"], f["text"]) for f in doc["findings"] if f["section"] == "strength"]
    assert strength == [(1, "C"), (2, "A"), (3, "N2"), (4, "N1"), (5, "N0"), (6, "B")]


def test_import_orders_by_position_and_a_round_trip_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    from fieldwork import interchange

    fill(store, "A", "B", "C")
    store.edit_finding(store.findings(section="strength")[2].id, position=1)
    doc = interchange.export_document(store)
    changes = interchange.import_document(store, doc)
    assert not changes.findings
    assert interchange.export_document(store) == doc
    doc["findings"] = [dict(f, position=10 * (3 - i)) for i, f in enumerate(doc["findings"])]
    interchange.import_document(store, doc)
    assert order(store) == ["B", "A", "C"]
    assert places(store) == [1, 2, 3]


# ------------------------------------------------------------------ merging
@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[Store, Store, Store]]:
    lead = make_lead(tmp_path)
    for text in ("One", "Two", "Three", "Four", "Five"):
        lead.add_finding("satisfactory", text)
    derek, fiona = join_team(lead, tmp_path, 2)
    yield lead, derek, fiona
    for s in (lead, derek, fiona):
        s.close()


def sat(store: Store) -> list[str]:
    return order(store, "satisfactory")


def by_text(store: Store, text: str) -> str:
    return next(f.id for f in store.findings() if f.text == text)


def converge(stores: tuple[Store, ...], folder: Path) -> None:
    """Every copy merges every other copy's pack, twice over."""
    for round_ in range(2):
        paths = [pack(s, folder / f"{s.path.stem}-{round_}.fwpack") for s in stores]
        for s, own in zip(stores, paths, strict=True):
            merge_packs(s, [p for p in paths if p != own], PASSPHRASE)


def test_concurrent_moves_of_different_findings_both_survive_without_conflict(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = team
    lead.edit_finding(by_text(lead, "Five"), position=1)
    derek.edit_finding(by_text(derek, "One"), position=5)
    fiona.add_finding("satisfactory", "Fiona's", position=3)
    converge(team, tmp_path)
    expected = ["Five", "Two", "Fiona's", "Three", "Four", "One"]
    assert sat(lead) == sat(derek) == sat(fiona) == expected
    assert [f.position for f in lead.findings(section="satisfactory")] == [1, 2, 3, 4, 5, 6]
    assert list_conflicts(lead) == []
    assert state(lead)[0] == state(derek)[0] == state(fiona)[0]


def test_two_findings_put_in_one_place_at_once_get_the_same_order_everywhere(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = team
    lead.add_finding("satisfactory", "Lead's", position=2)
    derek.add_finding("satisfactory", "Derek's", position=2)
    fiona.edit_finding(by_text(fiona, "Four"), position=2)
    lead.edit_finding(by_text(lead, "Five"), position=2)
    converge(team, tmp_path)
    first = sat(lead)
    assert sat(derek) == sat(fiona) == first
    assert first[0] == "One" and set(first[1:5]) == {"Lead's", "Derek's", "Four", "Five"}
    assert first[5:] == ["Two", "Three"]
    assert list_conflicts(lead) == []


def test_one_finding_moved_two_ways_is_a_conflict_with_one_order_everywhere(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = team
    lead.edit_finding(by_text(lead, "Three"), position=1)
    derek.edit_finding(by_text(derek, "Three"), position=5)
    exchange(derek, lead, tmp_path, "-a")
    exchange(lead, derek, tmp_path, "-b")
    assert sat(lead) == sat(derek)
    (conflict,) = list_conflicts(lead)
    assert conflict.differing == ("position",)


def test_the_order_survives_merging_in_either_order(
    team: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = team
    derek.edit_finding(by_text(derek, "Two"), position=4)
    fiona.edit_finding(by_text(fiona, "Four"), position=1)
    d = pack(derek, tmp_path / "d.fwpack")
    f = pack(fiona, tmp_path / "f.fwpack")
    merge_packs(lead, [d, f], PASSPHRASE)
    merge_packs(derek, [f], PASSPHRASE)
    merge_packs(fiona, [d], PASSPHRASE)
    assert sat(lead) == sat(derek) == sat(fiona) == ["Four", "One", "Three", "Two", "Five"]
