import io
import re

import pypdf
import pytest

from fieldwork.letter import render_appendix_pdf
from tests.helpers.letterdata import pdf_pages, reference_with_evidence, synthetic_input


@pytest.fixture(autouse=True)
def _no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "empty"))


@pytest.fixture(scope="module")
def appendix():
    data = reference_with_evidence()
    data.notes[0].text = "An untagged note about <b>AT&T</b>\nwith a second line."
    return data, pdf_pages(render_appendix_pdf(data))


def flat(pages):
    return " ".join(" ".join(pages).split())


def test_appendix_lists_every_finding_with_its_notes(appendix):
    data, pages = appendix
    text = flat(pages)
    for finding in data.findings:
        assert " ".join(finding.text.split()[:6]) in text
    assert "Note 1 behind finding 16" in text
    assert "Alison Whitcombe" in text
    assert "Case record" in text
    assert "BR-09-02214" in text
    assert "25 June 2009 09:00" in text


def test_appendix_follows_letter_order_with_section_headings(appendix):
    _, pages = appendix
    text = flat(pages)
    headings = [text.index(h) for h in ("Satisfactory", "Strengths", "Areas for development")]
    assert headings == sorted(headings)
    assert text.index("Safeguarding arrangements") < text.index("Children are seen promptly")


def test_appendix_ends_with_untagged_notes(appendix):
    _, pages = appendix
    text = flat(pages)
    untagged = text.index("Untagged notes")
    assert text.index("An untagged note about <b>AT&T</b> with a second line.") > untagged
    assert text.index("Evidence of kind interview.") > untagged


def test_every_page_is_not_for_publication_and_numbered(appendix):
    _, pages = appendix
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert page.count("Not for publication") == 2
        assert f"Page {number} of {len(pages)}" in page


def test_finding_without_notes_is_flagged():
    data = reference_with_evidence()
    data.notes = [n for n in data.notes if data.findings[0].id not in n.findings]
    text = flat(pdf_pages(render_appendix_pdf(data)))
    assert "No supporting notes" in text


def test_progress_is_reported_up_to_the_total():
    data = synthetic_input(300)
    calls = []
    pdf = render_appendix_pdf(data, progress=lambda done, total: calls.append((done, total)))
    total = sum(max(1, len(n.findings)) for n in data.notes)
    assert len(calls) > 5
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    last = pages[len(pages) - 1].extract_text()
    assert re.search(rf"Page {len(pages)} of {len(pages)}", last)


def test_appendix_is_a4_with_embedded_fonts(appendix):
    data, _ = appendix
    reader = pypdf.PdfReader(io.BytesIO(render_appendix_pdf(data)))
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.5)
    for font in page["/Resources"]["/Font"].values():
        assert "/FontFile2" in font.get_object()["/FontDescriptor"]
