"""Timeliness from the case records: for each rule, how many cases met the limit, measured
from the rule's start and from each alternative start.

Nothing is guessed. A case with a missing date, a date that cannot be read, or an end
before its start is listed as a problem and left out of the figures; so is an assessment
still open (with how long it has been open on the first fieldwork day, when that is known).
A case with none of a rule's dates is not within the rule's scope and is not mentioned.

Dates are ISO 8601 (``2009-03-03``; a time after it is ignored) or the UK's ``03/03/2009``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from fieldwork.model import CASE_FIELDS, Case
from fieldwork.timeliness.rules import Rule
from fieldwork.timeliness.workdays import (
    FIRST_YEAR,
    LAST_YEAR,
    Nation,
    WorkingCalendar,
    calendar_for,
)

_LABELS = dict(CASE_FIELDS)


def field_label(name: str) -> str:
    """The case form's label for a field ("Referral date"), or the field made readable."""
    return _LABELS.get(name) or name.replace("_", " ").capitalize()


class Timing(NamedTuple):
    """One case measured from one start: its dates (ordinals), the days taken, and whether
    that is within the rule's limit."""

    case_id: str
    ref: str
    start: int
    end: int
    days: int
    within: bool

    @property
    def start_date(self) -> dt.date:
        return dt.date.fromordinal(self.start)

    @property
    def end_date(self) -> dt.date:
        return dt.date.fromordinal(self.end)


class Problem(NamedTuple):
    """A case that could not be measured from one start, and why."""

    case_id: str
    ref: str
    field: str  # the field at fault
    kind: str  # "missing", "unreadable", "before_start" or "open"
    message: str  # one sentence, such as "no Initial assessment completed date"
    open_days: int | None = None  # for "open": days since the start, on the as-of date


@dataclass(frozen=True)
class Measure:
    """The figure for one start field: the cases measured, and the problems left out."""

    start: str
    timings: tuple[Timing, ...]
    problems: tuple[Problem, ...]

    @property
    def label(self) -> str:
        return field_label(self.start)

    @property
    def phrase(self) -> str:
        """The start as running text says it: "the referral date", "the assessment start"."""
        return "the " + self.start.replace("_", " ").strip()

    @property
    def cases(self) -> int:
        return len(self.timings)

    @property
    def within(self) -> int:
        return sum(1 for t in self.timings if t.within)

    @property
    def percent(self) -> float | None:
        """Within as a percentage of the cases measured, to one decimal; None with no cases."""
        if not self.timings:
            return None
        return round(100.0 * self.within / len(self.timings), 1)

    def by_case(self) -> dict[str, Timing]:
        return {t.case_id: t for t in self.timings}


class Difference(NamedTuple):
    """A case that meets the limit from one start and not from the other."""

    ref: str
    national: Timing
    alternative: Timing


@dataclass(frozen=True)
class RuleResult:
    """One rule over the case records: by its own start, and by each alternative start."""

    rule: Rule
    national: Measure
    alternatives: tuple[Measure, ...] = ()
    #: Case ids in the rule's scope (any of its dates given), measured or not.
    scope: frozenset[str] = field(default_factory=frozenset)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return (self.national, *self.alternatives)

    def differences(self, alternative: Measure) -> list[Difference]:
        """Cases measured both ways whose verdicts differ, by case reference."""
        theirs = alternative.by_case()
        out = [
            Difference(t.ref, t, theirs[t.case_id])
            for t in self.national.timings
            if t.case_id in theirs and theirs[t.case_id].within != t.within
        ]
        return sorted(out, key=lambda d: d.ref)

    @property
    def late(self) -> list[Timing]:
        """Cases over the limit by the rule's own start."""
        return [t for t in self.national.timings if not t.within]


