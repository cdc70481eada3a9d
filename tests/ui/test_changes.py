"""Each write says what it changed, and the views redo only that: a text autosave never
counts every note again, a tag does."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from fieldwork.model import Changes
from fieldwork.store import Store
from ui.models.notes import COLUMNS
from ui.operations import CoreOp

TEXT_COLUMN = [k for k, _ in COLUMNS].index("text")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the evidence was counted (the costly part of the overview)."""
    calls: list[int] = []
    original = Store.evidence_counts

    def counting(self: Store) -> Any:
        calls.append(1)
        return original(self)

    monkeypatch.setattr(Store, "evidence_counts", counting)
    return calls


@pytest.fixture
def heard(opened: Any) -> dict[str, list[Any]]:
    """What the window told its views: each changes_applied, and each overview shown."""
    seen: dict[str, list[Any]] = {"changes": [], "overviews": []}
    opened.changes_applied.connect(lambda c, i: seen["changes"].append((c, i)))
    opened.overview_applied.connect(lambda: seen["overviews"].append(1))
    return seen


def test_a_text_autosave_updates_the_row_and_counts_nothing(
        opened: Any, qtbot: Any, idle: Any, counted: list[int],
        heard: dict[str, list[Any]]) -> None:
    opened.evidence.notes_view.selectRow(0)
    editor = opened.evidence.editor
    note_id = editor.note_id
    total = opened.overview.total
    editor.text.setPlainText("Strategy discussion held within a day; minutes on file.")
    editor.flush()  # the pause after typing
    qtbot.waitUntil(lambda: editor.status.text() == "Saved", timeout=5000)
    idle()
    (changes, initiator), = heard["changes"]
    assert changes.notes == {note_id} and changes.text_only
    assert not changes.counts_may_change
    assert initiator is editor
    assert counted == [] and heard["overviews"] == []
    row = opened.evidence.notes_model.row_of(note_id)
    shown = opened.evidence.notes_model.index(row, TEXT_COLUMN).data(Qt.ItemDataRole.DisplayRole)
    assert shown == "Strategy discussion held within a day; minutes on file."
    assert opened.overview.total == total
    assert opened.saved_label.text() == "Saved"


def test_a_tag_counts_again(opened: Any, idle: Any, counted: list[int],
                            heard: dict[str, list[Any]]) -> None:
    finding = opened.overview.findings[0]
    before = opened.overview.evidence.get(finding.id, {}).get("notes", 0)
    note_id = next(n.id for n in opened.session.reader.notes() if finding.id not in n.findings)
    opened.evidence.link_notes([note_id], finding.id)
    idle()
    (changes, _), = heard["changes"]
    assert changes.counts_may_change
    assert counted and heard["overviews"]
    assert opened.overview.evidence[finding.id]["notes"] == before + 1


def test_a_finding_s_new_text_shows_everywhere_without_counting(
        opened: Any, idle: Any, counted: list[int], heard: dict[str, list[Any]]) -> None:
    tagged = next(n for n in opened.session.reader.notes() if n.findings)
    finding_id = tagged.findings[0]
    opened.evidence.show_note(tagged.id)
    index = opened.evidence.findings_model.index_of(finding_id)
    assert opened.evidence.findings_model.setData(
        index, "Managers review every referral the same day.")
    idle()
    (changes, _), = heard["changes"]
    assert changes.findings == {finding_id} and changes.text_only
    assert counted == []
    assert next(f.text for f in opened.overview.findings if f.id == finding_id) \
        == "Managers review every referral the same day."
    assert opened.evidence.findings_model.index_of(finding_id).data() \
        == "Managers review every referral the same day."
    tag_list = opened.evidence.editor.tags
    tags = [tag_list.item(i).text() for i in range(tag_list.count())]
    assert any("Managers review every referral" in t for t in tags)
    row = next(r for r in range(opened.evidence.coverage_model.rowCount())
               if opened.evidence.coverage_model.finding_id(r) == finding_id)
    assert "Managers review every referral" in opened.evidence.coverage_model.index(row, 0).data()


def test_a_change_to_the_inspection_alone_reads_its_heading_not_the_counts(
        opened: Any, idle: Any, counted: list[int], heard: dict[str, list[Any]]) -> None:
    opened.run(CoreOp(None, lambda store: store.update_inspection(
        {"authority": "Royal Borough of Greenwich"})))
    idle()
    (changes, initiator), = heard["changes"]
    assert changes == Changes(inspection=True) and initiator is None
    assert counted == []
    assert opened.overview.inspection.authority == "Royal Borough of Greenwich"
    assert opened.windowTitle().startswith("Royal Borough of Greenwich, 2009")


def test_nothing_is_written_to_a_read_only_file(opened: Any, idle: Any,
                                                heard: dict[str, list[Any]]) -> None:
    opened.session.writer.writable = False
    ran: list[int] = []
    opened.run(CoreOp(None, lambda store: ran.append(1) or Changes()))
    idle()
    assert ran == [] and heard["changes"] == []
    assert opened.statusBar().currentMessage() == "Read-only: nothing was changed."
