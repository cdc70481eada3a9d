"""Optional wording, richer placeholders and checks that ask only for what is printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.checks import letter_fields, required_fields, run_checks
from fieldwork.errors import InvalidValue
from fieldwork.letter import compose, load_template, render_text
from fieldwork.letter.dates import format_date_range
from fieldwork.model import Finding, Inspector, Note, Role, SourceType
from tests.helpers.letterdata import focused_input, reference_input, reference_with_evidence

BASE = '''
format = 1
title = "Visit to {authority}"

[summary]
nouns = { action = ["area for action", "areas for action"] }

[[summary.rules]]
when_count = { action = 1 }
text = "We found one area for action: this area is set out below."

[[summary.rules]]
when_empty = ["action"]
text = "We found no areas for action."

[[summary.rules]]
text = "We found {count:action}: these areas are set out below."

[[body]]
text = "We visited on {fieldwork_dates}. {field:visit_note?}"

[[body]]
id = "priority"
only_if_field = "priority_lead_in"
text = "{field:priority_lead_in}"

[[body]]
only_if_empty = "priority_lead_in"
text = "No lead-in was written."

[[body]]
generated = "summary"

[[body]]
text = """There {count:action:is|are} {count:action} and \\
{count:other:one other finding|other findings}."""

[[body]]
section = "action"
heading = "Actions"
lead_in = "{field:action_lead_in}"

[[body]]
section = "other"
heading = "Other"
'''


@pytest.fixture
def wording(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    (folder / "wording.toml").write_text(BASE, encoding="utf-8")
    return folder


def data_with(actions: int, **fields: object):  # type: ignore[no-untyped-def]
    data = reference_with_evidence(generated=True)
    data.inspection.fields.update(template="wording", **fields)
    data.findings = [Finding(f"a{i}", "action", i + 1, f"Action {i + 1}.") for i in range(actions)]
    data.findings.append(Finding("o1", "other", 1, "Other finding."))
    for note in data.notes:
        note.findings = [f.id for f in data.findings] if note.findings else []
    return data


def text_of(data) -> str:  # type: ignore[no-untyped-def]
    return render_text(compose(data, draft=False))


def test_only_if_field_and_only_if_empty(wording: Path) -> None:
    text = text_of(data_with(2))
    assert "No lead-in was written." in text
    text = text_of(data_with(2, priority_lead_in="The council must act on these."))
    assert "The council must act on these." in text and "No lead-in" not in text


def test_an_optional_field_prints_nothing_when_empty(wording: Path) -> None:
    assert "We visited on 24 and 25 June 2009.\n" in text_of(data_with(1))
    assert "24 and 25 June 2009. It was a short visit." in text_of(
        data_with(1, visit_note="It was a short visit.")
    )


def test_summary_rules_can_test_exact_counts(wording: Path) -> None:
    assert "We found one area for action: this area is set out below." in text_of(data_with(1))
    assert "We found two areas for action: these areas" in text_of(data_with(2))
    assert "We found no areas for action." in text_of(data_with(0))


def test_counts_work_in_body_text(wording: Path) -> None:
    assert "There is one area for action and one other finding." in text_of(data_with(1))
    assert "There are two areas for action and one other finding." in text_of(data_with(2))


def test_neither_makes_a_field_required(wording: Path) -> None:
    data = data_with(2)
    codes = {(r.code, r.target_id) for r in run_checks(data)}
    assert ("missing_field", "priority_lead_in") not in codes
    assert ("missing_field", "visit_note") not in codes
    # the section is printed with its lead-in, which reads a field: that one is required
    assert ("missing_field", "action_lead_in") in codes
    assert {"priority_lead_in", "visit_note", "action_lead_in"} <= set(
        letter_fields(load_template("wording"))
    )


def test_a_field_read_only_by_what_is_not_printed_is_not_required(wording: Path) -> None:
    data = data_with(0)  # no actions: the section and its lead-in are left out
    codes = {(r.code, r.target_id) for r in run_checks(data)}
    assert ("missing_field", "action_lead_in") not in codes
    assert "action_lead_in" in required_fields(load_template("wording"))
    assert "action_lead_in" not in required_fields(load_template("wording"), data)


def test_the_priority_lead_in_misfire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A focused visit with no priority actions whose lead-in is a letter field."""
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    (folder / "fv.toml").write_text('''format = 1
extends = "focused-visit"

[[body]]
section = "priority_action"
heading = "Areas for priority action"
lead_in = "{field:priority_lead_in}"
''', encoding="utf-8")
    data = focused_input(priority=False)
    data.inspection.fields["template"] = "fv"
    assert "priority_lead_in" not in {r.target_id for r in run_checks(data)}
    data = focused_input(priority=True)
    data.inspection.fields["template"] = "fv"
    assert ("missing_field", "priority_lead_in") in {
        (r.code, r.target_id) for r in run_checks(data)
    }


def test_when_count_names_a_known_section(wording: Path) -> None:
    (wording / "wording.toml").write_text(
        BASE.replace("when_count = { action = 1 }", "when_count = { nope = 1 }"), encoding="utf-8"
    )
    with pytest.raises(InvalidValue, match=r"wording.toml: summary.rules\[0\]: no section 'nope'"):
        load_template("wording")
    (wording / "wording.toml").write_text(
        BASE.replace("when_count = { action = 1 }", "when_count = { action = -1 }"),
        encoding="utf-8",
    )
    with pytest.raises(InvalidValue, match=r"summary.rules\[0\].when_count: must be a table"):
        load_template("wording")


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2021-11-09", "2021-11-10"], "9 to 10 November 2021"),
        (["2021-11-09"], "9 November 2021"),
        (["2009-06-30", "2009-07-01", "2009-07-02"], "30 June to 2 July 2009"),
        (["2009-12-31", "2010-01-01"], "31 December 2009 to 1 January 2010"),
        (["2021-11-10", "2021-11-09", "2021-11-09"], "9 to 10 November 2021"),
        ([], ""),
    ],
)
def test_date_ranges(dates: list[str], expected: str) -> None:
    assert format_date_range(dates) == expected


