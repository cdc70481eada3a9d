"""Letter benchmarks: Fieldwork against the same flowables built by hand with reportlab.

    .venv/bin/python bench/bench_letter.py [--notes 5000] [--runs 15]

(a) The reference letter: compose + render_pdf, against a hand-written platypus story of
    the same letter. Target: at most 1.5 times the baseline's time (medians).
(b) The evidence appendix for 5,000 synthetic notes, against a hand-written story of the
    same entries with the same page furniture. Target: at most 1.5 times the baseline,
    and a peak RSS under 300 MB for a child process that renders it.

Both sides run in this process, warmed up, alternating; the ratio is of the medians.
Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fieldwork.letter import compose, render_appendix_pdf, render_pdf  # noqa: E402
from fieldwork.letter.dates import format_date, format_date_list  # noqa: E402
from tests.helpers.letterdata import (  # noqa: E402
    reference_document,
    reference_input,
    synthetic_input,
)

RATIO_TARGET = 1.5
RSS_TARGET_MB = 300
FONT_DIR = REPO / "resources" / "fonts"


def baseline_fonts() -> tuple[str, str]:
    """Register Liberation Sans under the baseline's own names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Base-Regular" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(
            TTFont("Base-Regular", str(FONT_DIR / "LiberationSans-Regular.ttf"))
        )
        pdfmetrics.registerFont(TTFont("Base-Bold", str(FONT_DIR / "LiberationSans-Bold.ttf")))
    return "Base-Regular", "Base-Bold"


def baseline_letter(document: dict[str, Any]) -> bytes:
    """The reference letter as a platypus story written out by hand."""
    from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Frame,
        KeepTogether,
        PageTemplate,
        Paragraph,
        Spacer,
    )
    from reportlab.platypus.doctemplate import BaseDocTemplate

    regular, bold = baseline_fonts()
    fields = document["inspection"]
    body = ParagraphStyle(
        "b", fontName=regular, fontSize=11, leading=14, alignment=TA_JUSTIFY, spaceAfter=8
    )
    plain = ParagraphStyle("p", parent=body, alignment=TA_LEFT, spaceAfter=0)
    date = ParagraphStyle("d", parent=plain, alignment=TA_RIGHT, spaceAfter=8)
    address = ParagraphStyle("a", parent=plain, spaceAfter=14)
    title = ParagraphStyle("t", parent=body, fontName=bold, alignment=TA_LEFT)
    heading = ParagraphStyle(
        "h", parent=plain, fontName=bold, spaceBefore=4, spaceAfter=8, keepWithNext=True
    )
    lead_in = ParagraphStyle("l", parent=body, keepWithNext=True)
    bullet = ParagraphStyle(
        "u", parent=body, leftIndent=7.5 * mm, bulletIndent=2.5 * mm, spaceAfter=4
    )
    last_bullet = ParagraphStyle("ul", parent=bullet, spaceAfter=8)
    recipient = fields["recipient"]
    story: list[Any] = [
        Paragraph(escape(format_date(fields["letter_date"])), date),
        Paragraph(
            "<br/>".join(
                escape(x)
                for x in [recipient["name"], recipient["title"], recipient["organisation"]]
                + recipient["address"]
            ),
            address,
        ),
        Paragraph(escape(recipient["salutation"]), body),
        Paragraph(
            escape(f"{fields['title']} within the {fields['authority']} {fields['service']}"),
            title,
        ),
        Paragraph(
            escape(
                "This letter contains the findings of the recent unannounced inspection of "
                "contact, referral and assessment arrangements within local authority "
                f"{fields['service']} in the {fields['authority']} which was conducted on "
                f"{format_date_list(fields['fieldwork_dates'])}. The inspection was carried out "
                f"under {fields['statutory_basis']}. It will contribute to Ofsted's annual "
                f"review of the performance of the authority's {fields['service']}, for which "
                "Ofsted will award a rating later in the year."
            ),
            body,
        ),
        Paragraph(escape(fields["summary"]), body),
        Paragraph(escape(fields["evidence_statement"]), body),
    ]

    def bullets(section: str) -> list[Any]:
        texts = [f["text"] for f in document["findings"] if f["section"] == section]
        return [
            Paragraph(escape(t), last_bullet if i == len(texts) - 1 else bullet, bulletText="•")
            for i, t in enumerate(texts)
        ]

    story.append(
        Paragraph(
            escape(
                "From the evidence gathered, the inspection identified a number of areas where "
                "the referral, assessment and contact services were satisfactorily carrying out "
                "their responsibilities in accordance with national guidance, in particular:"
            ),
            lead_in,
        )
    )
    story += bullets("satisfactory")
    story.append(
        Paragraph(
            escape(
                "From the evidence gathered, the following strengths and areas for development "
                "were also identified:"
            ),
            lead_in,
        )
    )
    story += [Paragraph("Strengths", heading), *bullets("strength")]
    story += [Paragraph("Areas for development", heading), *bullets("development")]
    signatory = fields["signatory"]
    story.append(
        KeepTogether(
            [
                Paragraph("Yours sincerely", body),
                Spacer(1, 16 * mm),
                Paragraph(f"{escape(signatory['name'])}<br/>{escape(signatory['title'])}", plain),
                Spacer(1, 7),
            ]
        )
    )
    copies = [f"{c['name']}, {c['role']}" for c in fields["copies"]]
    from reportlab.pdfbase.pdfmetrics import stringWidth

    indent = stringWidth("Copy: ", regular, 11)
    copy_style = ParagraphStyle(
        "c", parent=plain, spaceBefore=14, leftIndent=indent, firstLineIndent=-indent
    )
    story.append(Paragraph("Copy: " + "<br/>".join(escape(c) for c in copies), copy_style))

    def page_number(canvas: Any, doc: Any) -> None:
        if doc.page > 1:
            canvas.setFont(regular, 10)
            canvas.drawCentredString(canvas._pagesize[0] / 2, 10 * mm, str(doc.page))

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=(210 * mm, 297 * mm),
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=True,
        initialFontName=regular,
    )
    frame = Frame(22 * mm, 20 * mm, 166 * mm, 257 * mm, 0, 0, 0, 0)
    doc.addPageTemplates([PageTemplate("p", [frame], onPage=page_number)])
    doc.build(story)
    return out.getvalue()


