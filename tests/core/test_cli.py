"""The command line, in-process: each command's output, exit status and error line."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from fieldwork.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def inspection(tmp_path: Path, reference_json: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "x.fieldwork"
    status, out, _ = run(capsys, "import", path, reference_json)
    assert status == 0, out
    doc = {
        "format": "fieldwork-inspection", "version": 1,
        "inspection": json.loads(reference_json.read_text())["inspection"],
        "inspectors": [{"name": "Lena Lead", "role": "lead"}, {"name": "Tom Team"}],
    }
    team = tmp_path / "team.json"
    team.write_text(json.dumps(doc))
    assert run(capsys, "import", path, team)[0] == 0
    return path


def test_import_then_export_gives_back_every_finding(
    inspection: Path, reference_json: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "export", inspection)
    assert status == 0
    exported = json.loads(out)
    original = json.loads(reference_json.read_text())
    assert [f["text"] for f in exported["findings"]] == [f["text"] for f in original["findings"]]
    assert exported["inspection"]["recipient"] == original["inspection"]["recipient"]


def test_note_add_then_search_shows_highlight(
    inspection: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "note", "add", inspection, "--author", "Tom Team", "--source", "case-record",
        "--case", "BR-09-0001", "--text", "Strategy discussion held the same day with police.",
    )
    assert status == 0
    note_id = out.strip()
    status, out, _ = run(capsys, "search", inspection, "strategy")
    assert status == 0
    assert note_id in out
    assert "[Strategy] discussion" in out


def test_note_edit_and_delete(inspection: Path, capsys: pytest.CaptureFixture[str]) -> None:
    note_id = run(capsys, "note", "add", inspection, "--author", "Tom Team", "--source",
                  "interview", "--role", "Social worker", "--text", "first")[1].strip()
    assert run(capsys, "note", "edit", inspection, note_id, "--text", "second")[1] == "changed\n"
    status, out, _ = run(capsys, "history", inspection, note_id)
    assert status == 0 and "'first' -> 'second'" in out
    assert run(capsys, "note", "delete", inspection, note_id)[0] == 0
    status, _, err = run(capsys, "note", "edit", inspection, note_id, "--text", "x")
    assert status == 2 and err.startswith("error: no note with id")


def test_finding_commands_and_link(inspection: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "finding", "add", inspection, "--section", "strength",
                         "--text", "Good & prompt <practice>.")
    assert status == 0
    finding_id = out.strip()
    note_id = run(capsys, "note", "add", inspection, "--author", "Lena Lead", "--source",
                  "observation", "--text", "Observed duty.")[1].strip()
    assert run(capsys, "link", inspection, note_id, finding_id)[1] == "linked\n"
    assert run(capsys, "link", inspection, note_id, finding_id)[1] == "already linked\n"
    assert run(capsys, "finding", "edit", inspection, finding_id, "--section", "development",
               "--position", "1")[0] == 0
    exported = json.loads(run(capsys, "export", inspection)[1])
    mine = next(f for f in exported["findings"] if f["id"] == finding_id)
    assert mine["section"] == "development" and mine["text"] == "Good & prompt <practice>."
    note = next(n for n in exported["notes"] if n["id"] == note_id)
    assert note["findings"] == [finding_id]
    assert run(capsys, "finding", "delete", inspection, finding_id)[0] == 0
    assert run(capsys, "unlink", inspection, note_id, finding_id)[1] == "unlinked\n"


def test_export_to_file(
    inspection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert run(capsys, "export", inspection, "-o", out)[0] == 0
    assert json.loads(out.read_text())["version"] == 1


def test_unknown_section_is_an_error_line(
    inspection: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sha(inspection)
    status, out, err = run(capsys, "finding", "add", inspection, "--section", "nope", "--text", "x")
    assert (status, out) == (2, "")
    assert err.startswith("error: unknown section 'nope'") and err.count("\n") == 1
    assert sha(inspection) == before


def test_usage_error_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "note", "add")
    assert status == 2
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"\x00garbage" * 64), "not an SQLite database"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE t(x)").connection.commit(),
         "not a Fieldwork inspection"),
    ],
)
def test_bad_files_are_refused_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make, message: str  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "bad.fieldwork"
    make(path)
    before = sha(path)
    for argv in (["export", path], ["search", path, "x"],
                 ["note", "add", path, "--author", "a", "--source", "other", "--text", "t"]):
        status, _, err = run(capsys, *argv)
        assert status == 2
        assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert sha(path) == before


def test_newer_schema_is_refused_unchanged(
    inspection: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(inspection)
    conn.execute("PRAGMA user_version = 42")
    conn.commit()
    conn.close()
    before = sha(inspection)
    status, _, err = run(capsys, "note", "add", inspection, "--author", "Tom Team", "--source",
                         "other", "--text", "x")
    assert status == 2 and "newer Fieldwork" in err
    assert sha(inspection) == before


def test_malformed_json_import_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "bad.json"
    src.write_text("{not json")
    status, _, err = run(capsys, "import", tmp_path / "x.fieldwork", src)
    assert status == 2 and "malformed JSON" in err and err.count("\n") == 1
    assert not (tmp_path / "x.fieldwork").exists()


def test_invalid_json_names_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     reference_json: Path) -> None:
    doc = json.loads(reference_json.read_text())
    doc["findings"][3]["section"] = "somewhere"
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(doc))
    status, _, err = run(capsys, "import", tmp_path / "x.fieldwork", src)
    assert status == 2 and err.startswith("error: findings[3].section: unknown section")


def test_missing_directory_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      reference_json: Path) -> None:
    status, _, err = run(capsys, "import", tmp_path / "no" / "x.fieldwork", reference_json)
    assert status == 2 and "no such directory" in err
    assert not (tmp_path / "no").exists()


def test_read_only_file_is_refused_unchanged(
    inspection: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file marked read-only is never written, even by root, who could."""
    inspection.chmod(0o444)
    before = sha(inspection)
    status, _, err = run(capsys, "finding", "add", inspection, "--section", "strength",
                         "--text", "x")
    assert status == 2
    assert err.startswith("error: ") and "read-only" in err and err.count("\n") == 1
    assert sha(inspection) == before
    status, out, _ = run(capsys, "export", inspection)
    assert status == 0 and json.loads(out)["format"] == "fieldwork-inspection"
    assert sha(inspection) == before