def placeholder_text(text: str, tmp_path: Path, data=None) -> str:  # type: ignore[no-untyped-def]
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "p.toml").write_text(f'format = 1\n[[body]]\ntext = "{text}"\n', encoding="utf-8")
    data = data or reference_with_evidence()
    data.inspection.fields["template"] = "p"
    return next(b.text for b in compose(data).blocks if b.kind == "paragraph")


@pytest.fixture
def users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FIELDWORK_DATA_DIR", str(tmp_path))
    return tmp_path


def hmi_team() -> list[Inspector]:
    return [
        Inspector("i2", "Matthew Brazier", Role.TEAM,
                  {"post_nominals": "HMI", "title": "Social Care Regulatory Inspector"}),
        Inspector("i1", "Neil Penswick", Role.LEAD,
                  {"post_nominals": "HMI", "title": "His Majesty's Inspector"}),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{inspectors:post_nominals}", "Neil Penswick, HMI, and Matthew Brazier, HMI"),
        ("{inspectors:titles}", "Neil Penswick, His Majesty's Inspector, and Matthew Brazier, "
                                "Social Care Regulatory Inspector"),
        ("{inspectors}", "Neil Penswick and Matthew Brazier"),
        ("{lead_inspector:post_nominals}", "Neil Penswick, HMI"),
        ("{inspectors:Inspector|Inspectors} {inspectors:was|were}", "Inspectors were"),
        ("{fieldwork_dates:range}", "24 to 25 June 2009"),
        ("{fieldwork_dates:first}-{fieldwork_dates:last}", "24 June 2009-25 June 2009"),
        ("{signatory:titles}", "Heather Brown, Divisional Manager, Social Care Safeguarding"),
    ],
)
def test_styled_placeholders(users: Path, text: str, expected: str) -> None:
    data = reference_with_evidence()
    data.inspectors = hmi_team()
    assert placeholder_text(text, users, data) == expected


def test_people_without_post_nominals_are_plain_names(users: Path) -> None:
    data = reference_with_evidence()
    data.inspectors = [Inspector("i1", "Neil Penswick", Role.LEAD),
                       Inspector("i2", "Matthew Brazier", Role.TEAM, {"post_nominals": "HMI"})]
    assert placeholder_text("{inspectors:post_nominals}", users, data) == (
        "Neil Penswick, and Matthew Brazier, HMI"
    )
    data.inspectors[1].extra = {}
    assert placeholder_text("{inspectors:post_nominals}", users, data) == (
        "Neil Penswick and Matthew Brazier"
    )


@pytest.mark.parametrize(
    "bad",
    ["{inspectors:nicknames}", "{fieldwork_dates:short}", "{authority:a|b}", "{count:nope:a|b}",
     "{inspectors:a|b|c}", "{field:a..b}"],
)
def test_unknown_styles_are_refused(users: Path, bad: str) -> None:
    with pytest.raises(InvalidValue, match="unknown placeholder"):
        placeholder_text(bad, users)


def test_focused_visit_agrees_with_one_inspector() -> None:
    data = focused_input()
    data.inspectors = data.inspectors[:1]
    text = render_text(compose(data, draft=False))
    assert "His Majesty's Inspector for this visit was Alison Whitcombe." in text
    data = focused_input()
    text = render_text(compose(data, draft=False))
    assert "His Majesty's Inspectors for this visit were Alison Whitcombe and Derek Osei." in text


def test_staff_roles_come_from_interviews_only() -> None:
    data = reference_with_evidence(generated=True)
    data.notes.append(Note("obs", data.inspectors[0].id, SourceType.OBSERVATION,
                           "2009-06-24T10:00", "Watched the duty desk.",
                           subject_role="Duty desk clerk"))
    text = render_text(compose(data, draft=False))
    assert "duty desk clerks" not in text
    assert "managers, social workers, other practitioners and administrative staff" in text


def test_a_template_chooses_the_sources_of_staff_roles(users: Path) -> None:
    folder = users / "templates"
    folder.mkdir()
    (folder / "roles.toml").write_text('''format = 1
[evidence]
sentences = ["We met {staff_roles}."]
role_sources = ["interview", "observation"]
[[body]]
generated = "evidence_statement"
''', encoding="utf-8")
    data = reference_with_evidence(generated=True)
    data.inspection.fields["template"] = "roles"
    data.notes.append(Note("obs", data.inspectors[0].id, SourceType.OBSERVATION,
                           "2009-06-24T10:00", "Watched.", subject_role="Duty desk clerk"))
    assert "duty desk clerks" in render_text(compose(data, draft=False))
    (folder / "roles.toml").write_text('format = 1\n[evidence]\nrole_sources = ["chat"]\n'
                                       '[[body]]\ntext = "x"\n', encoding="utf-8")
    with pytest.raises(InvalidValue, match=r"evidence.role_sources\[0\]: not a source type"):
        load_template("roles")


def test_the_letter_names_what_it_leaves_out() -> None:
    from fieldwork.checks import left_out

    data = reference_input()
    data.findings[0].section = "praise"
    template = load_template("ucra-2009")
    assert [f.id for f in left_out(data, template)] == [data.findings[0].id]
