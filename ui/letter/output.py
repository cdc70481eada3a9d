"""Printing and exporting the letter, and exporting the evidence appendix, for the letter
workspace: the PDF is compiled on the worker, printed and written on the export lane."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QFileDialog

from fieldwork.errors import FieldworkError
from ui.errors import show_error
from ui.folders import dialog_path, remember_folder
from ui.letter import printing
from ui.letter.appendix import AppendixExport
from ui.letter.pages import page_count
from ui.operations import EXPORT, Op

if TYPE_CHECKING:
    from ui.letter.workspace import LetterWorkspace


class LetterOutput(QObject):
    """The workspace's printing and exports.

    Signals:
        printing_changed(bool): a print job started, or ended.
        printed(int): a print job of this many pages was sent.
        exported(str): the letter or the appendix was written to this path.
    """

    printing_changed = Signal(bool)
    printed = Signal(int)
    exported = Signal(str)

    def __init__(self, workspace: LetterWorkspace) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.printer: QPrinter | None = None  # kept: a QPrinter must outlive its dialogs
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.appendix_export: AppendixExport | None = None
        self.printing = False

    def _set_printing(self, on: bool) -> None:
        self.printing = on
        self.printing_changed.emit(on)

    def cancel(self) -> None:
        """Cancel an export of the appendix under way (the window is closing)."""
        if self.appendix_export is not None:
            self.appendix_export.cancel()

    # ================================================================== printing
    def _with_pdf(self, then: Callable[[bytes], None]) -> None:
        """The letter's PDF as it prints now (the stored bytes once issued), on the worker."""
        session = self.workspace.session
        if session is None:
            return
        self.workspace.flush()

        def compiled(pdf: bytes) -> None:
            if session is self.workspace.session:
                then(pdf)

        from fieldwork.issuing import letter_pdf

        Op(self.workspace, lambda: letter_pdf(session.writer), label="Compiling the letter…") \
            .success(compiled).run_in_background(self.workspace.host.tasks)

    def _printer(self) -> QPrinter:
        if self.printer is None:
            self.printer = printing.make_printer()
        return self.printer

    def print_letter(self, printer: QPrinter | None = None) -> None:
        """Ctrl+P: the print dialog (printers, copies, page range), then print.

        With ``printer`` given, print to it without asking (scripts and tests).
        """
        if self.printing:
            return

        def ask(pdf: bytes) -> None:
            target = printer
            if target is None:
                target = self._printer()
                dialog = printing.print_dialog(target, page_count(pdf), self.workspace)
                if printing.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
                    return
                target = dialog.printer()
            self.send_to_printer(target, pdf)

        self._with_pdf(ask)

    def send_to_printer(self, printer: QPrinter, pdf: bytes) -> None:
        """Print the letter on ``printer`` on a background thread: the PDF itself to a CUPS
        queue, else painted page by page."""
        printing.settle_resolution(printer)
        self._set_printing(True)
        where = printer.outputFileName() or printer.printerName() or "the printer"
        bar = self.workspace.host.statusBar()
        bar.showMessage(f"Printing the letter on {where}…")
        self._print_job = printer  # referenced until the job is done

        def done(pages: int) -> None:
            self._set_printing(False)
            bar.showMessage(f"Sent {pages} page{'s' if pages != 1 else ''} to {where}", 8000)
            self.printed.emit(pages)

        def failed(err: FieldworkError) -> None:
            self._set_printing(False)
            bar.clearMessage()
            show_error(self.workspace, err)

        Op(self.workspace, lambda: printing.print_pdf(printer, pdf)).success(done) \
            .failure(failed).run_in_background(self.workspace.host.tasks, lane=EXPORT)

    def print_preview(self) -> None:
        """The letter as it will print, in Qt's print preview (which can print it too)."""

        def show(pdf: bytes) -> None:
            dialog = QPrintPreviewDialog(self._printer(), self.workspace)
            dialog.setObjectName("printPreview")
            dialog.setWindowTitle("Print Preview — Letter")
            dialog.paintRequested.connect(lambda p: self._paint_preview(p, pdf))
            self.preview_dialog = dialog
            dialog.resize(900, 1000)
            printing.exec_dialog(dialog)

        self._with_pdf(show)

    def _paint_preview(self, printer: QPrinter, pdf: bytes) -> None:
        try:
            printing.paint_pdf(printer, pdf)
        except FieldworkError as err:
            show_error(self.workspace, err)

    # ================================================================ exporting
    def export_pdf(self, path: str | Path | None = None) -> None:
        """Ctrl+E: save the letter as PDF (the stored bytes once issued)."""
        session = self.workspace.session
        if session is None:
            return
        if path is None:
            name = self._suggested_name("letter")
            chosen, _ = QFileDialog.getSaveFileName(self.workspace, "Export the Letter as PDF",
                                                    dialog_path(self.workspace.host, name),
                                                    "PDF files (*.pdf)")
            if not chosen:
                return
            remember_folder(self.workspace.host.settings, chosen)
            path = chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"
        self.workspace.flush()
        target = Path(path)

        def work() -> Path:
            from fieldwork.issuing import letter_pdf, write_bytes

            return write_bytes(target, letter_pdf(session.writer))

        def done(written: Path) -> None:
            self.workspace.host.statusBar().showMessage(f"Exported the letter to {written}", 8000)
            self.exported.emit(str(written))

        Op(self.workspace, work, label="Exporting the letter…").success(done) \
            .run_in_background(self.workspace.host.tasks)

    def export_appendix(self, path: str | Path | None = None, *,
                        show_progress: bool = True) -> AppendixExport | None:
        """Write the evidence appendix in the background, with progress."""
        session = self.workspace.session
        if session is None:
            return None
        if path is None:
            name = self._suggested_name("evidence appendix")
            chosen, _ = QFileDialog.getSaveFileName(
                self.workspace, "Export the Evidence Appendix",
                dialog_path(self.workspace.host, name), "PDF files (*.pdf)")
            if not chosen:
                return None
            remember_folder(self.workspace.host.settings, chosen)
            path = chosen if chosen.lower().endswith(".pdf") else chosen + ".pdf"
        self.workspace.flush()
        export = AppendixExport(Path(path), self.workspace)
        bar = self.workspace.host.statusBar()

        def done(written: str) -> None:
            bar.showMessage(f"Wrote the evidence appendix to {written} — for quality "
                            "assurance only; never send it to the authority", 10000)
            self.exported.emit(written)

        def failed(reason: str) -> None:
            if reason:
                show_error(self.workspace, FieldworkError(f"the evidence appendix was not written: "
                                                f"{reason}"))
            else:
                bar.showMessage("Export of the evidence appendix cancelled", 5000)

        export.finished.connect(done)
        export.failed.connect(failed)
        self.appendix_export = export
        export.start(self.workspace.host.tasks, lambda: session.writer, show_progress=show_progress)
        return export

    def _suggested_name(self, what: str) -> str:
        session = self.workspace.session
        stem = session.path.stem if session else "inspection"
        return f"{stem} {what}.pdf"

