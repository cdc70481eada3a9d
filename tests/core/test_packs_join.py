"""Joining: a team member's own copy, made from the lead's first pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.errors import BadPack, InvalidValue, NoSuchInspector
from fieldwork.packs import join_pack, merges_log
from fieldwork.store import Store
from tests.helpers.packs import LEAD, NOTE_1, PASSPHRASE, TEAM, make_lead, pack, state


@pytest.fixture
def first_pack(tmp_path: Path) -> Path:
    lead = make_lead(tmp_path)
    path = pack(lead, tmp_path / "first.fwpack")
    lead.close()
    return path


def test_a_joined_copy_holds_the_inspection_and_belongs_to_its_member(
    first_pack: Path, tmp_path: Path
) -> None:
    lead = Store.open(tmp_path / "lead.fieldwork")
    mine = join_pack(first_pack, tmp_path / "mine.fieldwork", PASSPHRASE, "Fiona Marchetti")
    assert mine.me == TEAM[1][0] and mine.actor == TEAM[1][0]
    assert mine.replica != lead.replica
    assert mine.inspection_id == lead.inspection_id
    assert state(mine) == state(lead)
    assert [h.id for h in mine.search("same day")] == [NOTE_1]
    assert mine.history(NOTE_1)[0].by == LEAD
    assert [(e.pack, e.sender) for e in merges_log(mine)] == [
        ("first.fwpack", "Alison Whitcombe")]
    added = mine.add_note(author="Fiona Marchetti", source="observation", text="x")
    assert mine.note(added.created or "").author == TEAM[1][0]
    mine.close()
    lead.close()


def test_joining_by_id_or_in_another_case(first_pack: Path, tmp_path: Path) -> None:
    by_id = join_pack(first_pack, tmp_path / "a.fieldwork", PASSPHRASE, TEAM[2][0])
    by_case = join_pack(first_pack, tmp_path / "b.fieldwork", PASSPHRASE, "paul HENDRY")
    assert by_id.me == by_case.me == TEAM[2][0]
    by_id.close()
    by_case.close()


def test_an_unknown_name_is_refused_with_the_team_listed(first_pack: Path, tmp_path: Path) -> None:
    with pytest.raises(NoSuchInspector) as err:
        join_pack(first_pack, tmp_path / "x.fieldwork", PASSPHRASE, "Nobody Atall")
    message = str(err.value)
    assert "'Nobody Atall' is not in this inspection's team" in message
    assert "Alison Whitcombe (lead), Derek Osei, Fiona Marchetti, Paul Hendry" in message
    assert not (tmp_path / "x.fieldwork").exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".x.fieldwork")] == []


def test_an_existing_file_is_never_overwritten(first_pack: Path, tmp_path: Path) -> None:
    existing = tmp_path / "lead.fieldwork"
    before = existing.read_bytes()
    with pytest.raises(InvalidValue, match="already exists"):
        join_pack(first_pack, existing, PASSPHRASE, "Derek Osei")
    assert existing.read_bytes() == before


def test_the_wrong_passphrase_makes_no_copy(first_pack: Path, tmp_path: Path) -> None:
    with pytest.raises(BadPack, match="wrong passphrase"):
        join_pack(first_pack, tmp_path / "x.fieldwork", "guess", "Derek Osei")
    assert not (tmp_path / "x.fieldwork").exists()


def test_a_joined_copy_keeps_no_settings_of_the_sender(first_pack: Path, tmp_path: Path) -> None:
    mine = join_pack(first_pack, tmp_path / "mine.fieldwork", PASSPHRASE, "Derek Osei")
    keys = {r[0] for r in mine.raw_sql("SELECT key FROM meta")}
    assert keys <= {"format", "inspection_id", "replica", "clock", "me", "document_extra"}
    assert mine.meta("clock") == "0"
    mine.close()
