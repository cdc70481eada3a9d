"""``fieldwork sync``, in-process: what it prints, and its one-line errors."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.packs.sync import SUFFIX
from fieldwork.store import Store
from tests.helpers.packs import NOTE_1, PASSPHRASE, files_digest, remake, small_document

#: The sha256 of no bytes.
EMPTY = hashlib.sha256(b"").hexdigest()


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def ok(capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    status, out, err = run(capsys, *argv)
    assert status == 0 and not err, err
    return out


def error_line(capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    status, out, err = run(capsys, *argv)
    assert status == 2, out
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    path = tmp_path / "Team"
    path.mkdir()
    return path


@pytest.fixture
def lead(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    doc = tmp_path / "setup.json"
    doc.write_text(json.dumps(small_document()), encoding="utf-8")
    path = tmp_path / "lead.fieldwork"
    ok(capsys, "import", path, doc)
    return path


def inspection_folder(team_folder: Path) -> Path:
    return team_folder / small_document()["inspection"]["id"]


@pytest.fixture
def derek(lead: Path, team_folder: Path, secret: Path, tmp_path: Path,
          capsys: pytest.CaptureFixture[str]) -> Path:
    """Derek's copy, joined from the lead's pack in the team folder."""
    ok(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    (first,) = inspection_folder(team_folder).glob(f"*{SUFFIX}")
    path = tmp_path / "derek.fieldwork"
    ok(capsys, "join", first, "-o", path, "--as", "Derek Osei", "--passphrase-file", secret)
    return path


def test_sync_prints_what_it_wrote_and_merged_and_the_conflicts(
    lead: Path, derek: Path, team_folder: Path, secret: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sub = inspection_folder(team_folder)
    out = ok(capsys, "sync", derek, team_folder, "--passphrase-file", secret)
    lines = out.splitlines()
    assert lines[0] == f"team folder: {sub}"
    assert re.fullmatch(r"wrote [0-9a-f-]{36}\.fwpack \([\d,.]+ (bytes|MB)\): this copy's "
                        r"pack, with its changes since the last one", lines[1])
    assert re.fullmatch(r"read [0-9a-f-]{36}\.fwpack from Alison Whitcombe \(made .*\): "
                        r"nothing this copy lacked", lines[2])

    for path, text in ((lead, "lead's"), (derek, "Derek's")):
        ok(capsys, "note", "edit", path, NOTE_1, "--text", f"Referral seen, in the {text} words.")
        ok(capsys, "note", "add", path, "--author", "Derek Osei" if path == derek else
           "Alison Whitcombe", "--source", "observation", "--text", f"A note of the {text}.")
    ok(capsys, "sync", derek, team_folder, "--passphrase-file", secret)
    out = ok(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    lines = out.splitlines()
    assert lines[1].startswith("wrote ")
    assert re.fullmatch(r"merged [0-9a-f-]{36}\.fwpack from Derek Osei \(made .*\): 1 added, "
                        r"1 updated, 0 deleted, 1 in conflict", lines[2])
    assert lines[3] == f"1 conflict(s) open; see 'fieldwork conflicts {lead}'"

    out = ok(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    assert out.splitlines()[1:] == ["nothing new (1 pack of the team checked)"]


def test_a_refused_pack_is_a_warning_once_and_the_sync_goes_on(
    lead: Path, derek: Path, team_folder: Path, secret: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ok(capsys, "sync", derek, team_folder, "--passphrase-file", secret)
    sub = inspection_folder(team_folder)
    with Store.open(derek) as store:
        mine = sub / f"{store.replica}{SUFFIX}"
    bad = remake(mine, tmp_path / "bad.fwpack", sql="UPDATE notes SET source = 'evil'")
    shutil.copyfile(bad, sub / "x-PAULS-LAPTOP.fwpack")
    then = time.time() - 3600
    os.utime(sub / "x-PAULS-LAPTOP.fwpack", (then, then))
    status, out, err = run(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    assert status == 0
    assert "read " in out and "Derek Osei" in out
    assert err == ("warning: refused x-PAULS-LAPTOP.fwpack from Derek Osei: notes row "
                   f"{NOTE_1}: source: 'evil' is not a source type (expected one of: "
                   "case-record, supervision-file, observation, interview, "
                   "management-information, partner-agency, other) (it is tried again when "
                   "it changes)\n")
    status, out, err = run(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    assert (status, err) == (0, "")


def test_sync_errors_are_one_line_and_change_nothing(
    lead: Path, team_folder: Path, secret: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = files_digest(lead)
    err = error_line(capsys, "sync", lead, tmp_path / "gone", "--passphrase-file", secret)
    assert "no such folder" in err
    inside = team_folder / "passphrase.txt"
    shutil.copyfile(secret, inside)
    err = error_line(capsys, "sync", lead, team_folder, "--passphrase-file", inside)
    assert "the passphrase file is inside the team folder" in err
    (team_folder / "ours").mkdir()
    shutil.copyfile(lead, team_folder / "ours" / "lead.fieldwork")
    err = error_line(capsys, "sync", team_folder / "ours" / "lead.fieldwork", team_folder,
                     "--passphrase-file", secret)
    assert "the inspection file is inside the team folder" in err
    (team_folder / "ours" / "lead.fieldwork").unlink()
    inside.unlink()
    ok(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    (tmp_path / "wrong.txt").write_text("not the team passphrase\n")
    ok(capsys, "note", "add", lead, "--author", "Alison Whitcombe", "--source", "other",
       "--text", "x")
    before = files_digest(lead)
    err = error_line(capsys, "sync", lead, team_folder, "--passphrase-file",
                     tmp_path / "wrong.txt")
    assert "the passphrase is wrong" in err and "not the team passphrase" not in err
    assert files_digest(lead) == before
    lead.chmod(0o444)
    try:
        err = error_line(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    finally:
        lead.chmod(0o600)
    assert "read-only, and a sync must write to it" in err
    # (A connection to a file marked read-only may leave an empty log beside it.)
    assert {k: v for k, v in files_digest(lead).items() if v != EMPTY} == before


#: Clear the screen, retitle the window, then reverse the text that follows.
HOSTILE = "Derek \x1b[2J\x1b]0;owned\x07 \u202eesle\u2069"


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_what_the_team_folder_names_is_escaped_on_a_terminal(
    lead: Path, derek: Path, team_folder: Path, secret: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tty: bool,
) -> None:
    """Sender names and file names come from packs and the sync engine: anyone in the team
    can choose them."""
    for stream in (sys.stdout, sys.stderr):
        monkeypatch.setattr(type(stream), "isatty", lambda self: tty, raising=False)
    ok(capsys, "note", "add", derek, "--author", "Derek Osei", "--source", "observation",
       "--text", "A new note.")
    ok(capsys, "sync", derek, team_folder, "--passphrase-file", secret)
    sub = inspection_folder(team_folder)
    with Store.open(derek) as store:
        mine = sub / f"{store.replica}{SUFFIX}"
    renamed = sub / f"\x1b[2Jx{SUFFIX}"
    remake(mine, renamed, header={"sender_name": HOSTILE})
    refused = sub / f"y\u202e{SUFFIX}"
    remake(mine, refused, header={"sender_name": HOSTILE},
           sql="UPDATE notes SET source = 'evil'")
    mine.unlink()
    then = time.time() - 3600
    for path in (renamed, refused):
        os.utime(path, (then, then))
    status, out, err = run(capsys, "sync", lead, team_folder, "--passphrase-file", secret)
    assert status == 0 and "merged " in out and "warning: refused" in err
    for text in (out, err):
        if tty:
            assert not [c for c in ("\x1b", "\x07", "\u202e", "\u2069") if c in text]
            assert "\\x1b[2J" in text and "\\u202e" in text
        else:
            assert HOSTILE in text


def test_a_short_passphrase_writes_and_merges_nothing(
    lead: Path, derek: Path, team_folder: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A sync makes packs, so it takes a passphrase a pack may be made with (a team whose
    older packs used a shorter one can still merge them with ``fieldwork merge``)."""
    short = tmp_path / "short.txt"
    short.write_text("elevenchars\n", encoding="utf-8")
    before, listed = files_digest(derek), sorted(inspection_folder(team_folder).iterdir())
    err = error_line(capsys, "sync", derek, team_folder, "--passphrase-file", short)
    assert "too short (11 characters)" in err and "elevenchars" not in err
    assert files_digest(derek) == before
    assert sorted(inspection_folder(team_folder).iterdir()) == listed


def test_a_pack_under_this_copys_name_that_it_did_not_make_is_one_line(
    lead: Path, derek: Path, team_folder: Path, secret: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sub = inspection_folder(team_folder)
    with Store.open(derek) as store:
        derek_name = f"{store.replica}{SUFFIX}"
    (lead_pack,) = sub.glob(f"*{SUFFIX}")
    shutil.copyfile(lead_pack, sub / derek_name)  # the lead's pack, under Derek's name
    before = files_digest(derek)
    err = error_line(capsys, "sync", derek, team_folder, "--passphrase-file", secret)
    assert "a pack this copy did not make (from Alison Whitcombe" in err
    assert "nothing was written or merged" in err
    assert files_digest(derek) == before
    assert (sub / derek_name).read_bytes() == lead_pack.read_bytes()
