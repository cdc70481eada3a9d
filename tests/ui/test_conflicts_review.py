"""Conflict review: both versions side by side, the three decisions, and undoing them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from fieldwork.packs import merge_packs
from fieldwork.store import Store
from tests.helpers.packs import FINDING_A, NOTE_1, PASSPHRASE, exchange, join_team, make_lead
from tests.helpers.team_ui import make_team, open_in

DEREKS = "Referrals are dealt with promptly by the duty team."
FIONAS = "Most referrals are dealt with promptly."


@pytest.fixture
def merged_lead(tmp_path: Path) -> Path:
    """The lead's file after merging Derek's and Fiona's packs: finding A is in conflict."""
    team = make_team(tmp_path / "team")
    with Store.open(team.lead) as lead:
        merge_packs(lead, [team.derek_pack, team.fiona_pack], PASSPHRASE)
    return team.lead


@pytest.fixture
def review(window: Any, qtbot: Any, merged_lead: Path, idle: Callable[[], None]) -> Any:
    open_in(window, qtbot, merged_lead, idle)
    with qtbot.waitSignal(window.team.conflicts_counted, timeout=10000):
        window.team.count_conflicts()
    window.team.conflicts_action.trigger()
    dialog = window.team.conflicts_dialog
    qtbot.waitUntil(lambda: len(dialog.conflicts()) == 1, timeout=10000)
    idle()
    return dialog


def finding_text(window: Any) -> str:
    return str(window.session.reader.finding(FINDING_A).text)


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_both_versions_are_shown_with_the_differences_marked(review: Any) -> None:
    (conflict,) = review.conflicts()
    assert conflict.row_id == FINDING_A
    assert review.list.topLevelItem(0).text(0).splitlines() == [
        "Finding in Strengths", f"“{FIONAS}”", "Mine: Fiona Marchetti · theirs: Derek Osei"]
    assert review.keep_button.text() == "Keep &mine (Fiona Marchetti's)"
    assert review.take_button.text() == "Take &theirs (Derek Osei's)"
    mine, theirs = review.mine_view.toPlainText(), review.theirs_view.toPlainText()
    assert FIONAS in mine and DEREKS in theirs
    html = review.theirs_view.document().toHtml()
    assert "#b6d4fe" in html  # their extra words are highlighted
    assert "Text · differs" in mine
    assert "Fiona Marchetti" in review.mine_caption.text()
    assert review.edit_button.isEnabled()


@pytest.mark.parametrize(
    ("decide", "expected"),
    [("keep", FIONAS), ("take", DEREKS), ("merge", "Referrals are dealt with promptly; "
                                          "two waited a day.")],
)
def test_resolve_a_conflict_and_undo_it(
    review: Any, window: Any, qtbot: Any, idle: Callable[[], None], decide: str,
    expected: str,
) -> None:
    if decide == "keep":
        click(qtbot, review.keep_button)
    elif decide == "take":
        click(qtbot, review.take_button)
    else:
        click(qtbot, review.edit_button)
        assert review.merged_box.isVisible()
        assert review.merged.toPlainText() == FIONAS  # prefilled with mine
        review.merged.setPlainText(expected)
        click(qtbot, review.save_merged_button)
    qtbot.waitUntil(lambda: review.conflicts() == [], timeout=10000)
    idle()
    assert finding_text(window) == expected
    assert review.empty.isVisible() and not review.splitter.isVisible()
    assert not window.team.conflicts_button.isVisible()
    board = window.evidence.findings_model.index_of(FINDING_A)
    assert expected in str(board.data())  # the board shows it too
    assert "Undo puts it back" in window.statusBar().currentMessage()
    assert not [b for b in review.findChildren(QPushButton) if "Undo" in b.text()]

    review.activateWindow()  # Ctrl+Z in the dialog undoes the decision
    qtbot.waitUntil(review.isActiveWindow)
    qtbot.keyClick(review.focusWidget() or review, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(review.conflicts()) == 1, timeout=10000)
    idle()
    assert finding_text(window) == FIONAS
    assert window.team.conflicts_button.isVisible()
    history = window.session.reader.history(FINDING_A)
    assert [e.op for e in history[-2:]] == ["resolve", "unresolve"]

    window.redo()  # and redo settles it the same way again
    qtbot.waitUntil(lambda: review.conflicts() == [], timeout=10000)
    idle()
    assert finding_text(window) == expected


