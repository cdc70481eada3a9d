"""Hostile interchange JSON: every bad document is one ``error:`` line naming its JSON path,
exit status 2, no traceback, and nothing written."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from fieldwork import interchange
from fieldwork.cli import main
from fieldwork.errors import InvalidDocument
from fieldwork.store import Store
from fieldwork.validation import MAX_DEPTH, MAX_NOTE_TEXT

SMALL: dict[str, Any] = {
    "format": "fieldwork-inspection",
    "version": 1,
    "inspection": {"template": "ucra-2009", "authority": "Test Borough",
                   "fieldwork_dates": ["2009-06-24"]},
    "inspectors": [{"id": "i1", "name": "Lena Lead", "role": "lead"},
                   {"id": "i2", "name": "Tom Team", "role": "team"}],
    "cases": [{"id": "c1", "ref": "BR-1", "kind": "tracked", "fields": {"risk": "High"}}],
    "findings": [{"id": "f1", "section": "strength", "position": 1, "text": "Good."}],
    "notes": [{"id": "n1", "author": "Tom Team", "source": "case-record", "case_ref": "BR-1",
               "observed_at": "2009-06-24T10:00", "text": "Seen.", "findings": ["f1"]}],
}


def doc_with(path: str, value: Any, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """SMALL (or ``doc``) with the value at ``path`` (``notes[0].source``) set."""
    doc = copy.deepcopy(doc or SMALL)
    keys = path.replace("]", "").replace("[", ".").split(".")
    target: Any = doc
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    target[int(last) if last.isdigit() else last] = value
    return doc


def import_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, target: Path | None = None
) -> str:
    """Import ``text`` with the CLI; assert it was refused as bad input, and return the line."""
    src = tmp_path / "bad.json"
    src.write_text(text, encoding="utf-8")
    target = target or tmp_path / "new.fieldwork"
    existed = target.exists()
    files = sorted(p.name for p in tmp_path.iterdir())
    status = main(["import", str(target), str(src)])
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert out == ""
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    if not existed:
        assert not target.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == files, "left files"
    return err.removeprefix("error: ").rstrip("\n")


CASES: list[tuple[str, str, Any, str, str]] = [
    # (name, path set, value, path named, what the message says)
    ("source as a list", "notes[0].source", ["case-record"], "", "must be a source type"),
    ("source as an object", "notes[0].source", {"x": 1}, "", "must be a source type"),
    ("role as a list", "inspectors[0].role", ["lead"], "", "must be a role"),
    ("kind as an object", "cases[0].kind", {}, "", "must be a case kind"),
    ("state as a list", "inspection.state", ["draft"], "", "must be a letter state"),
    ("unknown state", "inspection.state", "published", "", "'published' is not a letter state"),
    ("zero position", "findings[0].position", 0, "", "must be 1 or more"),
    ("negative position", "findings[0].position", -3, "", "must be 1 or more"),
    ("position beyond 2^53", "findings[0].position", 2**53, "", "beyond 2^53"),
    ("boolean position", "findings[0].position", True, "", "must be an integer"),
    ("float position", "findings[0].position", 1.0, "", "must be an integer"),
    ("integer beyond 2^53 in an extra field", "notes[0].x-count", 2**60, "", "beyond"),
    ("negative integer beyond 2^53 deep down", "cases[0].fields",
     {"visits": [1, 2, -(2**53)]}, "cases[0].fields.visits[2]", "beyond"),
    ("NUL in a note's text", "notes[0].text", "Seen\x00.", "", "NUL"),
    ("NUL in a finding's text", "findings[0].text", "Good\x00", "", "NUL"),
    ("NUL in a name", "inspectors[1].name", "Tom\x00Team", "", "NUL"),
    ("NUL in a case reference", "cases[0].ref", "BR\x00-1", "", "NUL"),
    ("NUL in an extra field", "notes[0].x-note", {"a": ["ok", "b\x00"]}, "notes[0].x-note.a[1]",
     "NUL"),
    ("NUL in a key", "notes[0].x-note", {"a\x00": 1}, "notes[0].x-note['a\\x00']", "NUL"),
    ("NUL in a letter field", "inspection.authority", "Test\x00Borough", "", "NUL"),
    ("observed_at that is not a time", "notes[0].observed_at", "yesterday", "",
     "not an ISO 8601 date and time"),
    ("a date that is no date", "inspection.fieldwork_dates[0]", "2009-02-30", "", "not a date"),
    ("a letter date that is a number", "inspection.letter_date", 20090624, "", "must be a date"),
    ("an id with a line break", "notes[0].id", "n1\nn2", "", "not an id"),
    ("an id that is too long", "findings[0].id", "f" * 201, "", "at most 200"),
    ("a note's text that is too long", "notes[0].text", "x" * (MAX_NOTE_TEXT + 1), "",
     f"at most {MAX_NOTE_TEXT:,}"),
    ("a template that is not a name", "inspection.template", "../../etc/passwd", "",
     "not a letter template's name"),
    ("an extra field at the top", "x-top", {"deep": [float("inf")]}, "x-top.deep[0]",
     "not a number"),
    ("a version that is not 1", "version", 0, "", "must be 1"),
    ("a version beyond 2^53", "version", 10**30, "", "newer"),
]


@pytest.mark.parametrize(("name", "path", "value", "named", "message"), CASES,
                         ids=[c[0] for c in CASES])
def test_a_hostile_value_is_one_line_naming_its_path(
    name: str, path: str, value: Any, named: str, message: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = import_error(capsys, tmp_path, json.dumps(doc_with(path, value)))
    assert line.startswith(f"{named or path}: "), line
    assert message in line, line


@pytest.mark.parametrize(
    ("name", "old", "new", "path"),
    [
        ("NaN", '"Seen."', '"Seen.", "x-score": NaN', "notes[0].x-score"),
        ("Infinity", '"Seen."', '"Seen.", "x-score": Infinity', "notes[0].x-score"),
        ("-Infinity", '"Seen."', '"Seen.", "x-score": [1, -Infinity]', "notes[0].x-score[1]"),
        ("NaN as a position", '"position": 1', '"position": NaN', "findings[0].position"),
        ("a number too big for a float", '"Seen."', '"Seen.", "x-score": 1e400',
         "notes[0].x-score"),
        ("a 5000-digit number", '"Seen."', '"Seen.", "x-score": ' + "9" * 5000,
         "notes[0].x-score"),
        ("a lone surrogate in text", '"Seen."', '"bad \\ud800 text"', "notes[0].text"),
        ("a lone low surrogate", '"case_ref": "BR-1"', '"case_ref": "\\udc00"',
         "notes[0].case_ref"),
        ("a lone surrogate in a name", '"Tom Team", "role"', '"Tom \\ud800", "role"',
         "inspectors[1].name"),
        ("a lone surrogate in a key", '"Seen."', '"Seen.", "x-\\ud83d": 1',
         "notes[0]['x-\\ud83d']"),
        ("a lone surrogate deep down", '"Seen."', '"Seen.", "x-n": {"a": [{"b": "\\udfff"}]}',
         "notes[0].x-n.a[0].b"),
    ],
)
def test_json_python_reads_but_fieldwork_refuses(
    name: str, old: str, new: str, path: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = json.dumps(SMALL)
    assert text.count(old) == 1
    line = import_error(capsys, tmp_path, text.replace(old, new))
    assert line.split(": ")[0] == path, line


def test_a_surrogate_pair_is_fine(tmp_path: Path) -> None:
    text = json.dumps(SMALL).replace('"Seen."', '"Seen \\ud83d\\ude00."')
    src = tmp_path / "ok.json"
    src.write_text(text)
    store, _ = interchange.import_file(tmp_path / "ok.fieldwork", src)
    assert store.note("n1").text == "Seen \U0001f600."
    store.close()


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def test_nesting_deeper_than_the_limit_is_refused_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = import_error(capsys, tmp_path, json.dumps(doc_with("notes[0].x-tree", nested(20))))
    assert line.startswith("notes[0].x-tree.a[0].a[0]") and "nested deeper than 32" in line
    # An extra field is one level inside the row's extra fields: 31 levels of its own fit.
    at_limit: Any = "x"
    for _ in range(MAX_DEPTH - 1):
        at_limit = [at_limit]
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(doc_with("notes[0].x-tree", at_limit)))
    interchange.import_file(tmp_path / "ok.fieldwork", ok)[0].close()
    line = import_error(capsys, tmp_path, json.dumps(doc_with("notes[0].x-tree", [at_limit])))
    assert line.startswith("notes[0].x-tree[0]") and "nested deeper" in line


def test_nesting_too_deep_for_the_json_parser_is_refused_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    text = json.dumps(SMALL).replace('"text": "Seen."', f'"text": "Seen.", "x-deep": {deep}')
    line = import_error(capsys, tmp_path, text)
    assert line.startswith("notes[0].x-deep[0]") and f"deeper than {MAX_DEPTH}" in line, line


def test_deep_nesting_in_python_objects_is_refused_too() -> None:
    with pytest.raises(InvalidDocument, match=r"^x-top[.a\[\]0]+: is nested deeper"):
        interchange.validate(doc_with("x-top", nested(40)))


def test_an_invalid_document_leaves_an_existing_file_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.json"
    src.write_text(json.dumps(SMALL))
    target = tmp_path / "t.fieldwork"
    interchange.import_file(target, src)[0].close()
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in tmp_path.iterdir() if p.name.startswith("t.fieldwork")}
    for path, value in [("notes[0].source", ["x"]), ("findings[0].position", 0),
                        ("notes[0].text", "a\x00b"), ("inspection.state", "gone")]:
        import_error(capsys, tmp_path, json.dumps(doc_with(path, value)), target)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in tmp_path.iterdir() if p.name.startswith("t.fieldwork")}
    assert after == files


# ------------------------------------------------------------ issued letters
def test_an_issued_state_is_refused_for_a_new_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = import_error(capsys, tmp_path, json.dumps(doc_with("inspection.state", "issued")))
    assert line.startswith("inspection.state: 'issued' can only be imported into a file whose "
                           "letter is issued already")
    assert "only by issuing it" in line


def issued_file(tmp_path: Path) -> Path:
    """SMALL imported and issued (checks set aside: this is about import, not readiness)."""
    src = tmp_path / "a.json"
    src.write_text(json.dumps(SMALL))
    store, _ = interchange.import_file(tmp_path / "issued.fieldwork", src)
    store.record_issue(b"%PDF-1.4 stand-in", by="i1")
    store.close()
    return tmp_path / "issued.fieldwork"


def test_an_issued_state_is_refused_for_a_draft_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "a.json"
    src.write_text(json.dumps(SMALL))
    interchange.import_file(tmp_path / "draft.fieldwork", src)[0].close()
    line = import_error(capsys, tmp_path, json.dumps(doc_with("inspection.state", "issued")),
                        tmp_path / "draft.fieldwork")
    assert "only by issuing it" in line
    with Store.open(tmp_path / "draft.fieldwork") as store:
        assert store.inspection().state.value == "draft"


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("findings[0].text", "Changed after issue.", "findings[0]"),
        # (a position past the end of a one-finding section is the same place: no change)
        ("findings[0].section", "development", "findings[0]"),
        ("inspection.authority", "Another Borough", "inspection.authority"),
        ("inspection.state", "draft", "inspection.state"),
        ("inspection.x-new-field", "added", "inspection.x-new-field"),
    ],
)
def test_an_issued_letter_stays_frozen_through_import(
    path: str, value: Any, where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = issued_file(tmp_path)
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    doc = doc_with(path, value, doc_with("inspection.state", "issued"))
    line = import_error(capsys, tmp_path, json.dumps(doc), target)
    assert line.startswith(f"{where}: the letter has been issued"), line
    assert "reopen" in line
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


def test_notes_still_import_into_an_issued_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = issued_file(tmp_path)
    doc = copy.deepcopy(SMALL)
    doc["inspection"]["state"] = "issued"
    doc["notes"].append({"id": "n2", "author": "i1", "source": "interview",
                         "observed_at": "2009-06-25T09:00", "text": "Later.", "findings": ["f1"]})
    src = tmp_path / "more.json"
    src.write_text(json.dumps(doc))
    assert main(["import", str(target), str(src)]) == 0
    capsys.readouterr()
    with Store.open(target) as store:
        assert store.note("n2").findings == ["f1"]
        assert store.inspection().state.value == "issued"
    # A document without a state leaves the state as it is.
    del doc["inspection"]["state"]
    src.write_text(json.dumps(doc))
    assert main(["import", str(target), str(src)]) == 0
