"""Retention commands: ``retention`` (the date, and how many months), ``retire``."""

from __future__ import annotations

import argparse
from typing import Any

from fieldwork.cli.core import opened


def add_commands(sub: Any) -> None:
    p = sub.add_parser("retention", help="show the retention date, or set how many months "
                                         "after issue the evidence is kept")
    p.add_argument("file")
    p.add_argument("--months", type=int, metavar="N",
                   help="keep the evidence N months after the letter is issued (default 12)")
    p.set_defaults(handler=cmd_retention)

    p = sub.add_parser("retire", help="remove the evidence for good, keeping the issued "
                                      "letter (only after issue, and from the retention date)")
    p.add_argument("file")
    p.add_argument("--now", action="store_true",
                   help="retire before the retention date")
    p.add_argument("--by", help="who retires it (default: the inspector this copy belongs to)")
    p.set_defaults(handler=cmd_retire)


def cmd_retention(args: argparse.Namespace) -> int:
    from fieldwork import retention

    with opened(args.file) as store:
        done = retention.retired_record(store)
        if done is not None:
            print(f"retired on {done.day} by {done.by}; kept: the issued letter "
                  f"(sha256 {done.letter_sha256})")
            return 0
        if args.months is not None:
            retention.set_months(store, args.months)
        months = retention.months(store)
        due = retention.retention_date(store)
        if due is None:
            print(f"evidence kept {months} months after the letter is issued (not issued yet)")
        else:
            print(f"evidence kept {months} months after the letter was issued on "
                  f"{retention.issued_on(store)}: retention date {due}")
    return 0


def cmd_retire(args: argparse.Namespace) -> int:
    from fieldwork import retention

    with opened(args.file) as store:
        by = args.by
        if by is None:
            by = store.inspector(store.me).name if store.me else ""
        record = retention.retire(store, by=by, now=args.now)
    print(f"retired {args.file}: the evidence is removed; kept the issued letter "
          f"(sha256 {record.letter_sha256}), retired by {record.by}")
    return 0
