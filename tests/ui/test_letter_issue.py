"""Issuing from the app: QA, the checks before issuing, the checksum, the frozen letter and
its re-issue; exporting the letter and the evidence appendix."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from fieldwork.model import LetterState
from fieldwork.store import Store
from tests.ui.letter_helpers import Answers, answer_dialogs, settle, show_letter, stored
from ui.letter.dialogs import IssueDialog
from ui.operations import CoreOp


@pytest.fixture
def letter(opened: Any, qtbot: Any) -> Any:
    return show_letter(opened, qtbot)


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return answer_dialogs(monkeypatch)


def issue(ws: Any, qtbot: Any) -> None:
    with qtbot.waitSignal(ws.state_shown, timeout=15000,
                          check_params_cb=lambda state: state == "issued"):
        ws.issue_action.trigger()
    settle(qtbot, ws)


def test_mark_for_qa(letter: Any, qtbot: Any) -> None:
    ws = letter
    with qtbot.waitSignal(ws.state_shown, timeout=5000,
                          check_params_cb=lambda state: state == "qa"):
        ws.qa_action.trigger()
    assert ws.badge.text().strip() == "IN QA"
    assert not ws.qa_action.isEnabled()
    assert ws.issue_action.isEnabled()
    assert not ws.form.read_only
    with Store.open(ws.session.path) as store:
        assert store.inspection().state == LetterState.QA


def test_an_error_blocks_issuing_and_says_why(letter: Any, qtbot: Any,
                                              answer: Answers) -> None:
    ws = letter
    ws.host.run(CoreOp(None, lambda store: store.update_inspection({"letter_date": None})))
    settle(qtbot, ws)
    ws.issue_action.trigger()
    qtbot.waitUntil(lambda: bool(answer.shown), timeout=5000)
    settle(qtbot, ws)
    (dialog,) = answer.shown
    assert isinstance(dialog, IssueDialog)
    assert dialog.blocked and dialog.issue_button is None
    assert "cannot be issued yet" in dialog.message.text()
    assert dialog.list.item(0).text() == "✖ Error: The letter date is not filled in"
    with Store.open(ws.session.path) as store:
        assert store.inspection().state == LetterState.DRAFT
        assert store.issues() == []


def test_cancelling_the_confirmation_issues_nothing(letter: Any, qtbot: Any,
                                                    answer: Answers) -> None:
    ws = letter
    answer.respond = lambda _d: QDialog.DialogCode.Rejected
    ws.issue_action.trigger()
    qtbot.waitUntil(lambda: bool(answer.shown), timeout=5000)
    settle(qtbot, ws)
    assert not answer.shown[0].blocked
    with Store.open(ws.session.path) as store:
        assert store.issues() == []


def test_issuing_freezes_the_letter_and_shows_its_checksum(
    letter: Any, qtbot: Any, answer: Answers, errors_shown: list[tuple[str, str]],
    tmp_path: Path,
) -> None:
    ws = letter
    window = ws.window()
    issue(ws, qtbot)
    confirm, done = answer.shown
    assert isinstance(confirm, IssueDialog) and not confirm.blocked
    assert isinstance(done, QMessageBox)
    with Store.open(ws.session.path) as store:
        latest = store.latest_issue()
        assert latest is not None
        pdf = store.issued_pdf(latest.id)
    assert latest.sha256 == hashlib.sha256(pdf).hexdigest()
    assert latest.sha256 in done.informativeText()
    assert "Alison Whitcombe" in done.informativeText()

    # The state is plain to see, and the form will not take edits.
    assert ws.badge.text().strip() == "ISSUED"
    assert latest.sha256[:16] in ws.banner_text.text()
    assert "reopen it for a re-issue" in ws.banner_text.text()
    assert window.letter.state_label.text() == "Letter: Issued"
    assert ws.form.read_only and ws.form.recipient_name.isReadOnly()
    assert not ws.form.summary.use_generated.isEnabled()
    assert not ws.issue_action.isEnabled() and ws.reopen_action.isEnabled()
    assert ws.pdf == pdf  # the preview shows the issued bytes

    # The findings board says why it is frozen; an edit from elsewhere is refused plainly.
    assert window.evidence.board.frozen and "frozen" in window.evidence.board.hint.text()
    assert not window.evidence.board.add_button.isEnabled()
    assert not window.evidence.add_finding_action.isEnabled()
    finding = window.overview.findings[0]
    window.evidence.edits.finding_edited(finding.id, finding.text, finding.text + " Changed.")
    settle(qtbot, ws)
    assert errors_shown[-1][0] == "The letter has been issued"
    assert "Reopen for Re-issue" in errors_shown[-1][1]
    with Store.open(ws.session.path) as store:
        assert store.finding(finding.id).text == finding.text

    # Exporting gives the same bytes every time.
    target = tmp_path / "issued.pdf"
    with qtbot.waitSignal(ws.exported, timeout=5000):
        ws.export_pdf(target)
    assert target.read_bytes() == pdf


def test_reopen_for_a_reissue(letter: Any, qtbot: Any, answer: Answers) -> None:
    ws = letter
    window = ws.window()
    issue(ws, qtbot)

    def reopen(dialog: QDialog) -> int:
        assert isinstance(dialog, QMessageBox)
        next(b for b in dialog.buttons() if b.text() == "Reopen").click()
        return 0

    answer.respond = reopen
    with qtbot.waitSignal(ws.state_shown, timeout=5000,
                          check_params_cb=lambda state: state == "draft"):
        ws.reopen_action.trigger()
    settle(qtbot, ws)
    assert not ws.form.read_only
    assert not window.evidence.board.frozen
    assert window.evidence.add_finding_action.isEnabled()
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        ws.form.salutation.setFocus()
        qtbot.keyClick(ws.form.salutation, Qt.Key.Key_End)
        qtbot.keyClicks(ws.form.salutation, ",")
    settle(qtbot, ws)
    assert stored(ws)["recipient"]["salutation"] == "Dear Ms Pearson,"
    with Store.open(ws.session.path) as store:
        assert len(store.issues()) == 1  # the first issue stays on record


def test_export_the_draft_letter(letter: Any, qtbot: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "draft.pdf"
    with qtbot.waitSignal(letter.exported, timeout=5000):
        letter.export_pdf(target)
    reader = PdfReader(target)
    assert len(reader.pages) == 2
    assert reader.metadata.subject == "DRAFT"  # the mark itself is drawn as outlines


def test_export_the_evidence_appendix_with_progress(letter: Any, qtbot: Any,
                                                    tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "appendix.pdf"
    seen: list[tuple[int, int]] = []
    with qtbot.waitSignal(letter.exported, timeout=20000) as written:
        export = letter.export_appendix(target)
        export.progressed.connect(lambda done, total: seen.append((done, total)))
    assert written.args == [str(target)]
    assert len(seen) > 2 and seen[-1][0] == seen[-1][1] > 0
    text = PdfReader(target).pages[0].extract_text()
    assert "Not for publication" in text or "NOT FOR PUBLICATION" in text.upper()
    assert export.dialog is None  # the progress dialog is gone


def test_cancel_the_evidence_appendix(letter: Any, qtbot: Any, tmp_path: Path) -> None:
    target = tmp_path / "appendix.pdf"
    export = letter.export_appendix(target)
    with qtbot.waitSignal(export.failed, timeout=20000) as failed:
        export.cancel()
    assert failed.args == [""]
    assert not target.exists()
    assert "cancelled" in letter.window().statusBar().currentMessage()
