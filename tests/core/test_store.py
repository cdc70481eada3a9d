"""The inspection file: creating, opening, writing, queries, history and refusing bad files."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fieldwork import versions
from fieldwork.errors import (
    DiskFull,
    InvalidValue,
    NewerSchema,
    NoSuchFinding,
    NoSuchInspector,
    NoSuchNote,
    NotAnInspection,
)
from fieldwork.model import Changes, SourceType
from fieldwork.store import NoteFilter, Store


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_then_open_keeps_identity(tmp_path: Path) -> None:
    path = tmp_path / "a.fieldwork"
    s = Store.create(path, inspection={"authority": "X"})
    replica, inspection_id = s.replica, s.inspection_id
    s.close()
    again = Store.open(path)
    assert (again.replica, again.inspection_id) == (replica, inspection_id)
    assert again.inspection().authority == "X"
    assert again.raw_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "a.fieldwork"
    path.write_text("keep me")
    with pytest.raises(InvalidValue, match="already exists"):
        Store.create(path)
    assert path.read_text() == "keep me"


def test_create_in_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAnInspection, match="no such directory"):
        Store.create(tmp_path / "nope" / "a.fieldwork")
    assert not (tmp_path / "nope").exists()


def test_add_note_returns_what_changed(store: Store) -> None:
    changes = store.add_note(author="Tom Team", source="case-record", text="Seen.", case_ref="C1")
    assert changes.created in changes.notes
    assert changes.notes == frozenset({changes.created})
    note = store.note(changes.created)
    assert note.author == store.inspector("Tom Team").id
    assert note.source is SourceType.CASE_RECORD
    assert note.case_ref == "C1"


def test_add_note_by_unknown_author_is_refused(store: Store) -> None:
    with pytest.raises(NoSuchInspector):
        store.add_note(author="Nobody", source="other", text="x")
    assert store.count_notes() == 0


def test_unknown_source_is_refused_with_choices(store: Store) -> None:
    with pytest.raises(InvalidValue, match="case-record"):
        store.add_note(author="Tom Team", source="gossip", text="x")


def test_edit_note_records_before_and_after(store: Store) -> None:
    note_id = store.add_note(author="Tom Team", source="other", text="first").created
    changes = store.edit_note(note_id, text="second")
    assert changes.notes == {note_id}
    history = store.history(note_id)
    assert [h.op for h in history] == ["create", "edit"]
    assert history[1].before == {"text": "first"}
    assert history[1].after == {"text": "second"}
    assert history[1].by == store.me


def test_edit_with_no_difference_changes_nothing(store: Store) -> None:
    note_id = store.add_note(author="Tom Team", source="other", text="same").created
    vv = store.raw_sql("SELECT vv FROM notes WHERE id = ?", (note_id,)).fetchone()[0]
    assert not store.edit_note(note_id, text="same")
    assert store.raw_sql("SELECT vv FROM notes WHERE id = ?", (note_id,)).fetchone()[0] == vv
    assert len(store.history(note_id)) == 1


def test_every_write_advances_the_row_version(store: Store) -> None:
    note_id = store.add_note(author="Tom Team", source="other", text="a").created

    def vv() -> dict[str, int]:
        row = store.raw_sql("SELECT vv FROM notes WHERE id = ?", (note_id,)).fetchone()
        return versions.loads(row[0])

    first = vv()
    store.edit_note(note_id, text="b")
    second = vv()
    assert versions.compare(first, second) is versions.Order.BEFORE
    store.delete_note(note_id)
    assert versions.compare(second, vv()) is versions.Order.BEFORE


def test_delete_is_a_tombstone(store: Store) -> None:
    note_id = store.add_note(author="Tom Team", source="other", text="gone soon").created
    store.delete_note(note_id)
    with pytest.raises(NoSuchNote):
        store.note(note_id)
    row = store.raw_sql("SELECT deleted FROM notes WHERE id = ?", (note_id,)).fetchone()
    assert row[0] == 1
    assert store.search("gone") == []
    assert store.count_notes() == 0
    store.restore_note(note_id)
    assert store.note(note_id).text == "gone soon"
    assert [h.id for h in store.search("gone")] == [note_id]


def test_link_is_idempotent_and_unlink_removes(store: Store) -> None:
    finding = store.add_finding("strength", "Children are seen promptly.").created
    note = store.add_note(author="Tom Team", source="case-record", text="Seen day 1.").created
    assert store.link(note, finding).notes == {note}
    assert not store.link(note, finding)
    assert store.note(note).findings == [finding]
    assert [n.id for n in store.notes(NoteFilter(finding=finding))] == [note]
    assert store.unlink(note, finding).findings == {finding}
    assert store.note(note).findings == []
    assert [h.op for h in store.history(note)] == ["create", "link", "unlink"]


def test_link_to_unknown_finding_is_refused(store: Store) -> None:
    note = store.add_note(author="Tom Team", source="other", text="x").created
    with pytest.raises(NoSuchFinding):
        store.link(note, "no-such-finding")


def test_deleted_finding_drops_out_of_tags_and_returns_on_restore(store: Store) -> None:
    finding = store.add_finding("strength", "A strength.").created
    note = store.add_note(
        author="Tom Team", source="other", text="x", findings=[finding]
    ).created
    store.delete_finding(finding)
    assert store.note(note).findings == []
    assert [n.id for n in store.notes(NoteFilter(untagged=True))] == [note]


def test_unknown_section_is_refused(store: Store) -> None:
    with pytest.raises(InvalidValue, match="unknown section"):
        store.add_finding("gossip", "x")


def test_findings_come_in_letter_order(store: Store) -> None:
    d = store.add_finding("development", "D1").created
    s2 = store.add_finding("satisfactory", "S2").created
    s1 = store.add_finding("satisfactory", "S1", position=1).created
    st = store.add_finding("strength", "St").created
    assert [f.id for f in store.findings()] == [s1, s2, st, d]


def test_move_finding_renumbers_both_sections(store: Store) -> None:
    a = store.add_finding("strength", "A").created
    b = store.add_finding("strength", "B").created
    c = store.add_finding("development", "C").created
    changes = store.move_finding(b, "development", 0)
    assert b in changes.findings
    dev = store.findings(section="development")
    assert [(f.id, f.position) for f in dev] == [(b, 1), (c, 2)]
    assert [f.id for f in store.findings(section="strength")] == [a]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (NoteFilter(source="interview"), {"i"}),
        (NoteFilter(case_ref="C7"), {"c"}),
        (NoteFilter(untagged=True), {"i", "s"}),
    ],
)
def test_filtered_queries(store: Store, where: NoteFilter, expected: set[str]) -> None:
    finding = store.add_finding("strength", "F").created
    ids = {
        "c": store.add_note(author="Tom Team", source="case-record", text="c", case_ref="C7",
                            findings=[finding]).created,
        "i": store.add_note(author="Lena Lead", source="interview", text="i",
                            subject_role="Social worker").created,
        "s": store.add_note(author="Tom Team", source="supervision-file", text="s").created,
    }
    names = {v: k for k, v in ids.items()}
    assert {names[n.id] for n in store.notes(where)} == expected
    assert store.count_notes(where) == len(expected)


def test_filter_by_author_and_counts(store: Store) -> None:
    tom = store.inspector("Tom Team").id
    for i in range(3):
        store.add_note(author=tom, source="observation", text=f"o{i}")
    store.add_note(author="Lena Lead", source="other", text="x")
    assert store.count_notes(NoteFilter(author=tom)) == 3
    assert store.note_counts("source") == {"observation": 3, "other": 1}
    rows = store.note_rows(order="author", limit=10)
    assert [r.author_name for r in rows] == ["Lena Lead", "Tom Team", "Tom Team", "Tom Team"]


def test_evidence_counts_give_triangulation(store: Store) -> None:
    f = store.add_finding("strength", "F").created
    store.add_note(author="Tom Team", source="case-record", text="a", findings=[f])
    store.add_note(author="Lena Lead", source="interview", text="b", findings=[f])
    counts = store.evidence_counts()[f]
    assert counts["notes"] == 2
    assert set(counts["sources"]) == {"case-record", "interview"}
    assert len(counts["authors"]) == 2


def test_search_ranks_and_marks(store: Store) -> None:
    store.add_note(author="Tom Team", source="other", text="Strategy discussion held promptly.")
    store.add_note(author="Tom Team", source="other", text="No strategy here, only discussion.")
    hits = store.search("strategy discussion")
    assert len(hits) == 2
    assert "\x02strategy\x03" in hits[0].snippet.lower()


def test_search_covers_case_refs_and_findings(store: Store) -> None:
    store.add_finding("development", "Partner agencies are not routinely informed.")
    note = store.add_note(author="Tom Team", source="case-record", text="x", case_ref="BR-09-1234")
    assert any(h.kind == "finding" for h in store.search("partner agencies"))
    assert [h.id for h in store.search("BR-09-1234")] == [note.created]


def test_search_takes_fts_syntax_literally(store: Store) -> None:
    store.add_note(author="Tom Team", source="other", text='He said "NEAR" AND (OR) *')
    assert store.search('"NEAR" AND (') != []
    assert store.search("   ") == []
    assert store.search('"') == []


def test_search_prefix_as_you_type(store: Store) -> None:
    store.add_note(author="Tom Team", source="other", text="safeguarding arrangements")
    assert store.search("safeg") != []
    assert store.search("safeg ") == []


def test_search_of_a_very_common_word_stays_ranked_within_recent_notes(store: Store) -> None:
    from fieldwork.store import search as S

    old = S.RANK_WINDOW
    S.RANK_WINDOW = 5
    try:
        for i in range(12):
            store.add_note(author="Tom Team", source="other", text=f"common word {i}")
        store.add_note(author="Tom Team", source="other", text="common common common")
        hits = store.search("common", limit=3)
    finally:
        S.RANK_WINDOW = old
    assert store.note(hits[0].id).text == "common common common"


def test_the_ranked_window_is_the_newest_matches_however_far_back_they_are(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window is found by looking back over wider and wider spans of notes."""
    from fieldwork.store import search as S

    monkeypatch.setattr(S, "RANK_WINDOW", 4)
    ids = [store.add_note(author="Tom Team", source="other",
                          text=("osprey " if i < 30 or i % 7 == 0 else "") + f"note {i}"
                          ).created for i in range(400)]
    # Matches: the first 30 notes, then every seventh; the newest four are far apart.
    matching = [n for i, n in enumerate(ids) if i < 30 or i % 7 == 0]
    assert {h.id for h in store.search("osprey", limit=50)} == set(matching[-4:])
    assert [h.id for h in store.search("note 3", limit=50)] == [ids[3]]
    store.add_note(author="Tom Team", source="other", text="kestrel")
    kestrels = [h.id for h in store.search("kestrel", limit=50)]
    assert len(kestrels) == 1
    for i in range(5):
        store.edit_note(ids[i], text=f"kestrel {i}")
    # Six matches, five of them among the oldest notes: the span widens to all of them.
    assert {h.id for h in store.search("kestrel", limit=50)} == {kestrels[0], *ids[2:5]}