def baseline_appendix(data: Any) -> bytes:
    """The evidence appendix's entries as a platypus story written out by hand."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Frame, PageTemplate, Paragraph
    from reportlab.platypus.doctemplate import BaseDocTemplate

    regular, bold = baseline_fonts()
    body = ParagraphStyle("ab", fontName=regular, fontSize=9, leading=11.5, spaceAfter=4)
    section = ParagraphStyle("as", parent=body, fontName=bold, fontSize=13, leading=16)
    finding = ParagraphStyle("af", parent=body, fontName=bold, fontSize=10, leading=13)
    meta = ParagraphStyle(
        "am", parent=body, fontName=bold, fontSize=8, leading=10, leftIndent=4 * mm, spaceBefore=3
    )
    note = ParagraphStyle("an", parent=body, leftIndent=4 * mm)
    names = {i.id: i.name for i in data.inspectors}
    story: list[Any] = [Paragraph("Evidence appendix", section)]

    def note_items(n: Any) -> list[Any]:
        head = "  ·  ".join(
            x
            for x in (
                n.id[:8],
                names.get(n.author, n.author),
                n.source.label,
                n.case_ref or "",
                n.observed_at,
            )
            if x
        )
        text = "<br/>".join(escape(line) for line in n.text.splitlines())
        return [Paragraph(escape(head), meta), Paragraph(text, note)]

    backing: dict[str, list[Any]] = {f.id: [] for f in data.findings}
    untagged = []
    for n in sorted(data.notes, key=lambda n: (n.observed_at, n.id)):
        for tag in n.findings:
            backing[tag].append(n)
        if not n.findings:
            untagged.append(n)
    order = ["satisfactory", "strength", "development", "priority_action"]
    for key in order:
        found = sorted(
            (f for f in data.findings if f.section == key), key=lambda f: (f.position, f.id)
        )
        if found:
            story.append(Paragraph(escape(key.capitalize()), section))
        for i, f in enumerate(found, 1):
            story.append(Paragraph(f"{i}. {escape(f.text)}", finding))
            story.append(Paragraph(escape(f"Backed by {len(backing[f.id])} notes"), body))
            for n in backing[f.id]:
                story += note_items(n)
    story.append(Paragraph("Untagged notes", section))
    for n in untagged:
        story += note_items(n)

    class Numbered(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self.pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for state in self.pages:
                self.__dict__.update(state)
                self.setFont(bold, 8)
                self.drawString(18 * mm, 10 * mm, "Not for publication")
                self.setFont(regular, 8)
                self.drawRightString(
                    192 * mm, 10 * mm, f"Page {self._pageNumber} of {len(self.pages)}"
                )
                super().showPage()
            super().save()

    def header(canvas: Any, doc: Any) -> None:
        canvas.setFont(bold, 9)
        canvas.drawRightString(192 * mm, 286 * mm, "Not for publication")

    out = io.BytesIO()
    doc = BaseDocTemplate(
        out,
        pagesize=(210 * mm, 297 * mm),
        invariant=True,
        initialFontName=regular,
    )
    frame = Frame(18 * mm, 20 * mm, 174 * mm, 255 * mm, 0, 0, 0, 0)
    doc.addPageTemplates([PageTemplate("p", [frame], onPage=header)])
    doc.build(story, canvasmaker=Numbered)
    return out.getvalue()


def medians(
    ours: Callable[[], bytes], baseline: Callable[[], bytes], runs: int
) -> tuple[float, float]:
    """Median seconds of each, after one warm-up, alternating runs."""
    ours()
    baseline()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        ours()
        mine.append(time.perf_counter() - start)
        start = time.perf_counter()
        baseline()
        theirs.append(time.perf_counter() - start)
    return statistics.median(mine), statistics.median(theirs)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def child_peak_rss(notes: int) -> float:
    """Peak RSS in MB of a fresh process that builds and renders the appendix."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.helpers.letterdata import synthetic_input;"
        "from fieldwork.letter import render_appendix_pdf;"
        "pdf = render_appendix_pdf(synthetic_input(int(sys.argv[2])));"
        "print(len(pdf))"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-c", code, str(REPO), str(notes)], check=True, capture_output=True
    )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if peak <= before:
        raise RuntimeError("run the RSS measurement before any larger child process")
    return peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15, help="runs of the reference letter")
    parser.add_argument("--appendix-runs", type=int, default=3)
    args = parser.parse_args()
    ok = True

    rss = child_peak_rss(args.notes)

    document = reference_document()
    data = reference_input()
    ours, base = medians(
        lambda: render_pdf(compose(data, draft=False)),
        lambda: baseline_letter(document),
        args.runs,
    )
    ratio = ours / base
    ok &= ratio <= RATIO_TARGET
    print(f"(a) reference letter, compose + render_pdf, median of {args.runs} runs")
    print(
        f"    fieldwork {ours * 1000:8.1f} ms   baseline {base * 1000:8.1f} ms   "
        f"ratio {ratio:.2f} (target <= {RATIO_TARGET})   {verdict(ratio <= RATIO_TARGET)}"
    )

    appendix_data = synthetic_input(args.notes)
    ours, base = medians(
        lambda: render_appendix_pdf(appendix_data),
        lambda: baseline_appendix(appendix_data),
        args.appendix_runs,
    )
    ratio = ours / base
    ok &= ratio <= RATIO_TARGET
    print(f"(b) evidence appendix, {args.notes:,} notes, median of {args.appendix_runs} runs")
    print(
        f"    fieldwork {ours:8.2f} s    baseline {base:8.2f} s    "
        f"ratio {ratio:.2f} (target <= {RATIO_TARGET})   {verdict(ratio <= RATIO_TARGET)}"
    )
    ok &= rss < RSS_TARGET_MB
    print(
        f"    peak RSS of a child process rendering it: {rss:.0f} MB "
        f"(target < {RSS_TARGET_MB} MB)   {verdict(rss < RSS_TARGET_MB)}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
