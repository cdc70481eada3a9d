"""When a note was observed, as people type it.

:func:`parse_when` reads what an inspector types in the Time field (or gives ``note add
--at``): ``24 Jun 2009 10:30``, ``24/06/2009 10:30``, ``10:30`` (today), ``yesterday
14:00``, ``today 9am``, ``24 June 2009``, ``2009-06-24T10:30``, ``Tue 24 Jun 2009 10:30``
and the like. Dates are day first (the UK's order). It is pure: "today" is the ``now`` it
is given, so tests fix it.

:func:`stored` gives the form the file keeps (ISO 8601 to the minute, with seconds only
when they were typed), :func:`shown` the form the field shows, and :func:`described` the
long form a hint shows ("Tue 24 Jun 2009 10:30").
"""

from __future__ import annotations

import datetime as dt
import re

from fieldwork.errors import InvalidValue

#: What the Time field's hint and the CLI's help list.
EXAMPLES = ("24 Jun 2009 10:30", "24/06/2009 10:30", "10:30", "yesterday 14:00")
#: The longest text worth reading (a note's time is short).
MAX_LENGTH = 80

_MONTHS = {
    name: i
    for i, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")),
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "wednesday"),
         ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"),
         ("sun", "sunday"))
    )
    for name in names
}
_DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec")

# A time: 10:30, 10.30, 10:30:15, 9am, 9:30 pm, noon, midnight.
_TIME = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?)?\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?"
    r"|(?P<word>noon|midday|midnight)"
)
_ISO_DATE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})")
_NUMERIC_DATE = re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})(?:[/.-](?P<y>\d{2}|\d{4}))?")
_DAY_MONTH = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon>[a-z]+)\.?(?:\s+(?P<y>\d{4}))?")
_MONTH_DAY = re.compile(r"(?P<mon>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s+(?P<y>\d{4}))?")


class BadTime(InvalidValue):
    "What was typed is not a date and time Fieldwork can read; the message says what is."


def parse_when(text: str, now: dt.datetime, *, default_time: dt.time | None = None
               ) -> dt.datetime:
    """The date and time ``text`` names, read against ``now``.

    A time alone is on ``now``'s day; a date alone is at ``default_time`` (midnight if
    None). Raises :class:`BadTime` with a one-line reason.
    """
    raw = " ".join(text.split())
    if not raw:
        raise BadTime("Type a date and time, such as " + _examples())
    if len(raw) > MAX_LENGTH:
        raise BadTime(f"A time is at most {MAX_LENGTH} characters; this is {len(raw)}")
    s = raw.lower().replace(",", " ")
    s = re.sub(r"(?<=\d)t(?=\d)", " ", s)  # ISO 8601's T between the date and the time
    s = re.sub(r"(?<=\d)z$", "", s)  # and its Z (UTC) at the end, read as local time
    s = " ".join(s.split())
    if s == "now":
        return now.replace(second=0, microsecond=0)
    date_part, clock, problem = _split_time(s, raw)
    try:
        day = _date(date_part, now, raw) if date_part else now.date()
    except BadTime as err:
        raise (problem or err) from None
    if clock is None:
        if not date_part:
            raise BadTime(_not_understood(raw))
        clock = default_time or dt.time(0, 0)
    return dt.datetime.combine(day, clock)


def stored(value: dt.datetime) -> str:
    """The file's form: ``2009-06-24T10:30`` (``…:15`` when there are seconds)."""
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def shown(value: dt.datetime) -> str:
    """The Time field's form, which :func:`parse_when` reads back: ``24 Jun 2009 10:30``."""
    clock = value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return f"{value.day} {_MONTH_NAMES[value.month - 1]} {value.year} {clock}"


def described(value: dt.datetime) -> str:
    """The form a hint shows: ``Tue 24 Jun 2009 10:30``."""
    return f"{_WEEKDAY_NAMES[value.weekday()]} {shown(value)}"


