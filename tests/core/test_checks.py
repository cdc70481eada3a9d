import pytest

from fieldwork.checks import CheckResult, blocking, run_checks
from fieldwork.model import Finding, SourceType
from tests.helpers.letterdata import focused_input, reference_with_evidence


@pytest.fixture(autouse=True)
def _no_user_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path / "empty"))


@pytest.fixture
def data():
    return reference_with_evidence()


def keep_findings(data, keep):
    """Keep only the findings ``keep`` accepts, and untag notes from the others."""
    data.findings = [f for f in data.findings if keep(f)]
    live = {f.id for f in data.findings}
    for note in data.notes:
        note.findings = [t for t in note.findings if t in live]


def codes(results):
    return [(r.code, r.target, r.target_id) for r in results]


def test_complete_letter_passes(data):
    assert run_checks(data) == []
    assert not blocking([])


def test_focused_visit_passes():
    assert run_checks(focused_input()) == []


def test_blocking_means_any_error():
    warning = CheckResult("warning", "x", "x", "letter", None)
    error = CheckResult("error", "x", "x", "letter", None)
    assert not blocking([warning])
    assert blocking([warning, error])


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("authority", "authority"),
        ("letter_date", "letter_date"),
        ("fieldwork_dates", "fieldwork_dates"),
        ("statutory_basis", "statutory_basis"),
    ],
)
def test_missing_letter_field_is_an_error(data, field, path):
    data.inspection.fields[field] = None
    results = run_checks(data)
    assert ("missing_field", "field", path) in codes(results)
    assert blocking(results)


def test_missing_recipient_salutation_and_signatory_are_errors(data):
    data.inspection.fields["recipient"] = {}
    del data.inspection.fields["signatory"]
    found = codes(run_checks(data))
    assert ("missing_field", "field", "recipient.name") in found
    assert ("missing_field", "field", "recipient.salutation") in found
    assert ("missing_field", "field", "signatory.name") in found


def test_signatories_list_counts_as_a_signatory(data):
    del data.inspection.fields["signatory"]
    data.inspection.fields["signatories"] = [{"name": "Heather Brown"}]
    assert run_checks(data) == []


def test_malformed_date_is_an_error(data):
    data.inspection.fields["letter_date"] = "24/07/2009"
    assert ("invalid_field", "field", "letter_date") in codes(run_checks(data))


def test_finding_without_evidence_is_an_error(data):
    target = data.findings[3]
    data.notes = [n for n in data.notes if target.id not in n.findings]
    results = run_checks(data)
    assert codes(results) == [("no_evidence", "finding", target.id)]
    assert blocking(results)


def test_finding_from_one_source_type_is_a_triangulation_warning(data):
    target = data.findings[0]
    for note in data.notes:
        if target.id in note.findings:
            note.source = SourceType.CASE_RECORD
    results = run_checks(data)
    assert codes(results) == [("single_source_type", "finding", target.id)]
    assert "case record" in results[0].message
    assert not blocking(results)


def test_finding_from_one_inspector_is_a_triangulation_warning(data):
    target = data.findings[0]
    for note in data.notes:
        if target.id in note.findings:
            note.author = "Alison Whitcombe"  # by name: the same person as insp-lead
    data.notes[0].author = "insp-lead"
    results = run_checks(data)
    assert codes(results) == [("single_inspector", "finding", target.id)]


def test_required_section_left_empty_is_an_error(data):
    keep_findings(data, lambda f: f.section != "satisfactory")
    assert codes(run_checks(data)) == [("empty_section", "section", "satisfactory")]


def test_optional_empty_section_is_fine(data):
    keep_findings(data, lambda f: f.section != "strength")
    assert run_checks(data) == []


def test_focused_visit_needs_findings():
    data = focused_input()
    keep_findings(data, lambda f: f.section != "findings")
    assert ("empty_section", "section", "findings") in codes(run_checks(data))


def test_finding_in_unknown_section_is_an_error(data):
    data.findings[0].section = "praise"
    assert ("unknown_section", "finding", data.findings[0].id) in codes(run_checks(data))


