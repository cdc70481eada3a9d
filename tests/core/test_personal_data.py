"""The personal-data check, as someone trying to slip a child's details past it would test it.

The issue found 21 of 41 disguised forms of a child's details passing the old check. Every
form here must be caught, and ordinary letters must raise no alarm.
"""

from __future__ import annotations

import pytest

from fieldwork.checks import run_checks
from fieldwork.letter import compose, render_text
from fieldwork.model import Case, CaseKind, Finding
from fieldwork.personal_data import fold
from tests.helpers.letterdata import focused_input, reference_with_evidence

PERSONAL = (
    "name_in_letter", "titled_name_in_letter", "given_name_in_letter", "case_ref_in_letter",
    "date_of_birth_in_letter",
)


def letter_data():  # type: ignore[no-untyped-def]
    data = reference_with_evidence()
    data.cases = [
        Case("case-1", "BR-09-02214", CaseKind.TRACKED,
             {"child_name": "Jayden Okonkwo", "date_of_birth": "2005-03-14",
              "household": [{"name": "Chidinma Okonkwo", "relationship": "mother"}]}),
        Case("case-2", "BR-09-02287", CaseKind.SAMPLED,
             {"risk": "Low", "subject": {"known_as": "Zoë Brennan-Hale",
                                         "birth": "22/11/2007"}}),
    ]
    return data


def hits(text: str, where: str = "finding") -> list[tuple[str, str]]:
    data = letter_data()
    if where == "finding":
        data.findings[3].text = f"Practice was seen. {text} Follow-up was agreed."
    else:
        data.inspection.fields[where] = f"Practice was seen. {text}"
    return [(r.code, r.message) for r in run_checks(data) if r.code in PERSONAL]


DISGUISED = [
    # names from the case records, in any case, with possessives, and disguised in Unicode
    "Jayden was seen alone.",
    "jayden was seen alone.",
    "JAYDEN was seen alone.",
    "Jayden's views were recorded.",
    "Jayden’s views were recorded.",
    "JAYDEN'S views were recorded.",
    "The views of Okonkwo were recorded.",
    "The okonkwo family moved.",
    "The Okonkwos moved house.",
    "The Okonkwos' house was visited.",
    "J\u0430yden was seen.",  # a Cyrillic a
    "Jay\u200bden was seen.",  # a zero-width space inside
    "\uff2a\uff41\uff59\uff44\uff45\uff4e was seen.",  # fullwidth letters
    "Chidinma attended the meeting.",
    "Zoe was seen at school.",  # the record says Zoë
    "Brennan-Hale was seen.",
    # case references with any spacing, hyphen or dash, in any case
    "See BR-09-02214.",
    "See br-09-02214.",
    "See BR 09 02214.",
    "See BR\u201309\u201302214.",  # en dashes
    "See BR\u201409\u201402214.",  # em dashes
    "See BR\u201109\u201102214.",  # non-breaking hyphens
    "See BR0902214.",
    "See BR\u00a009\u00a002214.",  # no-break spaces
    "See (br 09-02214).",
    "See BR/09/02214.",
    "See \uff22\uff32\uff0d\uff10\uff19\uff0d\uff10\uff12\uff12\uff11\uff14.",  # fullwidth
    # the recorded date of birth, written any common way
    "A child of 14/03/2005 was seen.",
    "A child of 14.3.05 was seen.",
    "A child of 14-03-2005 was seen.",
    "A child of 14 March 2005 was seen.",
    "A child of 14th March 2005 was seen.",
    "A child of 14th of March 2005 was seen.",
    "A child of March 14, 2005 was seen.",
    "A child of 14 Mar 2005 was seen.",
    "A child of 2005-03-14 was seen.",
    "A child of 03/14/2005 was seen.",
    "A child of 22 November 2007 was seen.",  # the birth in a nested "birth" key
    # an honorific and a capitalised word
    "Mrs Adebayo said the plan was clear.",
    "Mr. Hargreaves said the plan was clear.",
    "MS PATEL said the plan was clear.",
    "Dr Kowalczyk said the plan was clear.",
    # common given names in no record
    "Tyler was seen at school.",
    "The worker visited Aisha at home.",
    "Muhammad's school was visited.",
    "The worker saw OLIVIA at home.",
    "The worker asked Grace what she wanted.",
    "The worker met Jack and his brother.",
]


def expected_code(index: int) -> str:
    """What each group of forms above is caught as."""
    for end, code in ((16, "name_in_letter"), (27, "case_ref_in_letter"),
                      (38, "date_of_birth_in_letter"), (42, "titled_name_in_letter")):
        if index < end:
            return code
    return "given_name_in_letter"


@pytest.mark.parametrize(("index", "text"), list(enumerate(DISGUISED)))
def test_a_disguised_detail_is_caught(index: int, text: str) -> None:
    assert [code for code, _ in hits(text)] == [expected_code(index)], text


def test_there_are_more_forms_than_the_issue_found() -> None:
    assert len(DISGUISED) >= 41


