"""Search as you type: ranked results, highlighted in the list and in the note."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from fieldwork.store.search import MARK_CLOSE, MARK_OPEN
from ui.models.notes import SNIPPET_ROLE
from ui.widgets.highlight import HIGHLIGHT


def test_search_as_you_type_highlights_matches(opened: Any, qtbot: Any, idle: Any) -> None:
    with qtbot.waitSignal(opened.evidence.search_shown, timeout=5000,
                          check_params_cb=lambda q: q == "strategy disc"):
        opened.activateWindow()
        qtbot.keyClick(opened.evidence.notes_view, Qt.Key.Key_F,
                       Qt.KeyboardModifier.ControlModifier)
        assert opened.evidence.search.hasFocus()
        qtbot.keyClicks(opened.evidence.search, "strategy disc")
    idle()
    model = opened.evidence.notes_model
    assert model.searching
    assert 0 < model.rowCount() < 149
    snippet = model.index(0, 4).data(SNIPPET_ROLE)
    assert MARK_OPEN in snippet and MARK_CLOSE in snippet
    assert MARK_OPEN not in model.index(0, 4).data()
    assert "Search:" in opened.evidence.filter_label.text()

    # The list paints the matches on the highlight colour.
    image = opened.evidence.notes_view.viewport().grab().toImage()
    colours = {image.pixelColor(x, y).name()
               for x in range(0, image.width(), 2) for y in range(0, min(image.height(), 60))}
    assert QColor(HIGHLIGHT).name() in colours

    # And the note shows them too.
    opened.evidence.notes_view.selectRow(0)
    marks = opened.evidence.editor.text.extraSelections()
    assert marks
    words = {m.cursor.selectedText().lower() for m in marks}
    assert words & {"strategy", "discussion", "discussions"}


def test_clearing_the_search_shows_the_filtered_list_again(opened: Any, qtbot: Any,
                                                           idle: Any) -> None:
    with qtbot.waitSignal(opened.evidence.search_shown, timeout=5000):
        opened.evidence.search.setText("police")
    idle()
    with qtbot.waitSignal(opened.evidence.search_shown, timeout=5000):
        opened.evidence.search.clear()
    idle()
    assert not opened.evidence.notes_model.searching
    assert opened.evidence.notes_model.rowCount() == 149
    assert opened.evidence.editor.text.extraSelections() == []


def test_matching_findings_are_marked_on_the_board(opened: Any, qtbot: Any,
                                                   idle: Any) -> None:
    from ui.models.findings import SEARCH_ROLE

    with qtbot.waitSignal(opened.evidence.search_shown, timeout=5000):
        opened.evidence.search.setText("Laming")
    idle()
    finding = next(f for f in opened.overview.findings if "Laming" in f.text)
    assert opened.evidence.findings_model.index_of(finding.id).data(SEARCH_ROLE) is True
    assert "1 finding" in opened.evidence.filter_label.text()


def test_a_stale_query_is_skipped(opened: Any, qtbot: Any, idle: Any) -> None:
    shown: list[str] = []
    opened.evidence.search_shown.connect(shown.append)
    for text in ("s", "st", "str", "stra", "strat"):
        opened.evidence.search.setText(text)
    idle()
    assert shown[-1] == "strat"
    assert len(shown) < 5