def test_demo_writes_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", tmp_path / "demo")
    assert status == 0
    target = tmp_path / "demo" / "bromley-2009.fieldwork"
    assert f"wrote {target}" in out
    from fieldwork.store import Store

    with Store.open(target) as store:
        assert store.count_notes() >= 120
        assert len(store.cases()) >= 25
    # running it again replaces the file cleanly
    assert run(capsys, "demo", tmp_path / "demo")[0] == 0
    assert sorted(p.name for p in (tmp_path / "demo").iterdir() if p.name.startswith(".")) == []


def test_other_packages_add_commands_through_the_entry_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app's `gui` comes from the `fieldwork.commands` entry point; an entry whose
    package is gone (left by an old install) is left out, and one that fails otherwise is
    the bug it is."""
    import importlib.metadata
    import sys
    import types

    plugin = types.ModuleType("fieldwork_test_plugin")

    def add_commands(sub: object) -> None:
        p = sub.add_parser("hello", help="say hello")  # type: ignore[attr-defined]
        p.set_defaults(handler=lambda args: print("hello") or 0)

    plugin.add_commands = add_commands  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fieldwork_test_plugin", plugin)
    entries = [
        importlib.metadata.EntryPoint("hello", "fieldwork_test_plugin:add_commands",
                                      "fieldwork.commands"),
        importlib.metadata.EntryPoint("gone", "no_such_package.cli:add_commands",
                                      "fieldwork.commands"),
    ]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: entries)
    assert run(capsys, "hello") == (0, "hello\n", "")
    status, _, err = run(capsys, "gone")
    assert status == 2 and "invalid choice: 'gone'" in err

    entries.append(importlib.metadata.EntryPoint(
        "broken", "fieldwork_test_plugin:no_such_function", "fieldwork.commands"))
    status, _, err = run(capsys, "hello")
    assert status == 70 and "internal error" in err


def test_note_add_at_takes_what_people_type(inspection: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from fieldwork.store import Store

    note_id = run(capsys, "note", "add", inspection, "--author", "Tom Team", "--source",
                  "case-record", "--at", "24 Jun 2009 10:30", "--text", "seen")[1].strip()
    assert run(capsys, "note", "edit", inspection, note_id, "--at", "25/06/2009 9am")[0] == 0
    with Store.open(inspection) as store:
        assert store.note(note_id).observed_at == "2009-06-25T09:00"
    before = sha(inspection)
    status, out, err = run(capsys, "note", "add", inspection, "--author", "Tom Team",
                           "--source", "case-record", "--at", "31 Feb 2009 10:00",
                           "--text", "never written")
    assert status == 2 and out == ""
    assert err.strip() == "error: “31 Feb 2009 10:00”: Feb 2009 has no day 31"
    assert sha(inspection) == before
