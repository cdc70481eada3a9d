"""``fieldwork timeliness`` and the timeliness warning of ``fieldwork check``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from fieldwork.cli import main
from fieldwork.store import Store
from fieldwork.timeliness.rules import user_rules_dir
from tests.conftest import SAMPLE


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def sample_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "sample.fieldwork"
    assert run(capsys, "import", path, SAMPLE)[0] == 0
    return path


def test_the_sample_says_plainly_that_the_reported_figure_is_not_the_rules(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "timeliness", sample_file)
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Initial assessment within 7 working days [initial_assessment]"
    assert "  From the referral date:    18 of 26 within the limit (69%)   the rule" in lines
    assert "  From the assessment start: 22 of 26 within the limit (85%)   alternative" in lines
    assert "  Reported: 84% (reported_timeliness.initial_assessment)" in lines
    assert ("  ! The case records give 69% (18 of 26) measured from the referral date, as the "
            "rule requires: 15 points below the 84% the authority reports.") in lines
    assert ("  ! Measured from the assessment start instead, they give 85% (22 of 26): the "
            "reported figure matches that method, not the rule.") in lines
    # The cases that differ, with their days both ways.
    assert "  Cases that differ from the assessment start (4):" in lines
    assert ("    BR-09-02602  9 working days (2009-03-19 → 2009-04-01); 7 from the assessment "
            "start (2009-03-23): in time that way") in lines
    assert "  Late either way (4):" in lines
    assert ("    BR-09-03255  13 working days (2009-04-23 → 2009-05-13); 9 from the assessment "
            "start") in lines
    # Open assessments are listed, not guessed.
    assert "  Not counted (2):" in lines
    assert ("    BR-09-04172  no initial assessment completed date (still open: 7 working days "
            "on 2009-06-24)") in lines
    assert "Core assessment within 35 working days [core_assessment]" in lines
    assert "  From the core assessment start: 4 of 4 within the limit (100%)   the rule" in lines
    assert lines[-1] == ("Working days in England: weekends and bank holidays do not count; "
                         "the day of the start is day 0.")


def test_json_is_one_object_per_rule(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "timeliness", sample_file, "--json")
    assert status == 0
    doc = json.loads(out)
    assert [d["key"] for d in doc] == ["initial_assessment", "core_assessment"]
    ia = doc[0]
    assert {"rule", "cases", "within", "percent", "alternatives", "problems"} <= set(ia)
    assert (ia["rule"], ia["cases"], ia["within"], ia["percent"]) == (
        "Initial assessment within 7 working days", 26, 18, 69.2)
    (alt,) = ia["alternatives"]
    assert (alt["start"], alt["cases"], alt["within"], alt["percent"]) == (
        "assessment_start", 26, 22, 84.6)
    assert alt["differ"] == ["BR-09-02602", "BR-09-02815", "BR-09-02976", "BR-09-03471"]
    assert [p["case"] for p in ia["problems"]] == ["BR-09-04172", "BR-09-04236"]
    assert ia["problems"][0] == {
        "case": "BR-09-04172", "field": "assessment_completed", "kind": "open",
        "message": "no initial assessment completed date (still open: 7 working days on "
                   "2009-06-24)",
        "open_days": 7}
    assert ia["reported"]["percent"] == 84.0 and ia["reported"]["differs"] is True
    assert ia["reported"]["explained_by"] == "assessment_start"
    assert ia["reported"]["difference"] == 14.8
    assert len(ia["timings"]) == 26
    assert ia["timings"][0] == {"case": "BR-09-02214", "start": "2009-03-03",
                                "end": "2009-03-11", "days": 6, "within": True}
    assert ia["nation"] == "England"


def test_one_rule_by_key_or_name(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "timeliness", sample_file, "--rule", "core_assessment", "--json")
    assert status == 0 and [d["key"] for d in json.loads(out)] == ["core_assessment"]
    # A rule not in force for this inspection may still be asked for by name.
    status, out, _ = run(capsys, "timeliness", sample_file, "--rule",
                         "Assessment within 45 working days", "--json")
    (single,) = json.loads(out)
    assert (single["key"], single["within"], single["cases"]) == ("single_assessment", 26, 26)
    assert single["reported"] is None


def test_list_rules_marks_those_in_use(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "timeliness", sample_file, "--list-rules")
    assert status == 0
    assert out.splitlines()[0].startswith("* working-together-2006: Working Together 2006")
    assert "  working-together-2013: Working Together 2013: the single assessment (shipped, " \
           "in force 2013-04-15 to …)" in out.splitlines()


def test_a_users_rule_is_used(sample_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = user_rules_dir()
    folder.mkdir(parents=True)
    (folder / "decisions.toml").write_text(
        '[decision]\nname = "Decision within 1 working day"\nstart = "referral_date"\n'
        'end = "decision_date"\nlimit = 1\n', encoding="utf-8")
    status, out, _ = run(capsys, "timeliness", sample_file, "--rule", "decision")
    assert status == 0
    assert "  From the referral date: 26 of 28 within the limit (93%)   the rule" in out


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("rule", "error: no timeliness rule called 'visits' (known: core_assessment, "
                 "initial_assessment, single_assessment)"),
        ("nation", "error: unknown nation 'Mercia'; expected one of: England, Wales, Scotland, "
                   "Northern Ireland"),
        ("reported", "error: the inspection field reported_timeliness.initial_assessment must "
                     "be a percentage from 0 to 100, not 'most'"),
        ("broken", "error: local.toml: initial_assessment.unit: must be 'working' or "
                   "'calendar', not 'days'"),
        ("sets", "error: the inspection field timeliness_rules names 'nope', which is not a "
                 "rule set"),
    ],
)
def test_bad_input_is_one_error_line_and_nothing_changes(
    sample_file: Path, capsys: pytest.CaptureFixture[str], setup: str, error: str
) -> None:
    argv: list[object] = ["timeliness", sample_file]
    with Store.open(sample_file) as store:
        if setup == "rule":
            argv += ["--rule", "visits"]
        elif setup == "nation":
            store.update_inspection({"nation": "Mercia"})
        elif setup == "reported":
            store.update_inspection({"reported_timeliness": {"initial_assessment": "most"}})
        elif setup == "sets":
            store.update_inspection({"timeliness_rules": ["nope"]})
        else:
            folder = user_rules_dir()
            folder.mkdir(parents=True)
            (folder / "local.toml").write_text(
                '[initial_assessment]\nname = "x"\nstart = "a"\nend = "b"\nlimit = 1\n'
                'unit = "days"\n', encoding="utf-8")
    before = hashlib.sha256(sample_file.read_bytes()).hexdigest()
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith(error) and err.count("\n") == 1
    assert hashlib.sha256(sample_file.read_bytes()).hexdigest() == before


def test_a_file_that_is_not_an_inspection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.fieldwork"
    junk.write_text("not sqlite")
    status, _, err = run(capsys, "timeliness", junk)
    assert status == 2 and err.startswith("error: ")


def test_no_rules_in_use_and_no_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.fieldwork"
    Store.create(path, inspection={"fieldwork_dates": ["2019-03-01"]}).close()
    status, out, _ = run(capsys, "timeliness", path)
    assert status == 0
    assert out.splitlines()[:2] == [
        "Assessment within 45 working days [single_assessment]",
        "  No case records have referral_date or assessment_completed dates."]
    status, out, _ = run(capsys, "timeliness", path, "--json")
    (rule,) = json.loads(out)
    assert (rule["cases"], rule["within"], rule["percent"], rule["problems"]) == (0, 0, None, [])


def test_check_warns_when_a_findings_figure_disagrees_with_the_records(
    sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "check", sample_file)
    assert status == 0 and "timeliness" not in out.lower()
    with Store.open(sample_file) as store:
        wrong = store.add_finding(
            "development", "84% of initial assessments were completed within 7 working days.",
        ).created
        fair = store.add_finding(
            "development", "The authority reports that 84% of initial assessments are timely; "
                           "inspectors found 69%.",
        ).created
        vague = store.add_finding(
            "development", "Timeliness is improving: 40% fewer complaints.",
        ).created
        for finding in (wrong, fair, vague):
            assert finding is not None
            note = store.notes()[0]
            store.link(note.id, finding)
            store.link(store.notes()[-1].id, finding)
    status, out, _ = run(capsys, "check", sample_file)
    warnings = [line for line in out.splitlines() if "case records show" in line]
    assert warnings == [
        "warning: The finding “84% of initial assessments were completed withi…” gives 84%, "
        "but the case records show 69% of initial assessments within 7 working days (18 of "
        "26, from the referral date); 84% is the figure from the assessment start, not the "
        f"rule's start [finding {wrong}]",
        "warning: The finding “Timeliness is improving: 40% fewer complaints.” gives 40%, but "
        "the case records show 69% of initial assessments within 7 working days (18 of 26, "
        "from the referral date); and 100% of core assessments within 35 working days (4 of 4, "
        f"from the core assessment start) [finding {vague}]",
    ]
