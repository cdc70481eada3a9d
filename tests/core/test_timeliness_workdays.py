"""Working days: the day of the start is day 0; weekends and each nation's bank holidays
do not count. Worked examples across Christmas, Easter and the 2009 and 2010 holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldwork.errors import InvalidValue
from fieldwork.timeliness.workdays import (
    Nation,
    WorkingCalendar,
    calendar_for,
    nation_from,
    working_days,
)

D = dt.date.fromisoformat
ENG, WLS, SCT, NIR = Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND


def test_the_day_of_the_start_is_day_0() -> None:
    # Tuesday 3 March 2009 to Wednesday 11 March: the 4th, 5th, 6th, 9th, 10th and 11th.
    assert working_days(D("2009-03-03"), D("2009-03-11")) == 6
    assert working_days(D("2009-03-03"), D("2009-03-03")) == 0
    assert working_days(D("2009-03-03"), D("2009-03-04")) == 1
    # Friday to Monday is one working day; so is Saturday to Monday.
    assert working_days(D("2009-03-06"), D("2009-03-09")) == 1
    assert working_days(D("2009-03-07"), D("2009-03-09")) == 1
    # Saturday to Sunday: none.
    assert working_days(D("2009-03-07"), D("2009-03-08")) == 0


def test_an_end_before_the_start_counts_backwards() -> None:
    assert working_days(D("2009-03-11"), D("2009-03-03")) == -6


@pytest.mark.parametrize(
    ("start", "end", "expected", "why"),
    [
        # Easter 2009: Good Friday 10 April and Easter Monday 13 April (not in Scotland).
        ("2009-04-09", "2009-04-14", {ENG: 1, WLS: 1, SCT: 2, NIR: 1}, "Easter 2009"),
        ("2009-04-07", "2009-04-21", {ENG: 8, WLS: 8, SCT: 9, NIR: 8}, "over Easter 2009"),
        # Easter 2010: Good Friday 2 April, Easter Monday 5 April.
        ("2010-04-01", "2010-04-06", {ENG: 1, WLS: 1, SCT: 2, NIR: 1}, "Easter 2010"),
        # Christmas 2009: Friday 25th; Boxing Day on Saturday, so Monday 28th instead.
        ("2009-12-24", "2009-12-29", {ENG: 1, WLS: 1, SCT: 1, NIR: 1}, "Christmas 2009"),
        # Christmas 2010 fell at the weekend: Monday 27th and Tuesday 28th instead.
        ("2010-12-24", "2010-12-29", {ENG: 1, WLS: 1, SCT: 1, NIR: 1}, "Christmas 2010"),
        ("2010-12-24", "2010-12-27", {ENG: 0, WLS: 0, SCT: 0, NIR: 0}, "Christmas 2010"),
        # New Year 2010: Friday 1 January; Scotland's 2 January fell on Saturday, so Monday
        # 4 January was a holiday there too.
        ("2009-12-31", "2010-01-04", {ENG: 1, WLS: 1, SCT: 0, NIR: 1}, "New Year 2010"),
        ("2009-12-31", "2010-01-05", {ENG: 2, WLS: 2, SCT: 1, NIR: 2}, "New Year 2010"),
        # St Andrew's Day, Scotland only: Monday 30 November 2009, Tuesday 30 November 2010.
        ("2009-11-27", "2009-12-01", {ENG: 2, WLS: 2, SCT: 1, NIR: 2}, "St Andrew's 2009"),
        ("2010-11-29", "2010-12-01", {ENG: 2, WLS: 2, SCT: 1, NIR: 2}, "St Andrew's 2010"),
        # St Patrick's Day, Northern Ireland only: Tuesday 17 March 2009, Wednesday 2010.
        ("2009-03-16", "2009-03-18", {ENG: 2, WLS: 2, SCT: 2, NIR: 1}, "St Patrick's 2009"),
        ("2010-03-16", "2010-03-18", {ENG: 2, WLS: 2, SCT: 2, NIR: 1}, "St Patrick's 2010"),
        # Battle of the Boyne, Northern Ireland: Sunday 12 July 2009, so Monday 13th.
        ("2009-07-10", "2009-07-14", {ENG: 2, WLS: 2, SCT: 2, NIR: 1}, "the Twelfth 2009"),
        # Summer bank holiday: the first Monday of August in Scotland (3 August 2009), the
        # last elsewhere (31 August 2009).
        ("2009-07-31", "2009-08-04", {ENG: 2, WLS: 2, SCT: 1, NIR: 2}, "August 2009"),
        ("2009-08-28", "2009-09-01", {ENG: 1, WLS: 1, SCT: 2, NIR: 1}, "August 2009"),
        ("2010-08-27", "2010-08-31", {ENG: 1, WLS: 1, SCT: 2, NIR: 1}, "August 2010"),
        # May Day (4 May 2009, 3 May 2010) and the spring bank holiday (25 May 2009,
        # 31 May 2010), everywhere.
        ("2009-05-01", "2009-05-05", {ENG: 1, WLS: 1, SCT: 1, NIR: 1}, "May Day 2009"),
        ("2010-04-30", "2010-05-04", {ENG: 1, WLS: 1, SCT: 1, NIR: 1}, "May Day 2010"),
        ("2009-05-22", "2009-05-26", {ENG: 1, WLS: 1, SCT: 1, NIR: 1}, "spring 2009"),
        ("2010-05-28", "2010-06-01", {ENG: 1, WLS: 1, SCT: 1, NIR: 1}, "spring 2010"),
        # The whole of 2009: 261 weekdays, less 8 bank holidays on weekdays in England and
        # Wales, 9 in Scotland, 10 in Northern Ireland.
        ("2008-12-31", "2009-12-31", {ENG: 253, WLS: 253, SCT: 252, NIR: 251}, "2009"),
    ],
)
def test_worked_examples_for_each_nation(
    start: str, end: str, expected: dict[Nation, int], why: str
) -> None:
    for nation, days in expected.items():
        assert working_days(D(start), D(end), nation) == days, (why, nation)


def test_the_sample_cases_as_the_inspectors_counted_them() -> None:
    # The notes of the sample count these by hand.
    assert working_days(D("2009-03-10"), D("2009-03-25")) == 11  # BR-09-02391
    assert working_days(D("2009-03-13"), D("2009-03-25")) == 8  # from its ICS start date
    assert working_days(D("2009-04-07"), D("2009-04-21")) == 8  # BR-09-02976, over Easter
    assert working_days(D("2009-04-23"), D("2009-05-13")) == 13  # BR-09-03255, May Day


def test_bank_holidays_come_from_the_holidays_package() -> None:
    scotland = calendar_for(SCT).holidays(2009)
    assert scotland[D("2009-11-30")] == "Saint Andrew's Day"
    assert D("2009-01-02") in scotland
    assert D("2009-04-13") not in scotland  # no Easter Monday in Scotland
    northern = calendar_for("Northern Ireland").holidays(2010)
    assert northern[D("2010-03-17")] == "Saint Patrick's Day"
    england = calendar_for(ENG).holidays(2010)
    assert D("2010-12-27") in england and D("2010-12-28") in england
    assert calendar_for(ENG).is_working_day(D("2010-12-29"))
    assert not calendar_for(ENG).is_working_day(D("2010-12-28"))


def test_a_deadline_counts_forwards_from_day_0() -> None:
    cal = calendar_for(ENG)
    assert cal.add(D("2009-04-07"), 7) == D("2009-04-20")  # over Easter
    assert cal.add(D("2009-04-07"), 0) == D("2009-04-07")
    assert calendar_for(SCT).add(D("2009-04-07"), 7) == D("2009-04-17")
    with pytest.raises(InvalidValue):
        cal.add(D("2009-04-07"), -1)


def test_dates_outside_the_plausible_years_are_refused() -> None:
    with pytest.raises(InvalidValue, match="outside the years"):
        working_days(D("0209-03-03"), D("2009-03-11"))


def test_a_table_widens_to_new_years_and_keeps_the_old() -> None:
    cal = WorkingCalendar(ENG)
    assert cal.count(D("2009-03-03"), D("2009-03-11")) == 6
    # 27 and 28 December, the Millennium holiday on the 31st and 3 January are off.
    assert cal.count(D("1999-12-24"), D("2000-01-05")) == 4
    assert cal.count(D("2009-03-03"), D("2009-03-11")) == 6
    assert cal.count(D("2030-12-24"), D("2031-01-02")) == 4  # 27, 30, 31 Dec and 2 Jan


@pytest.mark.parametrize(
    ("value", "nation"),
    [
        (None, ENG), ("", ENG), ("England", ENG), ("wales", WLS), ("SCOTLAND", SCT),
        ("Northern  Ireland", NIR), ("NIR", NIR), ("sct", SCT),
    ],
)
def test_nation_from_an_inspection_field(value: object, nation: Nation) -> None:
    assert nation_from(value) is nation


@pytest.mark.parametrize("value", ["Cornwall", "UK", 3, ["England"]])
def test_an_unknown_nation_is_a_clear_error(value: object) -> None:
    with pytest.raises(InvalidValue, match=r"unknown nation .* expected one of: England, Wales, "
                                           r"Scotland, Northern Ireland"):
        nation_from(value)


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=D("2008-01-01"), max_value=D("2011-12-31")),
    st.integers(min_value=-40, max_value=400),
    st.sampled_from(list(Nation)),
)
def test_the_table_agrees_with_a_day_by_day_count(
    start: dt.date, span: int, nation: Nation
) -> None:
    """The cumulative table against the plainest count: day by day, asking ``holidays``."""
    from holidays.countries.united_kingdom import UnitedKingdom

    end = start + dt.timedelta(days=span)
    off = UnitedKingdom(subdiv=nation.subdivision, years=range(2007, 2013))
    lo, hi, sign = (start, end, 1) if start <= end else (end, start, -1)
    n = 0
    day = lo
    while day < hi:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            n += 1
    assert working_days(start, end, nation) == sign * n


def test_holidays_are_imported_only_when_a_day_is_counted() -> None:
    import subprocess
    import sys

    code = (
        "import sys, fieldwork.timeliness, fieldwork.checks\n"
        "from fieldwork.cli import build_parser; build_parser()\n"
        "assert 'holidays' not in sys.modules\n"
        "import datetime as dt\n"
        "from fieldwork.timeliness import working_days\n"
        "assert working_days(dt.date(2009, 4, 9), dt.date(2009, 4, 14)) == 1\n"
        "assert 'holidays' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