def test_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.fieldwork"
    path.write_bytes(b"this is not a database at all" * 100)
    before = sha(path)
    with pytest.raises(NotAnInspection, match="not an SQLite database"):
        Store.open(path)
    assert sha(path) == before


def test_other_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.fieldwork"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(NotAnInspection, match="not a Fieldwork inspection"):
        Store.open(path)
    assert sha(path) == before
    assert not Path(f"{path}-wal").exists()


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.fieldwork"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = sha(path)
    with pytest.raises(NewerSchema, match="newer Fieldwork"):
        Store.open(path)
    assert sha(path) == before


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(NotAnInspection, match="no such file"):
        Store.open(tmp_path / "missing.fieldwork")
    with pytest.raises(NotAnInspection, match="no such directory"):
        Store.open(tmp_path / "nope" / "missing.fieldwork")
    with pytest.raises(NotAnInspection, match="folder"):
        Store.open(tmp_path)


def test_disk_full_is_an_expected_error_and_loses_nothing(store: Store) -> None:
    store.add_note(author="Tom Team", source="other", text="kept")
    pages = store.raw_sql("PRAGMA page_count").fetchone()[0]
    store.raw_sql(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiskFull, match="disk is full"):
        for _ in range(200):
            store.add_note(author="Tom Team", source="other", text="x" * 4000)
    store.raw_sql("PRAGMA max_page_count = 1073741823")
    assert store.integrity_check() == "ok"
    assert [n.text for n in store.notes()] == ["kept"]