def test_case_reference_in_a_finding_is_an_error(data):
    target = data.findings[2]
    target.text += " See case br-09-02287."
    results = run_checks(data)
    assert codes(results) == [("case_ref_in_letter", "finding", target.id)]
    assert blocking(results)


def test_case_reference_in_the_summary_names_the_field(data):
    data.inspection.fields["summary"] = "As case BR-09-02214 showed, all is well."
    assert codes(run_checks(data)) == [("case_ref_in_letter", "field", "summary")]


def test_case_reference_elsewhere_names_the_letter(data):
    data.inspection.fields["recipient"]["address"].append("Ref BR-09-02214")
    assert codes(run_checks(data)) == [("case_ref_in_letter", "letter", None)]


def test_similar_reference_is_not_a_case_reference(data):
    data.findings[0].text += " Form BR-09-022145 and XBR-09-02214 are templates."
    assert run_checks(data) == []


@pytest.mark.parametrize(
    "text",
    [
        "The child (DOB 12/03/2005) was seen.",
        "The child, d.o.b. 12.03.05, was seen.",
        "Her date of birth is recorded.",
        "A baby born 12/03/2005 was seen.",
        "A baby born on 3rd March 2009 was seen.",
    ],
)
def test_date_of_birth_is_an_error(data, text):
    data.findings[0].text = text
    assert codes(run_checks(data)) == [("date_of_birth_in_letter", "finding", data.findings[0].id)]


@pytest.mark.parametrize(
    "text",
    [
        "Reborn services were born out of the 2008 review.",
        "Dobson Road offices opened on 12/03/2005.",
        "Children born in the borough are registered.",
    ],
)
def test_ordinary_text_is_not_a_date_of_birth(data, text):
    data.findings[0].text = text
    assert run_checks(data) == []


def test_name_from_a_case_record_is_an_error(data):
    data.findings[1].text += " Jayden was seen alone."
    results = run_checks(data)
    assert codes(results) == [("name_in_letter", "finding", data.findings[1].id)]
    assert "Jayden" in results[0].message


def test_names_are_read_from_nested_name_keys(data):
    data.cases[1].urgent = {"family": {"mother": "Ms Keisha Marlowe"}, "action": "Referred back"}
    data.findings[4].text += " Marlowe was told."
    assert codes(run_checks(data)) == [("name_in_letter", "finding", data.findings[4].id)]


def test_other_case_fields_are_not_read_as_names(data):
    data.cases[0].fields.update(
        referral_source="Police", child_seen="Yes, Children seen", judgement="Good"
    )
    assert run_checks(data) == []


def test_names_match_whole_words_with_their_case(data):
    data.cases[0].fields["child_name"] = "Hope Rose"
    data.findings[0].text += " There is hope that the rose garden, Rosebank, will open."
    assert run_checks(data) == []


def test_officials_sharing_a_case_name_are_not_flagged(data):
    data.cases[0].fields["mother_name"] = "Gillian Brown"
    assert run_checks(data) == []


def test_note_tagged_to_a_deleted_finding_is_a_warning(data):
    note = data.notes[-1]
    note.findings.append("deleted-finding")
    results = run_checks(data)
    assert codes(results) == [("tag_to_missing_finding", "note", note.id)]
    assert not blocking(results)


def test_missing_signature_image_is_a_warning(data):
    data.inspection.fields["signatory"]["signature"] = "/nowhere/signature.png"
    results = run_checks(data)
    assert codes(results) == [("signature_missing", "field", "signatory.signature")]
    assert not blocking(results)


def test_every_result_names_its_target(data):
    data.findings.append(Finding("lonely", "development", 9, "Unbacked, see BR-09-02214."))
    data.inspection.fields["authority"] = ""
    for result in run_checks(data):
        assert result.target in ("field", "finding", "note", "section", "letter")
        assert result.message and "\n" not in result.message
        if result.target != "letter":
            assert result.target_id
