"""Timeliness as the CLI prints it: plain text for people, JSON for scripts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from fieldwork.timeliness.compare import whole
from fieldwork.timeliness.compute import Measure, Problem, RuleResult, Timing

if TYPE_CHECKING:
    from fieldwork.timeliness import Timeliness


def _iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _timing(t: Timing) -> dict[str, Any]:
    return {"case": t.ref, "start": _iso(t.start), "end": _iso(t.end), "days": t.days,
            "within": t.within}


def _problem(p: Problem) -> dict[str, Any]:
    out: dict[str, Any] = {"case": p.ref, "field": p.field, "kind": p.kind,
                           "message": p.message}
    if p.open_days is not None:
        out["open_days"] = p.open_days
    return out


def _measure(m: Measure) -> dict[str, Any]:
    return {
        "start": m.start,
        "cases": m.cases,
        "within": m.within,
        "percent": m.percent,
        "problems": [_problem(p) for p in m.problems],
        "timings": [_timing(t) for t in sorted(m.timings, key=lambda t: t.ref)],
    }


def to_json(t: Timeliness) -> list[dict[str, Any]]:
    """One object per rule: ``rule``, ``cases``, ``within``, ``percent`` (by the rule's own
    start), ``alternatives`` (the same keys for each alternative start, with its ``start``
    and the cases that ``differ``), ``problems``, and the rule's terms, the late cases, each
    case's timing and the comparison with a reported figure (``reported``, or null)."""
    out: list[dict[str, Any]] = []
    for result in t.results:
        rule = result.rule
        national = _measure(result.national)
        alternatives = []
        for alt in result.alternatives:
            item = _measure(alt)
            item["differ"] = [d.ref for d in result.differences(alt)]
            alternatives.append(item)
        comparison = t.comparison(result)
        reported: dict[str, Any] | None = None
        if comparison is not None:
            explained = comparison.explained_by
            d = comparison.difference
            reported = {
                "percent": comparison.reported.percent,
                "field": comparison.reported.where,
                "difference": None if d is None else round(d, 1),
                "differs": comparison.differs,
                "explained_by": explained.start if explained is not None else None,
                "summary": " ".join(comparison.sentences()),
            }
        out.append({
            "rule": rule.name,
            "key": rule.key,
            "rule_set": rule.source,
            "start": rule.start,
            "end": rule.end,
            "limit": rule.limit,
            "unit": rule.unit,
            "nation": t.nation.value,
            "cases": national["cases"],
            "within": national["within"],
            "percent": national["percent"],
            "late": sorted(x.ref for x in result.late),
            "alternatives": alternatives,
            "problems": national["problems"],
            "reported": reported,
            "timings": national["timings"],
        })
    return out


def to_text(t: Timeliness) -> str:
    """The figures per rule, the cases that differ and the problems, for a terminal."""
    lines: list[str] = []
    for result in t.results:
        if lines:
            lines.append("")
        lines += _rule_text(t, result)
    if not t.results:
        lines.append("No timeliness rules apply to this inspection.")
    lines += ["", f"Working days in {t.nation.value}: weekends and bank holidays do not count; "
                  "the day of the start is day 0."]
    return "\n".join(lines) + "\n"


def _figure(m: Measure) -> str:
    if m.percent is None:
        return "no cases to measure"
    return f"{m.within} of {m.cases} within the limit ({whole(m.percent)})"


def _rule_text(t: Timeliness, result: RuleResult) -> list[str]:
    rule = result.rule
    national = result.national
    lines = [f"{rule.name} [{rule.key}]"]
    if not result.scope:
        lines.append(f"  No case records have {rule.start} or {rule.end} dates.")
        return lines
    in_scope = len(result.scope)
    lines.append(f"  {in_scope} case{'s' * (in_scope != 1)}; {rule.unit} days from {rule.start} "
                 f"to {rule.end}, the start being day 0")
    width = max(len(m.phrase) for m in result.measures) + 7
    lines.append(f"  {('From ' + national.phrase + ':').ljust(width)}{_figure(national)}"
                 "   the rule")
    for alt in result.alternatives:
        lines.append(f"  {('From ' + alt.phrase + ':').ljust(width)}{_figure(alt)}"
                     "   alternative")
    comparison = t.comparison(result)
    if comparison is not None:
        lines.append(f"  Reported: {whole(comparison.reported.percent)} "
                     f"({comparison.reported.where})")
        flag = "!" if comparison.differs else " "
        for sentence in comparison.sentences():
            lines.append(f"  {flag} {sentence}")
    unit = f"{rule.unit} days"
    differing: set[str] = set()
    for alt in result.alternatives:
        diffs = result.differences(alt)
        if not diffs:
            continue
        lines.append(f"  Cases that differ from {alt.phrase} ({len(diffs)}):")
        for d in diffs:
            n, a = d.national, d.alternative
            differing.add(n.case_id)
            verdict = "in time" if a.within else "late"
            lines.append(f"    {d.ref}  {n.days} {unit} ({_iso(n.start)} → {_iso(n.end)}); "
                         f"{a.days} from {alt.phrase} ({_iso(a.start)}): {verdict} that way")
    late = [x for x in result.late if x.case_id not in differing]
    if late:
        either = " either way" if result.alternatives else ""
        lines.append(f"  Late{either} ({len(late)}):")
        others = [(alt, alt.by_case()) for alt in result.alternatives]
        for x in sorted(late, key=lambda x: x.ref):
            line = f"    {x.ref}  {x.days} {unit} ({_iso(x.start)} → {_iso(x.end)})"
            for alt, by_case in others:
                other = by_case.get(x.case_id)
                if other is not None:
                    line += f"; {other.days} from {alt.phrase}"
            lines.append(line)
    problems = _all_problems(result)
    if problems:
        lines.append(f"  Not counted ({len(problems)}):")
        for p in problems:
            lines.append(f"    {p.ref}  {p.message}")
    return lines


def _all_problems(result: RuleResult) -> list[Problem]:
    """Each measure's problems, said once each (an open case is open from every start)."""
    seen: set[tuple[str, str]] = set()
    out: list[Problem] = []
    for m in result.measures:
        for p in m.problems:
            key = (p.case_id, p.message)
            if key not in seen:
                seen.add(key)
                out.append(p)
    return sorted(out, key=lambda p: (p.ref, p.field))
