"""Printing the letter: the system's print dialog and print preview, and the painting.

Where the printer is a CUPS queue (Linux, macOS), Print sends the letter's PDF itself to
it with ``lp``, with the dialog's copies, page range and two-sided setting: the printed
letter keeps its vector text, sharp and a few tens of kilobytes.

Otherwise (other systems, Print to File, the print preview) each page is rasterised from
the letter's PDF with pypdfium2 at the printer's resolution (at least :data:`PRINT_DPI`)
and painted onto the :class:`QPrinter`, honouring the page range and, when the print
system cannot make copies itself, the number of copies.

Painting needs no GUI: :func:`paint_pdf` runs on a background thread for printing, and on
the GUI thread only for the print preview, which asks for it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from fieldwork.errors import FieldworkError
from ui.letter.pages import open_pdf, page_sizes, render_page

#: The least resolution pages are rasterised at for printing.
PRINT_DPI = 300
#: The most: a page at 600 dpi is already 140 MB of pixels.
MAX_PRINT_DPI = 600


class PrintFailed(FieldworkError):
    "The printer could not be opened or stopped part-way."


def make_printer(name: str | None = None) -> QPrinter:
    """A printer at :data:`PRINT_DPI` on A4, whole page (the letter has its own margins).

    ``name`` picks a system printer; by default it is the system's default one.
    """
    if name:
        printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
    else:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    settle_resolution(printer)
    printer.setFullPage(True)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName("Fieldwork letter")
    return printer


def settle_resolution(printer: QPrinter) -> None:
    """Keep the printer between :data:`PRINT_DPI` and :data:`MAX_PRINT_DPI` (a printer
    chosen in the dialog may offer 1200 dpi: four times the pixels of 600, for no gain)."""
    if not PRINT_DPI <= printer.resolution() <= MAX_PRINT_DPI:
        printer.setResolution(PRINT_DPI)


def pdf_printer(path: str) -> QPrinter:
    """A printer that writes a PDF file (for tests, and "Print to File")."""
    printer = make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    return printer


def pages_to_print(printer: QPrinter, count: int) -> list[int]:
    """The page indexes (from 0) the printer's page range selects, in order."""
    if printer.printRange() == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            return [i for i in range(count) if ranges.contains(i + 1)]
        first, last = printer.fromPage(), printer.toPage()
        if first > 0:
            return list(range(first - 1, min(count, last or count)))
    return list(range(count))


def print_plan(printer: QPrinter, count: int) -> list[int]:
    """Every page to paint, in order: copies are made here when the print system cannot."""
    pages = pages_to_print(printer, count)
    copies = printer.copyCount()
    if copies <= 1 or printer.supportsMultipleCopies():
        return pages
    if printer.collateCopies():
        return pages * copies
    return [p for p in pages for _ in range(copies)]


