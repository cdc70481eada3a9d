"""The evidence appendix: every finding with the notes behind it, then the untagged notes.

It is for quality assurance and never goes to the authority: every page says
"Not for publication" at its head and foot, and is numbered "Page N of M".
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer

from fieldwork.errors import InvalidValue
from fieldwork.letter.compose import LetterInput, findings_by_section
from fieldwork.letter.dates import MONTHS, format_date_list
from fieldwork.letter.fonts import FontFamily, family, markup
from fieldwork.letter.template import Template, load_template
from fieldwork.model import Finding, Note

NOT_FOR_PUBLICATION = "Not for publication"
MARGINS = (22 * mm, 18 * mm, 20 * mm, 18 * mm)  # top, right, bottom, left
GREY = colors.Color(0.35, 0.35, 0.35)
RED = colors.Color(0.65, 0.1, 0.1)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AppendixStyles:
    title: ParagraphStyle
    body: ParagraphStyle
    section: ParagraphStyle
    finding: ParagraphStyle
    finding_meta: ParagraphStyle
    finding_warning: ParagraphStyle
    note_meta: ParagraphStyle
    note: ParagraphStyle


def appendix_styles(fonts: FontFamily) -> AppendixStyles:
    body = ParagraphStyle("a-body", fontName=fonts.regular, fontSize=9, leading=11.5, spaceAfter=4)
    return AppendixStyles(
        title=ParagraphStyle("a-title", parent=body, fontName=fonts.bold, fontSize=16, leading=20),
        body=body,
        section=ParagraphStyle(
            "a-section",
            parent=body,
            fontName=fonts.bold,
            fontSize=13,
            leading=16,
            spaceBefore=10,
            spaceAfter=6,
            keepWithNext=True,
        ),
        finding=ParagraphStyle(
            "a-finding",
            parent=body,
            fontName=fonts.bold,
            fontSize=10,
            leading=13,
            spaceBefore=8,
            spaceAfter=2,
            keepWithNext=True,
        ),
        finding_meta=ParagraphStyle(
            "a-finding-meta", parent=body, textColor=GREY, spaceAfter=6, keepWithNext=True
        ),
        finding_warning=ParagraphStyle(
            "a-finding-warning", parent=body, textColor=RED, spaceAfter=6, keepWithNext=True
        ),
        note_meta=ParagraphStyle(
            "a-note-meta",
            parent=body,
            fontName=fonts.bold,
            fontSize=8,
            leading=10,
            textColor=GREY,
            leftIndent=4 * mm,
            spaceBefore=3,
        ),
        note=ParagraphStyle("a-note", parent=body, leftIndent=4 * mm),
    )


def render_appendix_pdf(
    data: LetterInput,
    *,
    progress: Progress | None = None,
    template: Template | None = None,
) -> bytes:
    """The evidence appendix as PDF bytes. ``progress(done, total)`` counts notes laid out."""
    template = template or load_template(data.inspection.template)
    fonts = family(template.page.font)
    story, total = appendix_story(data, template, appendix_styles(fonts), fonts.regular)
    out = io.BytesIO()
    doc = AppendixDocument(out, data, fonts, total=total, progress=progress)
    doc.build(story, canvasmaker=numbered_canvas(fonts))
    if progress is not None and doc.reported < total:
        progress(total, total)
    return out.getvalue()


def appendix_story(
    data: LetterInput, template: Template, styles: AppendixStyles, font: str
) -> tuple[list[Flowable], int]:
    """The flowables, and how many note entries they hold."""
    live = {f.id for f in data.findings}
    backing: dict[str, list[Note]] = {f.id: [] for f in data.findings}
    untagged: list[Note] = []
    for note in sorted(data.notes, key=lambda n: (n.observed_at, n.id)):
        tags = [t for t in dict.fromkeys(note.findings) if t in live]
        for tag in tags:
            backing[tag].append(note)
        if not tags:
            untagged.append(note)
    people = {i.id: i.name for i in data.inspectors}
    total = sum(len(notes) for notes in backing.values()) + len(untagged)
    writer = _Writer(styles, font, people, total)
    inspection = data.inspection

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(markup(text, font), style)

    story: list[Flowable] = [
        para("Evidence appendix", styles.title),
        para(inspection.title or template.label, styles.body),
        para(
            ", ".join(x for x in (inspection.authority, _dates(inspection.fieldwork_dates)) if x),
            styles.body,
        ),
        para(
            f"{len(data.findings)} findings, {len(data.notes)} notes "
            f"({len(untagged)} not tagged to a finding). This appendix is for quality assurance; "
            "it is never sent to the authority.",
            styles.body,
        ),
        Spacer(1, 4 * mm),
    ]
    grouped = findings_by_section(data.findings, template)
    number = 0
    for section in template.sections:
        findings = grouped[section.key]
        if not findings:
            continue
        story.append(
            para(section.heading or section.key.replace("_", " ").capitalize(), styles.section)
        )
        for finding in findings:
            number += 1
            story += writer.finding(number, finding, backing[finding.id])
    strays = [f for f in data.findings if f.section not in grouped]
    if strays:
        story.append(para("Findings in no section of the template", styles.section))
        for finding in sorted(strays, key=lambda f: (f.section, f.position, f.id)):
            number += 1
            story += writer.finding(number, finding, backing[finding.id])
    story.append(para("Untagged notes", styles.section))
    if not untagged:
        story.append(para("None: every note supports a finding.", styles.body))
    for note in untagged:
        story += writer.note(note)
    return story, total


class _Writer:
    """Flowables for findings and notes, numbering the note entries for progress."""

    def __init__(
        self, styles: AppendixStyles, font: str, people: dict[str, str], total: int
    ) -> None:
        self.styles = styles
        self.font = font
        self.people = people
        self.count = 0
        self.total = total

    def finding(self, number: int, finding: Finding, notes: list[Note]) -> list[Flowable]:
        styles = self.styles
        heading = Paragraph(f"{number}. " + markup(finding.text, self.font), styles.finding)
        sources = {n.source for n in notes}
        authors = {n.author for n in notes}
        style = styles.finding_meta
        if notes:
            summary = (
                f"Backed by {_plural(len(notes), 'note')} from "
                f"{_plural(len(sources), 'source type')} and {_plural(len(authors), 'inspector')}"
            )
            if len(sources) < 2 or len(authors) < 2:
                style = styles.finding_warning
        else:
            summary = "No supporting notes"
            style = styles.finding_warning
        summary += f" (finding {_short(finding.id)})"
        items: list[Flowable] = [heading, Paragraph(markup(summary, self.font), style)]
        for note in notes:
            items += self.note(note)
        return items

    def note(self, note: Note) -> list[Flowable]:
        """The note's id, author, source, case and time, then its full text."""
        self.count += 1
        parts = [
            f"#{_short(note.id)}",
            self.people.get(note.author, note.author),
            note.source.label,
            note.case_ref or "",
            _time(note.observed_at),
        ]
        if note.subject_role:
            parts.append(note.subject_role)
        meta = "  ·  ".join(p for p in parts if p)
        text = "<br/>".join(markup(line, self.font) for line in note.text.splitlines()) or " "
        head = Paragraph(markup(meta, self.font), self.styles.note_meta)
        return [NoteEntry(head, Paragraph(text, self.styles.note), self.count)]


