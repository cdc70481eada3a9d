"""Merging: a join of each row's versions, exact about what is concurrent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldwork.packs import join_pack, list_conflicts, merge_packs, merges_log
from fieldwork.store import NoteFilter, Store, bulk
from tests.helpers.packs import (
    FINDING_A,
    FINDING_B,
    LEAD,
    NOTE_1,
    NOTE_2,
    PASSPHRASE,
    TEAM,
    exchange,
    join_team,
    make_lead,
    pack,
    state,
)

DEREK, FIONA = TEAM[0][0], TEAM[1][0]


@pytest.fixture
def copies(tmp_path: Path) -> Iterator[tuple[Store, Store, Store]]:
    """The lead's copy, and Derek's and Fiona's, made by joining."""
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    yield lead, derek, fiona
    for store in (lead, derek, fiona):
        store.close()


def test_a_new_note_arrives_with_its_author_and_search_entry(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    note = derek.add_note(author=DEREK, source="observation", text="Duty desk calm and orderly.",
                          findings=[FINDING_A]).created
    summary = exchange(derek, lead, tmp_path)
    assert summary.counts == (1, 0, 0, 0)
    assert summary.sender == "Derek Osei"
    assert lead.note(note or "").author == DEREK
    assert [h.id for h in lead.search("orderly")] == [note]
    assert note in {n.id for n in lead.notes()} and lead.note(note or "").findings == [FINDING_A]
    assert lead.count_notes() == 3


def test_merging_the_same_pack_twice_changes_nothing(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    derek.edit_note(NOTE_1, text="Derek's reading.")
    path = pack(derek, tmp_path / "d.fwpack")
    merge_packs(lead, [path], PASSPHRASE)
    before = state(lead)
    (again,) = merge_packs(lead, [path], PASSPHRASE)
    assert again.counts == (0, 0, 0, 0)
    assert state(lead) == before


def test_an_edit_on_top_of_another_wins_without_a_conflict(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    lead.edit_note(NOTE_1, text="Lead's first word.")
    exchange(lead, derek, tmp_path, "-1")
    derek.edit_note(NOTE_1, text="Derek builds on it.")
    summary = exchange(derek, lead, tmp_path, "-2")
    assert summary.counts == (0, 1, 0, 0)
    assert lead.note(NOTE_1).text == "Derek builds on it."
    assert list_conflicts(lead) == []


def test_editing_twice_on_one_side_is_not_a_conflict(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    derek.edit_note(NOTE_1, text="first")
    derek.edit_note(NOTE_1, text="second")
    derek.link(NOTE_1, FINDING_B)
    exchange(derek, lead, tmp_path)
    assert lead.note(NOTE_1).text == "second"
    assert list_conflicts(lead) == []


def test_an_old_version_does_not_undo_a_newer_one(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    old = pack(derek, tmp_path / "old.fwpack")
    derek.edit_note(NOTE_1, text="newer")
    exchange(derek, lead, tmp_path)
    (summary,) = merge_packs(lead, [old], PASSPHRASE)
    assert summary.counts == (0, 0, 0, 0)
    assert lead.note(NOTE_1).text == "newer"


def test_concurrent_edits_are_a_conflict_with_both_versions_kept(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.edit_finding(FINDING_A, text="Derek: referrals are prompt.")
    fiona.edit_finding(FINDING_A, text="Fiona: referrals are mostly prompt.")
    exchange(derek, lead, tmp_path)
    summary = exchange(fiona, lead, tmp_path)
    assert summary.conflicts == 1
    (conflict,) = list_conflicts(lead)
    assert conflict.kind == "finding" and conflict.row_id == FINDING_A
    texts = {conflict.mine["text"], conflict.theirs["text"]}
    assert texts == {"Derek: referrals are prompt.", "Fiona: referrals are mostly prompt."}
    assert conflict.differing == ("text",)
    assert {conflict.mine_by, conflict.theirs_by} == {DEREK, FIONA}
    # the later edit is the provisional winner
    assert lead.finding(FINDING_A).text == "Fiona: referrals are mostly prompt."


def test_the_provisional_winner_does_not_depend_on_merge_order(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.edit_note(NOTE_2, text="Derek's version.")
    fiona.edit_note(NOTE_2, text="Fiona's version.")
    d, f = pack(derek, tmp_path / "d.fwpack"), pack(fiona, tmp_path / "f.fwpack")
    other = join_pack(tmp_path / "lead-first.fwpack", tmp_path / "other.fieldwork", PASSPHRASE,
                      "Paul Hendry")
    try:
        merge_packs(lead, [d, f], PASSPHRASE)
        merge_packs(other, [f], PASSPHRASE)
        merge_packs(other, [d], PASSPHRASE)
        assert lead.note(NOTE_2).text == other.note(NOTE_2).text
    finally:
        other.close()


def test_a_delete_concurrent_with_an_edit_is_a_conflict_the_edit_wins(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.delete_note(NOTE_1)
    fiona.link(NOTE_1, FINDING_B)
    exchange(derek, lead, tmp_path)
    assert NOTE_1 not in {n.id for n in lead.notes()}
    summary = exchange(fiona, lead, tmp_path)
    assert summary.conflicts == 1
    assert lead.note(NOTE_1).findings == [FINDING_A, FINDING_B]
    (conflict,) = list_conflicts(lead)
    assert conflict.theirs_deleted and not conflict.mine_deleted
    assert "deleted" in conflict.differing
    assert {n.id for n in lead.notes(order="observed_at")} >= {NOTE_1}


def test_a_delete_travels_as_a_tombstone(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    lead.delete_note(NOTE_2)
    summary = exchange(lead, derek, tmp_path)
    assert summary.counts == (0, 0, 1, 0)
    assert NOTE_2 not in {n.id for n in derek.notes()}
    assert derek.search("sparse") == []


def test_tags_follow_the_winning_version_into_links(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    derek.link(NOTE_2, FINDING_B)
    derek.unlink(NOTE_1, FINDING_A)
    exchange(derek, lead, tmp_path)
    rows = lead.raw_sql("SELECT finding_id, note_id FROM links ORDER BY note_id").fetchall()
    assert [tuple(r) for r in rows] == [(FINDING_B, NOTE_2)]
    assert lead.evidence_counts()[FINDING_B]["notes"] == 1


def test_the_search_index_stays_consistent(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.edit_note(NOTE_1, text="Strategy discussion with police recorded.")
    fiona.edit_note(NOTE_1, text="Strategy meeting minuted late.")
    fiona.add_note(author=FIONA, source="interview", text="Team manager interviewed.")
    exchange(derek, lead, tmp_path)
    exchange(fiona, lead, tmp_path)
    lead.index.check()
    winner = lead.note(NOTE_1).text
    word = "police" if "police" in winner else "minuted"
    assert [h.id for h in lead.search(word)] == [NOTE_1]
    assert lead.search("interviewed")


def test_each_merge_is_logged(copies: tuple[Store, Store, Store], tmp_path: Path) -> None:
    lead, derek, fiona = copies
    derek.add_note(author=DEREK, source="observation", text="One.")
    fiona.add_note(author=FIONA, source="observation", text="Two.")
    d, f = pack(derek, tmp_path / "derek.fwpack"), pack(fiona, tmp_path / "fiona.fwpack")
    summaries = merge_packs(lead, [d, f], PASSPHRASE)
    log = merges_log(lead)
    assert [(e.pack, e.sender, e.counts) for e in log] == [
        (s.pack, s.sender, s.counts) for s in summaries
    ]
    assert [e.pack for e in log] == ["derek.fwpack", "fiona.fwpack"]
    assert all(e.at and e.made_at for e in log)
    assert summaries[0].describe().startswith("merged derek.fwpack from Derek Osei (made ")
    assert summaries[0].describe().endswith("1 added, 0 updated, 0 deleted, 0 in conflict")


def test_merge_reports_progress(copies: tuple[Store, Store, Store], tmp_path: Path) -> None:
    lead, derek, fiona = copies
    steps: list[tuple[int, int]] = []
    paths = [pack(derek, tmp_path / "d.fwpack"), pack(fiona, tmp_path / "f.fwpack")]
    merge_packs(lead, paths, PASSPHRASE, progress=lambda done, total, _: steps.append(
        (done, total)))
    assert steps[0] == (0, 3) and steps[-1] == (3, 3)


def test_history_and_authorship_survive_merging(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.edit_note(NOTE_2, text="Derek adds detail.")
    exchange(derek, fiona, tmp_path, "-1")
    fiona.edit_note(NOTE_2, text="Fiona refines it.")
    exchange(fiona, lead, tmp_path, "-2")
    history = lead.history(NOTE_2)
    assert [(h.op, h.by) for h in history] == [("create", LEAD), ("edit", DEREK), ("edit", FIONA)]
    assert history[1].after == {"text": "Derek adds detail."}
    assert lead.note(NOTE_2).author == LEAD


def test_history_entries_are_merged_once(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, _ = copies
    derek.edit_note(NOTE_2, text="x")
    path = pack(derek, tmp_path / "d.fwpack")
    merge_packs(lead, [path, path], PASSPHRASE)
    merge_packs(lead, [path], PASSPHRASE)
    assert [h.op for h in lead.history(NOTE_2)] == ["create", "edit"]


def test_a_three_way_edit_keeps_two_losing_versions(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    lead.edit_finding(FINDING_B, text="Lead's text.")
    derek.edit_finding(FINDING_B, text="Derek's text.")
    fiona.edit_finding(FINDING_B, text="Fiona's text.")
    exchange(derek, lead, tmp_path)
    exchange(fiona, lead, tmp_path)
    conflicts = list_conflicts(lead)
    assert len(conflicts) == 2
    shown = lead.finding(FINDING_B).text
    assert {c.theirs["text"] for c in conflicts} | {shown} == {
        "Lead's text.", "Derek's text.", "Fiona's text."}


def test_conflict_ids_agree_across_copies(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.edit_note(NOTE_1, text="D")
    fiona.edit_note(NOTE_1, text="F")
    exchange(derek, lead, tmp_path, "-1")
    exchange(fiona, lead, tmp_path, "-1")
    exchange(fiona, derek, tmp_path, "-2")
    assert {c.id for c in list_conflicts(lead)} == {c.id for c in list_conflicts(derek)}


def test_a_sibling_carries_its_content(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    derek.edit_note(NOTE_1, source="observation")
    fiona.edit_note(NOTE_1, text="Fiona's words")
    exchange(derek, lead, tmp_path)
    exchange(fiona, lead, tmp_path)
    (row,) = lead.replication.sibling_rows("notes", NOTE_1)
    data = json.loads(row["data"])
    assert set(data) >= {"text", "source", "findings", "author"}


def test_a_pack_from_a_copied_file_is_refused(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    import shutil

    from fieldwork.errors import BadPack

    lead, _, _ = copies
    lead.close()
    shutil.copyfile(tmp_path / "lead.fieldwork", tmp_path / "stick.fieldwork")
    lead = Store.open(tmp_path / "lead.fieldwork")
    stick = Store.open(tmp_path / "stick.fieldwork")
    stick.edit_note(NOTE_2, text="Edited on the copied file.")
    path = pack(stick, tmp_path / "stick.fwpack")
    before = state(lead)
    with pytest.raises(BadPack, match="copy of this inspection file"):
        merge_packs(lead, [path], PASSPHRASE)
    assert state(lead) == before
    # A new replica id does not clean the edit made under the lead's: that version still
    # claims a write of the lead's copy that the lead never made.
    stick.new_replica()
    stick.edit_note(NOTE_2, text="Edited again, now as its own copy.")
    with pytest.raises(BadPack, match=f"refused as forged: .*note {NOTE_2}"):
        merge_packs(lead, [pack(stick, tmp_path / "stick2.fwpack")], PASSPHRASE)
    assert state(lead) == before
    stick.close()
    # A copy of the file given its own replica id before any edit is a copy like any other.
    lead.close()
    shutil.copyfile(tmp_path / "lead.fieldwork", tmp_path / "clean.fieldwork")
    lead = Store.open(tmp_path / "lead.fieldwork")
    clean = Store.open(tmp_path / "clean.fieldwork")
    clean.new_replica()
    clean.edit_note(NOTE_2, text="Edited on a copy with its own id.")
    merge_packs(lead, [pack(clean, tmp_path / "clean.fwpack")], PASSPHRASE)
    assert lead.note(NOTE_2).text == "Edited on a copy with its own id."
    clean.close()
    lead.close()


def note_indexes(store: Store) -> list[str]:
    return [r[0] for r in store.raw_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notes' "
        "AND sql IS NOT NULL ORDER BY name")]


def add_notes(store: Store, author: str, count: int) -> list[str]:
    ids = [store.add_note(author=author, source="observation", text=f"Visit {i} wombat",
                          case_ref=f"TB-09-{i:03d}", findings=[FINDING_B]).created or ""
           for i in range(count)]
    return ids


def test_a_batch_that_doubles_the_notes_rebuilds_their_indexes_after(
    copies: tuple[Store, Store, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, derek, _ = copies
    monkeypatch.setattr(bulk, "PARALLEL_INDEX_MIN", 10)
    before = note_indexes(lead)
    ids = add_notes(derek, DEREK, 12)
    summary = exchange(derek, lead, tmp_path)
    assert summary.added == 12
    assert note_indexes(lead) == before and len(before) == 5
    assert lead.raw_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert {h.id for h in lead.search("wombat", limit=50)} == set(ids)
    assert [n.id for n in lead.notes(NoteFilter(case_ref="TB-09-007"))] == [ids[7]]
    assert len(lead.notes(NoteFilter(author=DEREK))) == 12
    # The unique index on ids is back: a second copy of a note cannot slip in.
    with pytest.raises(Exception, match="UNIQUE"):
        lead.raw_sql(
            "INSERT INTO notes (id, author, source, observed_at, text, vv, created_at, "
            "created_by, modified_at, modified_by) SELECT id, author, source, observed_at, "
            "text, vv, created_at, created_by, modified_at, modified_by FROM notes WHERE id = ?",
            (ids[0],))


def test_a_failed_merge_keeps_the_indexes_it_had_dropped(
    copies: tuple[Store, Store, Store], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead, derek, _ = copies
    monkeypatch.setattr(bulk, "PARALLEL_INDEX_MIN", 10)
    before, count = note_indexes(lead), lead.count_notes()
    add_notes(derek, DEREK, 12)
    path = pack(derek, tmp_path / "derek.fwpack")

    real = bulk.Bulk.drop_indexes

    def broken(self: bulk.Bulk, table: str) -> list[str]:
        real(self, table)
        raise OSError("disk unplugged")  # with the indexes dropped, before the rows go in

    monkeypatch.setattr(bulk.Bulk, "drop_indexes", broken)
    with pytest.raises(OSError):
        merge_packs(lead, [path], PASSPHRASE)
    assert note_indexes(lead) == before
    assert lead.count_notes() == count


def test_merged_notes_are_stored_in_the_order_they_were_observed(
    copies: tuple[Store, Store, Store], tmp_path: Path
) -> None:
    lead, derek, fiona = copies
    times = ["2009-06-25T16:00", "2009-06-24T09:30", "2009-06-25T08:15", "2009-06-24T17:45",
             "2009-06-24T08:05", "2009-06-25T12:00", "2009-06-24T13:20", "2009-06-24T10:10"]
    made = {}
    for i, at in enumerate(times):
        side, who = (derek, DEREK) if i % 2 else (fiona, FIONA)
        made[at] = side.add_note(author=who, source="observation", text=f"Visit {i}",
                                 observed_at=at).created
    exchange(derek, lead, tmp_path, "d")
    exchange(fiona, lead, tmp_path, "f")
    merged = [r[0] for r in lead.raw_sql(
        "SELECT id FROM notes WHERE author IN (?, ?) ORDER BY seq", (DEREK, FIONA))]
    # Each merge stores its new notes by time; the second merge's come after the first's.
    derek_first = sorted(t for i, t in enumerate(times) if i % 2)
    fiona_next = sorted(t for i, t in enumerate(times) if not i % 2)
    assert merged == [made[t] for t in derek_first + fiona_next]