def test_failed_write_rolls_back_whole_transaction(store: Store) -> None:
    finding = store.add_finding("strength", "F").created
    notes = [store.add_note(author="Tom Team", source="other", text=str(i)).created
             for i in range(3)]
    with pytest.raises(NoSuchNote):
        store.link_many([*notes, "missing"], finding)
    assert all(store.note(n).findings == [] for n in notes)


def test_changes_combine() -> None:
    a = Changes(notes=frozenset({"n"}), created="n")
    b = Changes(findings=frozenset({"f"}), inspection=True)
    both = a | b
    assert both.notes == {"n"} and both.findings == {"f"} and both.inspection
    assert both.created == "n"
    assert not Changes()


def test_state_of_letter_and_frozen_findings(store: Store) -> None:
    from fieldwork.errors import LetterFrozen
    from fieldwork.model import LetterState

    f = store.add_finding("strength", "F").created
    store.set_state(LetterState.ISSUED)
    with pytest.raises(LetterFrozen):
        store.edit_finding(f, text="changed")
    with pytest.raises(LetterFrozen):
        store.update_inspection({"authority": "Y"})
    assert store.finding(f).text == "F"
    store.add_note(author="Tom Team", source="other", text="evidence may still be added")


def test_window_snippets_mark_whole_words_and_prefixes() -> None:
    from fieldwork.store.search import make_snippet, marked

    text = "The child was seen; children's views recorded. Strategy discussion held."
    assert marked(make_snippet(text, ["child"], False)) == (
        "The [child] was seen; children's views recorded. Strategy discussion held."
    )
    assert "[Strategy]" in marked(make_snippet(text, ["child", "strat"], True))
    long = " ".join(["filler"] * 50 + ["needle"] + ["filler"] * 50)
    snippet = marked(make_snippet(long, ["needle"], False, width=10))
    assert snippet.startswith("…") and snippet.endswith("…") and "[needle]" in snippet
    assert len(snippet.split()) <= 12