def _parse(value: Any) -> int | str:
    """A field's value as a date ordinal, or the reason it is not one."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) >= 10 and text[4] == "-":
                day = dt.date.fromisoformat(text[:10])
                rest = text[10:]
                if rest and rest[0] not in "T ":
                    return "unreadable"
            elif len(text) == 10 and text[2] == "/" and text[5] == "/":
                day = dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
            else:
                return "unreadable"
        except ValueError:
            return "unreadable"
    else:
        return "unreadable"
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return "implausible"
    return day.toordinal()


class _Dates:
    """Field values parsed once each: many cases share the same dates."""

    def __init__(self) -> None:
        self.cache: dict[Any, int | str] = {}

    def get(self, value: Any) -> int | str:
        try:
            return self.cache[value]
        except KeyError:
            found = self.cache[value] = _parse(value)
            return found
        except TypeError:  # unhashable (a list where a date should be)
            return "unreadable"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def compute(
    cases: Iterable[Case],
    rules: Sequence[Rule],
    nation: Nation = Nation.ENGLAND,
    *,
    as_of: dt.date | None = None,
) -> list[RuleResult]:
    """Each rule over ``cases``: the days each case took from each start, and the verdicts.

    ``as_of`` (the first fieldwork day) says how long an open case had been open.
    """
    cases = list(cases)
    calendar = calendar_for(nation)
    dates = _Dates()
    # Parse every date first, so that the holiday table is built once for the years seen.
    years: list[int] = []
    for case in cases:
        f = case.fields
        for rule in rules:
            for name in (rule.start, rule.end, *rule.alternative_starts):
                v = f.get(name)
                if not _blank(v):
                    o = dates.get(v)
                    if isinstance(o, int):
                        years.append(o)
    if years:
        first, last = dt.date.fromordinal(min(years)), dt.date.fromordinal(max(years))
        calendar.prepare(first.year, max(last.year, as_of.year if as_of else last.year))
    return [_one_rule(cases, rule, calendar, dates, as_of) for rule in rules]


def _one_rule(
    cases: list[Case],
    rule: Rule,
    calendar: WorkingCalendar,
    dates: _Dates,
    as_of: dt.date | None,
) -> RuleResult:
    working = rule.unit == "working"
    base, table = calendar.table()
    limit = rule.limit
    as_of_ordinal = as_of.toordinal() if as_of else None
    scope: set[str] = set()
    starts = (rule.start, *rule.alternative_starts)
    timings: list[list[Timing]] = [[] for _ in starts]
    problems: list[list[Problem]] = [[] for _ in starts]

    def days_between(a: int, b: int) -> int:
        if not working:
            return b - a
        if 0 <= a - base < len(table) and 0 <= b - base < len(table):
            return table[b - base] - table[a - base]
        return calendar.count(dt.date.fromordinal(a), dt.date.fromordinal(b))

    for case in cases:
        f = case.fields
        raw_end = f.get(rule.end)
        raws = [f.get(s) for s in starts]
        if _blank(raw_end) and all(_blank(r) for r in raws):
            continue
        scope.add(case.id)
        ref = case.ref
        end: int | str | None = None if _blank(raw_end) else dates.get(raw_end)
        for i, raw in enumerate(raws):
            name = starts[i]
            if _blank(raw):
                problems[i].append(Problem(case.id, ref, name, "missing", _no(name)))
                continue
            start = dates.get(raw)
            if isinstance(start, str):
                problems[i].append(_unreadable(case, name, raw, start))
                continue
            if end is None:
                open_days = None
                message = _no(rule.end)
                if as_of_ordinal is not None and as_of_ordinal >= start:
                    open_days = days_between(start, as_of_ordinal)
                    message += (f" (still open: {open_days} {rule.unit} "
                                f"day{'s' * (open_days != 1)} on "
                                f"{dt.date.fromordinal(as_of_ordinal).isoformat()})")
                problems[i].append(Problem(case.id, ref, rule.end, "open", message, open_days))
                continue
            if isinstance(end, str):
                problems[i].append(_unreadable(case, rule.end, raw_end, end))
                continue
            if end < start:
                problems[i].append(Problem(
                    case.id, ref, rule.end, "before_start",
                    f"{field_label(rule.end)} ({dt.date.fromordinal(end).isoformat()}) is "
                    f"before {field_label(name).lower()} "
                    f"({dt.date.fromordinal(start).isoformat()})",
                ))
                continue
            days = days_between(start, end)
            timings[i].append(Timing(case.id, ref, start, end, days, days <= limit))
    measures = [
        Measure(starts[i], tuple(timings[i]), tuple(sorted(problems[i], key=_problem_order)))
        for i in range(len(starts))
    ]
    return RuleResult(rule, measures[0], tuple(measures[1:]), frozenset(scope))


def _no(name: str) -> str:
    """"no referral date", "no initial assessment completed date"."""
    label = field_label(name).lower()
    return f"no {label}" if label.endswith("date") else f"no {label} date"


def _unreadable(case: Case, name: str, raw: Any, why: int | str) -> Problem:
    text = str(raw)
    if len(text) > 40:
        text = text[:39] + "…"
    if why == "implausible":
        message = (f"{field_label(name)} {text!r} is outside the years "
                   f"{FIRST_YEAR}–{LAST_YEAR}")
    else:
        message = f"{field_label(name)} {text!r} is not a date (YYYY-MM-DD)"
    return Problem(case.id, case.ref, name, "unreadable", message)


def _problem_order(p: Problem) -> tuple[str, str]:
    return (p.ref, p.field)
