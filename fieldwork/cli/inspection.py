"""Commands over a whole inspection: ``new`` makes one, ``copy`` saves a copy of one.

They follow the same rules as the app's New Inspection and Save a Copy
(:mod:`fieldwork.inspections`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from fieldwork.model import Role


def add_commands(sub: Any) -> None:
    p = sub.add_parser("new", help="make a new inspection file for a team")
    p.add_argument("file", help="the new inspection file, F.fieldwork")
    p.add_argument("--authority", required=True, help="the local authority inspected")
    p.add_argument("--lead", required=True, help="the lead inspector's name")
    p.add_argument("--team", action="append", default=[], metavar="NAME",
                   help="a team inspector's name (repeatable)")
    p.add_argument("--me", help="who this copy belongs to (default: the lead)")
    p.add_argument("--title", default="", help="the letter's title (default: the template's)")
    p.add_argument("--template", help="the letter template (default: ucra-2009)")
    p.add_argument("--first-day", help="the first day of fieldwork, YYYY-MM-DD (default: today)")
    p.add_argument("--last-day", help="the last day of fieldwork (default: the first day)")
    p.add_argument("--encrypt", action="store_true",
                   help="make the file encrypted, with the passphrase in --passphrase-file")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("copy", help="save a copy of an inspection file, with its own identity "
                                    "for merging, as a second laptop would have")
    p.add_argument("file", help="the inspection file, F.fieldwork")
    p.add_argument("copy", help="the copy to write (never over an inspection file or a pack)")
    p.add_argument("--encrypt", action="store_true",
                   help="make the copy of a plain file encrypted, with the passphrase in "
                        "--passphrase-file (an encrypted file's copy is encrypted anyway)")
    p.set_defaults(handler=cmd_copy)


def _day(text: str | None, what: str, default: dt.date) -> dt.date:
    from fieldwork.cli import UsageError

    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what}: not a date in the form YYYY-MM-DD: {text!r}") from None


def cmd_new(args: argparse.Namespace) -> int:
    from fieldwork.cli.core import encrypt_with
    from fieldwork.inspections import DEFAULT_TEMPLATE, NewInspection, create_inspection

    first = _day(args.first_day, "--first-day", dt.date.today())
    last = _day(args.last_day, "--last-day", first)
    path = Path(args.file)
    spec = NewInspection(
        path=path if path.suffix == ".fieldwork" else path.with_name(path.name + ".fieldwork"),
        template=args.template or DEFAULT_TEMPLATE,
        authority=args.authority,
        title=args.title,
        first_day=first,
        last_day=last,
        team=[(args.lead, Role.LEAD), *((name, Role.TEAM) for name in args.team)],
        me=args.me if args.me is not None else args.lead,
        passphrase=encrypt_with(args),
    )
    create_inspection(spec)
    count = len(spec.names())
    print(f"created {spec.path}: {count} inspector{'s' * (count != 1)}; "
          f"this copy belongs to {spec.me.strip()}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    from fieldwork.cli.core import opened
    from fieldwork.inspections import save_copy

    if args.encrypt:
        from fieldwork.cli.encryption import file_passphrase
        from fieldwork.encryption import encrypted_copy, is_encrypted

        if not is_encrypted(args.file):
            passphrase = file_passphrase(args, required=True)
            assert passphrase is not None
            path = encrypted_copy(args.file, args.copy, passphrase)
            print(f"wrote {path} (encrypted)")
            return 0
    with opened(args.file) as store:
        path = save_copy(store, args.copy)
    print(f"wrote {path}")
    return 0
