"""Timeliness from the case records: working days, rules as data, and the figures.

- :mod:`~fieldwork.timeliness.workdays`: working days between dates, per nation (the day of
  the start is day 0), from the ``holidays`` package.
- :mod:`~fieldwork.timeliness.rules`: the rules, TOML files shipped in
  ``resources/timeliness`` or dropped in ``<data dir>/timeliness``.
- :mod:`~fieldwork.timeliness.compute`: each rule over the cases, by its start and by each
  alternative start; problems listed, not guessed.
- :mod:`~fieldwork.timeliness.compare`: the authority's reported figure against the records.
- :mod:`~fieldwork.timeliness.report`: the text and JSON the CLI prints.
- :mod:`~fieldwork.timeliness.finding`: a draft finding from a result.
- :mod:`~fieldwork.timeliness.check`: the readiness check on findings' figures.

:func:`assess` is the one call: an inspection and its cases in, a :class:`Timeliness` out.
Nothing here imports ``holidays`` until a working day is counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fieldwork.model import Case, Inspection
from fieldwork.timeliness.compare import Comparison, Reported, reported_figures, reported_for
from fieldwork.timeliness.compute import Measure, Problem, RuleResult, Timing, compute
from fieldwork.timeliness.rules import (
    Rule,
    RuleSet,
    find_rule,
    load_rule_sets,
    rules_of,
    sets_in_use,
)
from fieldwork.timeliness.workdays import Nation, nation_from, working_days

if TYPE_CHECKING:
    from fieldwork.store import Store


@dataclass(frozen=True)
class Timeliness:
    """Every rule in use over an inspection's cases, with the reported figures beside them."""

    nation: Nation
    as_of: dt.date | None
    results: tuple[RuleResult, ...]
    reported: dict[str, Reported] = field(default_factory=dict)
    cases: int = 0  # how many case records were read

    def comparison(self, result: RuleResult) -> Comparison | None:
        """The reported figure for this rule beside the records' figures, if one is recorded."""
        found = reported_for(result.rule, self.reported)
        return Comparison(result, found) if found is not None else None

    def result(self, key: str) -> RuleResult:
        """The result of the rule with this key.

        :raises KeyError: if no such rule was applied
        """
        for r in self.results:
            if r.rule.key == key:
                return r
        raise KeyError(key)


def first_fieldwork_day(inspection: Inspection) -> dt.date | None:
    """The first fieldwork day, if the inspection gives one that reads as a date."""
    days: list[dt.date] = []
    for text in inspection.fieldwork_dates:
        try:
            days.append(dt.date.fromisoformat(text.strip()[:10]))
        except ValueError:
            continue
    return min(days) if days else None


def rules_for(inspection: Inspection, *, rule: str | None = None) -> list[Rule]:
    """The rules to apply: ``rule`` alone (a key or name of any set), or the sets in use.

    :raises InvalidValue: a broken rule file, an unknown rule or rule set, a clash of keys
    """
    sets = load_rule_sets()
    if rule is not None:
        return [find_rule(sets, rule)]
    return rules_of(sets_in_use(sets, inspection.fields, first_fieldwork_day(inspection)))


def assess(
    inspection: Inspection,
    cases: Sequence[Case],
    *,
    rule: str | None = None,
    rules: Sequence[Rule] | None = None,
) -> Timeliness:
    """Timeliness for an inspection's cases, in the nation its ``nation`` field names.

    :raises InvalidValue: a bad ``nation`` or ``reported_timeliness`` field, a broken rule
        file, an unknown rule
    """
    nation = nation_from(inspection.fields.get("nation"))
    reported = reported_figures(inspection.fields)
    chosen = list(rules) if rules is not None else rules_for(inspection, rule=rule)
    as_of = first_fieldwork_day(inspection)
    results = compute(cases, chosen, nation, as_of=as_of)
    return Timeliness(nation, as_of, tuple(results), reported, len(cases))


def assess_store(store: Store, *, rule: str | None = None) -> Timeliness:
    """:func:`assess` over an open inspection file's live cases."""
    return assess(store.inspection(), store.cases(), rule=rule)


__all__ = [
    "Comparison",
    "Measure",
    "Nation",
    "Problem",
    "Reported",
    "Rule",
    "RuleResult",
    "RuleSet",
    "Timeliness",
    "Timing",
    "assess",
    "assess_store",
    "compute",
    "load_rule_sets",
    "nation_from",
    "rules_for",
    "working_days",
]