def paint_pdf(
    printer: QPrinter,
    pdf: bytes,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Paint the PDF's pages onto ``printer``; the number of pages painted.

    :raises PrintFailed: the printer cannot be opened, or fails part-way
    """
    sizes = page_sizes(pdf)
    plan = print_plan(printer, len(sizes))
    if not plan:
        raise PrintFailed("the page range selects no page of the letter")
    dpi = min(MAX_PRINT_DPI, max(PRINT_DPI, printer.resolution()))
    painter = QPainter()
    if not painter.begin(printer):
        where = printer.outputFileName() or printer.printerName() or "the printer"
        raise PrintFailed(f"{where} cannot be opened for printing")
    try:
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for n, index in enumerate(plan):
            if n and not printer.newPage():
                raise PrintFailed(f"the printer stopped after {n} pages")
            with open_pdf(pdf) as doc:
                image = render_page(doc, index, dpi / 72.0, for_print=True)
            painter.drawImage(fit(sizes[index], paper), image)
            if progress is not None:
                progress(n + 1, len(plan))
    except BaseException:
        painter.end()
        raise
    if not painter.end():
        raise PrintFailed("the print job could not be finished")
    return len(plan)


#: ``lp``'s ``sides`` option for each of Qt's duplex modes.
SIDES = {
    QPrinter.DuplexMode.DuplexNone: "one-sided",
    QPrinter.DuplexMode.DuplexAuto: "two-sided-long-edge",
    QPrinter.DuplexMode.DuplexLongSide: "two-sided-long-edge",
    QPrinter.DuplexMode.DuplexShortSide: "two-sided-short-edge",
}


def cups_queue(printer: QPrinter) -> str | None:
    """The CUPS queue ``printer`` prints to, when the PDF can be sent to it as it is.

    None for Print to File, on Windows, or where there is no ``lp`` command.
    """
    if sys.platform == "win32" or printer.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        return None
    if printer.outputFileName() or not printer.printerName():
        return None
    return printer.printerName() if shutil.which("lp") else None


def page_list(pages: list[int]) -> str:
    """Page indexes (from 0) as ``lp``'s page list: ``1-2,4``."""
    spans: list[list[int]] = []
    for number in (p + 1 for p in pages):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ",".join(f"{a}-{b}" if b > a else str(a) for a, b in spans)


def lp_command(printer: QPrinter, queue: str, count: int) -> tuple[list[str], int]:
    """The ``lp`` command that prints the letter's PDF (of ``count`` pages) as the dialog
    asks, and how many pages it sends.

    :raises PrintFailed: the page range selects no page
    """
    pages = pages_to_print(printer, count)
    if not pages:
        raise PrintFailed("the page range selects no page of the letter")
    copies = max(1, printer.copyCount())
    command = ["lp", "-d", queue, "-n", str(copies), "-t", printer.docName() or "Fieldwork letter",
               "-o", f"sides={SIDES.get(printer.duplex(), 'one-sided')}",
               "-o", f"collate={'true' if printer.collateCopies() else 'false'}"]
    if len(pages) < count:
        command += ["-P", page_list(pages)]
    return command, len(pages) * copies


def send_pdf(printer: QPrinter, pdf: bytes, queue: str) -> int:
    """Send the PDF itself to a CUPS queue; the number of pages sent.

    :raises PrintFailed: ``lp`` refused the job or could not be run
    """
    command, pages = lp_command(printer, queue, len(page_sizes(pdf)))
    try:
        done = subprocess.run(command, input=pdf, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise PrintFailed(f"the print system could not be reached ({err})") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no reason"]
        raise PrintFailed(f"{queue} refused the letter: {reason[0]}")
    return pages


def print_pdf(
    printer: QPrinter, pdf: bytes, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Print the letter: the PDF itself to a CUPS queue, else painted page by page.

    :raises PrintFailed: as :func:`send_pdf` or :func:`paint_pdf`
    """
    queue = cups_queue(printer)
    if queue is not None:
        return send_pdf(printer, pdf, queue)
    return paint_pdf(printer, pdf, progress=progress)


def fit(page: QSizeF, paper: QRectF) -> QRectF:
    """The largest rectangle of ``page``'s shape centred on ``paper``."""
    if page.width() <= 0 or page.height() <= 0:
        return QRectF(paper)
    scale = min(paper.width() / page.width(), paper.height() / page.height())
    w, h = page.width() * scale, page.height() * scale
    return QRectF(paper.x() + (paper.width() - w) / 2, paper.y() + (paper.height() - h) / 2,
                  w, h)


def print_dialog(printer: QPrinter, pages: int, parent: QWidget | None) -> QPrintDialog:
    """The system's print dialog: printers, copies and a page range."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the Letter")
    options = QAbstractPrintDialog.PrintDialogOption
    dialog.setOptions(options.PrintPageRange | options.PrintCollateCopies
                      | options.PrintShowPageSize | options.PrintToFile)
    dialog.setMinMax(1, max(1, pages))
    return dialog


def exec_dialog(dialog: QDialog) -> int:
    """Show a dialog modally (tests replace this to answer for the user)."""
    return int(dialog.exec())
