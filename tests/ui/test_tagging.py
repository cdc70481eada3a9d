"""Tagging notes to findings by drag and by Ctrl+L, undoing it, and moving findings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from fieldwork.model import SourceType
from fieldwork.store.store import NoteFilter
from ui.models.findings import FINDING_ID_ROLE, FINDING_MIME, SECTION_ROLE


def _untagged(window: Any, idle: Any, n: int) -> list[str]:
    window.evidence.filter_notes(NoteFilter(untagged=True))
    idle()
    window.evidence.notes_view.selectionModel().clearSelection()
    for r in range(n):
        window.evidence.notes_view.selectionModel().select(
            window.evidence.notes_model.index(r, 0),
            window.evidence.notes_view.selectionModel().SelectionFlag.Select
            | window.evidence.notes_view.selectionModel().SelectionFlag.Rows)
    return window.evidence.selected_note_ids()


def _evidence(window: Any, finding_id: str) -> int:
    return int(window.overview.evidence[finding_id]["notes"])


def test_drag_several_notes_onto_a_finding_and_undo(opened: Any, idle: Any) -> None:
    ids = _untagged(opened, idle, 3)
    assert len(ids) == 3
    finding = opened.overview.findings[5]
    before = _evidence(opened, finding.id)
    target = opened.evidence.findings_model.index_of(finding.id)
    selected = opened.evidence.notes_view.selectionModel().selectedIndexes()
    mime = opened.evidence.notes_model.mimeData(selected)
    model = opened.evidence.findings_model
    assert model.canDropMimeData(mime, Qt.DropAction.LinkAction, -1, 0, target)
    assert not model.canDropMimeData(mime, Qt.DropAction.LinkAction, 0, 0, target.parent())
    assert model.dropMimeData(mime, Qt.DropAction.LinkAction, -1, 0, target)
    idle()
    assert _evidence(opened, finding.id) == before + 3
    assert opened.overview.untagged == 9
    assert opened.evidence.notes_model.rowCount() == 9
    for note_id in ids:
        assert finding.id in opened.session.reader.note(note_id).findings
    assert opened.undo_action.text().startswith("&Undo Tag 3 notes")
    opened.undo()
    idle()
    assert _evidence(opened, finding.id) == before
    assert opened.overview.untagged == 12


def test_ctrl_l_tags_the_note_through_the_picker_and_undo(opened: Any, qtbot: Any,
                                                         idle: Any) -> None:
    ids = _untagged(opened, idle, 1)
    opened.evidence.notes_view.setCurrentIndex(opened.evidence.notes_model.index(0, 0))
    finding = next(f for f in opened.overview.findings if "Laming" in f.text)
    before = _evidence(opened, finding.id)
    seen: list[str] = []

    def pick() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None and dialog.objectName() == "findingPicker"
        qtbot.keyClicks(dialog.filter, "laming strategic")
        seen.append(str(dialog.proxy.rowCount()))
        qtbot.keyClick(dialog.filter, Qt.Key.Key_Return)

    QTimer.singleShot(0, pick)
    opened.activateWindow()
    qtbot.waitUntil(opened.isActiveWindow)
    qtbot.keyClick(opened.evidence.notes_view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert seen == ["1"]
    assert finding.id in opened.session.reader.note(ids[0]).findings
    assert _evidence(opened, finding.id) == before + 1
    assert finding.text[:20] in opened.evidence.editor.tags.item(0).text()
    opened.undo()
    idle()
    assert finding.id not in opened.session.reader.note(ids[0]).findings
    assert _evidence(opened, finding.id) == before


def test_remove_a_tag_from_the_note(opened: Any, qtbot: Any, idle: Any) -> None:
    opened.evidence.notes_view.selectRow(0)
    note = opened.session.reader.note(opened.evidence.editor.note_id)
    first = note.findings[0]
    opened.evidence.editor.tags.setFocus()
    opened.evidence.editor.tags.setCurrentRow(0)
    qtbot.keyClick(opened.evidence.editor.tags, Qt.Key.Key_Delete)
    idle()
    assert first not in opened.session.reader.note(note.id).findings
    opened.undo()
    idle()
    assert first in opened.session.reader.note(note.id).findings


def test_move_a_finding_to_another_section_by_drag_and_undo(opened: Any, idle: Any) -> None:
    model = opened.evidence.findings_model
    finding = next(f for f in opened.overview.findings if f.section == "satisfactory")
    target_section = model.section_index("development")
    n = model.rowCount(target_section)
    mime = model.mimeData([model.index_of(finding.id)])
    assert mime.hasFormat(FINDING_MIME)
    assert model.dropMimeData(mime, Qt.DropAction.CopyAction, 1, 0, target_section)
    idle()
    moved = opened.session.reader.finding(finding.id)
    assert moved.section == "development"
    ids = [model.index(i, 0, model.section_index("development")).data(FINDING_ID_ROLE)
           for i in range(n + 1)]
    assert ids[1] == finding.id
    assert model.index_of(finding.id).data(SECTION_ROLE) == "development"
    opened.undo()
    idle()
    back = opened.session.reader.finding(finding.id)
    assert back.section == "satisfactory"
    assert next(f.id for f in opened.overview.findings if f.section == "satisfactory") == \
        finding.id


def test_reorder_within_a_section_with_the_keyboard(opened: Any, qtbot: Any,
                                                    idle: Any) -> None:
    sat = [f.id for f in opened.overview.findings if f.section == "satisfactory"]
    opened.evidence.board.select_finding(sat[0])
    opened.evidence.board.view.setFocus()
    qtbot.keyClick(opened.evidence.board.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    idle()
    now = [f.id for f in opened.overview.findings if f.section == "satisfactory"]
    assert now[:2] == [sat[1], sat[0]]
    assert opened.evidence.board.current_finding() == sat[0]     # still selected: press again
    qtbot.keyClick(opened.evidence.board.view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    idle()
    now = [f.id for f in opened.overview.findings if f.section == "satisfactory"]
    assert now[:3] == [sat[1], sat[2], sat[0]]


def test_add_edit_and_delete_a_finding_with_undo(opened: Any, qtbot: Any, idle: Any) -> None:
    count = len(opened.overview.findings)
    opened.evidence.add_finding("strength")
    idle()
    assert len(opened.overview.findings) == count + 1
    new = opened.overview.findings[[f.section for f in opened.overview.findings].index(
        "development") - 1]
    assert new.text == "New finding"
    index = opened.evidence.findings_model.index_of(new.id)
    assert opened.evidence.findings_model.setData(index, "Supervision is regular and recorded.")
    idle()
    assert opened.session.reader.finding(new.id).text == "Supervision is regular and recorded."
    opened.evidence.delete_finding(new.id)
    idle()
    assert len(opened.overview.findings) == count
    opened.undo()
    idle()
    assert opened.session.reader.finding(new.id).text == "Supervision is regular and recorded."


def test_selecting_a_finding_shows_its_evidence(opened: Any, idle: Any) -> None:
    finding = opened.overview.findings[2]
    opened.evidence.board.select_finding(finding.id)
    idle()
    assert opened.evidence.notes_model.where == NoteFilter(finding=finding.id)
    assert opened.evidence.notes_model.rowCount() == _evidence(opened, finding.id)


def test_coverage_counts_change_and_a_click_filters(opened: Any, idle: Any) -> None:
    cov = opened.evidence.coverage_model
    finding = opened.overview.findings[0]
    row = [cov.finding_id(r) for r in range(cov.rowCount())].index(finding.id)
    col = 1 + list(SourceType).index(SourceType.OTHER)
    before = cov.index(row, col).data()
    before_n = 0 if before == "·" else int(before)
    opened.evidence.filter_notes(NoteFilter(untagged=True, source=SourceType.OTHER))
    idle()
    other = opened.evidence.notes_model.note_id(0)
    assert other is not None
    opened.evidence.link_notes([other], finding.id)
    idle()
    assert cov.index(row, col).data() == str(before_n + 1)
    assert "11 untagged notes" in opened.evidence.coverage.summary.text()
    opened.evidence.coverage.table.clicked.emit(cov.index(row, col))
    idle()
    assert opened.evidence.notes_model.where == NoteFilter(finding=finding.id,
                                                           source=SourceType.OTHER)
    assert opened.evidence.notes_model.rowCount() == before_n + 1


def test_a_finding_without_evidence_is_flagged(opened: Any, idle: Any) -> None:
    from ui.models.coverage import STATUS_ROLE

    opened.evidence.add_finding("development")
    idle()
    cov = opened.evidence.coverage_model
    flagged = [cov.index(r, 0).data(STATUS_ROLE) for r in range(cov.rowCount())]
    assert flagged.count("none") == 1
    assert "1 without evidence" in opened.evidence.coverage.summary.text()




def test_dragging_within_a_section_follows_the_list_rule(opened: Any, idle: Any) -> None:
    """A drop puts the finding at that place of the list (as ``finding edit --position``):
    the others keep their order, the positions stay 1..n, and only the moved one changes."""
    model = opened.evidence.findings_model
    reader = opened.session.reader
    sat = [f.id for f in opened.overview.findings if f.section == "satisfactory"]
    section = model.section_index("satisfactory")
    others = {f: reader.history(f) for f in sat[:-1]}
    assert model.dropMimeData(model.mimeData([model.index_of(sat[-1])]),
                              Qt.DropAction.CopyAction, 0, 0, section)
    idle()
    moved = reader.findings(section="satisfactory")
    assert [f.id for f in moved] == [sat[-1], *sat[:-1]]
    assert [f.position for f in moved] == list(range(1, len(sat) + 1))
    assert {f: reader.history(f) for f in sat[:-1]} == others
    # The board was rebuilt from the file: an index from before it would dangle.
    section = model.section_index("satisfactory")
    assert model.dropMimeData(model.mimeData([model.index_of(sat[-1])]),
                              Qt.DropAction.CopyAction, -1, 0, section)  # onto the section: last
    idle()
    assert [f.id for f in reader.findings(section="satisfactory")] == sat