def test_common_word_search_marks_matches_in_window(store: Store) -> None:
    from fieldwork.store import search as S

    old = S.RANK_WINDOW
    S.RANK_WINDOW = 3
    try:
        for i in range(8):
            store.add_note(author="Tom Team", source="other", text=f"Visit {i}: child seen.")
        hits = store.search("child")
    finally:
        S.RANK_WINDOW = old
    assert len(hits) == 3
    assert all("\x02child\x03" in h.snippet for h in hits)


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda s, lead: s.add_note(author=lead, source="observation", text="x",
                                    observed_at="yesterday"),
         "the note's observed_at: 'yesterday' is not an ISO 8601 date and time"),
        (lambda s, lead: s.add_note(author=lead, source="observation", text="a\x00b"),
         "the note's text: contains a NUL character"),
        (lambda s, lead: s.add_note(author=lead, source="observation", text="\ud800"),
         "the note's text: contains a lone surrogate"),
        (lambda s, lead: s.add_note(author=lead, source="other", text="x",
                                    extra={"text": "shadow"}),
         "the note's extra.text: an extra field may not be called 'text'"),
        (lambda s, lead: s.add_finding("strength", "Good.", position=0),
         "a position is 1 or more (1 is first in its section)"),
        (lambda s, lead: s.update_inspection({"letter_date": "soon"}),
         "the inspection's fields.letter_date: 'soon' is not a date"),
        (lambda s, lead: s.add_case("BR-1", fields={"n": float("nan")}),
         "the case's fields.n: nan is not a number JSON allows"),
    ],
)
def test_the_store_refuses_what_another_copy_would_have_to_refuse(
    store: Store, write: Any, message: str
) -> None:
    """Whatever a copy writes travels in its packs, where every row is checked: so the
    store checks by the same rules, and a copy never writes what others must refuse."""
    lead = store.me
    clock = store.meta("clock")
    with pytest.raises(InvalidValue) as err:
        write(store, lead)
    assert str(err.value).startswith(message), str(err.value)
    assert store.meta("clock") == clock


def test_an_edit_is_checked_only_for_what_it_changes(store: Store) -> None:
    note = store.add_note(author=store.me, source="observation", text="fine").created or ""
    with pytest.raises(InvalidValue, match="observed_at"):
        store.edit_note(note, observed_at="25/06/2009")
    store.edit_note(note, text="still fine")
    assert store.note(note).text == "still fine"


def test_changes_say_when_only_texts_changed() -> None:
    from fieldwork.model import Changes

    text = Changes(notes=frozenset({"n"}), text_only=True)
    tag = Changes(notes=frozenset({"n"}), findings=frozenset({"f"}))
    assert not text.counts_may_change
    assert tag.counts_may_change
    assert (text | text).text_only and not (text | tag).text_only
    assert (text | Changes()).text_only
    assert Changes.all().counts_may_change and not (text | Changes.all()).text_only
    assert bool(Changes.all()) and not bool(Changes())
    assert not Changes(inspection=True).counts_may_change
