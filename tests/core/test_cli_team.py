"""The team commands, in-process: pack, join, merge, conflicts and resolve."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.store import Store
from tests.helpers.packs import (
    BAD_KINDS,
    FINDING_A,
    NOTE_1,
    PASSPHRASE,
    bad_packs,
    sha256,
    small_document,
)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def ok(capsys: pytest.CaptureFixture[str], *argv: object) -> str:
    status, out, err = run(capsys, *argv)
    assert status == 0, err
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
def lead(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    doc = tmp_path / "setup.json"
    doc.write_text(json.dumps(small_document()), encoding="utf-8")
    path = tmp_path / "lead.fieldwork"
    ok(capsys, "import", path, doc)
    return path


@pytest.fixture
def first(lead: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "lead.fwpack"
    ok(capsys, "pack", lead, "-o", path, "--passphrase-file", secret)
    return path


def export(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    return ok(capsys, "export", path)


def test_pack_reports_what_it_wrote(
    lead: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ok(capsys, "pack", lead, "-o", tmp_path / "x.fwpack", "--passphrase-file", secret)
    assert re.fullmatch(r"wrote .*x\.fwpack \([\d,]+ bytes\) from Alison Whitcombe\n", out)


def test_join_makes_a_copy_for_the_chosen_member(
    first: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "derek.fieldwork"
    out = ok(capsys, "join", first, "-o", mine, "--as", "Derek Osei", "--passphrase-file", secret)
    assert out == f"joined as Derek Osei: wrote {mine} (2 notes, 2 findings)\n"
    with Store.open(mine) as store:
        assert store.inspector(store.me).name == "Derek Osei"


def test_join_with_an_unknown_name_lists_the_team(
    first: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = error_line(capsys, "join", first, "-o", tmp_path / "x.fieldwork", "--as", "Zed",
                     "--passphrase-file", secret)
    assert "choose one of: Alison Whitcombe (lead), Derek Osei, Fiona Marchetti" in err
    assert not (tmp_path / "x.fieldwork").exists()


def test_a_passphrase_file_must_exist_and_hold_something(
    lead: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = error_line(capsys, "pack", lead, "-o", tmp_path / "x.fwpack", "--passphrase-file",
                     tmp_path / "nope.txt")
    assert "passphrase file given does not exist" in err and "nope" not in err
    (tmp_path / "empty.txt").write_text("\n")
    err = error_line(capsys, "pack", lead, "-o", tmp_path / "x.fwpack", "--passphrase-file",
                     tmp_path / "empty.txt")
    assert "passphrase file given is empty" in err and "empty.txt" not in err


@pytest.mark.parametrize("command", ["pack", "merge", "join"])
def test_a_passphrase_typed_for_its_file_is_never_printed_back(
    command: str, lead: Path, first: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Someone types the passphrase itself where its file belongs: the error must not echo
    it, and must say what the option wants."""
    monkeypatch.chdir(tmp_path)
    argv = {
        "pack": ("pack", lead, "-o", tmp_path / "x.fwpack"),
        "merge": ("merge", lead, first),
        "join": ("join", first, "-o", tmp_path / "mine.fieldwork", "--as", "Derek Osei"),
    }[command]
    err = error_line(capsys, *argv, "--passphrase-file", "hunter2 is my secret")
    assert "hunter2" not in err
    assert "does not exist" in err and "path of a file" in err


def test_a_team_passphrase_shorter_than_twelve_characters_is_refused_for_a_pack(
    lead: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = tmp_path / "short.txt"
    short.write_text("elevenchars\n")
    err = error_line(capsys, "pack", lead, "-o", tmp_path / "x.fwpack", "--passphrase-file",
                     short)
    assert "too short (11 characters)" in err and "at least 12" in err
    assert not (tmp_path / "x.fwpack").exists()
    assert "elevenchars" not in err


def test_only_the_final_line_break_is_dropped_from_the_passphrase(
    lead: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], first: Path
) -> None:
    spaced = tmp_path / "spaced.txt"
    spaced.write_text(PASSPHRASE + " \n")
    err = error_line(capsys, "join", first, "-o", tmp_path / "x.fieldwork", "--as", "Derek Osei",
                     "--passphrase-file", spaced)
    assert "wrong passphrase" in err


