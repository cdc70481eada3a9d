"""Letters: templates as data, composing a letter as blocks of text, and rendering it.

Composing and plain text need only the standard library. reportlab is imported when a PDF
is rendered, so ``import fieldwork.letter`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable

from fieldwork.letter.blocks import Block, Letter
from fieldwork.letter.compose import (
    LetterInput,
    compose,
    generated_evidence_statement,
    generated_summary,
    ordered_findings,
)
from fieldwork.letter.dates import format_date, format_date_list
from fieldwork.letter.template import Section, Template, list_templates, load_template
from fieldwork.letter.text import render_text

__all__ = [
    "Block",
    "Letter",
    "LetterInput",
    "Section",
    "Template",
    "compose",
    "format_date",
    "format_date_list",
    "generated_evidence_statement",
    "generated_summary",
    "list_templates",
    "load_template",
    "ordered_findings",
    "render_appendix_pdf",
    "render_pdf",
    "render_text",
]


def render_pdf(letter: Letter, *, compress: bool = True) -> bytes:
    """The letter as a print-ready PDF (reportlab), the template's font embedded;
    ``compress=False`` for a PDF only drawn on screen (quicker, larger)."""
    from fieldwork.letter.pdf import render_pdf as render

    return render(letter, compress=compress)


def render_appendix_pdf(
    data: LetterInput, *, progress: Callable[[int, int], None] | None = None
) -> bytes:
    """The evidence appendix: every finding with the notes behind it, then the untagged notes.

    ``progress(done, total)`` is called now and then with the notes laid out so far.
    """
    from fieldwork.letter.appendix import render_appendix_pdf as render

    return render(data, progress=progress)
