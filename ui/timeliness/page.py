"""The Timeliness page: the figures per rule as a table and a bar chart, the plain verdict
on the authority's reported figure, the cases of the chosen rule, and one case's record and
notes. Computing runs on the window's worker; a button drafts a finding from the result.
"""

from __future__ import annotations

import html
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldwork.errors import FieldworkError, NotFound
from fieldwork.model import CASE_FIELDS, Case, Changes, LetterState, Note
from ui.operations import Op
from ui.timeliness.chart import Bar, BarChart, Group
from ui.timeliness.models import (
    KEY_ROLE,
    SHOW_CHOICES,
    CasesModel,
    CasesProxy,
    FiguresModel,
    short_date,
    whole,
)

if TYPE_CHECKING:
    from fieldwork.store import Store
    from fieldwork.timeliness import RuleResult, Timeliness
    from ui.host import Host

NOTE_ROLE = Qt.ItemDataRole.UserRole + 80
ALERT_STYLE = ("QFrame#timelinessVerdict { background: #fbe9e7; border: 1px solid #e0a39b; "
               "border-radius: 4px; }")
CALM_STYLE = ("QFrame#timelinessVerdict { background: #eef4ee; border: 1px solid #b9d3bd; "
              "border-radius: 4px; }")


@dataclass
class PageData:
    """What the page shows, read and computed on the worker."""

    found: Timeliness
    note_counts: dict[str, int]
    section_titles: dict[str, str]
    frozen: bool
    seconds: float


def load_page(store: Store) -> PageData:
    """Timeliness for the open file, and what the page needs beside it (run on the worker)."""
    from fieldwork.timeliness import assess
    from ui.session import section_titles

    started = time.perf_counter()
    inspection = store.inspection()
    found = assess(inspection, store.cases())
    return PageData(
        found=found,
        note_counts=store.note_counts("case_ref"),
        section_titles=section_titles(store),
        frozen=inspection.state == LetterState.ISSUED,
        seconds=time.perf_counter() - started,
    )