class NoteEntry(Flowable):
    """A note's heading line and its text, kept together without platypus's keep-with-next.

    KeepTogether lays a note out twice; this lays it out once, and splits only the text.
    """

    def __init__(self, head: Paragraph, body: Paragraph, number: int | None) -> None:
        super().__init__()
        self.head = head
        self.body = body
        self.number = number
        self.head_height = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, self.head_height = self.head.wrap(availWidth, availHeight)
        _, body_height = self.body.wrap(availWidth, availHeight - self.head_height)
        self.width, self.height = availWidth, self.head_height + body_height
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        _, head_height = self.head.wrap(availWidth, availHeight)
        parts = self.body.split(availWidth, availHeight - head_height)
        if not parts:
            return []
        return [NoteEntry(self.head, parts[0], None), *parts[1:]]

    def getSpaceBefore(self) -> float:
        return float(self.head.getSpaceBefore())

    def getSpaceAfter(self) -> float:
        return float(self.body.getSpaceAfter())

    def draw(self) -> None:
        self.body.drawOn(self.canv, 0, 0)
        self.head.drawOn(self.canv, 0, self.height - self.head_height)


class AppendixDocument(BaseDocTemplate):
    """One frame a page, the header on every page, and progress reports as notes are laid out."""

    def __init__(
        self,
        out: io.BytesIO,
        data: LetterInput,
        fonts: FontFamily,
        *,
        total: int,
        progress: Progress | None,
    ) -> None:
        width, height = 210 * mm, 297 * mm
        top, right, bottom, left = MARGINS
        super().__init__(
            out,
            pagesize=(width, height),
            leftMargin=left,
            rightMargin=right,
            topMargin=top,
            bottomMargin=bottom,
            title=f"Evidence appendix: {data.inspection.authority}",
            subject=NOT_FOR_PUBLICATION,
            creator="Fieldwork",
            invariant=True,
            initialFontName=fonts.regular,
            initialFontSize=9,
        )
        self.fonts = fonts
        self.heading = f"Evidence appendix: {data.inspection.authority}".strip(": ")
        self.total = total
        self.progress = progress
        self.reported = 0
        self.step = max(1, total // 50)
        frame = Frame(left, bottom, width - left - right, height - top - bottom, 0, 0, 0, 0)
        self.addPageTemplates([PageTemplate("appendix", [frame], onPage=self.decorate)])

    def decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        width, height = canvas._pagesize
        top, right, _, left = MARGINS
        canvas.saveState()
        canvas.setFont(self.fonts.regular, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(left, height - top / 2, self.heading)
        canvas.setFont(self.fonts.bold, 9)
        canvas.setFillColor(RED)
        canvas.drawRightString(width - right, height - top / 2, NOT_FOR_PUBLICATION)
        canvas.restoreState()

    def afterFlowable(self, flowable: Any) -> None:
        done = getattr(flowable, "number", None)
        if self.progress is not None and done is not None and done - self.reported >= self.step:
            self.reported = done
            self.progress(done, self.total)


def numbered_canvas(fonts: FontFamily) -> type[Canvas]:
    """A canvas that holds its pages until the end, to print "Page N of M" on each."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                self._footer(count)
                super().showPage()
            self._held = []
            super().save()

        def _footer(self, count: int) -> None:
            width, _ = self._pagesize
            _, right, bottom, left = MARGINS
            self.saveState()
            self.setFont(fonts.bold, 8)
            self.setFillColor(RED)
            self.drawString(left, bottom / 2, NOT_FOR_PUBLICATION)
            self.setFont(fonts.regular, 8)
            self.setFillColor(GREY)
            self.drawRightString(width - right, bottom / 2, f"Page {self._pageNumber} of {count}")
            self.restoreState()

    return NumberedCanvas


def _short(row_id: str) -> str:
    """A UUID's first eight hex digits, as the app shows ids; other ids as they are."""
    try:
        return uuid.UUID(row_id).hex[:8]
    except ValueError:
        return row_id


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _time(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    if len(value) <= 10:
        return day
    return f"{day} {moment:%H:%M}"


def _dates(values: list[str]) -> str:
    try:
        return format_date_list(values)
    except InvalidValue:
        return ", ".join(values)
