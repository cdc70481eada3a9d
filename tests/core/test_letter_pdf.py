import io

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldwork.checks import run_checks
from fieldwork.letter import compose, render_pdf, render_text
from fieldwork.model import Finding
from tests.helpers.letterdata import (
    HOSTILE,
    focused_input,
    footer_ink,
    grey_ink,
    pdf_pages,
    reference_input,
    reference_letter_text,
    words,
)

A4_POINTS = (595.28, 841.89)


@pytest.fixture(autouse=True)
def _no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "empty"))


@pytest.fixture(scope="module")
def reference_pdf():
    return render_pdf(compose(reference_input(), draft=False))


def fonts_of(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    return fonts


def long_letter(count=60):
    data = reference_input()
    sections = ("satisfactory", "strength", "development")
    data.findings = [
        Finding(
            f"f{i}",
            sections[i % 3],
            i,
            f"Finding number {i} is about practice that inspectors looked at closely, "
            "and it runs to a couple of lines so that the letter grows long enough to flow "
            "over several pages of A4.",
        )
        for i in range(count)
    ]
    return compose(data, draft=False)


def test_reference_pdf_text_layer_has_the_words_of_the_original(reference_pdf):
    assert words(" ".join(pdf_pages(reference_pdf))) == words(reference_letter_text())


def test_reference_pdf_is_two_a4_pages(reference_pdf):
    reader = pypdf.PdfReader(io.BytesIO(reference_pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=0.5)


def test_reference_pdf_embeds_its_fonts(reference_pdf):
    fonts = fonts_of(reference_pdf)
    assert fonts
    for font in fonts.values():
        assert "/FontFile2" in font["/FontDescriptor"]
    names = " ".join(str(name) for name in fonts)
    assert "+LiberationSans " in names + " "
    assert "LiberationSans-Bold" in names


def test_pdf_is_the_same_bytes_every_time(reference_pdf):
    assert render_pdf(compose(reference_input(), draft=False)) == reference_pdf


def test_page_numbers_start_on_page_two(reference_pdf):
    assert footer_ink(reference_pdf) == [False, True]


def test_long_letter_flows_onto_numbered_pages():
    letter = long_letter()
    pdf = render_pdf(letter)
    pages = pdf_pages(pdf)
    assert len(pages) >= 4
    assert footer_ink(pdf) == [False] + [True] * (len(pages) - 1)
    assert words(" ".join(pages)) == words(render_text(letter))


def test_draft_carries_a_mark_on_every_page_outside_the_text_layer(reference_pdf):
    draft = render_pdf(compose(reference_input()))
    assert words(" ".join(pdf_pages(draft))) == words(reference_letter_text())
    marked = grey_ink(draft)
    assert len(marked) == 2 and all(marked)
    assert not any(grey_ink(reference_pdf))


def test_issued_letter_has_no_draft_mark(reference_pdf):
    assert "DRAFT" not in " ".join(pdf_pages(reference_pdf))


def test_hostile_text_prints_literally():
    data = reference_input()
    for finding, hostile in zip(data.findings, HOSTILE, strict=False):
        finding.text = hostile
    data.inspection.fields["recipient"]["name"] = "Ms <i>O'Brien</i> & Co"
    letter = compose(data, draft=False)
    text = " ".join(pdf_pages(render_pdf(letter)))
    for hostile in [h for h in HOSTILE if h.isascii()] + ["Ms <i>O'Brien</i> & Co", "😀"]:
        assert hostile in text
    assert words(text)[:5] == words(render_text(letter))[:5]


def test_characters_no_font_has_do_not_crash():
    data = reference_input()
    data.findings[0].text = "Private use \ue000, unassigned \U000e0fff, control \x07, tab\tend."
    text = " ".join(pdf_pages(render_pdf(compose(data, draft=False))))
    assert "Private use" in text
    assert "tab end." in text


def test_focused_visit_renders(tmp_path):
    letter = compose(focused_input(), draft=False)
    pdf = render_pdf(letter)
    assert words(" ".join(pdf_pages(pdf))) == words(render_text(letter))
    assert "/FontFile2" in next(iter(fonts_of(pdf).values()))["/FontDescriptor"]


def _signature_png(folder):
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "signature.png"
    Image.new("RGB", (300, 100), (20, 40, 160)).save(path)
    return path


def test_signature_image_is_placed():
    from fieldwork import paths

    path = _signature_png(paths.user_data_dir() / "signatures")
    data = reference_input()
    data.inspection.fields["signatory"]["signature"] = str(path)
    pdf = render_pdf(compose(data, draft=False))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert any(page.images for page in reader.pages)
    assert words(" ".join(pdf_pages(pdf))) == words(reference_letter_text())


@pytest.mark.parametrize("where", ["elsewhere", "url"])
def test_a_signature_from_outside_the_signatures_folder_is_never_read(tmp_path, where):
    """The signature is a letter field, and fields travel in packs: a team member must not
    be able to put another file of the lead's disk, or a web address, into the letter."""
    path = str(_signature_png(tmp_path / "elsewhere"))
    if where == "url":
        path = "http://127.0.0.1:9/signature.png"
    data = reference_input()
    data.inspection.fields["signatory"]["signature"] = path
    pdf = render_pdf(compose(data, draft=False))
    assert not any(page.images for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    results = [r for r in run_checks(data) if r.code == "signature_missing"]
    assert len(results) == 1 and results[0].level == "warning"


def test_missing_signature_image_leaves_the_space():
    data = reference_input()
    data.inspection.fields["signatory"]["signature"] = "/nowhere/signature.png"
    pdf = render_pdf(compose(data, draft=False))
    assert words(" ".join(pdf_pages(pdf))) == words(reference_letter_text())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=1, max_size=80))
def test_any_typed_text_renders(text):
    data = reference_input()
    data.findings[0].text = text
    letter = compose(data, draft=False)
    assert f"- {text}\n" in render_text(letter)
    pages = pdf_pages(render_pdf(letter))
    assert len(pages) >= 2
    if text.isascii() and text.isprintable():
        assert "".join(text.split()) in "".join("".join(pages).split())


def test_pdf_dates_are_the_letter_date_and_the_bytes_repeat():
    data = reference_input(letter_date="2009-07-03")
    first = render_pdf(compose(data, draft=False))
    second = render_pdf(compose(reference_input(letter_date="2009-07-03"), draft=False))
    assert first == second
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith("D:20090703000000")
    assert info["/ModDate"].startswith("D:20090703000000")
    other = render_pdf(compose(reference_input(letter_date="2009-07-04"), draft=False))
    assert pypdf.PdfReader(io.BytesIO(other)).metadata["/CreationDate"].startswith("D:20090704")


def test_pdf_without_a_letter_date_takes_the_last_fieldwork_day():
    data = reference_input(letter_date=None, fieldwork_dates=["2009-06-24", "2009-06-25"])
    info = pypdf.PdfReader(io.BytesIO(render_pdf(compose(data)))).metadata
    assert info["/CreationDate"].startswith("D:20090625")


def test_a_pdf_for_the_screen_only_leaves_its_pages_uncompressed(reference_pdf):
    """The live preview compiles with compress=False (quicker); what is printed or saved is
    always compressed. Same pages, same words, only the page streams differ."""
    letter = compose(reference_input(), draft=False)
    screen = render_pdf(letter, compress=False)
    assert screen != reference_pdf and len(screen) > len(reference_pdf)
    assert pdf_pages(screen) == pdf_pages(reference_pdf)
    for data, filtered in ((screen, False), (reference_pdf, True)):
        page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
        assert ("/Filter" in page["/Contents"].get_object()) is filtered
