"""Export My Pack and Join an Inspection, through the Team menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fieldwork.model import Role
from fieldwork.packs import merge_packs, read_pack_header
from fieldwork.store import Store
from tests.helpers.packs import LEAD, PASSPHRASE, TEAM, make_lead, pack
from tests.helpers.team_ui import open_in
from ui.team import prompts


@pytest.fixture
def lead_file(tmp_path: Path) -> Path:
    store = make_lead(tmp_path)
    store.close()
    return tmp_path / "lead.fieldwork"


def test_export_my_pack_asks_twice_and_writes_the_pack(
    window: Any, qtbot: Any, lead_file: Path, tmp_path: Path, idle: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    open_in(window, qtbot, lead_file, idle)
    asked: list[dict[str, Any]] = []
    target = tmp_path / "out" / "mine.fwpack"
    target.parent.mkdir()

    def ask(parent: Any, title: str, text: str, **kw: Any) -> str:
        asked.append(kw)
        return PASSPHRASE

    def save(parent: Any, suggested: Path) -> Path:
        assert suggested.name.startswith("lead-alison-") and suggested.suffix == ".fwpack"
        return target

    monkeypatch.setattr(prompts, "ask_passphrase", ask)
    monkeypatch.setattr(prompts, "save_pack", save)
    with qtbot.waitSignal(window.team.exported, timeout=10000):
        window.team.export_action.trigger()
    idle()
    assert asked == [{"confirm": True, "initial": ""}]
    assert read_pack_header(target).sender_name == "Alison Whitcombe"
    assert str(target) in window.statusBar().currentMessage()
    # The pack opens with the passphrase, and the next prompt offers it again.
    (tmp_path / "other").mkdir()
    other = make_lead(tmp_path / "other")  # another copy of the same inspection
    assert merge_packs(other, [target], PASSPHRASE)[0].sender == "Alison Whitcombe"
    other.close()
    assert window.team.remembered_passphrase() == PASSPHRASE


def test_the_passphrase_dialog_wants_the_two_to_match(qtbot: Any) -> None:
    dialog = prompts.PassphraseDialog(None, "Export My Pack", "Type it twice.", confirm=True)
    qtbot.add_widget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled() and dialog.problem_text() == "Type the team passphrase."
    qtbot.keyClicks(dialog.passphrase, "abc")
    assert not ok.isEnabled()
    assert dialog.problem_text() == "A team passphrase needs at least 12 characters."
    qtbot.keyClicks(dialog.passphrase, " defghijkl")
    assert not ok.isEnabled() and dialog.problem_text() == "The two passphrases differ."
    qtbot.keyClicks(dialog.again, "abc defghijkl")
    assert ok.isEnabled() and dialog.value() == "abc defghijkl"


def test_a_short_passphrase_still_opens_an_older_pack(qtbot: Any) -> None:
    dialog = prompts.PassphraseDialog(None, "Merge Packs", "Type it.")
    qtbot.add_widget(dialog)
    qtbot.keyClicks(dialog.passphrase, "abc")
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()


def test_join_from_the_leads_pack_as_a_team_member(
    window: Any, qtbot: Any, lead_file: Path, tmp_path: Path, idle: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Store.open(lead_file) as lead:
        first = pack(lead, tmp_path / "first.fwpack")
    target = tmp_path / "derek.fieldwork"
    offered: list[list[tuple[str, Role]]] = []

    def choose(parent: Any, team: list[Any], sender: str) -> str:
        assert sender == "Alison Whitcombe"
        offered.append([(i.name, i.role) for i in team])
        return str(team[1].id)

    monkeypatch.setattr(prompts, "choose_pack", lambda parent, folder: first)
    monkeypatch.setattr(prompts, "ask_passphrase", lambda *a, **kw: PASSPHRASE)
    monkeypatch.setattr(prompts, "choose_member", choose)
    monkeypatch.setattr(prompts, "save_inspection", lambda parent, suggested: target)
    monkeypatch.setattr(prompts, "encrypt_copy", lambda parent, name: "")  # a plain copy
    with qtbot.waitSignal(window.team.joined, timeout=20000):
        window.team.join_action.trigger()
    idle()
    assert offered == [[("Alison Whitcombe", Role.LEAD),
                        *((n, Role.TEAM) for _, n in sorted(TEAM, key=lambda t: t[1]))]]
    assert window.session.path == target
    assert window.overview.me.name == "Derek Osei"
    assert "Derek Osei (team)" in window.windowTitle()
    assert window.evidence.notes_model.rowCount() == 2
    assert window.team.export_action.isEnabled()
    assert window.team.remembered_passphrase() == PASSPHRASE
    assert window.session.reader.me != LEAD


def test_join_with_the_wrong_passphrase_says_why_and_makes_no_file(
    window: Any, qtbot: Any, lead_file: Path, tmp_path: Path, idle: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch, errors_shown: list[tuple[str, str]],
) -> None:
    with Store.open(lead_file) as lead:
        first = pack(lead, tmp_path / "first.fwpack")
    chooser_called: list[bool] = []
    monkeypatch.setattr(prompts, "choose_pack", lambda parent, folder: first)
    monkeypatch.setattr(prompts, "ask_passphrase", lambda *a, **kw: "wrong")
    monkeypatch.setattr(prompts, "choose_member",
                        lambda *a: chooser_called.append(True) or None)
    window.team.join_action.trigger()
    idle()
    assert not chooser_called
    ((title, text),) = errors_shown
    assert title == "Could not join from this pack"
    assert text == f"{first}: wrong passphrase for this pack\n\nNo file was made."
    assert window.session is None
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".fieldwork") == [
        "lead.fieldwork"]


def test_joining_over_an_existing_file_is_refused(
    window: Any, qtbot: Any, lead_file: Path, tmp_path: Path, idle: Callable[[], None],
    errors_shown: list[tuple[str, str]],
) -> None:
    with Store.open(lead_file) as lead:
        first = pack(lead, tmp_path / "first.fwpack")
    before = lead_file.read_bytes()
    window.team.join_from_pack(first, PASSPHRASE, "Derek Osei", lead_file)
    idle()
    ((title, text),) = errors_shown
    assert title == "Could not join from this pack" and "already exists" in text
    assert lead_file.read_bytes() == before
