"""Rendering a composed letter as a print-ready PDF with reportlab platypus.

Every piece of text is escaped (see :func:`fieldwork.letter.fonts.markup`) before a
Paragraph sees it. The output is byte-for-byte repeatable (reportlab's invariant mode).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from fieldwork.letter.blocks import Block, Letter
from fieldwork.letter.fonts import FontFamily, draw_outlined, family, markup
from fieldwork.letter.template import PageSetup
from fieldwork.letter.text import DRAFT_MARK

DRAFT_GREY = colors.Color(0.86, 0.86, 0.86)
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of one template's page setup."""

    body: ParagraphStyle
    date: ParagraphStyle
    address: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    bullet: ParagraphStyle
    lead_in: ParagraphStyle
    signature: ParagraphStyle
    copies: ParagraphStyle
    letterhead: ParagraphStyle
    letterhead_left: ParagraphStyle


def make_styles(page: PageSetup, fonts: FontFamily) -> Styles:
    size, leading, gap = page.font_size, page.leading, page.paragraph_space
    body = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        fontSize=size,
        leading=leading,
        alignment=TA_JUSTIFY if page.justify else TA_LEFT,
        spaceAfter=gap,
    )
    plain = ParagraphStyle("plain", parent=body, alignment=TA_LEFT, spaceAfter=0)
    bullet_indent = 2.5 * mm
    return Styles(
        body=body,
        date=ParagraphStyle(
            "date",
            parent=plain,
            alignment=TA_RIGHT if page.date_align == "right" else TA_LEFT,
            spaceAfter=gap,
        ),
        address=ParagraphStyle("address", parent=plain, spaceAfter=leading),
        title=ParagraphStyle("title", parent=body, fontName=fonts.bold, alignment=TA_LEFT),
        heading=ParagraphStyle(
            "heading",
            parent=plain,
            fontName=fonts.bold,
            spaceBefore=gap / 2,
            spaceAfter=gap,
            keepWithNext=True,
        ),
        bullet=ParagraphStyle(
            "bullet",
            parent=body,
            leftIndent=bullet_indent + 5 * mm,
            bulletIndent=bullet_indent,
            bulletFontName=fonts.regular,
            spaceAfter=gap / 2,
        ),
        lead_in=ParagraphStyle("lead_in", parent=body, keepWithNext=True),
        signature=plain,
        copies=ParagraphStyle("copies", parent=plain, spaceBefore=leading),
        letterhead=ParagraphStyle(
            "letterhead", parent=plain, alignment=TA_RIGHT, fontSize=size - 1.5, leading=leading - 2
        ),
        letterhead_left=ParagraphStyle(
            "letterhead-left", parent=plain, alignment=TA_LEFT, fontSize=size - 1.5,
            leading=leading - 2,
        ),
    )


def render_pdf(letter: Letter, *, compress: bool = True) -> bytes:
    """The letter as PDF bytes: A4 (or the template's page), fonts embedded.

    ``compress=False`` leaves the page streams uncompressed: about a fifth quicker, for a
    PDF that is only drawn on screen (the live preview) and never saved or printed.
    """
    page = letter.template.page
    fonts = family(page.font)
    styles = make_styles(page, fonts)
    story = flowables(letter, styles, fonts)
    out = io.BytesIO()
    doc = letter_document(out, letter, fonts, compress=compress)
    doc.build(story)
    return out.getvalue()


def letter_document(out: io.BytesIO, letter: Letter, fonts: FontFamily, *,
                    compress: bool = True) -> BaseDocTemplate:
    """The doc template: one frame inside the margins, and the page decorations."""
    page = letter.template.page
    width, height = (v * mm for v in page.size_mm)
    top, right, bottom, left = (v * mm for v in page.margins_mm)
    doc = BaseDocTemplate(
        out,
        pagesize=(width, height),
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=letter.title,
        author=letter.author,
        subject="DRAFT" if letter.draft else "",
        creator="Fieldwork",
        invariant=True,
        pageCompression=1 if compress else 0,
        initialFontName=fonts.regular,
        initialFontSize=letter.template.page.font_size,
    )
    frame = Frame(left, bottom, width - left - right, height - top - bottom, 0, 0, 0, 0, id="body")

    def decorate(canvas: Canvas, doc: BaseDocTemplate) -> None:
        if letter.date is not None:
            canvas.setDateFormatter(pdf_date_formatter(letter.date))
        decorate_page(canvas, doc.page, letter, fonts)

    doc.addPageTemplates([PageTemplate("letter", [frame], onPage=decorate)])
    return doc


