"""Timeliness over case records: the figures by each start, the problems listed (not
guessed), the reported figure said plainly, and the draft finding."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fieldwork.errors import InvalidValue
from fieldwork.model import Case, Inspection
from fieldwork.timeliness import Nation, Rule, assess, assess_store, compute
from fieldwork.timeliness.compare import reported_figures
from fieldwork.timeliness.finding import draft_section, draft_text, evidence_refs

IA = Rule(key="initial_assessment", name="Initial assessment within 7 working days",
          start="referral_date", end="assessment_completed", limit=7,
          alternative_starts=("assessment_start",), terms=("initial assessment", "IA"))
VISIT = Rule(key="visit", name="Visit within 3 days", start="referral_date", end="seen",
             limit=3, unit="calendar")


def case(ref: str, **fields: Any) -> Case:
    return Case(id=f"id-{ref}", ref=ref, fields=fields)


def inspection(**fields: Any) -> Inspection:
    return Inspection(id="i", fields={"fieldwork_dates": ["2009-06-24", "2009-06-25"],
                                      **fields})


CASES = [
    # In time both ways: 6 working days.
    case("A", referral_date="2009-03-03", assessment_start="2009-03-03",
         assessment_completed="2009-03-11"),
    # Late from the referral (9), in time from the start the authority recorded (7).
    case("B", referral_date="2009-03-19", assessment_start="2009-03-23",
         assessment_completed="2009-04-01"),
    # Late either way: 13 and 9.
    case("C", referral_date="2009-04-23", assessment_start="2009-04-29",
         assessment_completed="2009-05-13"),
    # Over Easter: 8 from the referral, 7 from the start.
    case("D", referral_date="2009-04-07", assessment_start="2009-04-08",
         assessment_completed="2009-04-21"),
    # Still open on the first fieldwork day.
    case("E", referral_date="2009-06-15", assessment_start="2009-06-15",
         assessment_completed=None),
    # No start recorded by the authority: measured by the rule only (4: May Day).
    case("F", referral_date="2009-05-01", assessment_completed="2009-05-08"),
    # Impossible: completed before the referral.
    case("G", referral_date="2009-05-12", assessment_start="2009-05-12",
         assessment_completed="2009-05-01"),
    # Unreadable, and UK style.
    case("H", referral_date="12th May", assessment_completed="2009-05-20"),
    case("I", referral_date="02/06/2009", assessment_start="2009-06-02T09:30",
         assessment_completed="2009-06-10 16:00"),
    # None of the rule's dates: not in its scope at all.
    case("J", risk="Low"),
    # A typo for a year.
    case("K", referral_date="2009-06-01", assessment_completed="0209-06-05"),
    # A completion date but no referral date.
    case("L", assessment_start="2009-06-01", assessment_completed="2009-06-05"),
]


def test_each_start_measured_and_the_problems_listed() -> None:
    (result,) = compute(CASES, [IA], Nation.ENGLAND, as_of=dt.date(2009, 6, 24))
    national, (alt,) = result.national, result.alternatives
    days = {t.ref: (t.days, t.within) for t in national.timings}
    assert days == {"A": (6, True), "B": (9, False), "C": (13, False), "D": (8, False),
                    "F": (4, True), "I": (6, True)}
    assert (national.cases, national.within, national.percent) == (6, 3, 50.0)
    alt_days = {t.ref: (t.days, t.within) for t in alt.timings}
    assert alt_days == {"A": (6, True), "B": (7, True), "C": (9, False), "D": (7, True),
                        "I": (6, True), "L": (4, True)}
    assert (alt.cases, alt.within, alt.percent) == (6, 5, 83.3)
    assert [d.ref for d in result.differences(alt)] == ["B", "D"]
    assert [t.ref for t in result.late] == ["B", "C", "D"]
    problems = {(p.ref, p.kind): p for p in national.problems}
    assert set(problems) == {("E", "open"), ("G", "before_start"), ("H", "unreadable"),
                             ("K", "unreadable"), ("L", "missing")}
    assert problems[("E", "open")].open_days == 7
    assert problems[("E", "open")].message == (
        "no initial assessment completed date (still open: 7 working days on 2009-06-24)")
    assert problems[("G", "before_start")].message == (
        "Initial assessment completed (2009-05-01) is before referral date (2009-05-12)")
    assert problems[("H", "unreadable")].message == (
        "Referral date '12th May' is not a date (YYYY-MM-DD)")
    assert "outside the years" in problems[("K", "unreadable")].message
    assert problems[("L", "missing")].message == "no referral date"
    alt_problems = {(p.ref, p.kind) for p in alt.problems}
    assert ("F", "missing") in alt_problems and ("H", "missing") in alt_problems
    assert "id-J" not in result.scope and len(result.scope) == 11


def test_a_value_that_is_not_text_is_unreadable_not_a_crash() -> None:
    cases = [case("A", referral_date=["2009-03-03"], assessment_completed="2009-03-11"),
             case("B", referral_date={"d": 1}, assessment_completed=20090311),
             case("C", referral_date=dt.date(2009, 3, 3), assessment_completed="2009-03-11"),
             case("D", referral_date="2009-03-03", assessment_completed="2009-03-11")]
    (result,) = compute(cases, [IA])
    assert {t.ref: t.days for t in result.national.timings} == {"C": 6, "D": 6}
    assert [(p.ref, p.kind) for p in result.national.problems] == [
        ("A", "unreadable"), ("B", "unreadable")]
    assert result.national.problems[0].message == (
        "Referral date \"['2009-03-03']\" is not a date (YYYY-MM-DD)")


def test_a_calendar_day_rule_counts_every_day() -> None:
    cases = [case("A", referral_date="2009-04-09", seen="2009-04-13"),
             case("B", referral_date="2009-04-09", seen="2009-04-12")]
    (result,) = compute(cases, [VISIT])
    assert {t.ref: t.days for t in result.national.timings} == {"A": 4, "B": 3}
    assert result.national.within == 1


def test_each_nation_counts_its_own_holidays() -> None:
    # Easter Monday is not a holiday in Scotland: 8 working days there, not 7.
    cases = [case("A", referral_date="2009-04-08", assessment_completed="2009-04-21")]
    (eng,) = compute(cases, [IA], Nation.ENGLAND)
    (sct,) = compute(cases, [IA], Nation.SCOTLAND)
    assert (eng.national.timings[0].days, eng.national.within) == (7, 1)
    assert (sct.national.timings[0].days, sct.national.within) == (8, 0)
    found = assess(inspection(nation="Scotland"), cases, rules=[IA])
    assert found.nation is Nation.SCOTLAND and found.results[0].national.within == 0


def test_no_cases_no_figure() -> None:
    (result,) = compute([case("J", risk="Low")], [IA])
    assert result.national.percent is None and not result.scope


def test_the_sample_shows_the_discrepancy_the_letter_reports(sample_store: Any) -> None:
    found = assess_store(sample_store)
    assert [r.rule.key for r in found.results] == ["initial_assessment", "core_assessment"]
    ia = found.result("initial_assessment")
    assert (ia.national.cases, ia.national.within, ia.national.percent) == (26, 18, 69.2)
    (alt,) = ia.alternatives
    assert (alt.start, alt.cases, alt.within, alt.percent) == ("assessment_start", 26, 22, 84.6)
    assert [p.ref for p in ia.national.problems] == ["BR-09-04172", "BR-09-04236"]
    comparison = found.comparison(ia)
    assert comparison is not None and comparison.differs
    assert comparison.reported.percent == 84.0
    assert comparison.explained_by is alt
    assert comparison.sentences() == [
        "The case records give 69% (18 of 26) measured from the referral date, as the rule "
        "requires: 15 points below the 84% the authority reports.",
        "Measured from the assessment start instead, they give 85% (22 of 26): the reported "
        "figure matches that method, not the rule.",
    ]
    core = found.result("core_assessment")
    assert (core.national.cases, core.national.within) == (4, 4)
    assert found.comparison(core) is None


def test_a_reported_figure_that_agrees_or_that_nothing_explains() -> None:
    cases = CASES[:4]  # 1 of 4 in time from the referral, 3 of 4 from the start
    agrees = assess(inspection(reported_timeliness={"initial_assessment": "27%"}), cases,
                    rules=[IA])
    c = agrees.comparison(agrees.results[0])
    assert c is not None and not c.differs and c.explained_by is None
    assert c.sentences() == ["The authority reports 27%; the case records agree: 25% (1 of 4) "
                             "measured from the referral date, as the rule requires (within "
                             "2 points)."]
    by_name = assess(inspection(reported_timeliness={IA.name: 50}), cases, rules=[IA])
    c = by_name.comparison(by_name.results[0])
    assert c is not None and c.differs and c.explained_by is None
    assert c.sentences()[1] == "No other start date in the records gives the reported figure."
    lower = assess(inspection(reported_timeliness={"initial_assessment": 10}), cases,
                   rules=[IA])
    c = lower.comparison(lower.results[0])
    assert c is not None and "15 points above the 10%" in c.sentences()[0]


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ([84], "reported_timeliness must be a table of rule keys and percentages"),
        ({"initial_assessment": "lots"}, "reported_timeliness.initial_assessment must be a "
                                         "percentage from 0 to 100, not 'lots'"),
        ({"initial_assessment": 140}, "not 140"),
        ({"initial_assessment": True}, "not True"),
        ({"initial_assessment": None}, "not None"),
    ],
)
def test_a_bad_reported_figure_is_a_clear_error(value: Any, error: str) -> None:
    with pytest.raises(InvalidValue, match=error):
        reported_figures({"reported_timeliness": value})
    with pytest.raises(InvalidValue, match=error):
        assess(inspection(reported_timeliness=value), CASES, rules=[IA])


def test_a_bad_nation_is_a_clear_error() -> None:
    with pytest.raises(InvalidValue, match="unknown nation 'Mercia'"):
        assess(inspection(nation="Mercia"), CASES, rules=[IA])


def test_the_draft_finding_gives_the_figures_and_no_case_references(sample_store: Any) -> None:
    found = assess_store(sample_store, rule="initial_assessment")
    (ia,) = found.results
    text = draft_text(ia, found.comparison(ia))
    assert text == (
        "Initial assessments are not always completed within 7 working days: the case records "
        "show 69% (18 of 26) completed in time, measured from the referral date as the rule "
        "requires. The authority reports 84%, measuring from the assessment start, which gives "
        "85% (22 of 26); that method does not accord with national requirements. A further 2 "
        "were not yet completed when the records were read."
    )
    assert "BR-" not in text
    refs = evidence_refs(ia)
    assert refs == ["BR-09-02391", "BR-09-02602", "BR-09-02815", "BR-09-02976", "BR-09-03255",
                    "BR-09-03471", "BR-09-03755", "BR-09-03819"]


def test_draft_wording_when_all_is_well() -> None:
    cases = [CASES[0]]
    (result,) = compute(cases, [IA])
    assert draft_text(result) == (
        "Initial assessments are completed within 7 working days: the case records show 100% "
        "(1 of 1) completed in time, measured from the referral date as the rule requires.")
    assert evidence_refs(result) == ["A"]
    (empty,) = compute([], [IA])
    with pytest.raises(ValueError):
        draft_text(empty)


def test_the_section_for_a_draft_finding() -> None:
    assert draft_section({"satisfactory": "", "strength": "Strengths",
                          "development": "Areas for development"}) == "development"
    assert draft_section(["priority_action", "improve", "findings"]) == "improve"
    assert draft_section({"a": "Overview", "b": "Where to develop practice"}) == "b"
    assert draft_section({"a": "Overview"}) == "a"
    assert draft_section({}) is None


def test_many_cases_share_parsed_dates_and_one_table() -> None:
    cases = [case(f"R{i}", referral_date=f"2009-0{1 + i % 9}-1{i % 10}",
                  assessment_start=f"2009-0{1 + i % 9}-1{i % 10}",
                  assessment_completed=f"2010-0{1 + i % 9}-2{i % 9}") for i in range(500)]
    (result,) = compute(cases, [IA])
    assert result.national.cases == 500
    # Every one took more than a year: none in time.
    assert result.national.within == 0 and min(t.days for t in result.national.timings) > 200
