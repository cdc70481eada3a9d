"""The team's week, as a story: set up, join, work offline, merge, resolve, agree."""

from __future__ import annotations

from pathlib import Path

from fieldwork import interchange
from fieldwork.packs import join_pack, list_conflicts, merge_packs, resolve_conflict
from tests.helpers.packs import PASSPHRASE, pack, state

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "bromley-2009.json"


def test_a_team_inspection_from_setup_to_agreement(tmp_path: Path) -> None:
    # The lead sets the inspection up from the sample and sends the first pack.
    lead, _ = interchange.import_file(tmp_path / "lead.fieldwork", SAMPLE)
    first = pack(lead, tmp_path / "lead-first.fwpack")

    # Three inspectors join, each choosing who they are.
    derek = join_pack(first, tmp_path / "derek.fieldwork", PASSPHRASE, "Derek Osei")
    fiona = join_pack(first, tmp_path / "fiona.fieldwork", PASSPHRASE, "Fiona Marchetti")
    paul = join_pack(first, tmp_path / "paul.fieldwork", PASSPHRASE, "Paul Hendry")
    team = (derek, fiona, paul)
    assert all(state(copy) == state(lead) for copy in team)

    # Offline, each adds notes.
    new_notes: dict[str, str] = {}
    for copy, words in zip(team, ("duty desk", "supervision audit", "front door"), strict=True):
        for i in range(3):
            created = copy.add_note(
                author=copy.me, source="observation", text=f"Watched the {words}, visit {i}."
            ).created
            assert created is not None
            new_notes[created] = copy.me

    # Two of them edit the same finding.
    finding = lead.findings(section="development")[0]
    derek.edit_finding(finding.id, text=finding.text + " (Derek: seen in 4 of 6 cases.)")
    fiona.edit_finding(finding.id, text=finding.text + " (Fiona: mostly in the duty team.)")

    # One deletes a note that another tags.
    note = lead.notes()[5]
    tag = next(f.id for f in lead.findings() if f.id not in note.findings)
    paul.delete_note(note.id)
    fiona.link(note.id, tag)

    # The lead merges everyone's packs.
    packs = [pack(copy, tmp_path / f"{copy.path.stem}.fwpack") for copy in team]
    summaries = merge_packs(lead, packs, PASSPHRASE)
    assert [s.sender for s in summaries] == ["Derek Osei", "Fiona Marchetti", "Paul Hendry"]
    assert sum(s.added for s in summaries) == 9
    assert lead.count_notes() == 149 + 9

    # Two conflicts: the finding, and the tag against the delete (the tag wins for now).
    conflicts = {c.kind: c for c in list_conflicts(lead)}
    assert set(conflicts) == {"finding", "note"}
    assert tag in lead.note(note.id).findings
    assert conflicts["note"].theirs_deleted

    # The lead resolves them: a merged finding text, and the tagged note kept.
    agreed = finding.text + " (Seen in 4 of 6 cases, mostly in the duty team.)"
    resolve_conflict(lead, conflicts["finding"].id, text=agreed)
    resolve_conflict(lead, conflicts["note"].id, take="mine")
    assert list_conflicts(lead) == []

    # The merged pack goes back out, and everyone merges it.
    merged = pack(lead, tmp_path / "lead-merged.fwpack")
    for copy in team:
        merge_packs(copy, [merged], PASSPHRASE)

    # Every copy agrees, with no open conflicts.
    expected = state(lead)
    assert expected[1] == frozenset()
    assert all(state(copy) == expected for copy in team)
    for copy in (lead, *team):
        assert copy.finding(finding.id).text == agreed
        assert tag in copy.note(note.id).findings

    # Every note keeps its author and its whole history, on every copy.
    for copy in (lead, *team):
        for note_id, author in new_notes.items():
            assert copy.note(note_id).author == author
            assert copy.history(note_id)[0].by == author
        ops = {(h.op, h.by) for h in copy.history(finding.id)}
        assert {("edit", derek.me), ("edit", fiona.me), ("resolve", lead.me)} <= ops
        assert {h.op for h in copy.history(note.id)} >= {"create", "delete", "link", "resolve"}

    # Merging the same packs again changes nothing.
    assert all(s.counts == (0, 0, 0, 0) for s in merge_packs(lead, packs, PASSPHRASE))
    assert state(lead) == expected
    for copy in (lead, *team):
        copy.close()
