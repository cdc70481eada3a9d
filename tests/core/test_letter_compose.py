import pytest

from fieldwork.letter import (
    compose,
    generated_evidence_statement,
    generated_summary,
    load_template,
    render_text,
)
from fieldwork.model import Finding, LetterState, Note, SourceType
from tests.helpers.letterdata import (
    HOSTILE,
    focused_input,
    reference_document,
    reference_input,
    reference_letter_text,
    reference_with_evidence,
    words,
)


@pytest.fixture(autouse=True)
def _no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "empty"))


def kinds(letter):
    return [b.kind for b in letter.blocks]


def test_reference_letter_has_the_words_of_the_original_in_order():
    text = render_text(compose(reference_input(), draft=False))
    assert words(text) == words(reference_letter_text())


def test_reference_letter_text_is_the_original_exactly():
    assert render_text(compose(reference_input(), draft=False)) == reference_letter_text()


def test_draft_text_is_the_letter_alone():
    letter = compose(reference_input())
    assert letter.draft
    assert render_text(letter) == reference_letter_text()


def test_draft_defaults_to_not_issued():
    data = reference_input()
    assert compose(data).draft
    data.inspection.state = LetterState.QA
    assert compose(data).draft
    data.inspection.state = LetterState.ISSUED
    assert not compose(data).draft


def test_letter_starts_with_date_address_salutation_title():
    letter = compose(reference_input(), draft=False)
    assert kinds(letter)[:4] == ["date", "address", "salutation", "title"]
    assert letter.blocks[0].lines == ("24 July 2009",)
    assert letter.blocks[1].lines[-1] == "Bromley BR1 3UH"


def test_findings_are_ordered_by_section_then_position():
    data = reference_input()
    data.findings.reverse()
    letter = compose(data, draft=False)
    bullets = [b for b in letter.blocks if b.kind == "bullets"]
    assert [b.section for b in bullets] == ["satisfactory", "strength", "development"]
    assert bullets[0].lines[0] == "Safeguarding arrangements are well-established."


def test_letter_with_areas_for_priority_action():
    data = reference_with_evidence(generated=True)
    data.findings += [
        Finding("p1", "priority_action", 1, "Ensure that all referrals are screened within a day."),
        Finding("p2", "priority_action", 2, "Ensure that strategy discussions include the police."),
    ]
    text = render_text(compose(data, draft=False))
    assert (
        "The inspection identified two areas for priority action and a significant number of "
        "areas for development, which are detailed below." in text
    )
    assert "Areas for priority action\n\n" in text
    assert "- Ensure that all referrals are screened within a day." in text


def test_letter_with_no_areas_for_priority_action_omits_the_section():
    data = reference_with_evidence(generated=True)
    text = render_text(compose(data, draft=False))
    assert "no areas for priority action but a significant number" in text
    assert "Areas for priority action" not in text


def test_letter_with_no_areas_at_all_says_so():
    data = reference_with_evidence(generated=True)
    data.findings = [f for f in data.findings if f.section == "satisfactory"]
    text = render_text(compose(data, draft=False))
    assert "The inspection identified no areas for priority action or for development." in text
    assert "the following strengths and areas for development" not in text
    assert "Strengths" not in text


@pytest.mark.parametrize(
    ("count", "phrase"),
    [(1, "one area for development"), (3, "a small number of areas for development")],
)
def test_summary_counts_in_words(count, phrase):
    data = reference_with_evidence(generated=True)
    data.findings = [f for f in data.findings if f.section != "development"]
    data.findings += [Finding(f"d{i}", "development", i, "x") for i in range(count)]
    assert phrase in generated_summary(data)


def test_empty_section_is_omitted_with_its_heading():
    data = reference_input()
    data.findings = [f for f in data.findings if f.section != "strength"]
    text = render_text(compose(data, draft=False))
    assert "Strengths" not in text
    assert "Areas for development" in text


def test_empty_section_can_print_a_fixed_sentence():
    data = focused_input(improve=False)
    letter = compose(data, draft=False)
    text = render_text(letter)
    assert (
        "What needs to improve in this area of social work practice\n\n"
        "Inspectors did not identify anything that needs to improve in this area of practice."
    ) in text