@pytest.mark.parametrize("text", DISGUISED[:6] + DISGUISED[16:18])
def test_a_detail_in_a_letter_field_names_the_field(text: str) -> None:
    data = letter_data()
    data.inspection.fields["summary"] = f"Practice was seen. {text}"
    results = [r for r in run_checks(data) if r.code in PERSONAL]
    assert results and all(r.target == "field" and r.target_id == "summary" for r in results)
    assert results[0].message.startswith("The letter field summary ")


def test_each_hit_names_the_finding_and_the_text_matched() -> None:
    data = letter_data()
    target = data.findings[3]
    target.text = "Jayden’s plan (BR–09–02214, born 14.3.05) was reviewed by Mrs Adebayo."
    results = [r for r in run_checks(data) if r.code in PERSONAL]
    assert {r.target_id for r in results} == {target.id}
    messages = [r.message for r in results]
    assert any("uses a name from case BR-09-02214's record: “Jayden’s”" in m for m in messages)
    assert any("gives the case reference BR-09-02214: “BR–09–02214”" in m for m in messages)
    assert any("gives the date of birth recorded for case BR-09-02214: “14.3.05”" in m
               for m in messages)
    assert any("names a person with their title: “Mrs Adebayo”" in m for m in messages)
    assert all(m.startswith("The finding “Jayden’s plan") for m in messages)


ORDINARY = [
    "There is hope that the rose garden, Rosebank, will open.",
    "Grace periods for late returns are not used.",
    "Will the council act? It will.",
    "Young people are seen alone and their views are recorded.",
    "Early Help services are well established.",
    "In May 2021 the service moved to a new building.",
    "The Director of Children's Services and the Head of Service lead the work.",
    "A review on 14 March 2019 found the service improving.",
    "Referral forms BR-09-022145 and XBR-09-02214 are templates.",
    "Case records held by the Police and the Youth Justice Service were read.",
    "Ofsted will take these findings into account.",
    "The Referral and Assessment Team West has improved.",
    "Children born in the borough are registered.",
    "Managers make a good case for change, and the case load is lower.",
    "Cases from 2005 and from March 2005 were sampled.",
    "Mark the dates: the March review and the June audit.",
    "Dobson Road offices opened on 12/03/2005.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_raises_no_alarm(text: str) -> None:
    assert hits(text) == []


def test_the_sample_and_every_shipped_template_example_are_clean() -> None:
    data = letter_data()
    assert [r for r in run_checks(data) if r.code in PERSONAL] == []
    for template in ("focused-visit", "focused-visit-2021"):
        data = focused_input()
        data.inspection.fields["template"] = template
        data.cases = letter_data().cases
        for inspector in data.inspectors:
            inspector.extra = {"post_nominals": "HMI"}
        assert [r for r in run_checks(data) if r.code in PERSONAL] == [], template


def test_the_letters_own_people_are_not_names_to_hide() -> None:
    data = letter_data()
    data.findings[3].text = ("Alison Whitcombe and Derek Osei met Heather Brown and "
                             "Ms Pearson; Doug Patterson and Ernest Noad were told.")
    assert hits(data.findings[3].text) == []


def test_allowed_words_of_the_inspection_and_the_template(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = letter_data()
    data.findings[3].text = "The Grace House refuge and Tyler Court family centre are used."
    assert {r.code for r in run_checks(data)} >= {"given_name_in_letter"}
    data.inspection.fields["allowed_words"] = ["Grace House", "Tyler"]
    assert [r for r in run_checks(data) if r.code in PERSONAL] == []


def test_a_template_can_allow_words(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    (folder / "allow.toml").write_text(
        'format = 1\nextends = "ucra-2009"\nallowed_words = ["Tyler"]\n', encoding="utf-8"
    )
    data = letter_data()
    data.inspection.fields["template"] = "allow"
    data.findings[3].text = "Tyler Court family centre is used."
    assert [r for r in run_checks(data) if r.code in PERSONAL] == []
    data.findings[3].text = "Jayden was seen at Tyler Court."
    assert [r.code for r in run_checks(data) if r.code in PERSONAL] == ["name_in_letter"]


def test_names_are_not_looked_for_in_the_official_blocks_but_references_are() -> None:
    data = letter_data()
    data.inspection.fields["recipient"]["address"].append("Ref br 09 02214")
    results = [r for r in run_checks(data) if r.code in PERSONAL]
    assert [(r.code, r.target) for r in results] == [("case_ref_in_letter", "letter")]


def test_folding_reports_the_text_as_typed() -> None:
    folded = fold("J\u0430y\u200bden\u2019s")
    assert folded.text == "Jayden's"
    assert folded.original(0, len(folded.text)) == "J\u0430y\u200bden\u2019s"


def test_a_finding_text_is_printed_as_typed() -> None:
    data = letter_data()
    data.findings = [Finding("x", "satisfactory", 1, "Plain text.")]
    assert "Plain text." in render_text(compose(data))
