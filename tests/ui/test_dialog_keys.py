"""Every dialog: Enter does its main action and Esc cancels (issue 13), with key events on
the focused widget of a shown dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QPushButton

from tests.helpers.packs import PASSPHRASE
from tests.helpers.team_ui import make_team, open_in
from tests.ui.test_typing import when_modal

ACCEPTED, REJECTED = QDialog.DialogCode.Accepted, QDialog.DialogCode.Rejected


def shown(dialog: QDialog, qtbot: Any) -> QDialog:
    qtbot.add_widget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def key(qtbot: Any, dialog: QDialog, k: Qt.Key) -> None:
    qtbot.keyClick(QApplication.focusWidget() or dialog, k)


def defaults(dialog: QDialog) -> list[str]:
    """The button Enter presses while focus is in a field."""
    return [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault()]


# =============================================================== the case form
@pytest.mark.parametrize(("k", "expected"), [(Qt.Key.Key_Return, ACCEPTED),
                                             (Qt.Key.Key_Escape, REJECTED)])
def test_case_form(qtbot: Any, k: Qt.Key, expected: QDialog.DialogCode) -> None:
    from ui.dialogs.case_form import CaseDialog

    dialog = shown(CaseDialog("BR-09-00001"), qtbot)
    field = next(w for w in dialog.findChildren(QLineEdit) if w.isVisible())
    field.setFocus()
    qtbot.keyClicks(field, "x")
    key(qtbot, dialog, k)
    assert dialog.result() == expected and not dialog.isVisible()
    assert defaults(dialog) == ["Save"]


# ============================================================= the finding picker
def test_finding_picker_enter_tags_the_typed_finding_and_esc_cancels(opened: Any,
                                                                     qtbot: Any) -> None:
    from ui.dialogs.finding_picker import FindingPicker

    ov = opened.overview
    target = ov.findings[3]
    words = " ".join(target.text.split()[:4])
    picker = shown(FindingPicker(ov.findings, ov.section_titles, opened, notes=1), qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), words)
    key(qtbot, picker, Qt.Key.Key_Return)
    assert picker.result() == ACCEPTED
    assert picker.chosen() == target.id
    picker = shown(FindingPicker(ov.findings, ov.section_titles, opened, notes=1), qtbot)
    key(qtbot, picker, Qt.Key.Key_Escape)
    assert picker.result() == REJECTED


# ============================================================ a new inspection
def test_new_inspection_enter_creates_when_complete_and_esc_cancels(
        qtbot: Any, tmp_path: Path) -> None:
    from ui.dialogs.new_inspection import NewInspectionDialog

    dialog = shown(NewInspectionDialog(folder=tmp_path), qtbot)
    dialog.authority.setFocus()
    qtbot.keyClicks(dialog.authority, "Test Borough")
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.isVisible()  # the team is missing: it says so, and stays
    assert "team" in dialog.problem.text()
    dialog.team.setFocus()
    qtbot.keyClicks(dialog.team, "Alison Whitcombe")
    dialog.path.setFocus()
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(tmp_path / "new.fieldwork"))
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED
    again = shown(NewInspectionDialog(folder=tmp_path), qtbot)
    key(qtbot, again, Qt.Key.Key_Escape)
    assert again.result() == REJECTED
    assert defaults(again) == ["Create"]


# ================================================================== the team
def test_passphrase_dialog(qtbot: Any) -> None:
    from ui.team.prompts import PassphraseDialog

    dialog = shown(PassphraseDialog(None, "Team passphrase", "The passphrase"), qtbot)
    qtbot.keyClicks(QApplication.focusWidget(), PASSPHRASE)
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED and dialog.value() == PASSPHRASE
    dialog = shown(PassphraseDialog(None, "Team passphrase", "The passphrase"), qtbot)
    key(qtbot, dialog, Qt.Key.Key_Escape)
    assert dialog.result() == REJECTED


def test_merge_dialog_enter_in_the_passphrase_box_merges(
        window: Any, qtbot: Any, idle: Callable[[], None], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.team import prompts
    from ui.team.merge import MergeDialog

    asked: list[object] = []
    monkeypatch.setattr(prompts, "choose_packs", lambda *a: asked.append(a) or [])
    team = make_team(tmp_path / "team")
    open_in(window, qtbot, team.lead, idle)
    dialog = shown(MergeDialog(window, [team.derek_pack]), qtbot)
    # Tab through the buttons first: none of them becomes what Enter presses.
    dialog.add_button.setFocus()
    dialog.passphrase.setFocus()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    with qtbot.waitSignal(dialog.merged, timeout=15000):
        key(qtbot, dialog, Qt.Key.Key_Return)
    assert asked == []  # "Add packs…" was not pressed
    assert not dialog.add_button.autoDefault() and not dialog.remove_button.autoDefault()
    idle()
    dialog.close()
    dialog = shown(MergeDialog(window, [team.fiona_pack]), qtbot)
    key(qtbot, dialog, Qt.Key.Key_Escape)
    assert dialog.result() == REJECTED and not dialog.running


def test_history_dialog_enter_and_esc_close(opened: Any, qtbot: Any) -> None:
    from ui.team.history import HistoryDialog

    for k in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        dialog = shown(HistoryDialog(opened), qtbot)
        key(qtbot, dialog, k)
        assert not dialog.isVisible()


def test_who_am_i_enter_chooses_and_esc_keeps(opened: Any, qtbot: Any,
                                              idle: Callable[[], None]) -> None:
    me = opened.session.reader.me
    seen = when_modal(qtbot, lambda d: qtbot.keyClick(d.focusWidget() or d, Qt.Key.Key_Escape))
    opened.choose_identity()
    idle()
    assert seen == ["QInputDialog"] and opened.session.reader.me == me

    def down_and_enter(d: QDialog) -> None:
        qtbot.keyClick(d.focusWidget() or d, Qt.Key.Key_Down)
        qtbot.keyClick(d.focusWidget() or d, Qt.Key.Key_Return)

    when_modal(qtbot, down_and_enter)
    opened.choose_identity()
    idle()
    opened.session.reader.invalidate_caches()
    assert opened.session.reader.me != me


def test_issue_dialog(qtbot: Any) -> None:
    from ui.letter.dialogs import IssueDialog

    dialog = shown(IssueDialog([]), qtbot)
    assert defaults(dialog) == ["Issue Letter"]
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert dialog.result() == ACCEPTED
    dialog = shown(IssueDialog([]), qtbot)
    key(qtbot, dialog, Qt.Key.Key_Escape)
    assert dialog.result() == REJECTED


def test_team_folder_dialog_enter_chooses_a_folder_while_there_is_none_and_esc_closes(
        opened: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.team import folder_dialog

    asked: list[object] = []
    monkeypatch.setattr(folder_dialog, "choose_folder",
                        lambda parent, start: asked.append(start))
    dialog = opened.team.folder.show_window()
    assert dialog is not None
    qtbot.waitUntil(dialog.isActiveWindow)
    assert defaults(dialog) == [dialog.choose_button.text()]
    key(qtbot, dialog, Qt.Key.Key_Return)
    assert len(asked) == 1
    key(qtbot, dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


@pytest.mark.parametrize(("k", "expected"), [(Qt.Key.Key_Return, True),
                                             (Qt.Key.Key_Escape, False)])
def test_reopen_for_reissue_enter_reopens_and_esc_cancels(qtbot: Any, k: Qt.Key,
                                                          expected: bool) -> None:
    from ui.letter.dialogs import confirm_reopen

    seen = when_modal(qtbot, lambda d: qtbot.keyClick(d.focusWidget() or d, k))
    assert confirm_reopen(None, "Issued on 1 July 2009", "ab" * 32) is expected
    assert seen == ["QMessageBox"]
