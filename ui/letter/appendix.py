"""Exporting the evidence appendix: in the background, with progress and a Cancel button.

The notes are read on the worker (it owns the store); laying out the PDF, which can take
a while on a big inspection, runs on a thread of its own, so notes still save meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from fieldwork.errors import FieldworkError
from ui.operations import EXPORT, Op, TaskManager

if TYPE_CHECKING:
    from fieldwork.letter import LetterInput
    from fieldwork.store import Store


class Cancelled(FieldworkError):
    "The user cancelled the export."


def render_appendix(data: LetterInput, target: Path, *,
                    progress: Callable[[int, int], None] | None = None) -> Path:
    """Lay out the appendix and write it whole (no store: runs on a background thread)."""
    from fieldwork.issuing import write_bytes
    from fieldwork.letter import render_appendix_pdf

    return write_bytes(target, render_appendix_pdf(data, progress=progress))


class AppendixExport(QObject):
    """One export of the appendix to ``target``.

    Signals:
        progressed(int, int): notes laid out so far, of how many (from any thread).
        finished(str): the appendix was written to this path.
        failed(str): it was not, for this reason ("" when cancelled).
    """

    progressed = Signal(int, int)
    finished = Signal(str)
    failed = Signal(str)

    def __init__(self, target: Path, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.target = target
        self._parent = parent
        self._cancel = threading.Event()
        self.dialog: QProgressDialog | None = None

    def start(self, tasks: TaskManager, read: Callable[[], Store], *,
              show_progress: bool = True) -> None:
        """Read the notes on the worker, then lay out on the export lane."""
        if show_progress:
            dialog = QProgressDialog("Reading the notes…", "Cancel", 0, 0, self._parent)
            dialog.setObjectName("appendixProgress")
            dialog.setWindowTitle("Evidence Appendix")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(300)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.canceled.connect(self._cancel.set)
            self.progressed.connect(self._show_progress)
            self.dialog = dialog

        def load() -> LetterInput:
            from fieldwork.issuing import letter_input

            return letter_input(read())

        def lay_out(data: LetterInput) -> None:
            if self._cancel.is_set():
                self._end("")
                return
            Op(self._parent, lambda: render_appendix(data, self.target, progress=self._report)) \
                .success(lambda path: self._end(None, path)).failure(self._failed) \
                .run_in_background(tasks, lane=EXPORT)

        Op(self._parent, load, label="Reading the notes…").success(lay_out) \
            .failure(self._failed).run_in_background(tasks)

    def cancel(self) -> None:
        self._cancel.set()

    def _report(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled("the export of the evidence appendix was cancelled")
        self.progressed.emit(done, total)

    def _show_progress(self, done: int, total: int) -> None:
        if self.dialog is not None and not self._cancel.is_set():
            self.dialog.setLabelText(f"Laying out the notes: {done:,} of {total:,}…")
            self.dialog.setMaximum(max(1, total))
            self.dialog.setValue(min(done, total))

    def _failed(self, err: FieldworkError) -> None:
        self._end("" if isinstance(err, Cancelled) else str(err))

    def _end(self, error: str | None, path: Path | None = None) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        if error is None and path is not None:
            self.finished.emit(str(path))
        else:
            self.failed.emit(error or "")
