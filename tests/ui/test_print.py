"""Printing the letter: through QPrinter to a PDF file, through the print dialog and preview,
and through a real CUPS queue (``.ci/run`` sets one up with cups-pdf)."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog

from tests.ui.letter_helpers import Answers, answer_dialogs, show_letter
from ui.letter import printing

CUPS_QUEUE = "Fieldwork-PDF"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")


@pytest.fixture
def letter(opened: Any, qtbot: Any) -> Any:
    return show_letter(opened, qtbot)


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> Answers:
    return answer_dialogs(monkeypatch)


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def test_paint_the_letter_to_a_pdf_file_at_300_dpi(letter: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / "printed.pdf"
    printer = printing.pdf_printer(str(target))
    assert printer.resolution() >= 300
    pages = printing.paint_pdf(printer, letter.pdf)
    assert pages == letter.preview.page_count == pdf_pages(target)
    page = PdfReader(target).pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4
    width, _height = page.images[0].image.size
    assert width >= 2480  # 210 mm at 300 dpi


def test_the_page_range_and_copies_are_honoured(letter: Any, tmp_path: Path) -> None:
    target = tmp_path / "range.pdf"
    printer = printing.pdf_printer(str(target))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert printing.paint_pdf(printer, letter.pdf) == 1
    assert pdf_pages(target) == 1

    target = tmp_path / "copies.pdf"
    printer = printing.pdf_printer(str(target))
    printer.setCopyCount(3)
    assert not printer.supportsMultipleCopies()  # a PDF file: the copies are made here
    assert printing.paint_pdf(printer, letter.pdf) == 3 * letter.preview.page_count
    assert pdf_pages(target) == 3 * letter.preview.page_count
    printer.setCollateCopies(False)
    assert printing.print_plan(printer, 2) == [0, 0, 0, 1, 1, 1]


def test_ctrl_p_prints_through_the_print_dialog(letter: Any, qtbot: Any, tmp_path: Path,
                                               answer: Any) -> None:
    target = tmp_path / "from-dialog.pdf"

    def to_file(dialog: QDialog) -> int:
        assert isinstance(dialog, QPrintDialog)
        assert dialog.maxPage() == 2
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        return QDialog.DialogCode.Accepted

    answer.respond = to_file
    with qtbot.waitSignal(letter.printed, timeout=20000) as sent:
        letter.print_action.trigger()
    assert sent.args == [2]
    assert pdf_pages(target) == 2
    assert letter.printer is not None  # kept for the next print, and alive
    assert "Sent 2 pages" in letter.window().statusBar().currentMessage()


def test_cancelling_the_print_dialog_prints_nothing(letter: Any, qtbot: Any,
                                                    answer: Any) -> None:
    answer.respond = lambda d: QDialog.DialogCode.Rejected
    with qtbot.assertNotEmitted(letter.printed, wait=300):
        letter.print_letter()
        qtbot.waitUntil(lambda: bool(answer.shown), timeout=5000)


def test_print_preview_shows_every_page(letter: Any, qtbot: Any, answer: Any) -> None:
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    counted: list[int] = []

    def look(dialog: QDialog) -> int:
        assert isinstance(dialog, QPrintPreviewDialog)
        widget = dialog.findChild(QPrintPreviewWidget)
        widget.updatePreview()
        counted.append(widget.pageCount())
        return QDialog.DialogCode.Rejected

    answer.respond = look
    letter.preview_action.trigger()
    qtbot.waitUntil(lambda: bool(counted), timeout=15000)
    assert counted == [2]


# ------------------------------------------------------------------- CUPS
def cups_pdf_folder() -> Path:
    """Where cups-pdf writes a job of this user: its ``Out`` setting, expanded."""
    out = "${HOME}/PDF"
    if CUPS_PDF_CONF.exists():
        for line in CUPS_PDF_CONF.read_text(errors="replace").splitlines():
            match = re.match(r"\s*Out\s+(\S.*)$", line)
            if match:
                out = match.group(1).strip()
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or "root"
    home = os.environ.get("HOME") or str(Path.home())
    return Path(out.replace("${HOME}", home).replace("${USER}", user))


def cups_queue() -> str:
    names = [p.printerName() for p in QPrinterInfo.availablePrinters()]
    if CUPS_QUEUE not in names:
        pytest.skip(f"no CUPS queue named {CUPS_QUEUE} (.ci/run installs cups and cups-pdf, "
                    "starts cupsd and adds it)")
    return CUPS_QUEUE


def wait_for_pdf(folder: Path, stem: str, timeout: float = 60.0) -> Path:
    """The PDF cups-pdf writes for the job titled ``stem``, once it is whole."""
    deadline = time.monotonic() + timeout
    sizes: dict[Path, int] = {}
    while time.monotonic() < deadline:
        for path in folder.glob(f"{stem}*.pdf"):
            try:
                data = path.read_bytes()
            except OSError:
                continue
            # Whole: it ends with the PDF trailer and has stopped growing.
            if b"%%EOF" in data[-1024:] and sizes.get(path) == len(data):
                return path
            sizes[path] = len(data)
        time.sleep(0.2)
    raise AssertionError(f"cups-pdf wrote nothing for {stem} into {folder} in {timeout:.0f} s")


@pytest.mark.cups
def test_the_letter_prints_through_a_cups_queue(letter: Any, qtbot: Any, answer: Any) -> None:
    queue = cups_queue()
    folder = cups_pdf_folder()
    if folder.exists() and not os.access(folder, os.R_OK | os.X_OK):
        pytest.skip(f"cups-pdf's output folder {folder} cannot be read by this user")
    stem = f"fieldwork-test-{uuid.uuid4().hex[:10]}"

    def to_queue(dialog: QDialog) -> int:
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFileName("")
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        dialog.printer().setPrinterName(queue)
        dialog.printer().setDocName(stem)
        return QDialog.DialogCode.Accepted

    answer.respond = to_queue
    with qtbot.waitSignal(letter.printed, timeout=30000):
        letter.print_action.trigger()
    printed = wait_for_pdf(folder, stem)
    try:
        assert pdf_pages(printed) == letter.preview.page_count == 2
        text = " ".join(pdf_text(printed).split())
        # The letter itself went to the printer: its text, not pictures of its pages.
        assert "Dear Ms Pearson" in text
        assert "Safeguarding arrangements are well-established." in text
        assert printed.stat().st_size < 400_000, "a vector letter, not 300-dpi images"
        assert not any(page.images for page in pdf_reader(printed).pages)
    finally:
        printed.unlink(missing_ok=True)


@pytest.mark.cups
def test_a_page_range_prints_through_cups_as_vectors(letter: Any, qtbot: Any,
                                                     answer: Any) -> None:
    queue = cups_queue()
    folder = cups_pdf_folder()
    stem = f"fieldwork-test-{uuid.uuid4().hex[:10]}"

    def second_page(dialog: QDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFileName("")
        printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
        printer.setPrinterName(queue)
        printer.setDocName(stem)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 2)
        return QDialog.DialogCode.Accepted

    answer.respond = second_page
    with qtbot.waitSignal(letter.printed, timeout=30000) as sent:
        letter.print_action.trigger()
    assert sent.args == [1]
    printed = wait_for_pdf(folder, stem)
    try:
        assert pdf_pages(printed) == 1
        assert "Dear Ms Pearson" not in pdf_text(printed)
        assert "Yours sincerely" in pdf_text(printed)
    finally:
        printed.unlink(missing_ok=True)


def pdf_reader(path: Path) -> Any:
    from pypdf import PdfReader

    return PdfReader(path)


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(path).pages)


# ----------------------------------------------------- the lp command, without CUPS
@pytest.fixture
def fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ``lp`` on PATH that records its arguments and the document it was given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "lp"
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{tmp_path}/args"\n'
        f'cat > "{tmp_path}/job.pdf"\n'
        'case "$*" in *Broken*) echo "lp: The printer or class does not exist." >&2; exit 1;; '
        "esac\n"
        'echo "request id is Fieldwork-1 (1 file(s))"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return tmp_path


def native_printer() -> QPrinter:
    """The system's default printer (which the fake ``lp`` stands in for)."""
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    printer.setOutputFileName("")
    if printer.outputFormat() != QPrinter.OutputFormat.NativeFormat or not printer.printerName():
        pytest.skip("no system printer here (.ci/run adds a CUPS queue)")
    return printer


