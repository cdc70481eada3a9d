"""Merging packs from the Team menu: the dialog, its progress, its summary, and bad packs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from fieldwork.store import Store
from tests.helpers.packs import BAD_KINDS, FINDING_A, PASSPHRASE, bad_packs, make_lead, pack
from tests.helpers.team_ui import Team, file_digest, make_team, open_in
from ui.team import prompts


@pytest.fixture
def team(tmp_path: Path) -> Team:
    return make_team(tmp_path / "team")


@pytest.fixture
def lead_window(window: Any, qtbot: Any, team: Team, idle: Callable[[], None]) -> Any:
    return open_in(window, qtbot, team.lead, idle)


def start_merge(window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                paths: list[Path], passphrase: str = PASSPHRASE) -> Any:
    """Team ▸ Merge Packs…, with the file chooser answered; returns the dialog."""
    monkeypatch.setattr(prompts, "choose_packs", lambda parent, folder: paths)
    window.team.merge_action.trigger()
    dialog = window.team.merge_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=10000)  # headers read
    dialog.passphrase.setText(passphrase)
    return dialog


def test_merging_two_packs_shows_what_came_from_whom(
    lead_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, team: Team,
    idle: Callable[[], None],
) -> None:
    window = lead_window
    dialog = start_merge(window, qtbot, monkeypatch, [team.derek_pack, team.fiona_pack])
    rows = [[dialog.packs.topLevelItem(i).text(c) for c in (0, 1, 3)] for i in range(2)]
    assert rows == [["derek.fwpack", "Derek Osei", "ready"],
                    ["fiona.fwpack", "Fiona Marchetti", "ready"]]
    steps: list[tuple[int, int, str]] = []
    dialog.relay.progressed.connect(lambda *a: steps.append(a))
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        qtbot.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
        assert dialog.pages.currentIndex() == 1  # the progress page, while it runs
    idle()
    assert steps[0] == (0, 3, "reading derek.fwpack") and steps[-1] == (3, 3, "done")
    assert dialog.pages.currentIndex() == 2
    summary = dialog.summary_rows()
    assert [r[:2] for r in summary] == [["Derek Osei", "derek.fwpack"],
                                        ["Fiona Marchetti", "fiona.fwpack"], ["All packs", ""]]
    # added, updated, deleted, in conflict (Fiona's later edit is the provisional winner)
    assert [r[3:] for r in summary] == [["1", "2", "0", "0"], ["1", "1", "0", "1"],
                                        ["2", "3", "0", "1"]]
    assert dialog.review_button.isVisible()
    assert "1 conflict is open" in dialog.conflicts_label.text()
    listed = dialog.conflict_list.topLevelItem(0)
    assert listed.text(0).startswith("Finding in Strengths: “Most referrals")
    assert listed.text(1) == "Fiona Marchetti (shown now) and Derek Osei"
    assert window.evidence.notes_model.rowCount() == 4
    assert window.team.conflicts_button.isVisible()
    assert "1 conflict" in window.team.conflicts_button.text()
    # The review opens from the summary.
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    review = window.team.conflicts_dialog
    assert review is not None and review.isVisible()
    qtbot.waitUntil(lambda: len(review.conflicts()) == 1, timeout=10000)
    assert review.conflicts()[0].row_id == FINDING_A
    idle()


def test_merging_the_same_packs_again_changes_nothing(
    lead_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, team: Team,
    idle: Callable[[], None],
) -> None:
    window = lead_window
    summaries = []
    for _ in range(2):
        dialog = start_merge(window, qtbot, monkeypatch, [team.derek_pack, team.fiona_pack])
        with qtbot.waitSignal(dialog.merged, timeout=20000):
            dialog.start()
        idle()
        summaries.append(dialog.summary_rows()[-1][3:])
        dialog.accept()
    assert summaries == [["2", "3", "0", "1"], ["0", "0", "0", "0"]]


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every kind of bad pack for the lead's inspection, made once for the module."""
    folder = tmp_path_factory.mktemp("bad")
    team = make_team(folder / "team", conflict=False)
    lead = Store.open(team.lead)
    kinds = bad_packs(team.derek_pack, folder, lead)
    lead.close()
    yield team.lead, {**kinds, "wrong passphrase": (team.derek_pack, "wrong passphrase")}


@pytest.mark.parametrize("kind", [*BAD_KINDS, "wrong passphrase"])
def test_a_bad_pack_is_refused_with_its_reason_and_changes_nothing(
    kind: str, bad: tuple[Path, dict[str, Any]], window: Any, qtbot: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, idle: Callable[[], None],
    errors_shown: list[tuple[str, str]],
) -> None:
    lead_file, kinds = bad
    path, reason = kinds[kind]
    copy = tmp_path / "lead.fieldwork"
    copy.write_bytes(lead_file.read_bytes())
    open_in(window, qtbot, copy, idle)
    good = lead_file.parent / "fiona.fwpack"
    before = file_digest(copy)
    passphrase = "not the passphrase" if kind == "wrong passphrase" else PASSPHRASE
    dialog = start_merge(window, qtbot, monkeypatch, [good, path], passphrase)
    if kind not in ("another inspection", "newer schema (payload)", "body byte flipped",
                    "first body byte flipped", "wrong passphrase",
                    "header disagrees with payload", "newer schema (header)"):
        assert dialog.packs.topLevelItem(1).text(3).startswith("cannot be merged")
    with qtbot.waitSignal(dialog.refused, timeout=20000) as refused:
        dialog.start()
    idle()
    (message,) = refused.args
    assert reason in message and "\n" not in message
    assert errors_shown == [("The packs were not merged",
                             f"{message}\n\nNothing was changed: the inspection is exactly as "
                             "it was.")]
    assert dialog.pages.currentIndex() == 0 and dialog.merge_button.isEnabled()
    assert file_digest(copy) == before
    assert window.evidence.notes_model.rowCount() == 2


def test_a_pack_from_this_copy_itself_merges_as_nothing_new(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    idle: Callable[[], None],
) -> None:
    lead = make_lead(tmp_path)
    own = pack(lead, tmp_path / "own.fwpack")
    lead.close()
    open_in(window, qtbot, tmp_path / "lead.fieldwork", idle)
    dialog = start_merge(window, qtbot, monkeypatch, [own])
    with qtbot.waitSignal(dialog.merged, timeout=20000):
        dialog.start()
    idle()
    assert dialog.summary_rows()[0][3:] == ["0", "0", "0", "0"]
    assert not dialog.review_button.isVisible()
