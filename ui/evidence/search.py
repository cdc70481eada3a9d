"""Finding notes: search as you type (ranked, on the worker) and the filter panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt

from fieldwork.model import SearchHit, SourceType
from ui.lazy import note_filter
from ui.models.filters import FILTER_ROLE, KEY_ROLE
from ui.operations import Op

if TYPE_CHECKING:
    from fieldwork.store.store import NoteFilter, NoteRow
    from ui.evidence.page import EvidencePage

#: A search shows at most this many notes, best first.
SEARCH_LIMIT = 100


class Finder:
    """The search box, the filter panel and the line saying what the list shows."""

    def __init__(self, page: EvidencePage) -> None:
        self.page = page
        self.query = ""
        self._gen = 0
        self._description = "All notes"
        page.search.textChanged.connect(self._search_changed)
        page.filter_view.selectionModel().currentChanged.connect(self._filter_chosen)
        page.filter_model.modelReset.connect(self._expand_filters)
        page.filter_model.rowsInserted.connect(lambda *_: self._expand_filters())
        page.notes_model.modelReset.connect(self.update_label)

    # ================================================================== search
    def focus_search(self) -> None:
        self.page.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.page.search.selectAll()

    def _search_changed(self, text: str) -> None:
        self.query = text
        page = self.page
        if not text.strip():
            self._gen += 1
            page.notes_model.clear_hits()
            page.findings_model.set_matches(set())
            page.editor.set_query("")
            self.update_label()
            page.search_shown.emit("")
            return
        self.run_search()

    def run_search(self) -> None:
        """Search for the query on the worker; a newer query drops an older one."""
        page = self.page
        session, text = page.host.session, self.query
        if session is None:
            return
        self._gen += 1
        gen = self._gen

        def work() -> tuple[list[SearchHit], list[NoteRow]] | None:
            if gen != self._gen:
                return None  # a newer query is waiting: skip this one
            store = session.writer
            hits = store.search(text, limit=SEARCH_LIMIT)
            ids = [h.id for h in hits if h.kind == "note"]
            return hits, store.note_rows_by_id(ids)

        def done(result: tuple[list[SearchHit], list[NoteRow]] | None) -> None:
            if result is None or gen != self._gen or page.host.session is not session:
                return
            hits, rows = result
            by_id = {r.id: r for r in rows}
            note_hits = [h for h in hits if h.kind == "note" and h.id in by_id]
            page.notes_model.set_hits([by_id[h.id] for h in note_hits],
                                      {h.id: h.snippet for h in note_hits})
            matched = {h.id for h in hits if h.kind == "finding"}
            page.findings_model.set_matches(matched)
            page.editor.set_query(text)
            self.update_label(findings=len(matched))
            page.search_shown.emit(text)

        Op(page, work).success(done).run_in_background(page.host.tasks)

    def clear(self) -> None:
        """Empty the search box without searching (the file was closed)."""
        search = self.page.search
        search.blockSignals(True)
        search.clear()
        search.blockSignals(False)
        self.query = ""

    # ================================================================= filters
    def _expand_filters(self) -> None:
        view, model = self.page.filter_view, self.page.filter_model
        for r in range(model.rowCount()):
            index = model.index(r, 0)
            key = str(index.data(KEY_ROLE))
            if key in ("group:Source", "group:Author", "group:Finding"):
                view.expand(index)

    def filter_index(self, key: object) -> QModelIndex:
        item = self.page.filter_model.find_key(str(key)) if key else None
        return item.index() if item is not None else QModelIndex()

    def _filter_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        where = current.data(FILTER_ROLE) if current.isValid() else None
        if where is not None:
            name = current.siblingAtColumn(0).data(Qt.ItemDataRole.DisplayRole)
            self._set_filter(where, self._describe(where) if where.finding else str(name))

    def filter_notes(self, where: NoteFilter) -> None:
        """Show only the notes ``where`` selects (from the coverage matrix, a menu…)."""
        key = None
        if where == note_filter(untagged=True):
            key = "untagged"
        elif where.finding and where.source is None:
            key = f"finding:{where.finding}"
        item = self.page.filter_model.find_key(key) if key else None
        if item is not None:
            self.page.filter_view.setCurrentIndex(item.index())
            return
        self.page.filter_view.selectionModel().clearSelection()
        self._set_filter(where, self._describe(where))

    def _describe(self, where: NoteFilter) -> str:
        parts = []
        ov = self.page.overview
        if where.finding and ov:
            text = next((f.text for f in ov.findings if f.id == where.finding), "")
            parts.append("“" + (text if len(text) < 60 else text[:59] + "…") + "”")
        if where.source:
            parts.append(SourceType(where.source).label)
        if where.untagged:
            parts.append("Untagged")
        if where.case_ref:
            parts.append(where.case_ref)
        return " × ".join(parts) or "All notes"

    def _set_filter(self, where: NoteFilter, description: str) -> None:
        page = self.page
        if page.search.text():
            self.clear()
            self._gen += 1
            page.findings_model.set_matches(set())
            page.editor.set_query("")
        self._description = description
        page.notes_model.set_filter(where)
        self.update_label()

    def show_all_notes(self) -> None:
        item = self.page.filter_model.find_key("all")
        if item is not None:
            self.page.filter_view.setCurrentIndex(item.index())
        self._set_filter(note_filter(), "All notes")

    def update_label(self, findings: int | None = None) -> None:
        """Say what the list shows: a search's results, or the filter and how many."""
        page = self.page
        n = page.notes_model.rowCount()
        if page.notes_model.searching:
            text = f"Search: {n} note{'s' if n != 1 else ''}"
            if n >= SEARCH_LIMIT:
                text += " (best first; refine the search to see others)"
            if findings:
                text += (f" and {findings} finding{'s' if findings != 1 else ''}"
                         " (marked on the board)")
            page.filter_label.setText(text)
            page.clear_filter.setVisible(True)
            return
        everything = page.notes_model.unfiltered
        what = "All notes" if everything else self._description
        page.filter_label.setText(f"{what} — {n} note{'s' if n != 1 else ''}")
        page.clear_filter.setVisible(not everything)
