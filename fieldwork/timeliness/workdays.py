"""Working days: Monday to Friday, less the bank holidays of one of the UK's nations.

The convention, as the national timescales count: **the day of the start is day 0.** The
working days between a start and an end are the working days *after* the start, up to and
including the end. A referral on Tuesday 3 March 2009 completed on Wednesday 11 March was
completed on working day 6 (4, 5, 6, 9, 10 and 11 March); completed the same day, on day 0.
A start that falls on a weekend or a bank holiday counts from that day all the same: the
first working day after it is day 1.

Bank holidays come from the maintained ``holidays`` package (its ``UnitedKingdom``
calendar for England, Wales, Scotland or Northern Ireland), substitute days included,
never from a hand-written list. They are read once per nation and year and kept as a
cumulative count of working days per day, so counting the days between two dates is two
list look-ups and a subtraction, whatever the distance between them.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import threading
from typing import Any

from fieldwork.errors import InvalidValue

#: The years a date may fall in to be counted. A date outside them (0209 for 2009, say) is
#: reported as implausible, not counted as centuries of working days.
FIRST_YEAR = 1950
LAST_YEAR = 2099


class Nation(enum.StrEnum):
    """A nation of the UK, whose bank holidays are not working days. The value is its name."""

    ENGLAND = "England"
    WALES = "Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"

    @property
    def subdivision(self) -> str:
        """The ``holidays`` package's code for the nation (ISO 3166-2:GB)."""
        return _SUBDIVISIONS[self]


_SUBDIVISIONS = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}

DEFAULT_NATION = Nation.ENGLAND


def nation_from(value: Any) -> Nation:
    """The nation an inspection's ``nation`` field names; England when it is blank.

    Accepts the name in any case ("Scotland", "northern ireland") or the ISO code ("SCT").

    :raises InvalidValue: for anything else
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_NATION
    if isinstance(value, str):
        wanted = " ".join(value.split()).casefold()
        for nation in Nation:
            if wanted in (nation.value.casefold(), nation.subdivision.casefold()):
                return nation
    names = ", ".join(n.value for n in Nation)
    raise InvalidValue(f"unknown nation {value!r}; expected one of: {names}")


class WorkingCalendar:
    """The working days of one nation.

    ``count(start, end)`` is the number of working days after ``start`` up to and including
    ``end`` (negative when ``end`` is before ``start``). Safe to share between threads.
    """

    def __init__(self, nation: Nation = DEFAULT_NATION) -> None:
        self.nation = Nation(nation)
        self._lock = threading.Lock()
        self._holidays: dict[int, dict[dt.date, str]] = {}
        # (base, cumulative): cumulative[i] is the number of working days from the day
        # ``base`` (an ordinal) up to and including the day base + i. Replaced whole, so a
        # reader on another thread never sees one table with another's base.
        self._table: tuple[int, list[int]] = (0, [])
        self._first_year = 0
        self._last_year = -1

    # ---------------------------------------------------------------- holidays
    def holidays(self, year: int) -> dict[dt.date, str]:
        """The bank holidays of ``year``, by date, with their names."""
        with self._lock:
            return dict(self._holidays_of(year))

    def _holidays_of(self, year: int) -> dict[dt.date, str]:
        found = self._holidays.get(year)
        if found is None:
            from holidays.countries.united_kingdom import UnitedKingdom

            calendar = UnitedKingdom(subdiv=self.nation.subdivision, years=year)
            found = self._holidays[year] = {
                day: str(name) for day, name in sorted(calendar.items()) if day.year == year
            }
        return found

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._holidays_of_locked(day.year)

    def _holidays_of_locked(self, year: int) -> dict[dt.date, str]:
        with self._lock:
            return self._holidays_of(year)

    # ---------------------------------------------------------------- counting
    def prepare(self, first_year: int, last_year: int) -> None:
        """Make sure the table covers these years (one rebuild, rather than one per year)."""
        first_year = max(first_year, FIRST_YEAR)
        last_year = min(last_year, LAST_YEAR)
        if first_year > last_year:
            return
        with self._lock:
            if self._first_year <= first_year and last_year <= self._last_year:
                return
            if self._last_year >= self._first_year:  # widen what is there
                first_year = min(first_year, self._first_year)
                last_year = max(last_year, self._last_year)
            base = dt.date(first_year, 1, 1).toordinal()
            end = dt.date(last_year, 12, 31).toordinal()
            off: set[int] = set()
            for year in range(first_year, last_year + 1):
                off.update(day.toordinal() for day in self._holidays_of(year))
            # 1 Jan 1 AD (ordinal 1) was a Monday, so (ordinal - 1) % 7 is the weekday.
            flags = (
                0 if (o - 1) % 7 >= 5 or o in off else 1 for o in range(base, end + 1)
            )
            self._table = (base, list(itertools.accumulate(flags)))
            self._first_year, self._last_year = first_year, last_year

    def table(self) -> tuple[int, list[int]]:
        """``(base, cumulative)``: ``cumulative[i]`` is the number of working days from the
        day ``base`` (an ordinal) up to and including the day ``base + i``. For hot loops:
        the working days between ordinals a and b are ``cumulative[b - base] -
        cumulative[a - base]`` when both are covered (see :meth:`prepare`)."""
        return self._table

    def covers(self, ordinal: int) -> bool:
        base, table = self._table
        return 0 <= ordinal - base < len(table)

    def count_ordinals(self, start: int, end: int) -> int:
        """:meth:`count` for two ``date.toordinal()`` values the table already covers
        (see :meth:`prepare`): the fast path for many cases."""
        base, table = self._table
        return table[end - base] - table[start - base]

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; day 0 is the start.

        :raises InvalidValue: if a date is outside the years :data:`FIRST_YEAR` to
            :data:`LAST_YEAR`
        """
        for day in (start, end):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise InvalidValue(
                    f"{day.isoformat()} is outside the years {FIRST_YEAR}–{LAST_YEAR}"
                )
        a, b = start.toordinal(), end.toordinal()
        if not (self.covers(a) and self.covers(b)):
            self.prepare(min(start.year, end.year), max(start.year, end.year))
        return self.count_ordinals(a, b)

    def add(self, start: dt.date, days: int) -> dt.date:
        """The date of working day ``days`` counted from ``start`` (day 0): a deadline."""
        if days < 0:
            raise InvalidValue("count a deadline forwards: days must be zero or more")
        if days == 0:
            return start
        day = start
        left = days
        while left:
            day += dt.timedelta(days=1)
            if day.year > LAST_YEAR:
                raise InvalidValue(f"the deadline falls after {LAST_YEAR}")
            if self.is_working_day(day):
                left -= 1
        return day


_CALENDARS: dict[Nation, WorkingCalendar] = {}
_CALENDARS_LOCK = threading.Lock()


def calendar_for(nation: Nation | str = DEFAULT_NATION) -> WorkingCalendar:
    """The shared calendar of ``nation`` (its holiday table is built once per process)."""
    chosen = nation_from(nation) if not isinstance(nation, Nation) else nation
    with _CALENDARS_LOCK:
        found = _CALENDARS.get(chosen)
        if found is None:
            found = _CALENDARS[chosen] = WorkingCalendar(chosen)
        return found


def working_days(
    start: dt.date, end: dt.date, nation: Nation | str = DEFAULT_NATION
) -> int:
    """Working days after ``start`` up to and including ``end`` in ``nation``.

    The day of the start is day 0; weekends and the nation's bank holidays do not count.
    Negative when ``end`` is before ``start``.
    """
    return calendar_for(nation).count(start, end)