def test_a_resolution_cannot_be_undone_once_a_pack_is_made(
    review: Any, window: Any, qtbot: Any, idle: Callable[[], None], tmp_path: Path,
) -> None:
    click(qtbot, review.take_button)
    qtbot.waitUntil(lambda: review.conflicts() == [], timeout=10000)
    idle()
    with qtbot.waitSignal(window.team.exported, timeout=10000):
        window.team.export_pack(tmp_path / "after.fwpack", PASSPHRASE)
    idle()
    assert "can no longer be undone" in window.statusBar().currentMessage()
    window.undo()
    idle()
    assert finding_text(window) == DEREKS
    assert review.conflicts() == []
    assert not window.undo_stack.canUndo()
    assert "gone out in a pack" in window.statusBar().currentMessage()


def test_a_user_typed_text_is_shown_exactly_as_typed(
    window: Any, qtbot: Any, tmp_path: Path, idle: Callable[[], None],
) -> None:
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    derek.edit_note(NOTE_1, text="Referral seen <b>the same</b> day & logged.")
    fiona.edit_note(NOTE_1, text="Referral seen the next day.")
    exchange(derek, lead, tmp_path, "-d")
    exchange(fiona, lead, tmp_path, "-f")
    for store in (lead, derek, fiona):
        store.close()
    open_in(window, qtbot, tmp_path / "lead.fieldwork", idle)
    dialog = window.team.review_conflicts()
    qtbot.waitUntil(lambda: len(dialog.conflicts()) == 1, timeout=10000)
    texts = dialog.mine_view.toPlainText() + dialog.theirs_view.toPlainText()
    assert "Referral seen <b>the same</b> day & logged." in texts
    assert dialog.list.topLevelItem(0).text(0).startswith("Note · Case record · TB-09-001")
    idle()


def test_a_case_has_no_text_to_merge(
    window: Any, qtbot: Any, tmp_path: Path, idle: Callable[[], None],
) -> None:
    lead = make_lead(tmp_path)
    derek, fiona = join_team(lead, tmp_path, 2)
    case = lead.cases()[0].id
    derek.edit_case(case, fields={"risk": "High"})
    fiona.edit_case(case, fields={"risk": "Low"})
    exchange(derek, lead, tmp_path, "-d")
    exchange(fiona, lead, tmp_path, "-f")
    for store in (lead, derek, fiona):
        store.close()
    open_in(window, qtbot, tmp_path / "lead.fieldwork", idle)
    dialog = window.team.review_conflicts()
    qtbot.waitUntil(lambda: len(dialog.conflicts()) == 1, timeout=10000)
    assert dialog.title.text() == "Case TB-09-001"
    assert not dialog.edit_button.isEnabled()
    assert "risk: Low" in dialog.mine_view.toPlainText() + dialog.theirs_view.toPlainText()
    click(qtbot, dialog.take_button)
    qtbot.waitUntil(lambda: dialog.conflicts() == [], timeout=10000)
    idle()


def test_the_members_side_names_who_made_each_version_to_the_second(
    window: Any, qtbot: Any, idle: Callable[[], None], tmp_path: Path,
) -> None:
    """The lead and Derek both edit the lead's note; on Derek's copy, mine is Derek's version
    and theirs the lead's, each with who made it and when, to the second."""
    import re

    with make_lead(tmp_path) as lead:
        (derek,) = join_team(lead, tmp_path, 1)
        lead.edit_note(NOTE_1, text="Referral seen the same day by the duty manager.")
        derek.edit_note(NOTE_1, text="Referral seen within two days.")
        exchange(lead, derek, tmp_path)
        path = derek.path
        derek.close()
    open_in(window, qtbot, path, idle)
    with qtbot.waitSignal(window.team.conflicts_counted, timeout=10000):
        window.team.count_conflicts()
    window.team.conflicts_action.trigger()
    review = window.team.conflicts_dialog
    qtbot.waitUntil(lambda: len(review.conflicts()) == 1, timeout=10000)
    idle()
    mine, theirs = review.mine_caption.text(), review.theirs_caption.text()
    assert "Made by <b>Derek Osei</b>" in mine and "Alison" not in mine
    assert "Made by <b>Alison Whitcombe</b>" in theirs
    stamp = re.compile(r"\d{2}:\d{2}:\d{2}")
    assert stamp.search(mine) and stamp.search(theirs)
    # The note's author (the lead wrote it) is not shown as if she made Derek's version.
    assert "Alison" not in review.mine_view.toPlainText()
    assert "Alison" not in review.theirs_view.toPlainText()
    # Esc closes the review.
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    qtbot.keyClick(review.focusWidget() or review, Qt.Key.Key_Escape)
    assert not review.isVisible()
