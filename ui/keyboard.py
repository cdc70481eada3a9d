"""The keyboard in the main window: shortcuts that work wherever focus is, and an Edit menu
that acts on the focused widget.

**Shortcuts everywhere.** A text field claims some Ctrl+letter keys before the window's
shortcuts see them (on X11, QLineEdit takes Ctrl+E, Ctrl+K, Ctrl+U… as line-editing keys
through a ShortcutOverride event), so Ctrl+E did nothing in a one-line field. The focused
widget gets a small event filter (moved as focus moves: no filter runs for other
widgets' events): a modified key that is the shortcut of one of the window's enabled
actions is left to that action. Editing and moving keys (Delete, Backspace, the arrows,
Home, End, Page Up/Down, Tab, Enter) stay an editable text field's, even where the window
has a shortcut on them, so Ctrl+Delete deletes a word in the text (not the note) and
Ctrl+Left moves by a word.

**Edit menu.** Undo and Redo act on the focused text field while it has something to undo
or redo, and on the window's undo stack otherwise. Cut, Copy, Paste and Select All act on
the focused widget (a list copies its selected rows as text).

**Placeholders** are drawn lighter and in italics, so they never look like values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, SignalInstance
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from ui.actions import make_action

#: Keys a focused widget keeps even with a modifier (editing and moving).
WIDGET_KEYS = frozenset({
    Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Left, Qt.Key.Key_Right,
    Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Return,
    Qt.Key.Key_Enter, Qt.Key.Key_Escape, Qt.Key.Key_Insert, Qt.Key.Key_Space,
})
_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
              | Qt.KeyboardModifier.MetaModifier)
_PLACEHOLDER_MARK = "fieldworkPlaceholder"


def text_widget(widget: QWidget | None) -> QLineEdit | QPlainTextEdit | QTextEdit | None:
    """The text field ``widget`` is, or edits through (a spin box's, an editable combo's)."""
    if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
        return widget
    if isinstance(widget, QAbstractSpinBox):
        return widget.findChild(QLineEdit)
    if isinstance(widget, QComboBox) and widget.isEditable():
        return widget.lineEdit()
    return None


def can_undo(widget: QWidget | None) -> bool:
    field = text_widget(widget)
    if isinstance(field, QLineEdit):
        return field.isUndoAvailable() and not field.isReadOnly()
    if field is not None:
        return field.document().isUndoAvailable() and not field.isReadOnly()
    return False


def can_redo(widget: QWidget | None) -> bool:
    field = text_widget(widget)
    if isinstance(field, QLineEdit):
        return field.isRedoAvailable() and not field.isReadOnly()
    if field is not None:
        return field.document().isRedoAvailable() and not field.isReadOnly()
    return False


class Keyboard(QObject):
    """The window's shortcuts, wherever focus is, and its Edit menu's clipboard actions."""

    def __init__(self, window: QWidget, edit_menu: QMenu, undo_action: QAction,
                 redo_action: QAction, stack: QUndoStack, undo: Callable[[], None],
                 redo: Callable[[], None], session_opened: SignalInstance) -> None:
        """``undo`` and ``redo`` are the window's (of its ``stack``); ``undo_action`` and
        ``redo_action`` are made to try the focused field first, and are enabled while
        either can undo or redo."""
        super().__init__(window)
        self.window = window
        self._undo_stack = (undo, redo)
        self._stack = stack
        self._actions = (undo_action, redo_action)
        self._filtered: QWidget | None = None
        self._watched: list[tuple[SignalInstance, Any]] = []
        K = QKeySequence.StandardKey
        self.cut_action = make_action(window, "Cu&t", lambda: self._act("cut"), K.Cut,
                                      add_to=window)
        self.copy_action = make_action(window, "&Copy", lambda: self._act("copy"), K.Copy,
                                       add_to=window)
        self.paste_action = make_action(window, "&Paste", lambda: self._act("paste"), K.Paste,
                                        add_to=window)
        self.select_all_action = make_action(window, "Select &All",
                                             lambda: self._act("selectAll"), K.SelectAll,
                                             add_to=window)
        edit = edit_menu
        for a in (self.cut_action, self.copy_action, self.paste_action, self.select_all_action):
            edit.addAction(a)
        edit.addSeparator()
        # Undo and Redo: the focused field first, then the window's stack.
        for action, slot in ((undo_action, self.undo), (redo_action, self.redo)):
            action.triggered.disconnect()
            action.triggered.connect(lambda _c=False, s=slot: s())
        for signal in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged,
                       stack.redoTextChanged):
            signal.connect(self._update_undo)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        lighter_placeholders(app)
        mark_placeholders(window)
        # Pages are built after the window (and some fields with a file): mark them as they
        # come, and whenever a page is shown.
        session_opened.connect(lambda: QTimer.singleShot(0, self._mark_later))
        QTimer.singleShot(0, self._mark_later)
        pages = window.findChild(QTabWidget, "pages")
        if pages is not None:
            pages.currentChanged.connect(lambda _i: self._mark_later())

    def _mark_later(self) -> None:
        mark_placeholders(self.window)

    # ================================================================ undo
    def undo(self) -> None:
        focus = QApplication.focusWidget()
        if self._mine(focus) and can_undo(focus):
            field = text_widget(focus)
            assert field is not None
            field.undo()
        else:
            self._undo_stack[0]()

    def redo(self) -> None:
        focus = QApplication.focusWidget()
        if self._mine(focus) and can_redo(focus):
            field = text_widget(focus)
            assert field is not None
            field.redo()
        else:
            self._undo_stack[1]()

    # =========================================================== clipboard
    def _act(self, name: str) -> None:
        focus = QApplication.focusWidget()
        if not self._mine(focus):
            return
        field = text_widget(focus)
        if field is not None:
            getattr(field, name)()
        elif isinstance(focus, QAbstractItemView):
            if name == "selectAll":
                focus.selectAll()
            elif name == "copy":
                copy_rows(focus)

    def _mine(self, widget: QWidget | None) -> bool:
        return widget is not None and widget.window() is self.window

    # ==================================================== shortcuts everywhere
    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        try:
            self._follow_focus(new)
        except RuntimeError:  # the window is being destroyed
            self._filtered = None
            self._watched = []

    def _follow_focus(self, new: QWidget | None) -> None:
        if self._filtered is not None:
            try:
                self._filtered.removeEventFilter(self)
            except RuntimeError:  # already deleted
                pass
            self._filtered = None
        if new is not None and self._mine(new):
            new.installEventFilter(self)
            self._filtered = new
            new.destroyed.connect(self._forget)
            self._watch_field(new)
        else:
            self._watch_field(None)
        self._update_undo()

    def _forget(self) -> None:
        self._filtered = None
        self._watched = []

    def _watch_field(self, widget: QWidget | None) -> None:
        """Follow the focused field's undo history, for the Undo and Redo actions."""
        for signal, slot in self._watched:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # the widget is gone
                pass
        self._watched = []
        field = text_widget(widget)
        if field is None:
            return
        slot = self._update_undo
        signals: list[SignalInstance] = [field.textChanged]
        if isinstance(field, QPlainTextEdit | QTextEdit):
            signals += [field.undoAvailable, field.redoAvailable]
        for signal in signals:
            signal.connect(slot)
            self._watched.append((signal, slot))

    def _update_undo(self, *_: object) -> None:
        focus = QApplication.focusWidget()
        undo_action, redo_action = self._actions
        try:
            mine = self._mine(focus)
            field_undo, field_redo = mine and can_undo(focus), mine and can_redo(focus)
            stack = self._stack
            undo_action.setEnabled(stack.canUndo() or field_undo)
            redo_action.setEnabled(stack.canRedo() or field_redo)
            # Say what Undo will undo: the typing in the field, or the window's last change.
            undo_action.setText("&Undo Typing" if field_undo else (
                f"&Undo {stack.undoText()}" if stack.undoText() else "&Undo"))
            redo_action.setText("&Redo Typing" if field_redo else (
                f"&Redo {stack.redoText()}" if stack.redoText() else "&Redo"))
        except RuntimeError:  # the window is being destroyed
            return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if Qt.Key(event.key()) in WIDGET_KEYS:
                if isinstance(watched, QWidget) and text_widget(watched) is not None \
                        and not getattr(text_widget(watched), "isReadOnly", lambda: True)():
                    event.accept()  # Ctrl+Delete deletes a word in a text, not the note
                    return True
                return False
            action = self.window_action_for(event)
            if action is not None:
                event.ignore()  # not the widget's: the window's shortcut runs
                return True
        return False

    def window_action_for(self, event: QKeyEvent) -> QAction | None:
        """The window's enabled action whose shortcut ``event`` is, if the key is one the
        window may take from a widget."""
        if not event.modifiers() & _MODIFIERS or Qt.Key(event.key()) in WIDGET_KEYS:
            return None
        pressed = QKeySequence(event.keyCombination())
        for action in self.window.findChildren(QAction):
            if not action.isEnabled() or action.shortcutContext() not in (
                    Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
                continue
            if any(s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                   for s in action.shortcuts()) and self._reachable(action):
                return action
        return None

    def _reachable(self, action: QAction) -> bool:
        """Whether the action's shortcut works in the window now (it is in the window, in
        a menu, or on a widget that is shown)."""
        for owner in action.associatedObjects():
            if owner is self.window or isinstance(owner, QMenu):
                return True
            if isinstance(owner, QWidget) and owner.isVisible():
                return True
        return False


def copy_rows(view: QAbstractItemView) -> None:
    """Copy a list's selected rows as text: one line a row, columns separated by tabs."""
    model = view.model()
    selection = view.selectionModel()
    if model is None or selection is None:
        return
    rows: dict[int, dict[int, str]] = {}
    for index in selection.selectedIndexes():
        value = index.data(Qt.ItemDataRole.DisplayRole)
        rows.setdefault(index.row(), {})[index.column()] = "" if value is None else str(value)
    text = "\n".join("\t".join(cells[c] for c in sorted(cells))
                     for _r, cells in sorted(rows.items()))
    if text:
        QGuiApplication.clipboard().setText(text)


def lighter_placeholders(app: QApplication) -> None:
    """Placeholders in a grey well apart from the text's."""
    palette = app.palette()
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    mixed = text.toRgb()
    b = base.toRgb()
    mixed.setRgb((text.red() * 2 + b.red() * 3) // 5, (text.green() * 2 + b.green() * 3) // 5,
                 (text.blue() * 2 + b.blue() * 3) // 5)
    if palette.color(QPalette.ColorRole.PlaceholderText) != mixed:
        palette.setColor(QPalette.ColorRole.PlaceholderText, mixed)
        app.setPalette(palette)


def mark_placeholders(root: QWidget) -> None:
    """Draw the placeholders of ``root``'s text fields in italics (while they are empty)."""
    for field in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit):
        if field.property(_PLACEHOLDER_MARK) or not field.placeholderText():
            continue
        field.setProperty(_PLACEHOLDER_MARK, True)
        field.textChanged.connect(lambda *_a, f=field: _italic_when_empty(f))
        _italic_when_empty(field)


def _italic_when_empty(field: Any) -> None:
    empty = not (field.text() if isinstance(field, QLineEdit) else field.toPlainText())
    font = field.font()
    if font.italic() != empty:
        font.setItalic(empty)
        field.setFont(font)