def test_merge_prints_one_line_per_pack_and_the_open_conflicts(
    lead: Path, first: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    derek, fiona = tmp_path / "derek.fieldwork", tmp_path / "fiona.fieldwork"
    ok(capsys, "join", first, "-o", derek, "--as", "Derek Osei", "--passphrase-file", secret)
    ok(capsys, "join", first, "-o", fiona, "--as", "Fiona Marchetti", "--passphrase-file", secret)
    ok(capsys, "note", "edit", derek, NOTE_1, "--text", "Derek's reading.")
    ok(capsys, "note", "edit", fiona, NOTE_1, "--text", "Fiona's reading.")
    ok(capsys, "note", "add", fiona, "--author", "Fiona Marchetti", "--source", "interview",
       "--role", "team manager", "--text", "Manager interviewed.")
    packs = []
    for copy in (derek, fiona):
        packs.append(tmp_path / f"{copy.stem}.fwpack")
        ok(capsys, "pack", copy, "-o", packs[-1], "--passphrase-file", secret)
    out = ok(capsys, "merge", lead, *packs, "--passphrase-file", secret)
    lines = out.splitlines()
    assert re.fullmatch(r"merged derek\.fwpack from Derek Osei \(made \S+Z\): "
                        r"0 added, 1 updated, 0 deleted, 0 in conflict", lines[0])
    assert re.fullmatch(r"merged fiona\.fwpack from Fiona Marchetti \(made \S+Z\): "
                        r"1 added, 1 updated, 0 deleted, 1 in conflict", lines[1])
    assert lines[2] == f"1 conflict(s) open; see 'fieldwork conflicts {lead}'"

    out = ok(capsys, "conflicts", lead)
    assert re.match(rf"conflict [0-9a-f]{{32}}  note {NOTE_1}\n", out)
    assert "  mine:   Fiona Marchetti, " in out and "  theirs: Derek Osei, " in out
    assert "  text:\n    mine:   Fiona's reading.\n    theirs: Derek's reading.\n" in out

    conflict_id = out.split()[1]
    out = ok(capsys, "resolve", lead, conflict_id[:10], "--take", "theirs")
    assert out == f"resolved: kept theirs for {NOTE_1}\n"
    assert ok(capsys, "conflicts", lead) == "no open conflicts\n"
    assert json.loads(export(capsys, lead))["notes"][0]["text"] == "Derek's reading."


def test_resolve_needs_exactly_one_way(
    lead: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = error_line(capsys, "resolve", lead, "abc")
    assert "one of the arguments --take --text is required" in err
    err = error_line(capsys, "resolve", lead, "abc", "--take", "mine", "--text", "x")
    assert "not allowed with argument" in err
    err = error_line(capsys, "resolve", lead, "abc", "--take", "ours")
    assert "invalid choice" in err
    err = error_line(capsys, "resolve", lead, "abc", "--take", "mine")
    assert "no open conflict with id abc" in err


@pytest.mark.parametrize("kind", [*BAD_KINDS, "wrong passphrase"])
def test_merge_refuses_a_bad_pack_with_one_line_and_the_file_unchanged(
    kind: str, lead: Path, first: Path, secret: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "derek.fieldwork"
    ok(capsys, "join", first, "-o", target, "--as", "Derek Osei", "--passphrase-file", secret)
    with Store.open(lead) as store:
        bad = {**bad_packs(first, tmp_path, store), "wrong passphrase": (first, "wrong passphrase")}
    path, reason = bad[kind]
    if kind == "wrong passphrase":
        secret.write_text("not it\n")
    before = sha256(target)
    err = error_line(capsys, "merge", target, path, "--passphrase-file", secret)
    assert str(path) in err and reason.lower() in err.lower()
    assert sha256(target) == before


def test_merge_of_a_list_with_one_bad_pack_names_it_and_changes_nothing(
    lead: Path, first: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "derek.fieldwork"
    ok(capsys, "join", first, "-o", target, "--as", "Derek Osei", "--passphrase-file", secret)
    ok(capsys, "note", "add", lead, "--author", "Alison Whitcombe", "--source", "other",
       "--text", "New from the lead.")
    fresh = tmp_path / "fresh.fwpack"
    ok(capsys, "pack", lead, "-o", fresh, "--passphrase-file", secret)
    truncated = tmp_path / "cut.fwpack"
    truncated.write_bytes(fresh.read_bytes()[:-100])
    before = sha256(target)
    err = error_line(capsys, "merge", target, fresh, truncated, "--passphrase-file", secret)
    assert "cut.fwpack" in err and "truncated" in err
    assert sha256(target) == before


def test_merge_into_a_newer_copy_is_refused(
    lead: Path, first: Path, secret: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    conn = sqlite3.connect(lead)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = sha256(lead)
    err = error_line(capsys, "merge", lead, first, "--passphrase-file", secret)
    assert "newer Fieldwork" in err
    assert sha256(lead) == before


def test_acceptance_four_copies_through_the_command_line(
    lead: Path, first: Path, secret: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Join, add notes and findings, edit concurrently, pack, merge in two different
    orders, resolve: the merged copies' exports are identical."""
    pw = ("--passphrase-file", secret)
    copies = {"lead": lead}
    for name in ("Derek Osei", "Fiona Marchetti", "Paul Hendry"):
        path = tmp_path / f"{name.split()[0].lower()}.fieldwork"
        ok(capsys, "join", first, "-o", path, "--as", name, *pw)
        copies[name.split()[0].lower()] = path
    derek, fiona, paul = copies["derek"], copies["fiona"], copies["paul"]

    # Each works offline: notes and a finding.
    for who, path in (("Derek Osei", derek), ("Fiona Marchetti", fiona), ("Paul Hendry", paul)):
        for i in range(2):
            ok(capsys, "note", "add", path, "--author", who, "--source", "case-record",
               "--case", f"TB-09-10{i}", "--text", f"{who} read case {i}.", "--finding",
               FINDING_A)
    new_finding = ok(capsys, "finding", "add", paul, "--section", "development",
                     "--text", "Management oversight is not always recorded.").strip()
    ok(capsys, "link", paul, NOTE_1, new_finding)

    # Concurrent edits: a finding edited twice, a note deleted while it is tagged.
    ok(capsys, "finding", "edit", derek, FINDING_A, "--text", "Referrals are prompt.")
    ok(capsys, "finding", "edit", fiona, FINDING_A, "--text", "Referrals are mostly prompt.")
    ok(capsys, "note", "delete", derek, NOTE_1)

    packs = {}
    for name, path in copies.items():
        packs[name] = tmp_path / f"{name}-day2.fwpack"  # never over an earlier pack
        ok(capsys, "pack", path, "-o", packs[name], *pw)

    # Two copies merge everything, in different orders and groupings.
    ok(capsys, "merge", lead, packs["derek"], packs["fiona"], packs["paul"], *pw)
    ok(capsys, "merge", paul, packs["fiona"], *pw)
    ok(capsys, "merge", paul, packs["lead"], packs["derek"], *pw)
    assert export(capsys, lead) == export(capsys, paul)
    listing = ok(capsys, "conflicts", lead)
    assert ok(capsys, "conflicts", paul) == listing
    ids = re.findall(r"^conflict ([0-9a-f]{32})  (\w+) ", listing, flags=re.M)
    assert sorted(kind for _, kind in ids) == ["finding", "note"]

    # The lead resolves, and the resolution goes back out to everyone.
    agreed = "Referrals are prompt in most cases."
    for conflict_id, kind in ids:
        how = ("--text", agreed) if kind == "finding" else ("--take", "mine")
        ok(capsys, "resolve", lead, conflict_id, *how)
    merged = tmp_path / "merged.fwpack"
    ok(capsys, "pack", lead, "-o", merged, *pw)
    for name in ("derek", "fiona", "paul"):
        ok(capsys, "merge", copies[name], merged, *pw)

    exports = {name: export(capsys, path) for name, path in copies.items()}
    assert len(set(exports.values())) == 1
    for path in copies.values():
        assert ok(capsys, "conflicts", path) == "no open conflicts\n"
    doc = json.loads(exports["lead"])
    assert len(doc["notes"]) == 2 + 6
    assert {f["text"] for f in doc["findings"]} >= {
        agreed, "Management oversight is not always recorded."}
    note_1 = next(n for n in doc["notes"] if n["id"] == NOTE_1)
    assert new_finding in note_1["findings"]

    # Merging the same packs again, in yet another order, changes nothing.
    again = tmp_path / "again.fieldwork"
    shutil.copyfile(lead, again)
    ok(capsys, "merge", again, packs["paul"], packs["lead"], packs["fiona"], packs["derek"],
       merged, *pw)
    assert export(capsys, again) == exports["lead"]
