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
import functools
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


def _parse(value: Any) -> int | str | None:
    """A field's value as a date ordinal, None when blank, or the reason it is not a date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
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


class _Parsed(dict[Any, "int | str | None"]):
    """Field values parsed once each (many cases share their dates): ``parsed[value]``."""

    def __missing__(self, value: Any) -> int | str | None:
        found = self[value] = _parse(value)
        return found

    unhashable = False

    def of(self, value: Any) -> int | str | None:
        try:
            return self[value]
        except TypeError:  # unhashable: a list or table where a date should be
            self.unhashable = True
            return "unreadable"


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
    parsed = _Parsed()
    # Every distinct date first, so that the working-day table is built once, for the
    # years seen; the loops over the cases then only look values up.
    names = {n for r in rules for n in (r.start, r.end, *r.alternative_starts)}
    try:
        values = {case.fields.get(name) for case in cases for name in names}
    except TypeError:  # a list or table where a date should be: one value at a time
        values = set()
        for case in cases:
            for name in names:
                parsed.of(case.fields.get(name))
    for value in values:
        parsed.of(value)
    ordinals = [o for o in parsed.values() if isinstance(o, int)]
    if as_of is not None and FIRST_YEAR <= as_of.year <= LAST_YEAR:
        ordinals.append(as_of.toordinal())
    if ordinals and any(r.unit == "working" for r in rules):
        first, last = dt.date.fromordinal(min(ordinals)), dt.date.fromordinal(max(ordinals))
        calendar.prepare(first.year, last.year)
    return [_one_rule(cases, rule, calendar, parsed, as_of) for rule in rules]


def _one_rule(
    cases: list[Case],
    rule: Rule,
    calendar: WorkingCalendar,
    parsed: _Parsed,
    as_of: dt.date | None,
) -> RuleResult:
    # The table covers every date parsed (see compute), so the hot loop is look-ups.
    base, table = calendar.table() if rule.unit == "working" else (0, [])
    working = bool(table)
    limit = rule.limit
    as_of_ordinal = (as_of.toordinal()
                     if as_of is not None and FIRST_YEAR <= as_of.year <= LAST_YEAR else None)
    starts = (rule.start, *rule.alternative_starts)
    # Subscripting the cache is a C-level look-up; values that cannot be keys (rare) need
    # its slower method.
    of = parsed.of if parsed.unhashable else parsed.__getitem__
    end_name = rule.end
    # Column by column: the parsed end, and the parsed value of each start, per case.
    records = [c.fields for c in cases]
    ends = [of(f.get(end_name)) for f in records]
    columns = [[of(f.get(name)) for f in records] for name in starts]
    width = 1 + len(starts)
    in_scope = [row.count(None) != width for row in zip(ends, *columns, strict=True)]
    scope = frozenset(c.id for c, keep in zip(cases, in_scope, strict=True) if keep)
    make = tuple.__new__  # a Timing without the Python-level __new__ of a NamedTuple
    measures = []
    for name, column in zip(starts, columns, strict=True):
        timings: list[Timing] = []
        add = timings.append
        problems: list[Problem] = []
        for case, end, start, keep in zip(cases, ends, column, in_scope, strict=True):
            if type(start) is int and type(end) is int and end >= start:
                days = table[end - base] - table[start - base] if working else end - start
                add(make(Timing, (case.id, case.ref, start, end, days, days <= limit)))
            elif keep:
                problems.append(_problem(case, rule, name, start, end, as_of_ordinal, base,
                                         table))
        problems.sort(key=_problem_order)
        measures.append(Measure(name, tuple(timings), tuple(problems)))
    return RuleResult(rule, measures[0], tuple(measures[1:]), scope)


def _problem(
    case: Case, rule: Rule, name: str, start: int | str | None, end: int | str | None,
    as_of: int | None, base: int, table: list[int],
) -> Problem:
    """Why a case in the rule's scope could not be measured from the start ``name``."""
    if start is None:
        return Problem(case.id, case.ref, name, "missing", _no(name))
    if isinstance(start, str):
        return _unreadable(case, name, case.fields.get(name), start)
    if end is None:
        return _open(case, rule, start, as_of, base, table)
    if isinstance(end, str):
        return _unreadable(case, rule.end, case.fields.get(rule.end), end)
    return Problem(
        case.id, case.ref, rule.end, "before_start",
        f"{field_label(rule.end)} ({dt.date.fromordinal(end).isoformat()}) is before "
        f"{field_label(name).lower()} ({dt.date.fromordinal(start).isoformat()})",
    )


def _open(
    case: Case, rule: Rule, start: int, as_of: int | None, base: int, table: list[int]
) -> Problem:
    """An assessment with no end date, and how long it had been open on the as-of day."""
    message = _no(rule.end)
    open_days = None
    if as_of is not None and as_of >= start:
        open_days = table[as_of - base] - table[start - base] if table else as_of - start
        message += (f" (still open: {open_days} {rule.unit} day{'s' * (open_days != 1)} on "
                    f"{dt.date.fromordinal(as_of).isoformat()})")
    return Problem(case.id, case.ref, rule.end, "open", message, open_days)


@functools.lru_cache(maxsize=256)
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
