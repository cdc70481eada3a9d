"""Interchange JSON: the lossless round trip, and refusing bad documents with their path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork import interchange
from fieldwork.errors import InvalidDocument
from fieldwork.store import Store

SMALL: dict[str, Any] = {
    "format": "fieldwork-inspection",
    "version": 1,
    "inspection": {"template": "ucra-2009", "authority": "Test Borough",
                   "fieldwork_dates": ["2009-06-24", "2009-06-25"]},
    "inspectors": [{"id": "i1", "name": "Lena Lead", "role": "lead"},
                   {"id": "i2", "name": "Tom Team", "role": "team"}],
    "cases": [{"id": "c1", "ref": "BR-1", "kind": "tracked",
               "fields": {"risk": "High"}, "urgent": None}],
    "findings": [{"id": "f1", "section": "strength", "position": 1, "text": "Good."}],
    "notes": [{"id": "n1", "author": "Tom Team", "source": "case-record", "case_ref": "BR-1",
               "observed_at": "2009-06-24T10:00", "text": "Seen.", "findings": ["f1"]}],
}


def round_trip(doc: dict[str, Any], tmp_path: Path, name: str) -> dict[str, Any]:
    src = tmp_path / f"{name}.json"
    src.write_text(json.dumps(doc), encoding="utf-8")
    store, _ = interchange.import_file(tmp_path / f"{name}.fieldwork", src)
    try:
        return interchange.export_document(store)
    finally:
        store.close()


def test_reference_round_trip_gives_back_every_field(reference_json: Path, tmp_path: Path) -> None:
    original = json.loads(reference_json.read_text())
    first = round_trip(original, tmp_path, "a")
    for key, value in original["inspection"].items():
        assert first["inspection"][key] == value
    assert [(f["section"], f["position"], f["text"]) for f in first["findings"]] == [
        (f["section"], f["position"], f["text"]) for f in original["findings"]
    ]
    second = round_trip(first, tmp_path, "b")
    assert second == first


def test_sample_round_trip_is_identical(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE

    original = json.loads(SAMPLE.read_text())
    first = round_trip(original, tmp_path, "a")
    assert round_trip(first, tmp_path, "b") == first
    assert len(first["notes"]) == len(original["notes"])
    by_id = {n["id"]: n for n in original["notes"]}
    for note in first["notes"]:
        assert note["text"] == by_id[note["id"]]["text"]
        assert sorted(note["findings"]) == sorted(by_id[note["id"]]["findings"])


def test_author_by_name_becomes_the_inspector_id(tmp_path: Path) -> None:
    out = round_trip(SMALL, tmp_path, "a")
    assert out["notes"][0]["author"] == "i2"


def test_extra_fields_are_kept_at_every_level(tmp_path: Path) -> None:
    doc = copy.deepcopy(SMALL)
    doc["x-top"] = {"a": 1}
    doc["inspection"]["x-insp"] = [1, 2]
    doc["inspectors"][0]["x-phone"] = "none"
    doc["cases"][0]["x-case"] = True
    doc["findings"][0]["x-f"] = "kept"
    doc["notes"][0]["x-n"] = {"nested": ["ok"]}
    out = round_trip(doc, tmp_path, "a")
    assert out["x-top"] == {"a": 1}
    assert out["inspection"]["x-insp"] == [1, 2]
    assert out["inspectors"][0]["x-phone"] == "none"
    assert out["cases"][0]["x-case"] is True
    assert out["findings"][0]["x-f"] == "kept"
    assert out["notes"][0]["x-n"] == {"nested": ["ok"]}


def test_missing_ids_are_made(tmp_path: Path) -> None:
    doc = copy.deepcopy(SMALL)
    del doc["cases"][0]["id"]
    doc["inspectors"][1].pop("id")
    out = round_trip(doc, tmp_path, "a")
    assert all(c["id"] for c in out["cases"])
    assert out["notes"][0]["author"] == next(i["id"] for i in out["inspectors"]
                                             if i["name"] == "Tom Team")


def _broken(path_and_value: tuple[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(SMALL)
    path, value = path_and_value
    target: Any = doc
    keys = path.replace("]", "").replace("[", ".").split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("findings[0].section", "gossip", "unknown section"),
        ("notes[0].findings[0]", "f-missing", "no finding with id"),
        ("notes[0].author", "Nobody", "not an inspector"),
        ("notes[0].source", "rumour", "'rumour' is not a source type"),
        ("notes[0].text", 42, "must be a string"),
        ("findings[0].position", "1", "must be an integer"),
        ("cases[0].kind", "closed", "'closed' is not a case kind"),
        ("inspection.fieldwork_dates[0]", "24/06/2009", "not a date"),
        ("inspectors", {}, "must be a list"),
        ("format", "something-else", "must be"),
        ("version", 99, "newer"),
    ],
)
def test_invalid_documents_name_the_path_and_write_nothing(
    tmp_path: Path, path: str, value: Any, message: str
) -> None:
    doc = _broken((path, value))
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(doc))
    target = tmp_path / "t.fieldwork"
    with pytest.raises(InvalidDocument, match=message) as info:
        interchange.import_file(target, src)
    assert str(info.value).startswith(path.split("[")[0])
    assert info.value.path == path or info.value.path.startswith(path.split(".")[0])
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [src]


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    doc = copy.deepcopy(SMALL)
    doc["findings"].append({"id": "f1", "section": "strength", "position": 2, "text": "again"})
    with pytest.raises(InvalidDocument, match=r"findings\[1\]\.id: duplicate id"):
        interchange.validate(doc)
    doc = copy.deepcopy(SMALL)
    doc["notes"].append({**doc["notes"][0], "text": "again"})
    with pytest.raises(InvalidDocument, match=r"notes\[1\]\.id: duplicate id 'n1'"):
        interchange.validate(doc)
    doc["notes"][1]["id"] = 7
    with pytest.raises(InvalidDocument, match=r"notes\[1\]\.id: "):
        interchange.validate(doc)


def test_malformed_json_is_one_line(tmp_path: Path) -> None:
    src = tmp_path / "bad.json"
    src.write_text('{"format": "fieldwork-inspection", ')
    with pytest.raises(InvalidDocument, match="malformed JSON at line 1") as info:
        interchange.load(src)
    assert "\n" not in str(info.value)


def test_import_into_existing_file_updates_and_leaves_rest(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text(json.dumps(SMALL))
    store, _ = interchange.import_file(tmp_path / "t.fieldwork", src)
    extra = store.add_note(author="Lena Lead", source="other", text="mine").created
    store.close()
    doc = copy.deepcopy(SMALL)
    doc["notes"][0]["text"] = "Seen, and views recorded."
    src.write_text(json.dumps(doc))
    store, changes = interchange.import_file(tmp_path / "t.fieldwork", src)
    assert changes.notes == {"n1"}
    assert store.note("n1").text == "Seen, and views recorded."
    assert store.note(extra).text == "mine"
    assert [h.op for h in store.history("n1")] == ["create", "import"]
    store.close()


def test_invalid_import_into_existing_file_changes_nothing(tmp_path: Path) -> None:
    import hashlib

    src = tmp_path / "a.json"
    src.write_text(json.dumps(SMALL))
    interchange.import_file(tmp_path / "t.fieldwork", src)[0].close()
    before = hashlib.sha256((tmp_path / "t.fieldwork").read_bytes()).hexdigest()
    src.write_text(json.dumps(_broken(("notes[0].findings[0]", "zzz"))))
    with pytest.raises(InvalidDocument):
        interchange.import_file(tmp_path / "t.fieldwork", src)
    assert hashlib.sha256((tmp_path / "t.fieldwork").read_bytes()).hexdigest() == before


#: Any Unicode text except lone surrogates and NUL, which import refuses.
CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
text_st = st.text(alphabet=CHARACTERS, min_size=1, max_size=200).filter(lambda s: s.strip() != "")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(note_text=text_st, finding_text=text_st, ref=text_st,
       authority=st.text(alphabet=CHARACTERS, max_size=50))
def test_round_trip_keeps_arbitrary_unicode(
    tmp_path_factory: pytest.TempPathFactory,
    note_text: str,
    finding_text: str,
    ref: str,
    authority: str,
) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    doc = copy.deepcopy(SMALL)
    doc["inspection"]["authority"] = authority
    doc["cases"][0]["ref"] = ref
    doc["notes"][0]["case_ref"] = ref
    doc["notes"][0]["text"] = note_text
    doc["findings"][0]["text"] = finding_text
    first = round_trip(doc, tmp, "a")
    assert first["notes"][0]["text"] == note_text
    assert first["findings"][0]["text"] == finding_text
    assert first["cases"][0]["ref"] == ref
    assert first["inspection"]["authority"] == authority
    assert round_trip(first, tmp, "b") == first


def test_store_search_finds_imported_notes(tmp_path: Path) -> None:
    src = tmp_path / "a.json"
    src.write_text(json.dumps(SMALL))
    store, _ = interchange.import_file(tmp_path / "t.fieldwork", src)
    assert [h.id for h in store.search("seen")] == ["n1"]
    assert store.note("n1").findings == ["f1"]
    store.close()


def test_export_file_is_written_whole(tmp_path: Path, store: Store) -> None:
    out = tmp_path / "out.json"
    interchange.export_file(store, out)
    assert json.loads(out.read_text())["format"] == "fieldwork-inspection"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
