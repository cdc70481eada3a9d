"""Every write says what it changed: the rows, whether only texts changed (so no count can
have), or everything (an import, a merge); and the search index and links follow every
kind of write."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fieldwork import interchange, issuing, letterfields
from fieldwork.model import Changes, LetterState
from fieldwork.packs import export_pack, join_pack, merge, merge_packs
from fieldwork.store import Store
from tests.conftest import SAMPLE


def test_a_note_whose_text_alone_changed_is_text_only(store: Store) -> None:
    note = store.add_note(author="Tom Team", source="observation", text="first",
                          case_ref="BR-1").created or ""
    typed = store.edit_note(note, text="first draft")
    assert typed == Changes(notes=frozenset({note}), text_only=True)
    assert not typed.counts_may_change
    # The same values given again for other fields: still only the text changed.
    same = store.edit_note(note, text="first draft, longer", case_ref="BR-1",
                           source="observation")
    assert same.text_only
    moved = store.edit_note(note, text="other", case_ref="BR-2")
    assert moved.notes == {note} and not moved.text_only and moved.counts_may_change
    assert store.edit_note(note, text="other") == Changes()


def test_a_finding_whose_text_alone_changed_is_text_only(store: Store) -> None:
    first = store.add_finding("strength", "One.").created or ""
    store.add_finding("strength", "Two.")
    assert store.edit_finding(first, text="One, reworded.").text_only
    assert store.edit_finding(first, text="One.", position=1).text_only  # already first
    moved = store.edit_finding(first, position=2)
    assert moved.findings == {first} and not moved.text_only
    assert not store.move_finding(first, "development", 0).text_only


@pytest.mark.parametrize("write", ["tag", "delete", "restore", "source"])
def test_writes_that_change_counts_say_so(store: Store, write: str) -> None:
    finding = store.add_finding("strength", "Good.").created or ""
    note = store.add_note(author="Tom Team", source="other", text="x").created or ""
    if write == "restore":
        store.delete_note(note)
    changes = {
        "tag": lambda: store.link(note, finding),
        "delete": lambda: store.delete_note(note),
        "restore": lambda: store.restore_note(note),
        "source": lambda: store.edit_note(note, source="interview"),
    }[write]()
    assert changes.notes == {note} and changes.counts_may_change and not changes.text_only


def test_the_letter_s_state_changes_say_so(store: Store) -> None:
    assert store.update_inspection({"authority": "Other"}) == Changes(inspection=True)
    assert store.update_inspection({"authority": "Other"}) == Changes()
    assert issuing.mark_qa(store) == Changes(inspection=True)
    assert letterfields.set_field(store, "title", "A title") == Changes(inspection=True)
    assert not letterfields.set_field(store, "title", "A title")
    assert store.set_me(store.me) == Changes(inspection=True)


def test_issuing_and_reopening_say_what_changed(tmp_path: Path) -> None:
    store, _ = interchange.import_file(tmp_path / "sample.fieldwork", SAMPLE)  # ready to issue
    issued = issuing.issue(store)
    assert issued.changes == Changes(inspection=True)
    assert issued == issuing.Issued(**{**vars(store.latest_issue()), "changes": issued.changes})
    assert store.inspection().state == LetterState.ISSUED
    assert issuing.reopen(store) == Changes(inspection=True)
    store.close()


def test_an_import_into_an_open_file_is_everything_unless_it_changed_nothing(
    store: Store, tmp_path: Path
) -> None:
    doc = interchange.export_document(store)
    doc["notes"] = [{"id": "n1", "author": store.me, "source": "other",
                     "observed_at": "2009-06-24T10:00", "text": "Imported."}]
    changes = interchange.import_document(store, doc)
    assert changes.everything and changes.notes == {"n1"}
    assert interchange.import_document(store, doc) == Changes()
    doc["notes"][0]["text"] = "Imported, changed."
    again = interchange.import_document(store, doc)
    assert again.everything and again.notes == {"n1"}
    assert store.note("n1").text == "Imported, changed."


def test_a_merge_says_what_changed_and_a_merge_of_nothing_new_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    lead_pack = export_pack(store, tmp_path / "lead.fwpack", "correct horse battery").path
    tom = join_pack(lead_pack, tmp_path / "tom.fieldwork", "correct horse battery", "Tom Team")
    tom.add_note(author="Tom Team", source="interview", text="From Tom.")
    tom_pack = export_pack(tom, tmp_path / "tom.fwpack", "correct horse battery").path
    tom.close()
    merged = merge(store, [tom_pack], "correct horse battery")
    assert merged.changes.everything and merged.summaries[0].added == 1
    again = merge(store, [tom_pack], "correct horse battery")
    assert again.changes == Changes() and again.summaries[0].added == 0
    assert merge_packs(store, [tom_pack], "correct horse battery")[0].sender == "Tom Team"


def index_matches_rows(store: Store) -> None:
    """The search indexes agree with the rows, and the links are exactly the live notes'
    tags."""
    store.index.check()
    links = {tuple(r) for r in store.raw_sql("SELECT finding_id, note_id FROM links")}
    tags = {(f, n.id) for n in store.notes() for f in n.findings}
    assert links == tags


def test_the_index_and_links_follow_every_kind_of_write(store: Store) -> None:
    rng = random.Random(12)
    findings = [store.add_finding("strength", f"Finding {i} on timeliness.").created or ""
                for i in range(4)]
    notes: list[str] = []
    for step in range(120):
        action = rng.choice(["add", "edit", "tag", "untag", "delete", "restore", "finding"])
        note = rng.choice(notes) if notes else None
        try:
            if action == "add" or note is None:
                notes.append(store.add_note(author="Tom Team", source="observation",
                                            text=f"visit {step} kestrel",
                                            findings=rng.sample(findings, 2)).created or "")
            elif action == "edit":
                store.edit_note(note, text=f"edited {step} heron", case_ref=f"BR-{step}")
            elif action == "tag":
                store.link(note, rng.choice(findings))
            elif action == "untag":
                store.unlink(note, rng.choice(findings))
            elif action == "delete":
                store.delete_note(note)
            elif action == "restore":
                store.restore_note(note)
            else:
                finding = rng.choice(findings)
                store.edit_finding(finding, text=f"Finding reworded at {step}.")
        except Exception as err:  # a deleted note cannot be edited: that is all
            assert type(err).__name__ == "NoSuchNote", err
    index_matches_rows(store)
    live = {n.id for n in store.notes()}
    assert {h.id for h in store.search("kestrel", limit=500) if h.kind == "note"} == {
        n for n in live if "kestrel" in store.note(n).text}
