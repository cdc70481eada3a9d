"""Timeliness benchmark (issue 17). Run: ``.venv/bin/python bench/bench_timeliness.py``.

Timeliness for 10,000 cases under the 2009 rules (initial assessment from the referral and
from the authority's start, core assessment), in working days with England's bank
holidays, through :func:`fieldwork.timeliness.assess` (rules, nation, reported figure and
all), from the cases in memory. Target: at most 0.2 s (median of the runs).

The baseline, measured in the same run: a plain Python loop over the same dates without
holidays, each date parsed with ``date.fromisoformat`` and each span counted in calendar
days against the limit. The figure is printed as a ratio to it. The first run, which
imports ``holidays`` and builds the table of working days, is printed separately.

Exit status 1 if the target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldwork.model import Case, CaseKind, Inspection

TARGET_S = 0.2


def synthetic_cases(n: int, seed: int = 17) -> list[Case]:
    """``n`` cases referred over 2008–2010, as an authority's tracking sheet would show them:
    most with all their dates, some still open, a few with a slip of the keyboard."""
    rng = random.Random(seed)
    first = dt.date(2008, 1, 1).toordinal()
    cases: list[Case] = []
    for i in range(n):
        referral = dt.date.fromordinal(first + rng.randrange(3 * 365))
        start = referral + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 3, 6)))
        fields: dict[str, Any] = {
            "referral_date": referral.isoformat(),
            "assessment_start": start.isoformat(),
            "assessment_completed": (start + dt.timedelta(days=rng.randrange(1, 21))).isoformat(),
        }
        if rng.random() < 0.2:  # went on to a core assessment
            core = dt.date.fromisoformat(fields["assessment_completed"])
            fields["core_assessment_start"] = core.isoformat()
            fields["core_assessment_completed"] = (
                core + dt.timedelta(days=rng.randrange(20, 60))).isoformat()
        roll = rng.random()
        if roll < 0.03:
            fields["assessment_completed"] = None  # still open
        elif roll < 0.04:
            fields["assessment_completed"] = "unknown"  # not a date
        cases.append(Case(id=f"c{i}", ref=f"BR-{i:06d}", kind=CaseKind.SAMPLED, fields=fields))
    return cases


def baseline(cases: list[Case], spans: list[tuple[str, str, int]]) -> int:
    """The same dates, parsed and counted in calendar days: no holidays, no weekends."""
    within = 0
    for case in cases:
        f = case.fields
        for start, end, limit in spans:
            a, b = f.get(start), f.get(end)
            if not a or not b:
                continue
            try:
                days = (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days
            except ValueError:
                continue
            if 0 <= days <= limit:
                within += 1
    return within


def median_time(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    cases = synthetic_cases(args.cases)
    inspection = Inspection(id="bench", fields={
        "fieldwork_dates": ["2009-06-24"], "nation": "England",
        "reported_timeliness": {"initial_assessment": 84},
    })
    from fieldwork.timeliness import assess, rules_for

    rules = rules_for(inspection)
    spans = [(s, r.end, r.limit) for r in rules for s in (r.start, *r.alternative_starts)]

    started = time.perf_counter()
    result = assess(inspection, cases)
    cold = time.perf_counter() - started
    measured = sum(r.national.cases for r in result.results)
    print(f"{args.cases:,} cases, rules {', '.join(r.key for r in rules)}: "
          f"{measured:,} measured by the rules' own starts")
    print(f"first run (imports holidays, builds the working-day table): {cold * 1000:.1f} ms")

    ours = base = 0.0
    for _ in range(3):  # alternate, so that both sides see the same machine
        ours += median_time(lambda: assess(inspection, cases), args.runs)
        base += median_time(lambda: baseline(cases, spans), args.runs)
    ours, base = ours / 3, base / 3
    ok = ours <= TARGET_S
    print(f"baseline (plain loop, calendar days, no holidays): {base * 1000:.1f} ms")
    print(f"{'PASS' if ok else 'FAIL'}  timeliness for {args.cases:,} cases: "
          f"{ours * 1000:.1f} ms = {ours / base:.2f}× the baseline (target ≤ {TARGET_S} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
