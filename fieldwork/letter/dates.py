"""Dates as the letters write them: "24 July 2009", "30 June and 1 July 2009"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from fieldwork.errors import InvalidValue
from fieldwork.letter.english import join_and

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

DateLike = dt.date | str


def parse_date(value: DateLike) -> dt.date:
    """An ISO date (``2009-06-24``; a time part is ignored) or a ``date`` as a ``date``.

    :raises InvalidValue: if ``value`` is not a date
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidValue(f"not a date (expected YYYY-MM-DD): {text!r}") from None


def format_date(value: DateLike) -> str:
    """``2009-07-24`` → ``24 July 2009``."""
    day = parse_date(value)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_date_list(values: Iterable[DateLike]) -> str:
    """The fieldwork dates as a phrase; month and year are said once where they are shared.

    ``24 and 25 June 2009``, ``30 June and 1 July 2009``, ``24, 25 and 26 June 2009``,
    ``31 December 2009 and 1 January 2010``. Duplicates are dropped and the dates sorted.
    """
    days = sorted({parse_date(v) for v in values})
    words: list[str] = []
    for i, day in enumerate(days):
        following = days[i + 1] if i + 1 < len(days) else None
        word = str(day.day)
        if following is None or (following.year, following.month) != (day.year, day.month):
            word += f" {MONTHS[day.month - 1]}"
        if following is None or following.year != day.year:
            word += f" {day.year}"
        words.append(word)
    return join_and(words)


def format_date_range(values: Iterable[DateLike]) -> str:
    """The fieldwork dates as a span, first to last: ``9 to 10 November 2021``.

    Month and year are said once where first and last share them: ``30 June to 1 July
    2009``, ``31 December 2009 to 1 January 2010``; one day is ``9 November 2021``.
    """
    days = sorted({parse_date(v) for v in values})
    if not days:
        return ""
    first, last = days[0], days[-1]
    if first == last:
        return format_date(first)
    start = str(first.day)
    if (first.year, first.month) != (last.year, last.month):
        start += f" {MONTHS[first.month - 1]}"
    if first.year != last.year:
        start += f" {first.year}"
    return f"{start} to {format_date(last)}"
