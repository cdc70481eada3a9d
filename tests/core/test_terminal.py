"""Terminal safety and passphrases: user text cannot drive a terminal, a passphrase is never
echoed, and a pack is not made with a passphrase too short to protect it."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.cli.shown import for_terminal
from fieldwork.errors import InvalidValue
from fieldwork.packs import container, export_pack, join_pack, merge_packs, snapshot
from fieldwork.store import Store, now
from fieldwork.store.schema import SCHEMA_VERSION
from tests.helpers.packs import FINDING_A, TEAM, exchange, join_team, make_lead

#: Clear the screen, retitle the window, then reverse the text that follows.
HOSTILE = "seen \x1b[2J\x1b]0;owned\x07 at home \u202egnp.exe\u2069 \x9b31m end"


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tty: bool,
        *argv: object) -> str:
    monkeypatch.setattr(type(sys.stdout), "isatty", lambda self: tty,
                        raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def assert_escaped(out: str) -> None:
    for raw in ("\x1b", "\x07", "\u202e", "\u2069", "\x9b"):
        assert raw not in out
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\x9b" in out


def test_escaping_covers_controls_and_bidi_overrides() -> None:
    assert for_terminal("a\x00b\x1fc\x7fd\x85e\u202af\u2066g h\u00e9") == (
        "a\\x00b\\x1fc\\x7fd\\x85e\\u202af\\u2066g h\u00e9")


@pytest.fixture
def inspection(tmp_path: Path) -> Path:
    path = tmp_path / "x.fieldwork"
    with Store.create(path) as store:
        store.add_inspector("Eve \x1b[31mRed")
        note = store.add_note(author="Eve \x1b[31mRed", source="interview",
                              subject_role="manager \u202e", text=f"kestrel {HOSTILE}").created
        assert note
        store.edit_note(note, text=f"kestrel again {HOSTILE}")
        (path.parent / "note-id").write_text(note)
    return path


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_search_and_history_escape_only_on_a_terminal(
    tty: bool, inspection: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    note = (inspection.parent / "note-id").read_text()
    searched = run(capsys, monkeypatch, tty, "search", inspection, "kestrel")
    history = run(capsys, monkeypatch, tty, "history", inspection, note)
    if tty:
        assert_escaped(searched)
        assert "\x1b" not in history and "Eve \\x1b[31mRed" in history
    else:
        assert "\x1b[2J" in searched and "\u202e" in searched  # as stored
        assert "Eve \x1b[31mRed" in history


def test_conflicts_escape_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    derek.edit_finding(FINDING_A, text=f"Derek {HOSTILE}")
    fiona.edit_finding(FINDING_A, text=f"Fiona {HOSTILE}")
    exchange(derek, lead, tmp_path, "-d")
    exchange(fiona, lead, tmp_path, "-f")
    for store in (lead, derek, fiona):
        store.close()
    assert_escaped(run(capsys, monkeypatch, True, "conflicts", lead.path))
    assert "\x1b[2J" in run(capsys, monkeypatch, False, "conflicts", lead.path)


def test_an_error_line_on_a_terminal_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(type(sys.stderr), "isatty", lambda self: True,
                        raising=False)
    assert main(["search", str(tmp_path / "x\x1b[2J.fieldwork"), "q"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "x\\x1b[2J.fieldwork" in err


def test_a_short_team_passphrase_is_refused_when_a_pack_is_made(tmp_path: Path) -> None:
    with Store.create(tmp_path / "x.fieldwork") as store:
        with pytest.raises(InvalidValue, match=r"too short \(11 characters\).*at least 12"):
            export_pack(store, tmp_path / "x.fwpack", "elevenchars")
        export_pack(store, tmp_path / "x.fwpack", "twelve chars")
    assert not (tmp_path / ".x.fwpack").exists()


def test_a_pack_made_with_a_short_passphrase_still_merges_and_joins(tmp_path: Path) -> None:
    """Packs made before the rule (or by another tool) are not stranded."""
    lead = make_lead(tmp_path)
    short = "old-short"
    path = tmp_path / "old.fwpack"
    fields = {"inspection_id": lead.inspection_id, "sender_id": lead.me,
              "sender_name": "Alison Whitcombe", "replica": lead.replica, "made_at": now(),
              "schema_version": SCHEMA_VERSION}
    with snapshot.take(lead) as image:
        container.write_pack(path, fields, image, short)
    with join_pack(path, tmp_path / "derek.fieldwork", short, TEAM[0][1]) as derek:
        assert derek.count_notes() == lead.count_notes()
    other = make_lead(tmp_path, "other.fieldwork")
    (summary,) = merge_packs(other, [path], short)
    assert summary is not None
    for store in (lead, other):
        store.close()


def test_a_stream_that_is_not_a_terminal_gets_text_as_stored() -> None:
    from fieldwork.cli.shown import safe

    stream = io.StringIO()
    assert safe("\x1b", stream=stream) == "\x1b"
