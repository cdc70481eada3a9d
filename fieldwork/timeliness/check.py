"""The readiness check on timeliness: a finding that speaks of timeliness and gives a
percentage the case records do not bear out gets a warning.

A finding "speaks of timeliness" when it says timely, timeliness, timescale, in time, on
time, or "within N (working) days". Its figures are its percentages ("84%", "84 per cent").
They are compared with each rule's figure measured by the rule's own start, for the rules
the finding names (by their terms: "initial assessment", "IA"), or every rule when it names
none. The finding is fine if any of its percentages is within a few points
(:data:`~fieldwork.timeliness.compare.CLOSE_POINTS`) of one of those figures: a finding may
quote the authority's figure beside the inspectors' own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from fieldwork.check_results import CheckResult
from fieldwork.errors import FieldworkError
from fieldwork.timeliness.compare import CLOSE_POINTS, plural, whole
from fieldwork.timeliness.compute import RuleResult

if TYPE_CHECKING:
    from fieldwork.letter import LetterInput

_TIMELY = re.compile(
    r"\b(?:timel(?:y|iness)|timescales?|in\s+time|on\s+time|out\s+of\s+time"
    r"|within\s+\d+\s+(?:working\s+|calendar\s+|clear\s+)?days?)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent\b)", re.IGNORECASE)


def mentions_timeliness(text: str) -> bool:
    return _TIMELY.search(text) is not None


def percentages(text: str) -> list[float]:
    """The percentages a text gives, in order."""
    return [float(m.group(1)) for m in _PERCENT.finditer(text) if float(m.group(1)) <= 100]


def _names(result: RuleResult, text: str) -> bool:
    for word in result.rule.words:
        if re.search(rf"(?<!\w){re.escape(word)}s?(?!\w)", text, re.IGNORECASE):
            return True
    return False


def timeliness_figures(data: LetterInput) -> Iterator[CheckResult]:
    """Warnings for findings whose timeliness figures disagree with the case records."""
    candidates = [f for f in data.findings
                  if mentions_timeliness(f.text) and percentages(f.text)]
    if not candidates:
        return
    from fieldwork.timeliness import assess

    try:
        found = assess(data.inspection, data.cases)
    except FieldworkError as err:
        yield CheckResult("warning", "timeliness_unchecked",
                          f"The timeliness figures in the findings could not be checked: {err}",
                          "letter")
        return
    measured = [r for r in found.results if r.national.percent is not None]
    if not measured:
        return
    for finding in candidates:
        named = [r for r in measured if _names(r, finding.text)] or measured
        figures = percentages(finding.text)
        if any(abs(p - (r.national.percent or 0.0)) <= CLOSE_POINTS
               for p in figures for r in named):
            continue
        yield CheckResult(
            "warning", "timeliness_figure", _message(finding.text, figures, named),
            "finding", finding.id,
        )


def _message(text: str, figures: list[float], results: list[RuleResult]) -> str:
    given = " and ".join(f"{p:g}%" for p in figures)
    shown = []
    for r in results:
        m = r.national
        assert m.percent is not None
        part = (f"{whole(m.percent)} of {plural(r.rule.subject.lower())} within "
                f"{r.rule.limit_text} ({m.within} of {m.cases}, from {m.phrase})")
        near = [a for a in r.alternatives if a.percent is not None
                and any(abs(p - a.percent) <= CLOSE_POINTS for p in figures)]
        if near:
            part += f"; {given} is the figure from {near[0].phrase}, not the rule's start"
        shown.append(part)
    return (f"{_label(text)} gives {given}, but the case records show "
            f"{'; and '.join(shown)}")


def _label(text: str) -> str:
    words = " ".join(text.split())
    short = words if len(words) <= 50 else words[:47].rstrip() + "…"
    return f"The finding “{short}”"