def pdf_date_formatter(day: dt.date) -> Callable[..., str]:
    """A reportlab date formatter giving ``day`` (midnight UTC) for /CreationDate and /ModDate."""
    stamp = f"D:{day.year:04d}{day.month:02d}{day.day:02d}000000+00'00'"

    def formatter(*_ymdhms: int) -> str:
        return stamp

    return formatter


def decorate_page(canvas: Canvas, number: int, letter: Letter, fonts: FontFamily) -> None:
    """The DRAFT mark and the page number, drawn before the page's text."""
    page = letter.template.page
    width, height = canvas._pagesize
    bottom = page.margins_mm[2] * mm
    canvas.saveState()
    if letter.draft:
        canvas.setFillColor(DRAFT_GREY)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(52)
        # Outlines, like the page numbers: the mark prints on every page but stays out of
        # the text layer, so a draft's text is exactly the letter's text.
        draw_outlined(canvas, DRAFT_MARK, 0, -42, font_name=fonts.bold, size=120)
        canvas.restoreState()
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.45, 0.45, 0.45))
        draw_outlined(
            canvas, DRAFT_MARK, page.margins_mm[3] * mm + 14, bottom / 2,
            font_name=fonts.bold, size=9,
        )
    numbered = page.page_numbers == "all" or (page.page_numbers == "from-second" and number > 1)
    if numbered:
        label = page.page_number_format.replace("{page}", str(number))
        canvas.setFillColor(colors.black)
        draw_outlined(
            canvas, label, width / 2, bottom / 2, font_name=fonts.regular, size=page.font_size - 1
        )
    canvas.restoreState()


def flowables(letter: Letter, styles: Styles, fonts: FontFamily) -> list[Flowable]:
    """The platypus story of a letter."""
    template = letter.template
    story: list[Flowable] = []
    closing: list[Flowable] = []
    signers: list[Block] = []
    font = fonts.regular
    space = template.signature_space_mm * mm

    def sign_off() -> list[Flowable]:
        """The closing and the signatures, kept on one page."""
        if not closing and not signers:
            return []
        kept = KeepTogether([*closing, *signatures(signers, styles.signature, space, font)])
        closing.clear()
        signers.clear()
        return [kept]

    def para(text: str, style: ParagraphStyle, **kw: str) -> Paragraph:
        return Paragraph(lines_markup(text, font), style, **kw)

    for block in letter.blocks:
        kind = block.kind
        if kind == "letterhead":
            story += letterhead(block, styles, template.logo_align,
                                template.logo_width_mm * mm, font)
            story.append(Spacer(1, template.page.leading))
        elif kind == "date":
            story.append(para(block.text, styles.date))
        elif kind == "address":
            story.append(
                Paragraph("<br/>".join(markup(x, font) for x in block.lines), styles.address)
            )
        elif kind == "salutation":
            story.append(para(block.text, styles.body))
        elif kind == "title":
            story.append(para(block.text, styles.title))
        elif kind == "heading":
            story.append(para(block.text, styles.heading))
        elif kind == "paragraph":
            parts = paragraphs(block.text)
            for i, part in enumerate(parts):
                introduces = i == len(parts) - 1 and part.endswith(":")
                story.append(para(part, styles.lead_in if introduces else styles.body))
        elif kind == "bullets":
            story += bullets(block, styles.bullet, template.page, font)
        elif kind == "closing":
            closing.append(para(block.text, styles.body))
        elif kind == "signature":
            signers.append(block)
        elif kind == "copies":
            story += sign_off()
            story.append(copies(block, styles.copies, font))
    story += sign_off()
    return story


def paragraphs(text: str) -> list[str]:
    """Text split at its blank lines: each piece is a paragraph of its own."""
    parts = [p.strip("\n") for p in _BLANK_LINE.split(text)]
    return [p for p in parts if p.strip()] or [text]


