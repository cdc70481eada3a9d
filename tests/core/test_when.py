"""Reading the times people type (fieldwork.when), against a fixed "now"."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldwork.errors import FieldworkError
from fieldwork.when import BadTime, described, from_stored, parse_when, shown, stored

NOW = dt.datetime(2026, 12, 3, 11, 47, 12)


@pytest.mark.parametrize(("typed", "expected"), [
    ("24 Jun 2009 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("24/06/2009 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("24/6/09 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("24-06-2009 10.30", dt.datetime(2009, 6, 24, 10, 30)),
    ("24.06.2009 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("10:30", dt.datetime(2026, 12, 3, 10, 30)),
    ("  10:30  ", dt.datetime(2026, 12, 3, 10, 30)),
    ("yesterday 14:00", dt.datetime(2026, 12, 2, 14, 0)),
    ("Yesterday at 2pm", dt.datetime(2026, 12, 2, 14, 0)),
    ("today 9am", dt.datetime(2026, 12, 3, 9, 0)),
    ("today 9:15 pm", dt.datetime(2026, 12, 3, 21, 15)),
    ("12am", dt.datetime(2026, 12, 3, 0, 0)),
    ("12pm", dt.datetime(2026, 12, 3, 12, 0)),
    ("noon", dt.datetime(2026, 12, 3, 12, 0)),
    ("24 June 2009", dt.datetime(2009, 6, 24, 0, 0)),
    ("24th June 2009 at 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("June 24 2009 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("24 Sept 2009 10:30", dt.datetime(2009, 9, 24, 10, 30)),
    ("24 jun 10:30", dt.datetime(2026, 6, 24, 10, 30)),
    ("10:30 24 Jun 2009", dt.datetime(2009, 6, 24, 10, 30)),
    ("2009-06-24T10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("2009-06-24 10:30:15", dt.datetime(2009, 6, 24, 10, 30, 15)),
    ("2009-06-24T10:30:00Z", dt.datetime(2009, 6, 24, 10, 30)),
    ("Wed 24 Jun 2009 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("Wednesday, 24 June 2009, 10:30", dt.datetime(2009, 6, 24, 10, 30)),
    ("now", dt.datetime(2026, 12, 3, 11, 47)),
])
def test_what_people_type_is_read(typed: str, expected: dt.datetime) -> None:
    assert parse_when(typed, NOW) == expected


def test_a_date_alone_takes_the_default_time() -> None:
    assert parse_when("24 Jun 2009", NOW, default_time=dt.time(9, 5)) == dt.datetime(
        2009, 6, 24, 9, 5)
    assert parse_when("yesterday", NOW, default_time=dt.time(9, 5)) == dt.datetime(
        2026, 12, 2, 9, 5)


@pytest.mark.parametrize(("typed", "reason"), [
    ("", "Type a date and time"),
    ("   ", "Type a date and time"),
    ("soon", "is not a date and time"),
    ("24 Jun 2009 25:00", "25:00 is not a time of day"),
    ("10:75", "10:75 is not a time of day"),
    ("13pm", "13pm is not a time"),
    ("31 Feb 2009 10:00", "Feb 2009 has no day 31"),
    ("24/13/2009 10:00", "there is no month 13"),
    ("24 Jux 2009 10:30", "is not a date and time"),
    ("Tue 24 Jun 2009 10:30", "24 Jun 2009 is a Wednesday, not a Tue"),
    ("24 Jun 1850 10:30", "1850 is not a year"),
    ("2009", "is not a date and time"),
    ("x" * 100, "at most 80 characters"),
])
def test_what_cannot_be_read_is_refused_in_one_line(typed: str, reason: str) -> None:
    with pytest.raises(BadTime) as caught:
        parse_when(typed, NOW)
    message = str(caught.value)
    assert reason in message
    assert "\n" not in message
    assert isinstance(caught.value, FieldworkError)


@pytest.mark.parametrize("value", [dt.datetime(2009, 6, 24, 10, 30),
                                   dt.datetime(2009, 6, 24, 10, 30, 15),
                                   dt.datetime(2026, 1, 1, 0, 0)])
def test_the_forms_shown_are_read_back(value: dt.datetime) -> None:
    assert parse_when(shown(value), NOW) == value
    assert parse_when(described(value), NOW) == value
    assert from_stored(stored(value)) == value


def test_forms() -> None:
    value = dt.datetime(2009, 6, 24, 10, 30)
    assert stored(value) == "2009-06-24T10:30"
    assert stored(value.replace(second=5)) == "2009-06-24T10:30:05"
    assert shown(value) == "24 Jun 2009 10:30"
    assert described(value) == "Wed 24 Jun 2009 10:30"
    assert from_stored("not a time") is None
