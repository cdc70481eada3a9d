"""The letter workspace: the form saves the letter's fields, the preview follows, the checks
point at what they are about."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from fieldwork.store import Store
from tests.ui.letter_helpers import settle, show_letter, stored
from ui.operations import CoreOp


@pytest.fixture
def letter(opened: Any, qtbot: Any) -> Any:
    """The letter workspace on the sample, its preview and checks shown."""
    return show_letter(opened, qtbot)


def type_into(qtbot: Any, edit: Any, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_the_workspace_shows_the_letter_its_fields_and_checks(letter: Any) -> None:
    ws = letter
    assert ws.preview.page_count == 2
    assert all(not image.isNull() for image in ws.preview.images)
    assert ws.form.recipient_name.text() == "Ms Gillian Pearson"
    assert ws.form.address.toPlainText() == "Civic Centre\nStockwell Close\nBromley BR1 3UH"
    assert ws.form.letter_date.iso() == "2009-07-24"
    assert ws.form.value("fieldwork_dates") == ["2009-06-24", "2009-06-25"]
    assert ws.form.copies.rows()[0] == {"name": "Doug Patterson",
                                       "role": "Chief Executive, London Borough of Bromley"}
    assert ws.checks.summary.text().startswith("✔ Ready to issue")
    assert ws.badge.text().strip() == "DRAFT"
    assert ws.window().letter.state_label.text() == "Letter: Draft"


def test_typing_saves_the_field_and_the_preview_follows(letter: Any, qtbot: Any) -> None:
    ws = letter
    before = ws.preview.images[0]
    edit = ws.form.statutory_basis
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        type_into(qtbot, edit, "section 20 of the Children Act 2004")
    settle(qtbot, ws)
    assert stored(ws)["statutory_basis"] == "section 20 of the Children Act 2004"
    assert ws.preview.images[0] != before
    assert ws.preview.page_count == 2
    # The whole refresh (read, compile, rasterise) is well inside the half second.
    assert ws.last_refresh_seconds < 0.5


def test_the_recipient_block_keeps_fields_the_form_does_not_show(letter: Any,
                                                                  qtbot: Any) -> None:
    ws = letter

    def add_extra(store: Store) -> Any:
        recipient = dict(store.inspection().fields["recipient"], email="dcs@example.org")
        return store.update_inspection({"recipient": recipient})

    ws.host.run(CoreOp(None, add_extra))
    settle(qtbot, ws)
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        type_into(qtbot, ws.form.salutation, "Dear Gillian")
    settle(qtbot, ws)
    recipient = stored(ws)["recipient"]
    assert recipient["salutation"] == "Dear Gillian"
    assert recipient["email"] == "dcs@example.org"
    assert recipient["address"] == ["Civic Centre", "Stockwell Close", "Bromley BR1 3UH"]


def test_an_edit_is_undone_and_the_form_shows_it(letter: Any, qtbot: Any) -> None:
    ws = letter
    window = ws.window()
    type_into(qtbot, ws.form.authority, "Royal Borough of Greenwich")
    ws.flush()
    settle(qtbot, ws)
    assert stored(ws)["authority"] == "Royal Borough of Greenwich"
    assert window.undo_stack.undoText() == "Edit authority"
    # Edit ▸ Undo names the focused field's typing while it can undo, else the change.
    assert window.undo_action.text() == (
        "&Undo Typing" if ws.form.authority.hasFocus() else "&Undo Edit authority")
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        window.undo()
    settle(qtbot, ws)
    assert stored(ws)["authority"] == "London Borough of Bromley"
    assert ws.form.authority.text() == "London Borough of Bromley"


def test_use_generated_and_an_override(letter: Any, qtbot: Any) -> None:
    from fieldwork.issuing import letter_input
    from fieldwork.letter import generated_summary

    ws = letter
    box = ws.form.summary
    assert box.text() is not None  # the sample has the lead's own wording
    assert box.title() == "Summary sentence: your own wording prints"
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        qtbot.mouseClick(box.use_generated, Qt.MouseButton.LeftButton)
    settle(qtbot, ws)
    assert "summary" not in stored(ws)
    with Store.open(ws.session.path) as store:
        expected = generated_summary(letter_input(store))
    assert box.generated.text() == f"Generated: {expected}"
    assert box.title() == "Summary sentence: the generated text prints"
    assert not box.use_generated.isEnabled()

    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        type_into(qtbot, box.override, "The inspection found <b>much</b> to praise & more.")
    settle(qtbot, ws)
    assert stored(ws)["summary"] == "The inspection found <b>much</b> to praise & more."

    qtbot.mouseClick(box.start_from, Qt.MouseButton.LeftButton)
    assert box.override.toPlainText() == expected


def test_the_copy_list_adds_removes_and_reorders(letter: Any, qtbot: Any) -> None:
    ws = letter
    copies = ws.form.copies
    copies.table.setCurrentCell(1, 0)
    qtbot.mouseClick(copies.up_button, Qt.MouseButton.LeftButton)
    ws.flush()
    settle(qtbot, ws)
    names = [c["name"] for c in stored(ws)["copies"]]
    assert names[:2] == ["Gillian Pearson", "Doug Patterson"]

    copies.table.setCurrentCell(3, 0)
    qtbot.mouseClick(copies.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(copies.add_button, Qt.MouseButton.LeftButton)
    row = copies.table.rowCount() - 1
    copies.table.item(row, 0).setText("Jo Adams")
    copies.table.item(row, 1).setText("Ofsted")
    ws.flush()
    settle(qtbot, ws)
    assert [c["name"] for c in stored(ws)["copies"]] == [
        "Gillian Pearson", "Doug Patterson", "Ernest Noad", "Jo Adams"]
    assert stored(ws)["copies"][-1] == {"name": "Jo Adams", "role": "Ofsted"}


def test_dates_are_stored_as_iso_days(letter: Any, qtbot: Any) -> None:
    from PySide6.QtCore import QDate

    ws = letter
    ws.form.last_day.setDate(QDate(2009, 6, 26))
    ws.form.letter_date.setDate(QDate(2009, 8, 3))
    ws.flush()
    settle(qtbot, ws)
    fields = stored(ws)
    assert fields["fieldwork_dates"] == ["2009-06-24", "2009-06-25", "2009-06-26"]
    assert fields["letter_date"] == "2009-08-03"
    assert ws.form.dates_text.text() == "Prints as “24, 25 and 26 June 2009”"


def test_a_signature_image_is_copied_and_printed(letter: Any, qtbot: Any,
                                                 tmp_path: Path) -> None:
    from fieldwork import paths

    ws = letter
    image = QImage(300, 80, QImage.Format.Format_RGB32)
    image.fill(QColor("#20307a"))
    source = tmp_path / "heather.png"
    assert image.save(str(source))
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        ws.form.signature_chosen.emit(str(source))
    settle(qtbot, ws)
    kept = Path(stored(ws)["signatory"]["signature"])
    assert kept.parent == paths.user_data_dir() / "signatures"
    assert kept.read_bytes() == source.read_bytes()
    assert stored(ws)["signatory"]["name"] == "Heather Brown"
    assert not ws.form.signature.thumb.pixmap().isNull()

    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        qtbot.mouseClick(ws.form.signature.remove, Qt.MouseButton.LeftButton)
    settle(qtbot, ws)
    assert "signature" not in stored(ws)["signatory"]


def test_clicking_a_check_about_a_field_focuses_it(letter: Any, qtbot: Any) -> None:
    ws = letter
    with qtbot.waitSignal(ws.checks_shown, timeout=5000):
        ws.form.recipient_name.setFocus()
        ws.form.recipient_name.selectAll()
        qtbot.keyClick(ws.form.recipient_name, Qt.Key.Key_Delete)
    settle(qtbot, ws)
    item = next(ws.checks.list.item(i) for i in range(ws.checks.list.count())
                if "recipient's name" in ws.checks.list.item(i).text())
    assert item.text() == "✖  The recipient's name is not filled in"
    assert ws.checks.summary.text() == "1 error blocks issuing"
    assert ws.form.recipient_name.property("problem") is True
    assert ws.form.recipient_name.toolTip() == "The recipient's name is not filled in"
    ws.checks.list.setFocus()
    ws.checks.list.itemActivated.emit(item)
    assert ws.form.recipient_name.hasFocus()


def test_clicking_a_check_about_a_finding_shows_it_on_the_board(letter: Any,
                                                                 qtbot: Any) -> None:
    ws = letter
    window = ws.window()
    created: list[str] = []

    def add(store: Store) -> Any:
        changes = store.add_finding("development", "Case files lack chronologies.")
        created.append(changes.created or "")
        return changes

    with qtbot.waitSignal(ws.checks_shown, timeout=5000):
        window.run(CoreOp(None, add))
    settle(qtbot, ws)
    item = next(ws.checks.list.item(i) for i in range(ws.checks.list.count())
                if "chronologies" in ws.checks.list.item(i).text())
    assert item.text().startswith("✖")
    ws.checks.list.itemActivated.emit(item)
    assert window.pages.currentWidget() is window.evidence
    assert window.evidence.board.current_finding() == created[0]


def test_clicking_a_check_about_a_note_shows_the_note(letter: Any) -> None:
    # A note tagged to a finding that is gone arrives only in a merged pack; the check
    # itself is the library's (tests/core/test_checks.py). Here: the click.
    from fieldwork.checks import CheckResult

    ws = letter
    window = ws.window()
    with Store.open(ws.session.path) as store:
        note = store.notes()[3]
    result = CheckResult("warning", "tag_to_missing_finding",
                         "A note is tagged to 1 finding(s) that no longer exist", "note", note.id)
    ws.checks.set_results([result])
    ws.checks.list.itemActivated.emit(ws.checks.item_for(result))
    assert window.pages.currentWidget() is window.evidence
    assert window.evidence.editor.note_id == note.id
    ev = window.evidence
    assert ev.notes_view.currentIndex().row() == ev.notes_model.row_of(note.id)


def test_zoom_rerenders_sharp_pages_and_keeps_the_place(letter: Any, qtbot: Any) -> None:
    ws = letter
    view = ws.preview
    width = view.images[0].width()
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        ws.refresh()
    view.set_zoom(1.5)
    assert ws.zoom_label.text() == "150%"
    qtbot.waitUntil(lambda: view.images[0].width() > width * 1.2, timeout=5000)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    assert place > 0
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        type_into(qtbot, ws.form.service, "children's social care")
    assert bar.value() == place
    view.zoom_to_fit_width()
    assert view.fit_width


def test_the_form_reads_only_on_a_read_only_file(letter: Any, qtbot: Any) -> None:
    ws = letter
    # (Running as root, a file cannot be made read-only; the store's own flag stands in.)
    ws.session.writer.writable = False
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        ws.refresh()
    assert ws.form.read_only
    assert ws.form.recipient_name.isReadOnly()
    assert not ws.issue_button.isEnabled()
    assert "read-only" in ws.banner_text.text()
    assert ws.export_action.isEnabled()  # reading and printing are still fine


def test_another_template_asks_for_its_own_fields(letter: Any, qtbot: Any) -> None:
    ws = letter
    combo = ws.form.template
    combo.setCurrentIndex(combo.findData("focused-visit"))
    with qtbot.waitSignal(ws.checks_shown, timeout=5000):
        combo.activated.emit(combo.currentIndex())
    settle(qtbot, ws)
    assert stored(ws)["template"] == "focused-visit"
    focus = ws.form.widget_for("focus")
    assert focus is not None and focus.objectName() == "field:focus"
    assert any("focus" in ws.checks.list.item(i).text() for i in range(ws.checks.list.count()))
    with qtbot.waitSignal(ws.preview_shown, timeout=5000):
        type_into(qtbot, focus, "the front door")
    settle(qtbot, ws)
    assert stored(ws)["focus"] == "the front door"
