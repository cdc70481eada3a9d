"""Letter commands: letter, appendix, check, issue."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from fieldwork.cli.core import opened
from fieldwork.files import refuse_overwrite


def add_commands(sub: Any) -> None:
    p = sub.add_parser("letter", help="compile the letter (the stored PDF once issued)")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="write the PDF here")
    p.add_argument("--text", action="store_true", help="print the letter as plain text")
    p.set_defaults(handler=cmd_letter)

    p = sub.add_parser("appendix", help="write the evidence appendix PDF (not for publication)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_appendix)

    p = sub.add_parser("check", help="readiness checks; exits 1 when something blocks issuing")
    p.add_argument("file")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("issue", help="issue the letter and freeze it")
    p.add_argument("file")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--qa", action="store_true", help="only mark the draft as in QA")
    group.add_argument("--reopen", action="store_true",
                       help="unfreeze an issued letter for a re-issue (the issue is kept)")
    p.add_argument("--by", help="record this as done by this inspector")
    p.set_defaults(handler=cmd_issue)


def cmd_letter(args: argparse.Namespace) -> int:
    from fieldwork import issuing
    from fieldwork.cli import UsageError

    if not args.text and not args.output:
        raise UsageError("give -o FILE.pdf, or --text for plain text on standard output")
    if args.output:
        refuse_overwrite(args.output, inputs=[args.file])
    with opened(args.file) as store:
        state = store.inspection().state.value
        for line in issuing.left_out_warnings(store):
            print(f"warning: {line}", file=sys.stderr)
        if args.text:
            sys.stdout.write(issuing.letter_text(store))
            if state != "issued":
                what = "in QA" if state == "qa" else "a draft"
                print(f"note: this letter is {what}, not yet issued", file=sys.stderr)
        if args.output:
            path = issuing.write_bytes(args.output, issuing.letter_pdf(store),
                                       inputs=[store.path])
            print(f"wrote {path}", file=sys.stderr if args.text else sys.stdout)
    return 0


def cmd_appendix(args: argparse.Namespace) -> int:
    from fieldwork import issuing

    refuse_overwrite(args.output, inputs=[args.file])
    with opened(args.file) as store:
        if store.retired:
            from fieldwork.errors import Retired

            raise Retired(f"{_retired_line(store)}: there is no evidence for an appendix")
        path = issuing.write_bytes(args.output, issuing.appendix_pdf(store), inputs=[store.path])
    print(f"wrote {path} (not for publication)")
    return 0


def _retired_line(store: Any) -> str:
    from fieldwork.retention import retired_record

    done = retired_record(store)
    assert done is not None
    return (f"{store.path}: retired on {done.day} by {done.by}; only the issued letter is "
            f"kept (sha256 {done.letter_sha256})")


def cmd_check(args: argparse.Namespace) -> int:
    from fieldwork import issuing

    with opened(args.file) as store:
        if store.retired:
            print(_retired_line(store))
            return 0
        results = issuing.check(store)
    for r in results:
        target = f" [{r.target} {r.target_id}]" if r.target_id else f" [{r.target}]"
        print(f"{r.level}: {r.message}{target}")
    errors = sum(r.level == "error" for r in results)
    warnings = len(results) - errors
    print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
          + ("; the letter cannot be issued yet" if errors else "; ready to issue"))
    return 1 if errors else 0


def cmd_issue(args: argparse.Namespace) -> int:
    from fieldwork import issuing

    with opened(args.file) as store:
        by = store.inspector(args.by).id if args.by else None
        if args.qa:
            issuing.mark_qa(store, by=by)
            print("the letter is in QA")
        elif args.reopen:
            issuing.reopen(store, by=by)
            print("reopened for a re-issue; the earlier issue is kept")
        else:
            issue = issuing.issue(store, by=by)
            print(f"issued {issue.at}  sha256 {issue.sha256}")
    return 0
