"""The timeliness command: each rule over the case records, beside the reported figure."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from fieldwork.cli.core import opened


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "timeliness",
        help="timeliness from the case records, beside the authority's reported figure",
    )
    p.add_argument("file")
    p.add_argument("--rule", metavar="NAME",
                   help="only this rule (its key, such as initial_assessment, or its name)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list, one object per rule")
    p.add_argument("--list-rules", action="store_true",
                   help="list every rule set and its rules, and say which are in use")
    p.set_defaults(handler=cmd_timeliness)


def cmd_timeliness(args: argparse.Namespace) -> int:
    from fieldwork import timeliness
    from fieldwork.timeliness.report import to_json, to_text

    with opened(args.file) as store:
        inspection = store.inspection()
        if args.list_rules:
            sys.stdout.write(_rule_list(inspection))
            return 0
        result = timeliness.assess(inspection, store.cases(), rule=args.rule)
    if args.json:
        sys.stdout.write(json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(to_text(result))
    return 0


def _rule_list(inspection: Any) -> str:
    from fieldwork.timeliness import first_fieldwork_day
    from fieldwork.timeliness.rules import load_rule_sets, sets_in_use

    sets = load_rule_sets()
    used = {s.name for s in sets_in_use(sets, inspection.fields, first_fieldwork_day(inspection))}
    lines: list[str] = []
    for s in sets:
        span = ""
        if s.in_force_from or s.in_force_until:
            start = s.in_force_from.isoformat() if s.in_force_from else "…"
            end = s.in_force_until.isoformat() if s.in_force_until else "…"
            span = f", in force {start} to {end}"
        where = "shipped" if s.shipped else str(s.path)
        mark = "*" if s.name in used else " "
        lines.append(f"{mark} {s.name}: {s.title} ({where}{span})")
        for r in s.rules:
            alts = f"; also from {', '.join(r.alternative_starts)}" if r.alternative_starts else ""
            lines.append(f"    {r.key}: {r.name} — {r.start} → {r.end}, {r.limit_text}{alts}")
    lines.append("* in use for this inspection")
    return "\n".join(lines) + "\n"