class TimelinessView(QWidget):
    """The page. ``host`` (the window) runs its work and receives its requests.

    Signals:
        computed(): the figures on screen are those of the file as it now is.
        case_shown(str): the record and notes of this case are shown.
        drafted(str): a draft finding with this id was written.
    """

    computed = Signal()
    case_shown = Signal(str)
    drafted = Signal(str)

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinessPage")
        self.host = host
        self.data: PageData | None = None
        self.rule_key: str | None = None
        self.case_ref: str | None = None
        self._stale = True
        self._running = False
        self._again = False
        self._session: Any = None
        self._pending_draft: str | None = None
        self._sized = False
        #: The last draft finding written from this page, linked from the verdict.
        self.last_draft: tuple[str, str] | None = None  # (rule key, finding id)
        self._build()

    # ================================================================ building
    def _build(self) -> None:
        self.title = QLabel("Timeliness")
        self.title.setObjectName("timelinessTitle")
        self.title.setWordWrap(True)
        self.refresh_button = QPushButton("Re&calculate")
        self.refresh_button.setToolTip("Read the case records and the rules again")
        self.refresh_button.clicked.connect(lambda: self.refresh(force=True))
        self.draft_button = QPushButton("&Draft a Finding")
        self.draft_button.setObjectName("draftFinding")
        self.draft_button.clicked.connect(self.draft_finding)
        for b in (self.refresh_button, self.draft_button):
            b.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.draft_button)

        self.verdict_frame = QFrame()
        self.verdict_frame.setObjectName("timelinessVerdict")
        self.verdict = QLabel("")
        self.verdict.setObjectName("timelinessVerdictText")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.verdict.linkActivated.connect(self._link)
        row = QHBoxLayout(self.verdict_frame)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.verdict, 1)
        self.verdict_frame.hide()

        self.figures_model = FiguresModel(self)
        self.figures = QTableView()
        self.figures.setObjectName("timelinessFigures")
        self.figures.setAccessibleName("Timeliness figures")
        self.figures.setModel(self.figures_model)
        self.figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.figures.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures.verticalHeader().hide()
        self.figures.setShowGrid(False)
        self.figures.setWordWrap(False)
        header = self.figures.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for col in range(2, 7):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.figures.selectionModel().currentRowChanged.connect(self._figure_chosen)

        self.chart = BarChart()
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.setObjectName("timelinessUpper")
        upper.addWidget(self.figures)
        upper.addWidget(self.chart)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 2)
        upper.setChildrenCollapsible(False)
        upper.setSizes([820, 520])

        self.show_combo = QComboBox()
        self.show_combo.setObjectName("timelinessShow")
        self.show_combo.setAccessibleName("Which cases to show")
        for key, label in SHOW_CHOICES:
            self.show_combo.addItem(label, key)
        self.show_combo.currentIndexChanged.connect(self._show_chosen)
        self.cases_label = QLabel("")
        self.cases_label.setObjectName("timelinessCasesLabel")
        bar = QHBoxLayout()
        bar.addWidget(self.cases_label, 1)
        show_label = QLabel("&Show:")
        show_label.setBuddy(self.show_combo)
        bar.addWidget(show_label)
        bar.addWidget(self.show_combo)

        self.cases_model = CasesModel(self)
        self.proxy = CasesProxy(self)
        self.proxy.setSourceModel(self.cases_model)
        self.cases = QTableView()
        self.cases.setObjectName("timelinessCases")
        self.cases.setAccessibleName("Cases")
        self.cases.setModel(self.proxy)
        self.cases.setSortingEnabled(True)
        self.cases.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.cases.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases.verticalHeader().hide()
        self.cases.setAlternatingRowColors(True)
        self.cases.setShowGrid(False)
        self.cases.setWordWrap(False)
        self.cases.horizontalHeader().setStretchLastSection(True)
        self.cases.selectionModel().currentRowChanged.connect(self._case_chosen)
        # Enter, or a double-click, opens the case-tracking form.
        self.cases.activated.connect(lambda _i: self.edit_case())
        cases_pane = QWidget()
        column = QVBoxLayout(cases_pane)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(bar)
        column.addWidget(self.cases, 1)

        self.detail = self._build_detail()
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setObjectName("timelinessLower")
        lower.addWidget(cases_pane)
        lower.addWidget(self.detail)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 1)
        lower.setChildrenCollapsible(False)
        lower.setSizes([900, 440])

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("timelinessSplitter")
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(top)
        layout.addWidget(self.verdict_frame)
        layout.addWidget(self.splitter, 1)
        self._enable()

    def _build_detail(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("timelinessCase")
        self.case_title = QLabel("Choose a case to see its record and notes.")
        self.case_title.setObjectName("timelinessCaseTitle")
        self.case_title.setWordWrap(True)
        self.record = QLabel("")
        self.record.setObjectName("timelinessRecord")
        self.record.setTextFormat(Qt.TextFormat.RichText)
        self.record.setWordWrap(True)
        self.record.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.record.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QListWidget()
        self.notes.setObjectName("timelinessNotes")
        self.notes.setAccessibleName("The case's notes")
        self.notes.setWordWrap(True)
        self.notes.setAlternatingRowColors(True)
        self.notes.setToolTip("Double-click or press Enter to open the note on the Evidence page")
        self.notes.itemActivated.connect(self._note_activated)
        self.case_form_button = QPushButton("Case &Record…")
        self.case_form_button.setToolTip("Open the case-tracking form (Ctrl+K on the Evidence "
                                         "page)")
        self.case_form_button.clicked.connect(self.edit_case)
        self.evidence_button = QPushButton("Notes on the &Evidence Page")
        self.evidence_button.setToolTip("Show this case's notes in the notes list")
        self.evidence_button.clicked.connect(self.show_on_evidence)
        for b in (self.case_form_button, self.evidence_button):
            b.setAutoDefault(False)
            b.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.case_form_button)
        buttons.addWidget(self.evidence_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.case_title)
        layout.addWidget(self.record)
        layout.addWidget(QLabel("Notes:"))
        layout.addWidget(self.notes, 1)
        layout.addLayout(buttons)
        return pane

    def _show_chosen(self, _index: int) -> None:
        self.proxy.set_show(str(self.show_combo.currentData()))

    # ============================================================== the session
    def session_opened(self) -> None:
        self.clear()
        self._sized = False
        self._session = self.host.session
        self._stale = True
        self.refresh()

    def clear(self) -> None:
        self._session = None
        self.data = None
        self.rule_key = None
        self._pending_draft = None
        self.last_draft = None
        self.figures_model.set_result(None)
        self.cases_model.set_result(None, {})
        self.chart.set_groups(())
        self.title.setText("Timeliness")
        self.cases_label.setText("")
        self.verdict_frame.hide()
        self._show_case(None)
        self._enable()

    def on_changes(self, changes: Changes, _initiator: object = None) -> None:
        """A write finished: the cases, the inspection's fields or the notes may differ
        (not for a change to the notes' texts alone: they are not counted here)."""
        if self._pending_draft and changes.created == self._pending_draft:
            self._drafted(self._pending_draft)
        if changes.everything or changes.cases or changes.inspection or (
                changes.notes and not changes.text_only):
            self.refresh()
        elif changes.findings:
            self._enable()

    def overview_applied(self) -> None:
        """The counts and the letter's state were read again: the draft button and the
        verdict's link to a draft finding follow them."""
        self._enable()
        result = self.current_result()
        if result is not None and self.data is not None:
            self._show_verdict(result)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    # =============================================================== computing
    @property
    def idle(self) -> bool:
        return not self._running and not self._again

    def refresh(self, *, force: bool = False) -> None:
        """Compute again on the worker; while the page is hidden, only remember to."""
        session = self.host.session
        if session is None:
            return
        self._stale = True
        if not force and not self.isVisible():
            return
        if self._running:
            self._again = True
            return
        self._running = True
        self._stale = False

        def done(data: PageData) -> None:
            self._finished()
            if self.host.session is session:
                self._apply(data)
                self._error(None)
            self._maybe_again()

        def failed(err: FieldworkError) -> None:
            self._finished()
            if self.host.session is session:
                self._error(str(err))
            self._maybe_again()

        Op(self, lambda: load_page(session.writer), label="Calculating timeliness…") \
            .success(done).failure(failed).run_in_background(self.host.tasks)

    def _finished(self) -> None:
        self._running = False

    def _maybe_again(self) -> None:
        if self._again:
            self._again = False
            self.refresh(force=True)
        else:
            self.computed.emit()

    def _error(self, message: str | None) -> None:
        if message is None:
            return
        self.data = None
        self.figures_model.set_result(None)
        self.cases_model.set_result(None, {})
        self.chart.set_groups(())
        self.verdict_frame.setStyleSheet(ALERT_STYLE)
        self.verdict.setText("<b>Timeliness could not be calculated.</b> "
                             + html.escape(message))
        self.verdict_frame.show()
        self._enable()

    def _apply(self, data: PageData) -> None:
        self.data = data
        found = data.found
        keys = [r.rule.key for r in found.results]
        if self.rule_key not in keys:
            self.rule_key = keys[0] if keys else None
        case_ref = self.case_ref
        self.figures_model.set_result(found)
        self.chart.set_groups(_groups(found))
        day = (f"; first fieldwork day {found.as_of.day} {found.as_of:%B %Y}"
               if found.as_of else "")
        self.title.setText(
            f"<b>Timeliness from the case records</b> — working days in {found.nation.value}, "
            f"weekends and bank holidays left out, the day of the start being day 0{day}. "
            f"{found.cases} case record{'s' * (found.cases != 1)}.")
        self._select_rule(self.rule_key)
        if case_ref:
            self.select_case(case_ref)
        if not self._sized:
            self._sized = True
            self._fit_upper()
        self._enable()

    def _fit_upper(self) -> None:
        """Give the figures and the chart the height they need, the cases the rest."""
        total = sum(self.splitter.sizes())
        rows = self.figures_model.rowCount()
        table = (self.figures.horizontalHeader().height() + 2 * self.figures.frameWidth()
                 + rows * self.figures.verticalHeader().defaultSectionSize() + 8)
        wanted = max(table, self.chart.sizeHint().height(), 120)
        if total > wanted + 200:
            self.splitter.setSizes([wanted, total - wanted])

    # ================================================================ choosing
    def _select_rule(self, key: str | None) -> None:
        row = self.figures_model.row_of(key) if key else None
        if row is None:
            self._show_rule(None)
            return
        index = self.figures_model.index(row, 0)
        selection = self.figures.selectionModel()
        selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
        self._show_rule(key)

    def _figure_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            key = str(current.data(KEY_ROLE))
            if key != self.rule_key or self.cases_model.result is None:
                self._show_rule(key)

    def current_result(self) -> RuleResult | None:
        if self.data is None or self.rule_key is None:
            return None
        return next((r for r in self.data.found.results if r.rule.key == self.rule_key), None)

    def _show_rule(self, key: str | None) -> None:
        self.rule_key = key
        result = self.current_result()
        ref = self.case_ref
        self.cases_model.set_result(result, self.data.note_counts if self.data else {})
        self.cases.resizeColumnsToContents()
        if result is None:
            self.cases_label.setText("")
            self.verdict_frame.hide()
        else:
            n = len(result.scope)
            self.cases_label.setText(f"<b>{html.escape(result.rule.name)}</b>: {n} case"
                                     f"{'s' * (n != 1)}. Click one to see its record and notes.")
            self._show_verdict(result)
        if ref and self.cases_model.row_of(ref) is not None:
            self.select_case(ref)
        else:
            self._show_case(None)
        self._enable()

    def _show_verdict(self, result: RuleResult) -> None:
        assert self.data is not None
        comparison = self.data.found.comparison(result)
        m = result.national
        if comparison is not None:
            sentences = comparison.sentences()
            alert = comparison.differs
        elif m.percent is None:
            sentences = [f"No case records have {result.rule.start} and {result.rule.end} "
                         "dates to measure."]
            alert = False
        else:
            sentences = [f"{m.within} of {m.cases} ({whole(m.percent)}) within "
                         f"{result.rule.limit_text}, measured from {m.phrase}. No reported "
                         "figure is recorded for this rule (the inspection's "
                         "reported_timeliness field)."]
            alert = False
        text = " ".join(html.escape(s) for s in sentences)
        if alert:
            text = "<b>⚠ The reported figure does not match the case records.</b> " + text
        ov = self.host.overview
        if (self.last_draft and self.last_draft[0] == result.rule.key and ov is not None
                and any(f.id == self.last_draft[1] for f in ov.findings)):
            text += (f" <a href='finding:{self.last_draft[1]}'>Show the draft finding on the "
                     "board</a>")
        self.verdict.setText(text)
        self.verdict_frame.setStyleSheet(ALERT_STYLE if alert else CALM_STYLE)
        self.verdict_frame.show()

    def select_case(self, ref: str) -> bool:
        """Select a case in the table (and show it); False if the rule does not cover it."""
        row = self.cases_model.row_of(ref)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.cases_model.index(row, 0))
        if not index.isValid():
            self.show_combo.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.cases_model.index(row, 0))
        self.cases.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.cases.scrollTo(index)
        self._show_case(ref)
        return True

    def _case_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        ref = str(current.data(KEY_ROLE)) if current.isValid() else None
        if ref != self.case_ref or ref is None:
            self._show_case(ref)

    # ================================================================ the case
    def _show_case(self, ref: str | None) -> None:
        """The case's record and notes, read with the GUI's connection (a few rows)."""
        self.case_ref = ref
        self.notes.clear()
        session = self.host.session
        case: Case | None = None
        notes: list[Note] = []
        if ref and session is not None:
            from fieldwork.store.store import NoteFilter

            try:
                case = session.reader.case(ref)
            except NotFound:
                case = None
            notes = session.reader.notes(NoteFilter(case_ref=ref))
        for b in (self.case_form_button, self.evidence_button):
            b.setEnabled(bool(ref) and session is not None)
        if not ref:
            self.case_title.setText("Choose a case to see its record and notes.")
            self.record.setText("")
            return
        kind = f" ({case.kind.value})" if case else " (no case record)"
        self.case_title.setText(f"<b>Case {html.escape(ref)}</b>{kind}")
        self.record.setText(self._record_html(ref, case))
        names = ({i.id: i.name for i in self.host.overview.inspectors}
                 if self.host.overview else {})
        for note in notes:
            when = note.observed_at.replace("T", " ")[:16]
            who = names.get(note.author, note.author)
            text = " ".join(note.text.split())
            item = QListWidgetItem(f"{when} · {note.source.label} · {who}\n{text}")
            item.setData(NOTE_ROLE, note.id)
            item.setToolTip(note.text)
            self.notes.addItem(item)
        if not notes:
            self.notes.addItem(QListWidgetItem("No notes about this case yet."))
        self.case_shown.emit(ref)

    def _record_html(self, ref: str, case: Case | None) -> str:
        rows: list[str] = []
        result = self.current_result()
        index = self.cases_model.row_of(ref)
        if result is not None and index is not None:
            row = self.cases_model.rows[index]
            for m, t in zip(result.measures, row.timings, strict=True):
                if t is not None:
                    verdict = "in time" if t.within else "late"
                    rows.append(f"<tr><td><b>From {html.escape(m.phrase)}</b></td><td>"
                                f"{t.days} {result.rule.unit} days, {verdict} "
                                f"({short_date(t.start)} → {short_date(t.end)})</td></tr>")
            if row.remark:
                rows.append(f"<tr><td></td><td><i>{html.escape(row.remark)}</i></td></tr>")
        if case is not None:
            labels = dict(CASE_FIELDS)
            keys = [k for k, _ in CASE_FIELDS] + [k for k in case.fields if k not in labels]
            for key in keys:
                value = case.fields.get(key)
                if value in (None, ""):
                    continue
                label = labels.get(key) or key.replace("_", " ").capitalize()
                rows.append(f"<tr><td>{html.escape(label)}</td>"
                            f"<td>{html.escape(str(value))}</td></tr>")
        return "<table cellspacing='2'>" + "".join(rows) + "</table>"

    def _note_activated(self, item: QListWidgetItem) -> None:
        note_id = item.data(NOTE_ROLE)
        if note_id:
            self.host.evidence.show_note(str(note_id))

    def edit_case(self) -> None:
        if self.case_ref and self.host.session is not None:
            self.host.evidence.edit_case(self.case_ref)

    def show_on_evidence(self) -> None:
        if not self.case_ref or self.host.session is None:
            return
        from ui.lazy import note_filter

        self.host.evidence.filter_notes(note_filter(case_ref=self.case_ref))

    # ============================================================ the finding
    def _enable(self) -> None:
        session = self.host.session
        result = self.current_result()
        frozen = bool(self.data and self.data.frozen)
        if self.host.overview is not None:
            frozen = self.host.overview.inspection.state == LetterState.ISSUED
        ok = (session is not None and session.writable and not frozen and result is not None
              and result.national.percent is not None)
        self.draft_button.setEnabled(ok)
        self.refresh_button.setEnabled(session is not None)
        self.draft_button.setToolTip(
            "The letter has been issued; reopen it to add findings" if frozen else
            "Write a draft finding for areas for development from the chosen rule's figures, "
            "tagged to the notes about the cases behind them")

    def draft_finding(self) -> str | None:
        """Write a draft finding from the chosen rule's figures; returns its id."""
        from fieldwork.timeliness.finding import draft_section, draft_text, evidence_refs
        from ui.timeliness.commands import DraftFinding

        result = self.current_result()
        data = self.data
        if result is None or data is None or result.national.percent is None:
            return None
        section = draft_section(data.section_titles)
        if section is None:
            self.host.statusBar().showMessage("This letter has no sections for findings.",
                                                 5000)
            return None
        finding_id = str(uuid.uuid4())
        text = draft_text(result, data.found.comparison(result))
        self._pending_draft = finding_id
        self.host.push(DraftFinding(self.host.run, finding_id, section, text,
                                       evidence_refs(result),
                                       data.section_titles.get(section, section)))
        return finding_id

    def _drafted(self, finding_id: str) -> None:
        self._pending_draft = None
        data = self.data
        title = ""
        if data is not None:
            from fieldwork.timeliness.finding import draft_section

            section = draft_section(data.section_titles)
            title = data.section_titles.get(section or "", "")
        undo = QKeySequence(QKeySequence.StandardKey.Undo).toString()
        self.host.statusBar().showMessage(
            f"Drafted a finding in “{title}” with the figures, tagged to the cases' notes — "
            f"{undo} undoes it", 8000)
        if self.rule_key:
            self.last_draft = (self.rule_key, finding_id)
        self.drafted.emit(finding_id)

    def _link(self, link: str) -> None:
        kind, _, ident = link.partition(":")
        if kind == "finding":
            self.host.evidence.show_finding(ident)


def _groups(found: Timeliness) -> list[Group]:
    groups = []
    for result in found.results:
        comparison = found.comparison(result)
        differs = bool(comparison and comparison.differs)
        bars = [Bar(f"From {m.phrase.removeprefix('the ')}", m.percent, m.within, m.cases,
                    national=i == 0, differs=differs and i == 0)
                for i, m in enumerate(result.measures)]
        groups.append(Group(result.rule.name, tuple(bars),
                            comparison.reported.percent if comparison else None))
    return groups
