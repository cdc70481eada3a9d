"""The PDF's layout: letterhead columns, the logo, and paragraph breaks inside an entry."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from fieldwork.letter import compose, render_pdf, render_text
from fieldwork.model import Finding
from tests.helpers.letterdata import reference_input, write_logo

TEMPLATE = '''format = 1
[page]
margins_mm = { top = 20, right = 20, bottom = 20, left = 20 }
[letterhead]
left = ["Inspection Team North", "1 High Street"]
right = ["T 0300 123 1231", "north@example.org"]
logo = "logo.png"
logo_align = "{align}"
logo_width_mm = 30
[[body]]
text = "First paragraph of the opening.\\n\\nSecond paragraph of the opening."
[[body]]
section = "strength"
style = "{style}"
'''


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    templates = tmp_path / "templates"
    templates.mkdir()
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    write_logo(templates / "logo.png")
    return templates


def letter_pdf(folder: Path, *, align: str = "left", style: str = "paragraphs") -> bytes:
    (folder / "layout.toml").write_text(
        TEMPLATE.replace("{align}", align).replace("{style}", style), encoding="utf-8"
    )
    data = reference_input(template="layout")
    data.findings = [
        Finding("f1", "strength", 1, "Opening paragraph of a finding.\n\n"
                                     "Another paragraph of the same finding."),
        Finding("f2", "strength", 2, "A finding of one paragraph."),
    ]
    return render_pdf(compose(data, draft=False))


def box(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of ``text`` on the first page, in points."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0].get_textpage()
        found = page.search(text).get_next()
        assert found is not None, f"{text!r} is not on the page"
        start, count = found
        boxes = [page.get_charbox(i) for i in range(start, start + count)]
    finally:
        document.close()
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


PAGE_WIDTH = 595.28
MARGIN = 20 * 72 / 25.4


def test_letterhead_columns_stand_side_by_side(folder: Path) -> None:
    pdf = letter_pdf(folder, align="left")
    left, right = box(pdf, "Inspection Team North"), box(pdf, "T 0300 123 1231")
    assert left[0] == pytest.approx(MARGIN, abs=1.5)
    assert right[2] == pytest.approx(PAGE_WIDTH - MARGIN, abs=1.5)
    # the right column starts at the top; the left one under the logo
    assert right[3] > left[3]
    assert box(pdf, "north@example.org")[2] == pytest.approx(PAGE_WIDTH - MARGIN, abs=1.5)


def logo_placement(pdf: bytes) -> tuple[float, float]:
    """(x, width) of the first page's one image, in points."""
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    (image,) = page.images
    found: list[tuple[float, float]] = []

    def visit(op: bytes, args: list, cm: list, tm: list) -> None:  # type: ignore[type-arg]
        if op == b"Do":
            found.append((cm[4], cm[0]))

    page.extract_text(visitor_operand_before=visit)
    assert image.image.size == (120, 40)
    return found[0]


@pytest.mark.parametrize("align", ["left", "right"])
def test_the_logo_comes_from_the_templates_folder_on_its_side(folder: Path, align: str) -> None:
    x, width = logo_placement(letter_pdf(folder, align=align))
    assert width == pytest.approx(30 * 72 / 25.4, abs=0.5)
    if align == "left":
        assert x == pytest.approx(MARGIN, abs=1.5)
    else:
        assert x + width == pytest.approx(PAGE_WIDTH - MARGIN, abs=1.5)


@pytest.mark.parametrize("style", ["paragraphs", "bullets"])
def test_a_blank_line_is_a_paragraph_break(folder: Path, style: str) -> None:
    pdf = letter_pdf(folder, style=style)
    first, second = box(pdf, "Opening paragraph"), box(pdf, "Another paragraph")
    single = box(pdf, "A finding of one paragraph")
    gap = first[1] - second[1]
    line = 14 * 1.0  # the template's leading is font_size * 1.3, about 14 points
    assert gap > line * 1.2, "the second paragraph starts a new paragraph, not a new line"
    assert second[0] == pytest.approx(first[0], abs=0.5), "and lines up with the first"
    assert single[1] < second[1]
    opening, closing = box(pdf, "First paragraph of the opening"), box(pdf, "Second paragraph")
    assert opening[1] - closing[1] > line * 1.2
    text = render_text(compose(reference_input(template="layout")))
    assert "First paragraph of the opening.\n\nSecond paragraph of the opening." in text


def test_a_bullet_marks_the_first_paragraph_of_an_item_only(folder: Path) -> None:
    pdf = letter_pdf(folder, style="bullets")
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert text.count("•") == 2
