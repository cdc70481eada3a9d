import datetime as dt

import pytest

from fieldwork.errors import InvalidValue
from fieldwork.letter import format_date, format_date_list


def test_letter_date_has_no_leading_zero():
    assert format_date("2009-07-04") == "4 July 2009"
    assert format_date(dt.date(2009, 7, 24)) == "24 July 2009"


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2009-06-24"], "24 June 2009"),
        (["2009-06-24", "2009-06-25"], "24 and 25 June 2009"),
        (["2009-06-30", "2009-07-01"], "30 June and 1 July 2009"),
        (["2009-06-24", "2009-06-25", "2009-06-26"], "24, 25 and 26 June 2009"),
        (["2009-12-31", "2010-01-01"], "31 December 2009 and 1 January 2010"),
        (["2009-06-29", "2009-06-30", "2009-07-01"], "29, 30 June and 1 July 2009"),
        ([], ""),
    ],
)
def test_fieldwork_dates_say_month_and_year_once(dates, expected):
    assert format_date_list(dates) == expected


def test_fieldwork_dates_are_sorted_and_deduplicated():
    assert format_date_list(["2009-06-25", "2009-06-24", "2009-06-25"]) == "24 and 25 June 2009"


def test_a_timestamp_counts_as_its_day():
    assert format_date("2009-07-24T10:00:00") == "24 July 2009"


def test_not_a_date_is_invalid_value():
    with pytest.raises(InvalidValue, match="not a date"):
        format_date_list(["2009-13-01"])
