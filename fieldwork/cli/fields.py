"""Letter field commands: ``fields`` lists them, ``field`` reads, sets or clears one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from fieldwork.cli.core import opened


def add_commands(sub: Any) -> None:
    p = sub.add_parser(
        "fields", help="list the letter's fields: values, which the template needs, what is missing"
    )
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print them as a JSON object")
    p.set_defaults(handler=cmd_fields)

    p = sub.add_parser("field", help="print, set or clear one letter field")
    p.add_argument("file")
    p.add_argument("key", help="the field, such as focus or recipient.name")
    group = p.add_mutually_exclusive_group()
    group.add_argument("value", nargs="?", help="the new value, as text (without a value, "
                                                "--json or --unset: print the field)")
    group.add_argument("--json", metavar="JSON", dest="json_value",
                       help="the new value as JSON, for lists and tables: '[\"a\", \"b\"]'")
    group.add_argument("--unset", action="store_true", help="clear the field")
    p.add_argument("--by", help="record the change as made by this inspector")
    p.set_defaults(handler=cmd_field)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if "\n" in value else value
    return json.dumps(value, ensure_ascii=False)


def cmd_fields(args: argparse.Namespace) -> int:
    from fieldwork.letterfields import list_fields

    with opened(args.file) as store:
        infos = list_fields(store)
        template = store.inspection().template
        inspection = store.inspection_id
    if args.json:
        doc = {
            i.key: {"value": i.value, "needed": i.needed, "used": i.used, "missing": i.missing}
            for i in infos
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return 0
    width = max((len(i.key) for i in infos), default=10)
    print(f"the letter's fields (template {template}; history: fieldwork history FILE "
          f"{inspection}):")
    for i in infos:
        status = "MISSING" if i.missing else "needed" if i.needed else "used" if i.used else "-"
        print(f"  {i.key:<{width}}  {status:<7}  {_shown(i.value)}")
    missing = [i.key for i in infos if i.missing]
    print("missing: " + ", ".join(missing) if missing else "nothing is missing")
    return 0


def cmd_field(args: argparse.Namespace) -> int:
    from fieldwork import letterfields
    from fieldwork.cli import UsageError

    reading = args.value is None and args.json_value is None and not args.unset
    if reading and args.by:
        raise UsageError("--by is for a change; give a value, --json or --unset")
    with opened(args.file) as store:
        if reading:
            letterfields.check_key(args.key)
            value = letterfields.get_path(store.inspection().fields, args.key)
            if value is None:
                print(f"{args.key} is not set", file=sys.stderr)
                return 1
            print(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            return 0
        by = store.inspector(args.by).id if args.by else None
        value = None
        if args.json_value is not None:
            value = letterfields.parse_value(args.key, args.json_value, as_json=True)
        elif not args.unset:
            value = letterfields.parse_value(args.key, args.value, as_json=False)
        changed = letterfields.set_field(store, args.key, value, by=by)
    print(("cleared" if args.unset else "set") if changed else "unchanged")
    return 0
