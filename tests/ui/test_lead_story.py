"""The lead inspector's story, driven through the app: merge the team's packs, settle a
conflict, fill in the letter, watch the preview follow, check it, print it (to a file and
to a CUPS queue), issue it, and find it frozen."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog

from fieldwork import interchange
from fieldwork.packs import export_pack, join_pack
from fieldwork.store import Store
from tests.conftest import SAMPLE
from tests.ui.letter_helpers import Answers, answer_dialogs, settle, stored
from tests.ui.test_print import CUPS_QUEUE, cups_pdf_folder, pdf_pages, wait_for_pdf
from ui.letter.dialogs import IssueDialog
from ui.team import prompts

PASSPHRASE = "the team's passphrase"
DEREK = "Referral screening by the duty team is not always timely; two waited a day."
FIONA = "Referral screening is not always timely, most often at the weekend."
AGREED = "Referral screening is not always timely: two referrals waited a day, both at the weekend."


def make_the_week(folder: Path) -> tuple[Path, list[Path], str]:
    """The lead's file and two team packs. The lead has not yet dated the letter or written
    its salutation; Derek and Fiona each add a note, and both reword one finding."""
    lead, _ = interchange.import_file(folder / "lead.fieldwork", SAMPLE)
    recipient = dict(lead.inspection().fields["recipient"])
    recipient.pop("salutation")
    lead.update_inspection({"letter_date": None, "recipient": recipient})
    finding = lead.findings(section="development")[0]
    first = folder / "lead-first.fwpack"
    export_pack(lead, first, PASSPHRASE)
    packs = []
    for name, text, note in (
        ("Derek Osei", DEREK, "Duty team manager confirms weekend referrals wait."),
        ("Fiona Marchetti", FIONA, "Observed Monday's screening of two weekend referrals."),
    ):
        copy = join_pack(first, folder / f"{name.split()[0].lower()}.fieldwork", PASSPHRASE,
                         name)
        copy.add_note(author=copy.me, source="observation" if "Observed" in note else "interview",
                      subject_role=None if "Observed" in note else "Team manager",
                      text=note, findings=[finding.id])
        copy.edit_finding(finding.id, text=text)
        packs.append(folder / f"{name.split()[0].lower()}.fwpack")
        export_pack(copy, packs[-1], PASSPHRASE)
        copy.close()
    lead.close()
    return folder / "lead.fieldwork", packs, finding.id


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return answer_dialogs(monkeypatch)


def test_the_leads_story(
    window: Any, qtbot: Any, idle: Callable[[], None], tmp_path: Path, answer: Answers,
    monkeypatch: pytest.MonkeyPatch, errors_shown: list[tuple[str, str]],
) -> None:
    lead_file, packs, finding_id = make_the_week(tmp_path)
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(lead_file)
    idle()

    # 1. Team ▸ Merge Packs…: both packs, with progress, then the summary.
    monkeypatch.setattr(prompts, "choose_packs", lambda parent, folder: packs)
    window.team.merge_action.trigger()
    merge = window.team.merge_dialog
    idle()
    merge.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(merge.merged, timeout=20000):
        qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    idle()
    summary = merge.summary_rows()
    assert [row[0] for row in summary] == ["Derek Osei", "Fiona Marchetti", "All packs"]
    assert summary[-1][3] == "2"  # two notes added
    assert window.evidence.notes_model.rowCount() == 151

    # 2. The two rewordings are in conflict: settle it with a merged text.
    qtbot.mouseClick(merge.review_button, Qt.MouseButton.LeftButton)
    review = window.team.conflicts_dialog
    qtbot.waitUntil(lambda: len(review.conflicts()) == 1, timeout=10000)
    idle()
    assert review.conflicts()[0].row_id == finding_id
    qtbot.mouseClick(review.edit_button, Qt.MouseButton.LeftButton)
    review.merged.setPlainText(AGREED)
    qtbot.mouseClick(review.save_merged_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: review.conflicts() == [], timeout=10000)
    idle()
    review.close()
    merge.close()
    assert window.session.reader.finding(finding_id).text == AGREED

    # 3. The letter: its checks say what is missing, and a click goes to the field.
    ws = window.letter.workspace
    window.letter.show_action.trigger()
    qtbot.waitUntil(lambda: ws.idle and ws.readiness is not None and ws.preview.page_count > 0,
                    timeout=15000)
    messages = [ws.checks.list.item(i).text() for i in range(ws.checks.list.count())]
    assert "✖  The letter date is not filled in" in messages
    assert "✖  The salutation is not filled in" in messages
    assert not ws.checks.summary.text().startswith("✔")
    first_page = ws.preview.images[0]
    salutation = next(ws.checks.list.item(i) for i in range(ws.checks.list.count())
                      if "salutation" in ws.checks.list.item(i).text())
    ws.checks.list.itemActivated.emit(salutation)
    assert window.focusWidget() is ws.form.salutation

    # 4. Fill in the form; the preview follows within moments of the last keystroke.
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        qtbot.keyClicks(ws.form.salutation, "Dear Ms Pearson")
    ws.form.letter_date.setFocus()
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        ws.form.letter_date.setDate(QDate(2009, 7, 24))
    settle(qtbot, ws)
    assert ws.preview.images[0] != first_page
    assert ws.last_refresh_seconds < 0.5
    fields = stored(ws)
    assert fields["letter_date"] == "2009-07-24"
    assert fields["recipient"]["salutation"] == "Dear Ms Pearson"

    # 5. The checks now pass; the agreed finding is in the letter.
    assert ws.checks.summary.text().startswith("✔ Ready to issue"), ws.checks.summary.text()
    with Store.open(lead_file) as store:
        from fieldwork.issuing import letter_text

        assert AGREED in letter_text(store)

    # 6. Print to a PDF file, through Ctrl+P's dialog.
    printed = tmp_path / "printed.pdf"

    def to_file(dialog: QDialog) -> int:
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted

    answer.respond = to_file
    with qtbot.waitSignal(ws.printed, timeout=30000):
        ws.print_action.trigger()
    assert pdf_pages(printed) == ws.preview.page_count

    # 7. And to the CUPS queue, where there is one.
    if CUPS_QUEUE in [p.printerName() for p in QPrinterInfo.availablePrinters()]:
        stem = f"fieldwork-story-{uuid.uuid4().hex[:10]}"

        def to_queue(dialog: QDialog) -> int:
            assert isinstance(dialog, QPrintDialog)
            dialog.printer().setOutputFileName("")  # as choosing a printer in the dialog does
            dialog.printer().setOutputFormat(QPrinter.OutputFormat.NativeFormat)
            dialog.printer().setPrinterName(CUPS_QUEUE)
            dialog.printer().setDocName(stem)
            return QDialog.DialogCode.Accepted

        answer.respond = to_queue
        with qtbot.waitSignal(ws.printed, timeout=30000):
            ws.print_action.trigger()
        job = wait_for_pdf(cups_pdf_folder(), stem)
        assert pdf_pages(job) == ws.preview.page_count
        job.unlink()

    # 8. Issue: the checks run, the lead confirms, and the checksum is shown.
    answer.shown.clear()
    answer.respond = lambda _d: QDialog.DialogCode.Accepted
    with qtbot.waitSignal(ws.state_shown, timeout=15000,
                          check_params_cb=lambda state: state == "issued"):
        qtbot.mouseClick(ws.issue_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ws)
    confirm, issued = answer.shown
    assert isinstance(confirm, IssueDialog) and not confirm.blocked
    with Store.open(lead_file) as store:
        issue = store.latest_issue()
        assert issue is not None
        sha = hashlib.sha256(store.issued_pdf(issue.id)).hexdigest()
    assert issue.sha256 == sha
    assert sha in issued.informativeText()
    assert ws.badge.text().strip() == "ISSUED" and sha[:16] in ws.banner_text.text()
    assert window.letter.state_label.text() == "Letter: Issued"

    # 9. Editing is refused, with the reason and the way out.
    assert ws.form.read_only
    with qtbot.assertNotEmitted(ws.preview_shown, wait=500):
        qtbot.keyClicks(ws.form.salutation, " and team")
    assert stored(ws)["recipient"]["salutation"] == "Dear Ms Pearson"
    window.show_page(window.evidence)
    board = window.evidence.board
    assert board.frozen and "Reopen for Re-issue" in board.hint.text()
    assert not window.evidence.add_finding_action.isEnabled()
    window.evidence.edits.finding_edited(finding_id, AGREED, AGREED + " Changed after issue.")
    idle()
    assert errors_shown[-1][0] == "The letter has been issued"
    assert window.session.reader.finding(finding_id).text == AGREED
    assert ws.reopen_button.isEnabled()
