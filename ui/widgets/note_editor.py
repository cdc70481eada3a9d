"""Capturing and editing one note, keyboard first, saved as the inspector pauses.

Ctrl+N (in the window) calls :meth:`NoteEditor.start_new`: focus goes to the source type,
then Tab moves to the case reference (or the staff role for an interview or observation),
the time (typed as text: :mod:`ui.widgets.time_field`), and the text. The case form is
Ctrl+K, out of the Tab chain. The editor saves within a second of a pause in typing and
whenever focus leaves it. It never discards what is on screen: a save that fails leaves the
text in place, marked unsaved, and the next pause tries again. A time that cannot be read
is outlined and never saved.

Ctrl+Z in the text undoes a word or what was typed before a pause
(:mod:`ui.widgets.typing_undo`); saving never resets the text, so its undo history lives
as long as the note is on screen. A saved note whose text is emptied is not saved empty:
when the inspector leaves it, it is deleted (``emptied``), which Ctrl+Z undoes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from fieldwork.model import Note, SourceType
from fieldwork.when import stored
from ui.widgets.highlight import highlight_words
from ui.widgets.time_field import TimeField
from ui.widgets.typing_undo import WordUndo

#: Save this long after the last keystroke.
AUTOSAVE_MS = 700

ROLE_SOURCES = frozenset({SourceType.INTERVIEW, SourceType.OBSERVATION})
#: Said while a saved note's text is empty.
EMPTY_STATE = "Empty: leave it to delete the note"
#: Said while the Time field cannot be read.
BAD_TIME_STATE = "Time not saved"


def now_stored() -> str:
    return stored(dt.datetime.now().replace(second=0, microsecond=0))


class NoteEditor(QWidget):
    """The note being written or read.

    Signals:
        save_requested(str, bool, dict, dict): note id, whether it is new, the fields as
            last saved, the fields now (only the changed ones for an existing note).
        case_form_requested(str): open the case-tracking form for this case reference.
        tag_requested(): open the finding picker for this note.
        unlink_requested(str, str): note id, finding id.
        state_changed(str): "Saved", "Saving…", "Not saved", "".
        emptied(str): a saved note's text was emptied and the inspector left it: delete it.
        new_source_chosen(str): the source type chosen for a new note (to start the next).
    """

    save_requested = Signal(str, bool, dict, dict)
    emptied = Signal(str)
    new_source_chosen = Signal(str)
    case_form_requested = Signal(str)
    tag_requested = Signal()
    unlink_requested = Signal(str, str)
    state_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self._note_id: str | None = None
        self._is_new = False
        self._saved: dict[str, Any] = {}
        self._loading = False
        self._read_only = False
        self._query = ""
        self._author = ""
        #: The note on screen was started here with Ctrl+N (its source is remembered).
        self._fresh = False

        self.heading = QLabel("Select a note, or press Ctrl+N to write one.")
        self.heading.setObjectName("noteHeading")
        self.status = QLabel("")
        self.status.setObjectName("noteStatus")
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.source = QComboBox()
        self.source.setAccessibleName("Source type")
        for s in SourceType:
            self.source.addItem(s.label, s.value)
        self.subject_label = QLabel("&Case ref:")
        self.subject = QLineEdit()
        self.subject.setAccessibleName("Case reference or staff role")
        self.subject.setClearButtonEnabled(True)
        self.subject_label.setBuddy(self.subject)
        self._case_names = QStringListModel(self)
        self._role_names = QStringListModel(self)
        self._completer = QCompleter(self._case_names, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.subject.setCompleter(self._completer)
        self.case_button = QPushButton("Case form…")
        self.case_button.setToolTip("The case-tracking record for this case (Ctrl+K)")
        self.case_button.setAutoDefault(False)
        # Reached by Ctrl+K (Notes ▸ Case-Tracking Form…), not by Tab.
        self.case_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.when = TimeField()
        self.when.setAccessibleName("Time observed")
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Note text")
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("What you read, saw or heard. Name cases by reference only.")
        self.word_undo = WordUndo(self.text)
        self.tags = QListWidget()
        self.tags.setAccessibleName("Findings this note supports")
        self.tags.setMaximumHeight(72)
        self.tags.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.tags.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tags.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.tags.setToolTip("Press Delete to remove a tag")
        self.tag_button = QPushButton("&Tag to finding…")
        self.tag_button.setToolTip("Tag this note to a finding (Ctrl+L)")
        self.tag_button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.status)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        source_label = QLabel("&Source:")
        source_label.setBuddy(self.source)
        form.addRow(source_label, self.source)
        subject_row = QHBoxLayout()
        subject_row.addWidget(self.subject, 1)
        subject_row.addWidget(self.case_button)
        form.addRow(self.subject_label, subject_row)
        when_label = QLabel("T&ime:")
        when_label.setBuddy(self.when)
        form.addRow(when_label, self.when)
        form.addRow("", self.when.hint)
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tags, 1)
        tag_row.addWidget(self.tag_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(self.text, 1)
        layout.addLayout(tag_row)
        QWidget.setTabOrder(self.source, self.subject)
        QWidget.setTabOrder(self.subject, self.when)
        QWidget.setTabOrder(self.when, self.text)
        QWidget.setTabOrder(self.text, self.tags)
        QWidget.setTabOrder(self.tags, self.tag_button)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(lambda: self.flush(leaving=False))
        self.source.currentIndexChanged.connect(self._source_changed)
        self.subject.textEdited.connect(self._edited)
        self.when.value_changed.connect(self._edited)
        self.text.textChanged.connect(self._edited)
        self.case_button.clicked.connect(self._case_form)
        self.tag_button.clicked.connect(self.tag_requested)
        self.tags.itemActivated.connect(lambda _item: None)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self._set_enabled(False)
        self._source_changed()

    # ---------------------------------------------------------------- showing
    @property
    def note_id(self) -> str | None:
        return self._note_id

    @property
    def is_new(self) -> bool:
        return self._is_new

    def set_completions(self, cases: list[str], roles: list[str]) -> None:
        if self._case_names.stringList() != cases:
            self._case_names.setStringList(cases)
        if self._role_names.stringList() != roles:
            self._role_names.setStringList(roles)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._set_enabled(self._note_id is not None)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.source, self.subject, self.when, self.case_button, self.tag_button):
            w.setEnabled(on and not self._read_only)
        self.text.setEnabled(on)
        self.text.setReadOnly(self._read_only)
        self.tags.setEnabled(on)

    def show_note(self, note: Note, author_name: str, tags: list[tuple[str, str]]) -> None:
        """Show a stored note (saving the one on screen first, if it changed)."""
        if note.id != self._note_id:
            self.flush()
        self._note_id = note.id
        self._is_new = False
        self._fresh = False
        self._saved = self._fields_of(note)
        self._fill(self._saved)
        self._author = author_name
        self.heading.setText(f"Note by {author_name}")
        self.set_tags(tags)
        self._set_enabled(True)
        self._set_state("")

    def start_new(self, note_id: str, author_name: str, source: SourceType | None = None,
                  subject: str = "") -> None:
        """Start a new note: the source type has focus."""
        self.flush()
        self._note_id = note_id
        self._is_new = True
        self._fresh = True
        fields = {
            "source": (source or SourceType.CASE_RECORD).value,
            "case_ref": None,
            "subject_role": None,
            "observed_at": now_stored(),
            "text": "",
        }
        if source in ROLE_SOURCES:
            fields["subject_role"] = subject or None
        else:
            fields["case_ref"] = subject or None
        self._saved = dict(fields)
        self._fill(fields)
        self._author = author_name
        self.heading.setText(f"New note by {author_name}")
        self.set_tags([])
        self._set_enabled(True)
        self._set_state("")
        self.source.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def clear(self) -> None:
        self.flush()
        self._note_id = None
        self._is_new = False
        self._fresh = False
        self._saved = {}
        self._fill({"source": SourceType.CASE_RECORD.value, "case_ref": None,
                    "subject_role": None, "observed_at": "", "text": ""})
        self.heading.setText("Select a note, or press Ctrl+N to write one.")
        self.set_tags([])
        self._set_enabled(False)
        self._set_state("")

    def set_tags(self, tags: list[tuple[str, str]]) -> None:
        self.tags.clear()
        for finding_id, text in tags:
            item = QListWidgetItem(" ".join(text.split()))
            item.setData(Qt.ItemDataRole.UserRole, finding_id)
            item.setToolTip(text)
            self.tags.addItem(item)
        if not tags:
            item = QListWidgetItem("Not tagged to a finding yet")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tags.addItem(item)

    def set_query(self, query: str) -> None:
        """Highlight the words of the current search in the text."""
        self._query = query
        highlight_words(self.text, query)

    def _fields_of(self, note: Note) -> dict[str, Any]:
        return {
            "source": note.source.value,
            "case_ref": note.case_ref,
            "subject_role": note.subject_role,
            "observed_at": note.observed_at,
            "text": note.text,
        }

    def _fill(self, fields: dict[str, Any]) -> None:
        self._loading = True
        try:
            i = self.source.findData(fields["source"])
            self.source.setCurrentIndex(max(i, 0))
            self._source_changed()
            role = SourceType(fields["source"]) in ROLE_SOURCES
            subject = (fields["subject_role"] if role else fields["case_ref"]) or (
                fields["case_ref"] or fields["subject_role"] or "")
            self.subject.setText(subject)
            self.when.set_stored(fields["observed_at"] or None)
            if self.text.toPlainText() != fields["text"]:
                # (only when it differs: setting the text wipes its undo history)
                self.text.setPlainText(fields["text"])
            highlight_words(self.text, self._query)
        finally:
            self._loading = False

    # ---------------------------------------------------------------- editing
    def fields(self) -> dict[str, Any]:
        """The note as it is on screen."""
        source = SourceType(str(self.source.currentData()))
        subject = self.subject.text().strip() or None
        # A time that cannot be read is never saved: the one last saved stands.
        observed = self.when.stored_value() or self._saved.get("observed_at") or now_stored()
        role = source in ROLE_SOURCES
        return {
            "source": source.value,
            "case_ref": None if role else subject,
            "subject_role": subject if role else None,
            "observed_at": observed,
            "text": self.text.toPlainText(),
        }

    @property
    def dirty(self) -> bool:
        if self._note_id is None or self._read_only:
            return False
        now = self.fields()
        if self._is_new:
            return bool(now["text"].strip())
        return now != self._saved

    @property
    def emptied_now(self) -> bool:
        """A saved note's text is empty on screen (it is not saved so)."""
        return (self._note_id is not None and not self._is_new and not self._read_only
                and bool(self._saved) and not self.text.toPlainText().strip())

    def _edited(self, *_: object) -> None:
        if self._loading or self._note_id is None:
            return
        if self._query:
            highlight_words(self.text, self._query)
        if self.when.problem:
            self._set_state("Bad time")
        elif self.emptied_now:
            self._set_state("Empty")
        elif self.dirty:
            self._set_state("Editing")
        elif self.status.text() in (EMPTY_STATE, BAD_TIME_STATE):
            self._set_state("Saved" if self._saved and not self._is_new else "")
        self._timer.start()

    def _source_changed(self, *_: object) -> None:
        source = SourceType(str(self.source.currentData()))
        role = source in ROLE_SOURCES
        self.subject_label.setText("Staff &role:" if role else "&Case ref:")
        self.subject.setPlaceholderText(
            "e.g. Team manager" if role else "The authority's case reference"
        )
        self._completer.setModel(self._role_names if role else self._case_names)
        self.case_button.setVisible(not role)
        if self._fresh and not self._loading and not self._read_only:
            self.new_source_chosen.emit(source.value)
        self._edited()

    def _case_form(self) -> None:
        ref = self.subject.text().strip()
        if ref:
            self.case_form_requested.emit(ref)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        leaving = new is None or not self.isAncestorOf(new)
        if old is not None and self.isAncestorOf(old) and leaving:
            # Focus gone to another program (new is None) is not leaving the note: an
            # emptied note waits for the inspector to come back and type.
            self.flush(leaving=new is not None)

    def flush(self, *, leaving: bool = True) -> None:
        """Save now if anything changed since the last save. A saved note emptied of its
        text is not saved: while the inspector is still in it (``leaving`` False: a pause)
        it waits, and when they leave it, it is deleted (``emptied``)."""
        self._timer.stop()
        if not self.dirty or self._note_id is None:
            return
        if self.emptied_now:
            if leaving:
                note_id = self._note_id
                self._saved = self.fields()
                self._set_state("")
                self.emptied.emit(note_id)
            return
        now = self.fields()
        if self._is_new:
            before: dict[str, Any] = {}
            after = now
        else:
            changed = [k for k in now if now[k] != self._saved.get(k)]
            before = {k: self._saved.get(k) for k in changed}
            after = {k: now[k] for k in changed}
        was_new = self._is_new
        self._saved = dict(now)
        self._is_new = False
        self._set_state("Saving…")
        self.save_requested.emit(self._note_id, was_new, before, after)

    def saved(self, note_id: str) -> None:
        """The worker wrote the note."""
        if note_id == self._note_id and not self.dirty:
            self._set_state("Saved")
            if not self._is_new and self._author:
                self.heading.setText(f"Note by {self._author}")

    def save_failed(self, note_id: str, was_new: bool) -> None:
        """The worker could not write: keep the text, and try again at the next pause."""
        if note_id != self._note_id:
            return
        if was_new:
            self._is_new = True
        self._saved = {}
        self._set_state("Not saved")

    def reload(self, note: Note, tags: list[tuple[str, str]]) -> None:
        """The stored note changed (undo, a merge): show it, unless the user is typing."""
        if note.id != self._note_id or self._is_new:
            return
        self.set_tags(tags)
        stored = self._fields_of(note)
        if self.dirty or stored == self._saved:
            return
        self._saved = stored
        cursor = self.text.textCursor().position()
        self._fill(stored)
        c = self.text.textCursor()
        c.setPosition(min(cursor, len(self.text.toPlainText())))
        self.text.setTextCursor(c)

    def changed_underneath(self, note: Note) -> bool:
        """Whether the stored ``note`` differs from what this editor last loaded or saved of
        it (someone else changed it while it was being typed)."""
        return (note.id == self._note_id and not self._is_new
                and self._fields_of(note) != self._saved)

    def _set_state(self, state: str) -> None:
        text = {"Saving…": "Saving…", "Saved": "Saved", "Not saved": "Not saved — will retry",
                "Editing": "", "Empty": EMPTY_STATE,
                "Bad time": BAD_TIME_STATE}.get(state, state)
        self.status.setText(text)
        colour = "#b3261e" if state in ("Not saved", "Bad time") else "palette(mid)"
        self.status.setStyleSheet(f"color: {colour};" if state else "")
        self.state_changed.emit(state)

    def selected_tag(self) -> str | None:
        item = self.tags.currentItem()
        if item is None:
            return None
        value = item.data(Qt.ItemDataRole.UserRole)
        return str(value) if value else None

    def keyPressEvent(self, event: Any) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.tags.hasFocus():
            finding = self.selected_tag()
            if finding and self._note_id:
                self.unlink_requested.emit(self._note_id, finding)
                return
        super().keyPressEvent(event)