def from_stored(value: str) -> dt.datetime | None:
    """A stored ``observed_at`` read back (None if it is not ISO 8601)."""
    try:
        when = dt.datetime.fromisoformat(value.rstrip("Z"))
    except ValueError:
        return None
    return when.replace(tzinfo=None, microsecond=0)


def _examples() -> str:
    return ", ".join(EXAMPLES[:-1]) + " or " + EXAMPLES[-1]


def _not_understood(raw: str) -> str:
    return f"“{raw}” is not a date and time: type one such as {_examples()}"


def _split_time(s: str, raw: str) -> tuple[str, dt.time | None, BadTime | None]:
    """(the rest, the time, why a time-like part is not one) with the time taken from
    the end or the start of ``s``."""
    words = s.split(" ")
    problem: BadTime | None = None
    # Try the end first ("24 jun 2009 10:30"), then the start ("10:30 24 jun 2009").
    for n in (2, 1):
        if len(words) < n:
            continue
        for rest, candidate in ((words[:-n], words[-n:]), (words[n:], words[:n])):
            try:
                clock = _time(" ".join(candidate), raw)
            except BadTime as err:
                problem = problem or err
                continue
            if clock is not None:
                if rest and rest[-1] == "at":
                    rest = rest[:-1]
                return " ".join(rest), clock, None
    return s, None, problem


def _time(candidate: str, raw: str) -> dt.time | None:
    m = _TIME.fullmatch(candidate)
    if m is None:
        return None
    if m["word"]:
        return dt.time(0, 0) if m["word"] == "midnight" else dt.time(12, 0)
    ampm = (m["ampm"] or "").replace(".", "")
    if m["m"] is None and not ampm:
        return None  # a bare number is a day or a year, not a time
    hour, minute, second = int(m["h"]), int(m["m"] or 0), int(m["s"] or 0)
    if ampm:
        if not 1 <= hour <= 12:
            raise BadTime(f"“{raw}”: {hour}{ampm} is not a time (1 to 12 before am or pm)")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise BadTime(f"“{raw}”: {candidate} is not a time of day (00:00 to 23:59)")
    return dt.time(hour, minute, second)


def _date(s: str, now: dt.datetime, raw: str) -> dt.date:
    words = s.split(" ")
    weekday: int | None = None
    if words[0].rstrip(".") in _WEEKDAYS and len(words) > 1:
        weekday = _WEEKDAYS[words[0].rstrip(".")]
        s = " ".join(words[1:])
    day = _day(s, now, raw)
    if weekday is not None and day.weekday() != weekday:
        raise BadTime(f"“{raw}”: {_date_text(day)} is a {day.strftime('%A')}, "
                      f"not a {_WEEKDAY_NAMES[weekday]}")
    return day


def _day(s: str, now: dt.datetime, raw: str) -> dt.date:
    if s in _DAY_WORDS:
        return now.date() + dt.timedelta(days=_DAY_WORDS[s])
    if m := _ISO_DATE.fullmatch(s):
        return _make(int(m["y"]), int(m["m"]), int(m["d"]), raw)
    if m := _NUMERIC_DATE.fullmatch(s):
        return _make(_year(m["y"], now), int(m["m"]), int(m["d"]), raw)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        m = pattern.fullmatch(s)
        if m and m["mon"] in _MONTHS:
            return _make(_year(m["y"], now), _MONTHS[m["mon"]], int(m["d"]), raw)
    raise BadTime(_not_understood(raw))


def _year(text: str | None, now: dt.datetime) -> int:
    if text is None:
        return now.year
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    if not 1900 <= year <= 2999:
        raise BadTime(f"“{raw}”: {year} is not a year Fieldwork takes (1900 to 2999)")
    if not 1 <= month <= 12:
        raise BadTime(f"“{raw}”: there is no month {month} (dates are day first: 24/06/2009)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadTime(f"“{raw}”: {_MONTH_NAMES[month - 1]} {year} has no day {day}") from None


def _date_text(day: dt.date) -> str:
    return f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"
