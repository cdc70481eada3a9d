"""From the file to the letter: the letter commands, readiness checks, issuing and the appendix."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pypdf
import pytest

from fieldwork import issuing
from fieldwork.cli import main
from fieldwork.errors import LetterFrozen
from fieldwork.model import LetterState
from fieldwork.store import Store
from tests.conftest import REFERENCE, SAMPLE


def words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.replace("•", " ")) if w and w not in {"-", "▪"}]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def reference_file(
    tmp_path: Path, reference_json: Path, capsys: pytest.CaptureFixture[str]
) -> Path:
    path = tmp_path / "x.fieldwork"
    assert run(capsys, "import", path, reference_json)[0] == 0
    return path


@pytest.fixture
def sample_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "sample.fieldwork"
    assert run(capsys, "import", path, SAMPLE)[0] == 0
    return path


def test_letter_text_has_the_words_of_the_reference(
    reference_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "letter", reference_file, "--text")
    assert status == 0
    assert words(out) == words((REFERENCE / "letter.txt").read_text())
    assert "draft" in err


def test_letter_pdf_text_layer_matches_and_is_two_a4_pages(
    reference_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letter.pdf"
    assert run(capsys, "letter", reference_file, "-o", out)[0] == 0
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert words(text) == words((REFERENCE / "letter.txt").read_text())


def test_letter_needs_an_output(reference_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "letter", reference_file)
    assert status == 2 and err.startswith("error: give -o")


def test_check_fails_without_evidence(
    reference_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "check", reference_file)
    assert status == 1
    assert "error:" in out and "has no supporting notes" in out
    assert "the letter cannot be issued yet" in out


def test_check_passes_on_the_sample(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", sample_file)
    assert status == 0, out
    assert "0 errors" in out


def test_issue_refuses_when_checks_fail(
    reference_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashlib.sha256(reference_file.read_bytes()).hexdigest()
    status, _, err = run(capsys, "issue", reference_file)
    assert status == 2 and err.startswith("error: the letter is not ready to issue")
    with Store.open(reference_file) as store:
        assert store.inspection().state == LetterState.DRAFT
        assert store.issues() == []
    assert hashlib.sha256(reference_file.read_bytes()).hexdigest() == before


def test_issue_freezes_the_letter_and_stores_exact_bytes(
    sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "issue", sample_file, "--qa")[0] == 0
    status, out, _ = run(capsys, "issue", sample_file)
    assert status == 0
    checksum = out.split("sha256 ")[1].strip()
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert run(capsys, "letter", sample_file, "-o", first)[0] == 0
    assert run(capsys, "letter", sample_file, "-o", second)[0] == 0
    assert hashlib.sha256(first.read_bytes()).hexdigest() == checksum
    assert first.read_bytes() == second.read_bytes()
    assert "DRAFT" not in " ".join(p.extract_text() for p in pypdf.PdfReader(first).pages)

    with Store.open(sample_file) as store:
        finding = store.findings()[0].id
        issue = store.latest_issue()
        assert issue is not None and issue.sha256 == checksum and issue.by == store.me
    status, _, err = run(capsys, "finding", "edit", sample_file, finding, "--text", "Changed.")
    assert status == 2 and "issued" in err
    status, _, err = run(capsys, "issue", sample_file)
    assert status == 2 and "already issued" in err


def test_reissue_keeps_the_earlier_issue(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "issue", sample_file)[0] == 0
    assert run(capsys, "issue", sample_file, "--reopen")[0] == 0
    with Store.open(sample_file) as store:
        finding = store.findings()[0].id
    edit = ("finding", "edit", sample_file, finding, "--text", "Changed & better.")
    assert run(capsys, *edit)[0] == 0
    assert run(capsys, "issue", sample_file)[0] == 0
    with Store.open(sample_file) as store:
        first, second = store.issues()
        assert second.supersedes == first.id
        assert first.sha256 != second.sha256
        old = store.issued_pdf(first.id)
        assert hashlib.sha256(old).hexdigest() == first.sha256
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(
            issuing.letter_pdf(store))).pages)
        assert "Changed & better." in text


def test_frozen_letter_refuses_library_edits(sample_file: Path) -> None:
    with Store.open(sample_file) as store:
        issuing.issue(store)
        with pytest.raises(LetterFrozen):
            store.add_finding("strength", "New.")
        with pytest.raises(LetterFrozen):
            store.update_inspection({"letter_date": "2009-08-01"})


def test_appendix_marks_every_page(
    sample_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "evidence.pdf"
    status, stdout, _ = run(capsys, "appendix", sample_file, "-o", out)
    assert status == 0 and "not for publication" in stdout
    pages = [p.extract_text() for p in pypdf.PdfReader(out).pages]
    assert len(pages) > 3
    assert all("Not for publication" in page for page in pages)
    with Store.open(sample_file) as store:
        some_note = store.notes()[0]
    assert some_note.id[:8] in " ".join(pages)


def test_demo_writes_a_letter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo", tmp_path)
    assert status == 0
    pdf = tmp_path / "bromley-2009-letter.pdf"
    assert f"wrote {pdf}" in out
    assert len(pypdf.PdfReader(pdf).pages) == 2