def lines_markup(text: str, font: str) -> str:
    """A paragraph's markup: its own line breaks are kept, as in the plain text."""
    return "<br/>".join(markup(line, font) for line in text.split("\n"))


def bullets(block: Block, style: ParagraphStyle, page: PageSetup, font: str) -> list[Flowable]:
    """Each item a bulleted paragraph; an item's further paragraphs hang under its first."""
    items: list[Flowable] = []
    last = len(block.lines) - 1
    end_style = ParagraphStyle("bullet-last", parent=style, spaceAfter=page.paragraph_space)
    for i, text in enumerate(block.lines):
        parts = paragraphs(text)
        for j, part in enumerate(parts):
            final = i == last and j == len(parts) - 1
            bullet = {"bulletText": page.bullet} if j == 0 else {}
            items.append(Paragraph(lines_markup(part, font), end_style if final else style,
                                   **bullet))
    return items


def letterhead(
    block: Block, styles: Styles, logo_align: str, logo_width: float, font: str
) -> list[Flowable]:
    """The letterhead: the logo, and the lines in one column on the right, or in two.

    With a left-hand column, or a logo on the left, the two columns stand side by side,
    each with its logo (if it is on that side) above its lines.
    """
    image = logo(block.image, logo_width, logo_align) if block.image else None
    right = [Paragraph(lines_markup(line, font), styles.letterhead) for line in block.lines]
    if not block.left and logo_align == "right":
        return [*([image] if image else []), *right]
    left = [Paragraph(lines_markup(line, font), styles.letterhead_left) for line in block.left]
    if image is not None:
        (left if logo_align == "left" else right)[:0] = [image, Spacer(1, 2 * mm)]
    table = Table([[left, right]], colWidths=["50%", "50%"], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (0, 0), "LEFT"),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table]


def signatures(
    signers: list[Block], style: ParagraphStyle, space: float, font: str
) -> list[Flowable]:
    """Each signatory: room to sign (or the signature image), then name and title.

    Several signatories stand side by side, up to three to a row.
    """
    cells = [signature(block, style, space, font) for block in signers]
    if len(cells) <= 1:
        return [item for cell in cells for item in cell] + [Spacer(1, style.leading / 2)]
    columns = min(3, len(cells))
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    rows[-1] += [[] for _ in range(columns - len(rows[-1]))]
    table = Table(rows, colWidths=[None] * columns, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), style.leading / 2),
            ]
        )
    )
    return [table]


def signature(block: Block, style: ParagraphStyle, space: float, font: str) -> list[Flowable]:
    """Room for a signature (or its image), then the name and title."""
    mark: Flowable = Spacer(1, space)
    from fieldwork.letter.compose import signature_file

    image = signature_file(block.image)
    if image is not None:
        mark = signature_image(str(image), space) or mark
    lines = "<br/>".join(markup(line, font) for line in block.lines)
    return [mark, Paragraph(lines, style)]


def signature_image(path: str, height: float) -> Flowable | None:
    """The signature image scaled to ``height``, left-aligned; None if it cannot be read."""
    try:
        from reportlab.lib.utils import ImageReader

        width, tall = ImageReader(path).getSize()
    except (OSError, ValueError):
        return None
    image = Image(path, width=width * height / tall, height=height)
    image.hAlign = "LEFT"
    return image


def logo(path: str, width: float, align: str = "right") -> Flowable:
    """The logo ``width`` wide, its shape kept, on the left or the right."""
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(path).getSize()
    image = Image(path, width=width, height=width * h / w)
    image.hAlign = "LEFT" if align == "left" else "RIGHT"
    return image


def copies(block: Block, style: ParagraphStyle, font: str) -> Paragraph:
    """The copy list: the label, then one person a line, hanging under the first."""
    label = markup(block.label, font) + " " if block.label else ""
    indent = stringWidth(block.label + " ", style.fontName, style.fontSize) if block.label else 0
    hanging = ParagraphStyle(
        "copies-hanging", parent=style, leftIndent=indent, firstLineIndent=-indent
    )
    lines = "<br/>".join(markup(line, font) for line in block.lines)
    return Paragraph(label + lines, hanging)
