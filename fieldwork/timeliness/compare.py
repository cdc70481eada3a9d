"""The authority's reported figure against what the case records show, said plainly.

An inspection records reported figures in its ``reported_timeliness`` field, by rule key (or
rule name): ``{"initial_assessment": 84}``, or ``"84%"``. A difference of more than
:data:`CLOSE_POINTS` percentage points from the figure measured by the rule's own start is
called out, and an alternative start that gives the reported figure is named as the likely
method behind it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fieldwork.errors import InvalidValue
from fieldwork.timeliness.compute import Measure, RuleResult
from fieldwork.timeliness.rules import Rule

#: How far apart, in percentage points, two figures may be and still be said to agree. One
#: case in a sample of 25 moves a figure by 4 points; more than 5 is more than chance.
CLOSE_POINTS = 5.0
FIELD = "reported_timeliness"


@dataclass(frozen=True)
class Reported:
    """A figure the authority reported for one rule, and where the inspection records it."""

    percent: float
    where: str  # "reported_timeliness.initial_assessment"


def reported_figures(fields: Mapping[str, Any]) -> dict[str, Reported]:
    """The inspection's reported figures, by the key (or name) it gives them under.

    :raises InvalidValue: for a field that is not a table of percentages
    """
    raw = fields.get(FIELD)
    if raw is None or raw == {}:
        return {}
    if not isinstance(raw, dict):
        raise InvalidValue(f"the inspection field {FIELD} must be a table of rule keys and "
                           "percentages, such as {\"initial_assessment\": 84}")
    out: dict[str, Reported] = {}
    for key, value in raw.items():
        where = f"{FIELD}.{key}"
        percent = _percent(value)
        if percent is None:
            raise InvalidValue(f"the inspection field {where} must be a percentage from 0 to "
                               f"100, not {value!r}")
        out[str(key)] = Reported(percent, where)
    return out


def _percent(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip().removesuffix("%").strip()
        try:
            value = float(text)
        except ValueError:
            return None
    if not isinstance(value, int | float) or value != value:  # NaN
        return None
    return float(value) if 0 <= value <= 100 else None


def reported_for(rule: Rule, figures: Mapping[str, Reported]) -> Reported | None:
    """The figure reported for ``rule``: under its key, or its name."""
    if rule.key in figures:
        return figures[rule.key]
    wanted = rule.name.casefold()
    return next((r for k, r in figures.items() if k.casefold() == wanted), None)


def whole(percent: float) -> str:
    """A percentage as people write it: 84.6 → "85%" (halves round up)."""
    return f"{int(percent + 0.5)}%"


def points(difference: float) -> str:
    n = int(abs(difference) + 0.5)
    return f"{n} point{'s' * (n != 1)}"


@dataclass(frozen=True)
class Comparison:
    """A reported figure beside the figures the case records give."""

    result: RuleResult
    reported: Reported

    @property
    def difference(self) -> float | None:
        """Reported minus measured (by the rule's own start), in points; None with no cases."""
        measured = self.result.national.percent
        return None if measured is None else self.reported.percent - measured

    @property
    def differs(self) -> bool:
        """Whether the reported figure is more than a few points from the records'."""
        d = self.difference
        return d is not None and abs(d) > CLOSE_POINTS

    @property
    def explained_by(self) -> Measure | None:
        """The alternative start whose figure is closest to the reported one, within a few
        points: the method the authority probably used. None if the rule's own start agrees."""
        if not self.differs:
            return None
        close = [
            (abs(self.reported.percent - m.percent), i, m)
            for i, m in enumerate(self.result.alternatives)
            if m.percent is not None and abs(self.reported.percent - m.percent) <= CLOSE_POINTS
        ]
        return min(close)[2] if close else None

    def sentences(self) -> list[str]:
        """What an inspector would say about the two figures, in plain words."""
        rule = self.result.rule
        national = self.result.national
        reported = whole(self.reported.percent)
        subject = rule.subject.lower()
        if national.percent is None:
            return [f"The authority reports {reported} of {plural(subject)} within "
                    f"{rule.limit_text}, but no case records could be measured to compare "
                    "with it."]
        measured = (f"{whole(national.percent)} ({national.within} of {national.cases}) "
                    f"measured from {national.phrase}")
        d = self.difference or 0.0
        if not self.differs:
            return [f"The authority reports {reported}; the case records agree: {measured}, "
                    f"as the rule requires (within {points(d) if d else '0 points'})."]
        direction = "below" if d > 0 else "above"
        out = [f"The case records give {measured}, as the rule requires: {points(d)} "
               f"{direction} the {reported} the authority reports."]
        alt = self.explained_by
        if alt is not None and alt.percent is not None:
            out.append(f"Measured from {alt.phrase} instead, they give "
                       f"{whole(alt.percent)} ({alt.within} of {alt.cases}): the reported "
                       "figure matches that method, not the rule.")
        elif self.result.alternatives:
            out.append("No other start date in the records gives the reported figure.")
        return out


def plural(subject: str) -> str:
    """"initial assessment" → "initial assessments"."""
    return subject if subject.endswith("s") else subject + "s"
