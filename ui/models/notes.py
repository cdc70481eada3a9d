"""The notes list: a lazy table over ``Store.note_rows``, or the ranked hits of a search.

The model knows how many notes match (``count_notes``) and fetches pages of rows only when
a view asks for a row it has not seen, so a 100,000-note inspection opens as fast as a
small one. Pages are cached, a bounded number at a time.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from fieldwork.model import SourceType
from ui.lazy import marks, note_filter

if TYPE_CHECKING:
    from fieldwork.store.store import NoteFilter, NoteRow

#: The drag-and-drop type of a list of note ids (one per line, UTF-8).
NOTE_IDS_MIME = "application/x-fieldwork-note-ids"

PAGE_SIZE = 200
MAX_PAGES = 40
#: While scrolling, only the pages asked for most recently are fetched.
WANTED_PAGES = 6

#: Custom roles.
NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex

SHORT_SOURCE: dict[SourceType, str] = {
    SourceType.CASE_RECORD: "Case record",
    SourceType.SUPERVISION_FILE: "Supervision",
    SourceType.OBSERVATION: "Observation",
    SourceType.INTERVIEW: "Interview",
    SourceType.MANAGEMENT_INFORMATION: "Management info",
    SourceType.PARTNER_AGENCY: "Partner agency",
    SourceType.OTHER: "Other",
}

COLUMNS: tuple[tuple[str, str], ...] = (
    ("observed_at", "Time"),
    ("author", "Author"),
    ("source", "Source"),
    ("case_ref", "Case / role"),
    ("text", "Note"),
    ("findings", "Findings"),
)


def short_time(observed_at: str) -> str:
    """``2009-06-24T09:20:00`` → ``24 Jun 09:20``."""
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    try:
        date, _, clock = observed_at.partition("T")
        _, month, day = date.split("-")
        return f"{int(day)} {months[int(month) - 1]} {clock[:5]}".strip()
    except (ValueError, IndexError):
        return observed_at


def excerpt(text: str) -> str:
    return " ".join(text.split())


#: ``fetch(where, order, descending, limit, offset)`` → rows; ``count(where)`` → int.
Fetch = Callable[["NoteFilter | None", str, bool, int, int], "list[NoteRow]"]
Count = Callable[["NoteFilter | None"], int]
#: ``by_id(ids)`` → the rows of those notes, in that order.
ById = Callable[[Sequence[str]], "list[NoteRow]"]
#: ``runner(work, callback)``: run ``work()`` on the worker, then ``callback(result)`` here.
Runner = Callable[[Callable[[], Any], Callable[[Any], None]], None]


class NotesModel(QAbstractTableModel):
    """Notes, one per row, fetched a page at a time from the GUI thread's reader store."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._fetch: Fetch | None = None
        self._count: Count | None = None
        self._by_id: ById | None = None
        self._where: NoteFilter | None = None
        self._order = "observed_at"
        self._descending = False
        self._rows = 0
        self._pages: OrderedDict[int, list[NoteRow]] = OrderedDict()
        self._runner: Runner | None = None
        self._gen = 0
        self._resetting = False
        self._pending: set[int] = set()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._hits: list[NoteRow] | None = None
        self._snippets: dict[str, str] = {}

    # ------------------------------------------------------------------ source
    def set_source(
        self,
        fetch: Fetch | None,
        count: Count | None,
        by_id: ById | None = None,
        *,
        runner: Runner | None = None,
        first: tuple[int, list[NoteRow]] | None = None,
    ) -> None:
        """Point the model at a store's queries (or at nothing).

        With a ``runner``, every query runs through it (on the worker) and rows not yet
        fetched show as blank until their page arrives; without one, queries run at once.
        ``first`` is the row count and first page when the caller fetched them already.
        """
        self.beginResetModel()
        self._fetch, self._count, self._by_id, self._runner = fetch, count, by_id, runner
        self._gen += 1
        self._hits = None
        self._snippets = {}
        self._where = None
        self._order, self._descending = "observed_at", False
        self._clear_pages()
        if first is not None:
            self._rows, self._pages[0] = first[0], list(first[1])
        elif runner is None:
            self._rows = count(None) if count else 0
        else:
            self._rows = 0
            self._reset_async()
        self.endResetModel()

    @property
    def where(self) -> NoteFilter:
        return self._where if self._where is not None else note_filter()

    @property
    def unfiltered(self) -> bool:
        return self._where is None or self._where == note_filter()

    @property
    def loading(self) -> bool:
        """A count or a page is on its way from the worker."""
        return self._resetting or bool(self._pending)

    def set_filter(self, where: NoteFilter) -> None:
        self._where = where
        self._hits = None
        self._snippets = {}
        self._reset()

    def _reset(self, *, near: int = 0, keep: bool = False,
               done: Callable[[], None] | None = None) -> None:
        """Count again and start from the pages around ``near``."""
        self._gen += 1
        if self._runner is None:
            rows = self._count(self._where) if self._count else 0
            if keep and rows == self._rows:
                self._clear_pages()
                self._changed_all()
            else:
                self.beginResetModel()
                self._clear_pages()
                self._rows = rows
                self.endResetModel()
            if done:
                done()
            return
        self._reset_async(near=near, keep=keep, done=done)

    def _reset_async(self, *, near: int = 0, keep: bool = False,
                     done: Callable[[], None] | None = None) -> None:
        assert self._runner is not None
        gen = self._gen
        fetch, count = self._fetch, self._count
        where, order, desc = self._where, self._order, self._descending
        first_page = max(0, near // PAGE_SIZE - 1)
        self._resetting = True

        def work() -> tuple[int, dict[int, list[NoteRow]]] | None:
            if gen != self._gen or fetch is None or count is None:
                return None
            rows = count(where)
            pages = {}
            for page in range(first_page, first_page + 3):
                if page * PAGE_SIZE >= rows:
                    break
                pages[page] = fetch(where, order, desc, PAGE_SIZE, page * PAGE_SIZE)
            return rows, pages

        def arrived(result: tuple[int, dict[int, list[NoteRow]]] | None) -> None:
            if gen != self._gen:
                return
            self._resetting = False
            if result is None:
                return
            rows, pages = result
            if keep and rows == self._rows:
                self._clear_pages()
                self._pages.update(pages)
                self._changed_all()
            else:
                self.beginResetModel()
                self._clear_pages()
                self._pages.update(pages)
                self._rows = rows
                self.endResetModel()
            if done:
                done()

        self._runner(work, arrived)

    def _clear_pages(self) -> None:
        self._pages.clear()
        self._pending.clear()
        self._wanted.clear()

    def _changed_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, len(COLUMNS) - 1))

    @property
    def searching(self) -> bool:
        return self._hits is not None

    def set_hits(self, rows: Sequence[NoteRow], snippets: dict[str, str]) -> None:
        """Show ranked search results, with each note's marked snippet as its excerpt."""
        self.beginResetModel()
        self._gen += 1
        self._resetting = False
        self._hits = list(rows)
        self._snippets = dict(snippets)
        self._rows = len(self._hits)
        self.endResetModel()

    def clear_hits(self) -> None:
        if self._hits is None:
            return
        self._hits = None
        self._snippets = {}
        self.beginResetModel()
        self._clear_pages()
        self._rows = 0
        self.endResetModel()
        self._reset()

    def refresh(self, *, near: int = 0, done: Callable[[], None] | None = None) -> None:
        """Fetch again after a change. If the number of rows is the same, the views keep
        their selection and scroll position; the rows on screen stay until new ones come."""
        if self._hits is not None:
            self._refresh_hits()
            if done:
                done()
            return
        self._reset(near=near, keep=True, done=done)

    def update_rows(self, note_ids: Iterable[str]) -> bool:
        """Read these notes' rows again where they are shown, in place: for a change to
        their text alone, which moves no row unless the list is ordered by text. Returns
        False (and changes nothing) when it cannot, so the caller refreshes instead."""
        if self._by_id is None or (self._hits is None and self._order == "text"):
            return False
        wanted = set(note_ids)
        places: dict[str, tuple[list[NoteRow], int, int]] = {}
        if self._hits is not None:
            for i, r in enumerate(self._hits):
                if r.id in wanted:
                    places[r.id] = (self._hits, i, i)
        else:
            for page, rows in self._pages.items():
                for i, r in enumerate(rows):
                    if r.id in wanted:
                        places[r.id] = (rows, i, page * PAGE_SIZE + i)
        if not places:
            return True
        fresh = {r.id: r for r in self._by_id(list(places))}
        if set(fresh) != set(places):
            return False  # one has gone after all
        for note_id, (rows, i, row) in places.items():
            rows[i] = fresh[note_id]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        return True

    def _refresh_hits(self) -> None:
        assert self._hits is not None
        if not self._fetch or not self._hits:
            return
        ids = [r.id for r in self._hits]
        if self._by_id is not None:
            rows = self._by_id(ids)
        else:
            rows = self._fetch(note_filter(ids=frozenset(ids)), "observed_at", False, len(ids), 0)
        fresh = {r.id: r for r in rows}
        self.beginResetModel()
        self._hits = [fresh[i] for i in ids if i in fresh]
        self._rows = len(self._hits)
        self.endResetModel()

    # ------------------------------------------------------------------- reads
    def note_row(self, row: int) -> NoteRow | None:
        """The row's note, or None while its page is being fetched."""
        if row < 0 or row >= self._rows:
            return None
        if self._hits is not None:
            return self._hits[row]
        page, at = divmod(row, PAGE_SIZE)
        rows = self._pages.get(page)
        if rows is None:
            if self._fetch is None:
                return None
            if self._runner is not None:
                self._request(page)
                return None
            rows = self._fetch(
                self._where, self._order, self._descending, PAGE_SIZE, page * PAGE_SIZE
            )
            self._store_page(page, rows)
        else:
            self._pages.move_to_end(page)
        return rows[at] if at < len(rows) else None

    def _store_page(self, page: int, rows: list[NoteRow]) -> None:
        self._pages[page] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)

    def _request(self, page: int) -> None:
        """Ask the worker for a page; while the view scrolls fast, only the pages asked
        for last are fetched."""
        self._wanted[page] = None
        self._wanted.move_to_end(page)
        while len(self._wanted) > WANTED_PAGES:
            self._wanted.popitem(last=False)
        if page in self._pending or self._resetting or self._runner is None:
            return
        self._pending.add(page)
        gen = self._gen
        fetch = self._fetch
        where, order, desc = self._where, self._order, self._descending

        def work() -> list[NoteRow] | None:
            if gen != self._gen or page not in self._wanted or fetch is None:
                return None
            return fetch(where, order, desc, PAGE_SIZE, page * PAGE_SIZE)

        def arrived(rows: list[NoteRow] | None) -> None:
            if gen != self._gen:
                return
            self._pending.discard(page)
            if rows is None:
                return
            self._store_page(page, rows)
            first = page * PAGE_SIZE
            last = min(self._rows, first + len(rows)) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

        self._runner(work, arrived)

    def note_id(self, row: int) -> str | None:
        r = self.note_row(row)
        return r.id if r else None

    def row_of(self, note_id: str) -> int | None:
        """The row showing ``note_id``, if it is in a page already fetched."""
        if self._hits is not None:
            for i, r in enumerate(self._hits):
                if r.id == note_id:
                    return i
            return None
        for page, rows in self._pages.items():
            for i, r in enumerate(rows):
                if r.id == note_id:
                    return page * PAGE_SIZE + i
        return None

    # ------------------------------------------------------------- Qt's model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section][1]
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section][0] == "findings":
                return "How many findings the note is tagged to"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.note_row(index.row())
        if r is None:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return "…"
            return None
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, key)
        if role == SNIPPET_ROLE and key == "text":
            return self._snippets.get(r.id) or excerpt(r.text)
        if role == NOTE_ID_ROLE:
            return r.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "text":
                return r.text[:300] + ("…" if len(r.text) >= 300 else "")
            if key == "source":
                return r.source.label
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "findings":
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and key == "findings" and not r.finding_count:
            return QColor("#b3261e")
        return None

    def _display(self, r: NoteRow, key: str) -> str:
        if key == "observed_at":
            return short_time(r.observed_at)
        if key == "author":
            return r.author_name
        if key == "source":
            return SHORT_SOURCE.get(r.source, r.source.value)
        if key == "case_ref":
            return r.case_ref or r.subject_role or ""
        if key == "text":
            snippet = self._snippets.get(r.id)
            if snippet:
                opening, closing = marks()
                return excerpt(snippet.replace(opening, "").replace(closing, ""))
            return excerpt(r.text)
        if key == "findings":
            return str(r.finding_count) if r.finding_count else "untagged"
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        if self._hits is not None:
            self.layoutAboutToBeChanged.emit()
            attr = {"author": "author_name", "findings": "finding_count"}.get(key, key)
            self._hits.sort(key=lambda r: (getattr(r, attr) or ""), reverse=descending)
            self.layoutChanged.emit()
            return
        if (key, descending) == (self._order, self._descending):
            return
        self._order, self._descending = key, descending
        self._reset()

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [NOTE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids: list[str] = []
        for index in sorted(indexes, key=lambda i: i.row()):
            note_id = self.note_id(index.row())
            if note_id and note_id not in ids:
                ids.append(note_id)
        mime = QMimeData()
        mime.setData(NOTE_IDS_MIME, QByteArray("\n".join(ids).encode()))
        mime.setText("\n".join(ids))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.LinkAction | Qt.DropAction.CopyAction


def note_ids_from(mime: QMimeData) -> list[str]:
    """The note ids a drag carries (empty if it carries none)."""
    if not mime.hasFormat(NOTE_IDS_MIME):
        return []
    raw = bytes(mime.data(NOTE_IDS_MIME).data()).decode()
    return [line for line in raw.splitlines() if line]
