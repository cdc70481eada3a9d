"""Undo in steps a person expects while typing: a word, or what was typed before a pause.

A QPlainTextEdit merges every run of continuous typing into one undo step, so Ctrl+Z
after a paragraph takes the whole paragraph away. :class:`WordUndo` breaks the run after
each space or line break and after each pause, as word processors do. QTextDocument merges
a new edit into the last undo step only while the document is modified, so marking it
unmodified ends the step (nothing in Fieldwork reads the document's modified flag: the
note editor compares the text with what it last saved).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QPlainTextEdit

#: A pause this long in typing ends an undo step.
PAUSE_MS = 1000


class WordUndo(QObject):
    """Ends ``editor``'s undo step after each space or line break and after each pause."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(PAUSE_MS)
        self._pause.timeout.connect(self.end_step)
        editor.document().contentsChange.connect(self._changed)

    def end_step(self) -> None:
        """The next edit starts a new undo step."""
        self._pause.stop()
        self._editor.document().setModified(False)

    def _changed(self, position: int, _removed: int, added: int) -> None:
        if added == 1:
            typed = self._editor.document().characterAt(position)
            if typed.isspace() or typed in "\u2029\u2028":
                self.end_step()
                return
        elif added > 1:  # a paste, or a replacement: a step of its own
            self.end_step()
            return
        self._pause.start()