def test_focused_visit_letter_has_its_own_sections_and_no_copy_list():
    data = focused_input()
    letter = compose(data, draft=False)
    text = render_text(letter)
    assert "copies" not in kinds(letter)
    assert "Copy:" not in text
    assert "Focused visit to London Borough of Bromley children's services" in text
    assert "30 September and 1 October 2019" in text
    assert "Inspectors identified the following areas for priority action:" in text
    assert (
        "Inspectors identified two areas for priority action and three areas for improvement."
        in text
    )
    assert [b.lines for b in letter.blocks if b.kind == "signature"] == [
        ("Alison Whitcombe", "His Majesty's Inspector"),
        ("Derek Osei", "His Majesty's Inspector"),
    ]
    findings = [b for b in letter.blocks if b.section == "findings" and b.kind == "paragraph"]
    assert len(findings) == 4


def test_priority_action_lead_in_is_omitted_when_empty():
    text = render_text(compose(focused_input(priority=False), draft=False))
    assert "priority action:" not in text
    assert "Areas for priority action" not in text
    assert "Inspectors identified no areas for priority action." in text


def test_letter_without_copies_has_no_copy_block():
    data = reference_input(copies=[])
    assert "copies" not in kinds(compose(data, draft=False))


def test_placeholders_in_user_text_are_not_expanded():
    data = reference_input(summary="Costs rose by {authority} and {{x}} {0} %s.")
    data.findings[0].text = "See {statutory_basis} and {count:development}."
    text = render_text(compose(data, draft=False))
    assert "Costs rose by {authority} and {{x}} {0} %s." in text
    assert "See {statutory_basis} and {count:development}." in text


def test_hostile_text_comes_out_literally():
    data = reference_input()
    for finding, hostile in zip(data.findings, HOSTILE, strict=False):
        finding.text = hostile
    data.inspection.fields["recipient"]["name"] = "Ms <i>O'Brien</i> & Co"
    text = render_text(compose(data, draft=False))
    for hostile in HOSTILE:
        assert f"- {hostile}\n" in text
    assert "Ms <i>O'Brien</i> & Co\n" in text


def test_missing_field_shows_as_a_marker():
    data = reference_input(authority="", letter_date=None)
    text = render_text(compose(data, draft=False))
    assert text.startswith("[letter_date]\n")
    assert "within the [authority] children's services" in text


def test_malformed_date_is_shown_as_typed():
    text = render_text(compose(reference_input(letter_date="24/07/2009"), draft=False))
    assert text.startswith("24/07/2009\n")


def test_generated_summary_reproduces_the_reference():
    data = reference_with_evidence(generated=True)
    assert generated_summary(data) == reference_document()["inspection"]["summary"]


def test_generated_evidence_statement_reproduces_the_reference():
    data = reference_with_evidence(generated=True)
    expected = reference_document()["inspection"]["evidence_statement"]
    assert generated_evidence_statement(data) == expected


def test_generated_paragraphs_are_used_when_not_set():
    data = reference_with_evidence(generated=True)
    assert render_text(compose(data, draft=False)) == reference_letter_text()


def test_evidence_statement_lists_only_sources_the_notes_record():
    data = reference_with_evidence(generated=True)
    data.notes = [n for n in data.notes if n.source != SourceType.SUPERVISION_FILE]
    statement = generated_evidence_statement(data)
    assert "supervision files" not in statement
    assert "electronic case records; observation of social workers" in statement


def test_evidence_statement_pluralises_and_deduplicates_roles():
    data = reference_with_evidence(generated=True)
    roles = [
        "Head of Service",
        "head of service",
        "Social worker",
        "Social workers",
        "Deputy Group Manager",
    ]
    data.notes = [
        Note(f"n{i}", "insp-lead", SourceType.INTERVIEW, "2009-06-24", "x", subject_role=role)
        for i, role in enumerate(roles)
    ]
    statement = generated_evidence_statement(data)
    assert "including Heads of Service, Deputy Group Managers and social workers." in statement
    assert "Inspectors considered" not in statement


def test_evidence_statement_without_notes_keeps_the_fixed_sentences():
    data = reference_with_evidence(generated=True)
    data.notes = []
    statement = generated_evidence_statement(data)
    assert statement.startswith("The inspection sampled")
    assert statement.endswith("the time given during this inspection.")
    assert "including" not in statement


def test_lead_can_override_generated_paragraphs():
    data = reference_with_evidence()
    data.inspection.fields["summary"] = "Our own summary."
    assert "Our own summary.\n" in render_text(compose(data, draft=False))


def test_template_can_be_given_explicitly():
    data = reference_input()
    letter = compose(data, load_template("focused-visit"), draft=False)
    assert letter.template.name == "focused-visit"