def test_a_cups_printer_gets_the_pdf_itself_with_the_dialogs_settings(
    letter: Any, fake_lp: Path
) -> None:
    printer = native_printer()
    queue = printer.printerName()
    printer.setDocName("Bromley letter")
    printer.setCopyCount(3)
    printer.setCollateCopies(True)
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 2)
    assert printing.cups_queue(printer) == queue
    assert printing.print_pdf(printer, letter.pdf) == 3
    args = (fake_lp / "args").read_text().splitlines()
    assert args == ["-d", queue, "-n", "3", "-t", "Bromley letter",
                    # two-sided if this queue can (cups-pdf cannot, so Qt says one-sided)
                    "-o", f"sides={printing.SIDES[printer.duplex()]}",
                    "-o", "collate=true", "-P", "2"]
    assert (fake_lp / "job.pdf").read_bytes() == letter.pdf


def test_a_refused_cups_job_is_one_clear_error(letter: Any, fake_lp: Path) -> None:
    printer = native_printer()
    printer.setDocName("Broken job")
    with pytest.raises(printing.PrintFailed,
                       match="refused the letter: lp: The printer or class does not exist"):
        printing.print_pdf(printer, letter.pdf)


def test_print_to_file_keeps_the_raster_path(letter: Any, fake_lp: Path, tmp_path: Path) -> None:
    printer = printing.pdf_printer(str(tmp_path / "file.pdf"))
    assert printing.cups_queue(printer) is None
    printing.print_pdf(printer, letter.pdf)
    assert not (fake_lp / "args").exists()
    assert pdf_pages(tmp_path / "file.pdf") == 2


def test_duplex_modes_become_lp_sides() -> None:
    modes = QPrinter.DuplexMode
    assert printing.SIDES[modes.DuplexNone] == "one-sided"
    assert printing.SIDES[modes.DuplexLongSide] == "two-sided-long-edge"
    assert printing.SIDES[modes.DuplexShortSide] == "two-sided-short-edge"


def test_page_lists() -> None:
    assert printing.page_list([0, 1, 3, 5, 6, 7]) == "1-2,4,6-8"
    assert printing.page_list([1]) == "2"
