"""Bugs are not user errors: a programming error is exit 70 with a crash report that leaves
the evidence out; the failures of the file and the disk stay one-line errors, exit 2."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from fieldwork import crash
from fieldwork.cli import main
from fieldwork.errors import DiskFull, FileLocked, ReadOnly
from fieldwork.store import Store
from fieldwork.store.db import translated

NOTE = "Child seen alone at home on 3 June; mother says the school did not call."
BUG_LINE = re.compile(
    r"^error: internal error \(a bug in Fieldwork\); a crash report was written to (.+)\n$"
)


@pytest.fixture
def inspection(tmp_path: Path) -> Path:
    path = tmp_path / "case-smith.fieldwork"
    with Store.create(path) as store:
        store.add_inspector("Tom Team")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def the_report(err: str) -> str:
    match = BUG_LINE.match(err)
    assert match, err
    path = Path(match.group(1))
    data = Path(os.environ["FIELDWORK_DATA_DIR"])
    assert path.parent == data / "crash-reports"
    assert re.fullmatch(r"fieldwork-crash-\d{8}-\d{6}-\d+\.txt", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    return path.read_text()


def test_a_bug_in_a_command_is_exit_70_with_a_report_without_the_note(
    inspection: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Store, **fields: Any) -> None:
        raise KeyError(fields["text"])  # a bug that puts the note's text in its message

    monkeypatch.setattr(Store, "add_note", broken)
    status, out, err = run(capsys, "note", "add", inspection, "--author", "Tom Team",
                           "--source", "interview", "--role", "social worker", "--at",
                           "2009-06-03T10:00", "--text", NOTE)
    assert (status, out) == (70, "")
    report = the_report(err)
    assert "Traceback (most recent call last)" in report and "in broken" in report
    assert "Error:     KeyError: '<72 characters removed>'" in report
    assert (f"Command:   fieldwork note add <{len(str(inspection))} characters removed> "
            "--author <8 characters removed> --source interview --role "
            "<13 characters removed> --at <16 characters removed> --text "
            "<72 characters removed>") in report
    for secret in (NOTE, "Child seen", "case-smith", "Tom Team", "social worker"):
        assert secret not in report
    for version in ("Fieldwork: 0.1.0", f"SQLite:    {sqlite3.sqlite_version}", "Python:"):
        assert version in report


def test_a_mistake_in_sql_is_a_bug_not_bad_input(
    inspection: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def search(self: Store, query: str, *, limit: int = 50) -> list[Any]:
        with self.atomic():
            self.raw_sql("SELECT no_such_column FROM notes WHERE text = ?", (query,))
        return []

    monkeypatch.setattr(Store, "search", search)
    status, _, err = run(capsys, "search", inspection, "strategy", "meeting")
    assert status == 70
    report = the_report(err)
    assert "no such column: no_such_column" in report
    assert "search <" in report and "strategy" not in report


def test_a_wrong_number_of_bindings_is_a_bug(inspection: Path) -> None:
    with Store.open(inspection) as store, pytest.raises(sqlite3.ProgrammingError):
        with store.atomic():
            store.raw_sql("SELECT ?, ?", (1,))


@pytest.mark.parametrize(
    ("code", "expected"),
    [(5, FileLocked), (13, DiskFull), (10, DiskFull), (8, ReadOnly)],
)
def test_the_failures_of_the_file_and_the_disk_stay_expected(
    code: int, expected: type[Exception], inspection: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(self: Store, **fields: Any) -> None:
        err = sqlite3.OperationalError("simulated")
        err.sqlite_errorcode = code  # type: ignore[attr-defined]
        with translated(self.path):
            raise err

    with pytest.raises(expected):
        failing(Store.open(inspection))
    monkeypatch.setattr(Store, "add_note", failing)
    status, _, err = run(capsys, "note", "add", inspection, "--author", "Tom Team",
                         "--source", "other", "--text", "x")
    assert status == 2 and err.startswith("error: ") and err.count("\n") == 1


def test_a_locked_file_is_exit_2(inspection: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holder = sqlite3.connect(inspection, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, _, err = run(capsys, "note", "add", inspection, "--author", "Tom Team",
                             "--source", "other", "--text", "x")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 2 and "locked by another program" in err and err.count("\n") == 1


def test_with_no_data_folder_the_bug_is_still_exit_70(
    inspection: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "a-file"))  # not a folder
    monkeypatch.setattr(Store, "inspection", lambda self: 1 / 0)
    status, _, err = run(capsys, "export", inspection)
    assert status == 70
    assert err.startswith("error: internal error (a bug in Fieldwork); no crash report could "
                          "be written") and err.count("\n") == 1


def test_interrupt_and_broken_pipe_keep_their_handling(
    inspection: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(self: Store, query: str, *, limit: int = 50) -> list[Any]:
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "search", interrupted)
    assert run(capsys, "search", inspection, "x") == (2, "", "error: interrupted\n")

    def broken_pipe(self: Store, query: str, *, limit: int = 50) -> list[Any]:
        raise BrokenPipeError

    monkeypatch.setattr(Store, "search", broken_pipe)
    assert run(capsys, "search", inspection, "x")[0] == 0


def test_scrubbing_keeps_the_shape_of_the_command() -> None:
    from fieldwork.cli import build_parser

    shown, removed = crash.scrub_command(
        ["fieldwork", "finding", "edit", "F.fieldwork", "abc", "--position=3",
         "--text=Secret words", "--section", "strength"], build_parser())
    assert shown == ("fieldwork finding edit <11 characters removed> <3 characters removed> "
                     "--position=3 --text=<12 characters removed> --section "
                     "<8 characters removed>")
    assert "Secret words" in removed
    assert crash.scrub_message("bad value 'a long piece of note text' here", ["here"]) == (
        "bad value '<25 characters removed>' <4 characters removed>")
    assert crash.scrub_message("the team's file isn't there") == "the team's file isn't there"
