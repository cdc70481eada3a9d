"""PDF pages as images, with pypdfium2: for the preview and for printing; and compiling
the letter with its pages for the preview (:func:`render_letter`).

PDFium is not thread-safe, so every call into it holds :data:`PDFIUM_LOCK`. The functions
here make only :class:`QImage` objects, which (unlike pixmaps) may be made on any thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QImage

from fieldwork.errors import FieldworkError

if TYPE_CHECKING:
    import pypdfium2

    from ui.letter.work import LetterSnapshot

#: Held around every use of PDFium, from any thread.
PDFIUM_LOCK = threading.RLock()


class UnreadablePdf(FieldworkError):
    "PDFium cannot read the letter's PDF."


@contextmanager
def open_pdf(pdf: bytes) -> Iterator[pypdfium2.PdfDocument]:
    """The document, with the PDFium lock held until the block ends."""
    import pypdfium2

    with PDFIUM_LOCK:
        try:
            doc = pypdfium2.PdfDocument(pdf)
        except pypdfium2.PdfiumError as err:
            raise UnreadablePdf(f"the letter's PDF cannot be read ({err})") from None
        try:
            yield doc
        finally:
            doc.close()


def page_sizes(pdf: bytes) -> list[QSizeF]:
    """Each page's size in points."""
    with open_pdf(pdf) as doc:
        sizes = []
        for i in range(len(doc)):
            w, h = doc.get_page_size(i)  # without loading the page
            sizes.append(QSizeF(w, h))
        return sizes


def page_count(pdf: bytes) -> int:
    with open_pdf(pdf) as doc:
        return len(doc)


def render_page(doc: pypdfium2.PdfDocument, index: int, scale: float, *,
                for_print: bool = False) -> QImage:
    """One page at ``scale`` pixels per point, as an RGB image that owns its pixels.

    Call with the PDFium lock held (inside :func:`open_pdf`).
    """
    page = doc[index]
    try:
        bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True,
                             optimize_mode="print" if for_print else None)
        try:
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGBX8888)
            return image.copy()  # the bitmap's memory goes when it is closed
        finally:
            bitmap.close()
    finally:
        page.close()


def rasterise(pdf: bytes, scale: float, pages: Collection[int] | None = None,
              ) -> tuple[list[QImage | None], list[QSizeF]]:
    """The pages (all, or those indexed in ``pages``; None for the others) at ``scale``
    pixels per point (``dpi / 72``), and every page's size in points."""
    with open_pdf(pdf) as doc:
        images: list[QImage | None] = []
        sizes = []
        for i in range(len(doc)):
            w, h = doc.get_page_size(i)  # without loading the page
            sizes.append(QSizeF(w, h))
            images.append(render_page(doc, i, scale) if pages is None or i in pages else None)
        return images, sizes


@dataclass
class Rendered:
    """A compiled letter's pages, for one refresh."""

    gen: int
    pdf: bytes
    sizes: list[QSizeF]
    #: None for a page out of sight, rasterised after the others are shown.
    images: list[QImage | None]
    scale: float
    seconds: float

    @property
    def missing(self) -> list[int]:
        return [i for i, image in enumerate(self.images) if image is None]


def render_letter(gen: int, snap: LetterSnapshot, scale: float,
                  pages: list[int] | None = None) -> Rendered:
    """Compile the letter and rasterise its pages (or those indexed in ``pages``, the ones
    in sight) at ``scale`` px/pt. No store needed."""
    from ui.letter.work import compile_pdf

    started = time.perf_counter()
    pdf = compile_pdf(snap, for_screen=True)  # only drawn: export and print compile again
    images, sizes = rasterise(pdf, scale, pages)
    return Rendered(gen, pdf, sizes, images, scale, time.perf_counter() - started)
