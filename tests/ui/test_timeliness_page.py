"""The Timeliness page, driven through the main window: Ctrl+4, the figures as a table and a
chart, a case's record and notes on a click, the draft finding (undoable), and a refresh
when a case changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from fieldwork.store import Store
from fieldwork.store.store import NoteFilter
from fieldwork.timeliness.rules import user_rules_dir
from ui.operations import CoreOp
from ui.timeliness.chart import DIFFERS, NATIONAL


def show_page(window: Any, qtbot: Any) -> Any:
    """Press Ctrl+4 and wait for the figures."""
    page = window.timeliness.view
    with qtbot.waitSignal(page.computed, timeout=10000):
        qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is page
    return page


def table_text(view: Any) -> list[list[str]]:
    model = view.model()
    return [[str(model.index(r, c).data() or "") for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def click_row(qtbot: Any, view: Any, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_page_shows_the_figures_and_says_the_reported_one_differs(
    opened: Any, qtbot: Any
) -> None:
    window = opened
    action = window.timeliness.show_action
    assert action.shortcut().toString() == "Ctrl+4"
    view_menu = next(a.menu() for a in window.menuBar().actions()
                     if a.text().replace("&", "") == "View")
    assert action in view_menu.actions()
    page = show_page(window, qtbot)

    rows = table_text(page.figures)
    assert rows[0][:6] == ["Initial assessment within 7 working days", "Referral date", "26",
                           "18", "69%", "84%"]
    assert rows[1][1:5] == ["Assessment start (alternative)", "26", "22", "85%"]
    assert rows[1][6] == "4"  # cases the authority's start counts differently
    assert rows[2][:5] == ["Core assessment within 35 working days", "Core assessment start",
                           "4", "4", "100%"]
    verdict = page.verdict.text()
    assert "The reported figure does not match the case records" in verdict
    assert "15 points below the 84% the authority reports" in verdict
    assert "the reported figure matches that method, not the rule" in verdict
    assert "England" in page.title.text() and "day 0" in page.title.text()

    # The chart: one group per rule, the national bar drawn in the alarm colour.
    groups = page.chart.groups
    assert [g.title for g in groups] == ["Initial assessment within 7 working days",
                                         "Core assessment within 35 working days"]
    ia = groups[0]
    assert ia.reported == 84.0
    assert [(b.percent, b.within, b.cases, b.national, b.differs) for b in ia.bars] == [
        (69.2, 18, 26, True, True), (84.6, 22, 26, False, False)]
    image = page.chart.grab().toImage()
    colours = {QColor(image.pixel(x, y)).name() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}
    assert DIFFERS.name() in colours  # the initial assessment bar
    assert NATIONAL.name() in colours  # the core assessment bar
    assert "Initial assessment within 7 working days" in page.chart.toolTip()

    # The cases of the first rule: every case in its scope, late ones marked.
    cases = table_text(page.cases)
    assert len(cases) == 28
    header = [page.cases.model().headerData(c, Qt.Orientation.Horizontal)
              for c in range(page.cases.model().columnCount())]
    assert header[:8] == ["Case", "Referral date", "Assessment completed", "Days", "≤ 7?",
                          "Assessment start", "Days", "≤ 7?"]
    tip = page.cases.model().headerData(3, Qt.Orientation.Horizontal,
                                        Qt.ItemDataRole.ToolTipRole)
    assert tip == ("The working days from the referral date to assessment_completed; the "
                   "start is day 0")
    by_ref = {r[0]: r for r in cases}
    assert by_ref["BR-09-02602"][1:9] == ["2009-03-19", "2009-04-01", "9", "No",
                                          "2009-03-23", "7", "Yes", "Differs"]
    assert by_ref["BR-09-04172"][8] == "Not counted"
    assert "still open: 7 working days" in by_ref["BR-09-04172"][-1]


def test_click_a_case_to_see_its_record_and_notes(opened: Any, qtbot: Any) -> None:
    window = opened
    page = show_page(window, qtbot)
    row = next(r for r, line in enumerate(table_text(page.cases)) if line[0] == "BR-09-02815")
    with qtbot.waitSignal(page.case_shown, timeout=5000) as shown:
        click_row(qtbot, page.cases, row)
    assert shown.args == ["BR-09-02815"]
    assert "BR-09-02815" in page.case_title.text()
    record = page.record.text()
    assert "From the referral date" in record and "10 working days, late" in record
    assert "From the assessment start" in record and "6 working days, in time" in record
    assert "School" in record  # the referral source, from the case record
    texts = [page.notes.item(i).text() for i in range(page.notes.count())]
    assert len(texts) == window.session.reader.count_notes(NoteFilter(case_ref="BR-09-02815"))
    assert any("start date on ICS is 6 April" in t for t in texts)

    # A note opens on the Evidence page.
    item = next(page.notes.item(i) for i in range(page.notes.count())
                if "start date on ICS" in page.notes.item(i).text())
    page.notes.setCurrentItem(item)
    page.notes.itemActivated.emit(item)
    assert window.pages.currentWidget() is window.evidence
    assert window.evidence.editor.note_id == item.data(Qt.ItemDataRole.UserRole + 80)

    # Back (nothing changed, so nothing to compute), and the case's notes shown in the
    # Evidence page's list.
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is page and page.idle
    page.select_case("BR-09-02815")
    qtbot.mouseClick(page.evidence_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.evidence.notes_model.rowCount() == len(texts), timeout=5000)
    assert "BR-09-02815" in window.evidence.filter_label.text()


def test_show_only_the_cases_counted_differently(opened: Any, qtbot: Any) -> None:
    page = show_page(opened, qtbot)
    page.show_combo.setCurrentIndex(page.show_combo.findData("differs"))
    assert [r[0] for r in table_text(page.cases)] == [
        "BR-09-02602", "BR-09-02815", "BR-09-02976", "BR-09-03471"]
    page.show_combo.setCurrentIndex(page.show_combo.findData("late"))
    assert len(table_text(page.cases)) == 8
    page.show_combo.setCurrentIndex(page.show_combo.findData("not_counted"))
    assert [r[0] for r in table_text(page.cases)] == ["BR-09-04172", "BR-09-04236"]
    # Choosing the core assessment rule shows its cases.
    click_row(qtbot, page.figures, 2)
    page.show_combo.setCurrentIndex(0)
    assert [r[0] for r in table_text(page.cases)] == [
        "BR-09-02455", "BR-09-02741", "BR-09-03120", "BR-09-03187", "BR-09-03529"]
    assert "Core assessment" in page.cases_label.text()


def test_the_draft_finding_button_writes_an_undoable_finding_with_its_evidence(
    opened: Any, qtbot: Any, idle: Callable[[], None]
) -> None:
    window = opened
    page = show_page(window, qtbot)
    assert page.draft_button.isEnabled()
    before = {f.id for f in window.session.reader.findings()}
    with qtbot.waitSignal(page.drafted, timeout=10000) as drafted:
        qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    idle()
    finding_id = drafted.args[0]
    reader = window.session.reader
    finding = reader.finding(finding_id)
    assert finding.section == "development"
    assert finding.text.startswith("Initial assessments are not always completed within 7 "
                                   "working days: the case records show 69% (18 of 26)")
    assert "The authority reports 84%" in finding.text and "BR-" not in finding.text
    tagged = reader.notes(NoteFilter(finding=finding_id))
    refs = {n.case_ref for n in tagged}
    assert refs == {"BR-09-02391", "BR-09-02602", "BR-09-02815", "BR-09-02976", "BR-09-03255",
                    "BR-09-03471", "BR-09-03755", "BR-09-03819"}
    expected = sum(reader.count_notes(NoteFilter(case_ref=r)) for r in refs)
    assert len(tagged) == expected
    assert "Drafted a finding in “Areas for development”" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: f"finding:{finding_id}" in page.verdict.text(), timeout=5000)
    assert window.undo_action.text() == "&Undo Draft timeliness finding in “Areas for " \
                                        "development”"

    # Undo takes it away; redo brings it back with its evidence.
    window.undo()
    idle()
    reader.invalidate_caches()
    assert {f.id for f in reader.findings()} == before
    window.redo()
    idle()
    reader.invalidate_caches()
    assert reader.finding(finding_id).text == finding.text
    assert len(reader.notes(NoteFilter(finding=finding_id))) == expected

    # The link in the verdict shows it on the board.
    page._link(f"finding:{finding_id}")
    assert window.pages.currentWidget() is window.evidence
    assert window.evidence.board.current_finding() == finding_id


def test_the_page_refreshes_when_a_case_changes(
    opened: Any, qtbot: Any, idle: Callable[[], None]
) -> None:
    window = opened
    page = show_page(window, qtbot)
    case = window.session.reader.case("BR-09-02602")
    fields = dict(case.fields, referral_date="2009-03-23")
    with qtbot.waitSignal(page.computed, timeout=10000):
        window.run(CoreOp(None, lambda store: store.edit_case(case.id, fields=fields)))
    assert table_text(page.figures)[0][2:5] == ["26", "19", "73%"]
    # Undoable like other edits? A case edit goes through the case form's write; the
    # figures follow any change, also one made while the page is hidden.
    window.show_page(window.evidence)
    fields = dict(fields, assessment_completed="2009-03-01")
    window.run(CoreOp(None, lambda store: store.edit_case(case.id, fields=fields)))
    idle()
    with qtbot.waitSignal(page.computed, timeout=10000):
        window.timeliness.show()
    assert table_text(page.figures)[0][2:5] == ["25", "18", "72%"]
    row = next(r for r in table_text(page.cases) if r[0] == "BR-09-02602")
    assert row[8] == "Not counted"
    assert "is before referral date" in row[-1]


def test_a_broken_rule_file_is_said_on_the_page_not_in_a_dialog(
    opened: Any, qtbot: Any, errors_shown: list[tuple[str, str]]
) -> None:
    folder = user_rules_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text("[visit]\nname = 'x'\n", encoding="utf-8")
    page = show_page(opened, qtbot)
    assert "Timeliness could not be calculated" in page.verdict.text()
    assert "mine.toml: visit.start: is missing" in page.verdict.text()
    assert page.figures.model().rowCount() == 0
    assert not page.draft_button.isEnabled()
    assert errors_shown == []
    (folder / "mine.toml").unlink()
    with qtbot.waitSignal(page.computed, timeout=10000):
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert page.figures.model().rowCount() == 3


def test_no_draft_once_the_letter_is_issued_or_when_read_only(
    window: Any, sample_file: Path, qtbot: Any, idle: Callable[[], None]
) -> None:
    with Store.open(sample_file) as store:
        store.set_state("issued")
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(sample_file)
    idle()
    page = show_page(window, qtbot)
    assert page.figures.model().rowCount() == 3
    assert not page.draft_button.isEnabled()
    assert "issued" in page.draft_button.toolTip()


def test_closing_the_file_empties_the_page(opened: Any, qtbot: Any) -> None:
    page = show_page(opened, qtbot)
    opened.files.close_file()
    assert page.figures.model().rowCount() == 0
    assert page.cases.model().rowCount() == 0
    assert not page.draft_button.isEnabled() and not page.refresh_button.isEnabled()
    assert page.chart.groups == ()


@pytest.mark.parametrize("nation", ["Scotland"])
def test_the_nation_field_changes_the_count(
    opened: Any, qtbot: Any, nation: str
) -> None:
    window = opened
    page = show_page(window, qtbot)
    with qtbot.waitSignal(page.computed, timeout=10000):
        window.run(CoreOp(None, lambda store: store.update_inspection({"nation": nation})))
    assert nation in page.title.text()
    # Easter Monday 2009 is a working day in Scotland: BR-09-02976 took 9 days there.
    row = next(r for r in table_text(page.cases) if r[0] == "BR-09-02976")
    assert row[3] == "9"


def test_the_bar_chart_alone(qtbot: Any) -> None:
    from ui.timeliness.chart import ALTERNATIVE, REPORTED, Bar, BarChart, Group

    chart = BarChart()
    qtbot.add_widget(chart)
    chart.resize(400, 120)
    empty = chart.grab().toImage()
    inked = {QColor(empty.pixel(x, y)).name() for x in range(0, 400, 2) for y in range(0, 120, 2)}
    assert len(inked) > 1  # "No figures yet" is written
    small = chart.sizeHint().height()
    chart.set_groups([Group("Visit within 3 days", (
        Bar("From the referral", 40.0, 2, 5, national=True),
        Bar("From allocation", 80.0, 4, 5, national=False),
        Bar("From nowhere", None, 0, 0, national=False),
    ), reported=90.0)])
    assert chart.sizeHint().height() > small
    chart.resize(400, chart.sizeHint().height())
    image = chart.grab().toImage()
    colours = {QColor(image.pixel(x, y)).name() for x in range(image.width())
               for y in range(image.height())}
    assert {NATIONAL.name(), ALTERNATIVE.name()} <= colours
    assert DIFFERS.name() not in colours  # no reported figure differs: not drawn as alarm
    assert any(QColor(c).red() > 150 and abs(QColor(c).hue() - REPORTED.hue()) < 10
               for c in colours)  # the dashed reported line
    assert "From nowhere: no cases" in chart.toolTip()
    assert "reported: 90%" in chart.toolTip()


def test_enter_on_a_case_opens_its_form_and_odd_text_stays_text(
    opened: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, idle: Callable[[], None]
) -> None:
    from ui.dialogs.case_form import CaseDialog

    window = opened
    case = window.session.reader.case("BR-09-02391")
    odd = "<b>Mum & 'partner'</b> said \u202eoops"
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.run(CoreOp(None, lambda store: store.edit_case(
            case.id, fields=dict(case.fields, management_oversight=odd))))
    idle()
    page = show_page(window, qtbot)
    assert page.select_case("BR-09-02391")
    assert "&lt;b&gt;Mum &amp; &#x27;partner&#x27;&lt;/b&gt;" in page.record.text()
    opened_forms: list[str] = []

    def fake_exec(dialog: CaseDialog) -> int:
        opened_forms.append(dialog.ref.text())
        return 0

    monkeypatch.setattr(CaseDialog, "exec", fake_exec)
    page.cases.setFocus()
    qtbot.keyClick(page.cases, Qt.Key.Key_Return)
    qtbot.mouseClick(page.case_form_button, Qt.MouseButton.LeftButton)
    assert opened_forms == ["BR-09-02391", "BR-09-02391"]
