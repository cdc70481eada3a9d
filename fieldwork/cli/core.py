"""Commands over the inspection file: import, export, notes, findings, links, search, demo."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fieldwork.model import SourceType


@contextlib.contextmanager
def opened(path: str, *, actor: str | None = None) -> Iterator[Any]:
    """The open store for one command, closed afterwards."""
    from fieldwork.store import Store

    store = Store.open(path, actor=actor)
    try:
        yield store
    finally:
        store.close()


def add_commands(sub: Any) -> None:
    p = sub.add_parser("import", help="import interchange JSON (creates the file if missing)")
    p.add_argument("file", help="the inspection file, F.fieldwork")
    p.add_argument("json", help="the interchange JSON to read")
    p.add_argument("--encrypt", action="store_true",
                   help="make the new file encrypted, with the passphrase in --passphrase-file")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("export", help="export the inspection as interchange JSON")
    p.add_argument("file")
    p.add_argument("-o", "--output", help="write to this file (default: standard output)")
    p.set_defaults(handler=cmd_export)

    note = sub.add_parser("note", help="add, edit or delete a note")
    note_sub = note.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = note_sub.add_parser("add", help="add a note; prints its id")
    p.add_argument("file")
    p.add_argument("--author", required=True, help="inspector id or name")
    _note_options(p, required=True)
    p.set_defaults(handler=cmd_note_add)
    p = note_sub.add_parser("edit", help="change a note's fields")
    p.add_argument("file")
    p.add_argument("id")
    p.add_argument("--author", help="inspector id or name")
    _note_options(p, required=False)
    p.add_argument("--by", help="record the change as made by this inspector")
    p.set_defaults(handler=cmd_note_edit)
    p = note_sub.add_parser("delete", help="delete a note (a tombstone that travels in packs)")
    p.add_argument("file")
    p.add_argument("id")
    p.add_argument("--by", help="record the change as made by this inspector")
    p.set_defaults(handler=cmd_note_delete)

    finding = sub.add_parser("finding", help="add, edit or delete a finding")
    f_sub = finding.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = f_sub.add_parser("add", help="add a finding; prints its id")
    p.add_argument("file")
    p.add_argument("--section", required=True, help="a section key of the letter template")
    p.add_argument("--text", required=True)
    p.add_argument("--position", type=int,
                   help="place in the section: 1 is first, past the end is last (default: last)")
    p.add_argument("--by", help="record the change as made by this inspector")
    p.set_defaults(handler=cmd_finding_add)
    p = f_sub.add_parser("edit", help="change a finding's text, section or position")
    p.add_argument("file")
    p.add_argument("id")
    p.add_argument("--text")
    p.add_argument("--section")
    p.add_argument("--position", type=int, help="move to this place in the section (1 is first)")
    p.add_argument("--by", help="record the change as made by this inspector")
    p.set_defaults(handler=cmd_finding_edit)
    p = f_sub.add_parser("delete", help="delete a finding")
    p.add_argument("file")
    p.add_argument("id")
    p.add_argument("--by", help="record the change as made by this inspector")
    p.set_defaults(handler=cmd_finding_delete)

    for name, helptext, handler in (
        ("link", "tag a note to a finding", cmd_link),
        ("unlink", "remove a note's tag to a finding", cmd_unlink),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file")
        p.add_argument("note_id")
        p.add_argument("finding_id")
        p.add_argument("--by", help="record the change as made by this inspector")
        p.set_defaults(handler=handler)

    p = sub.add_parser("search", help="search notes, case references and findings")
    p.add_argument("file")
    p.add_argument("query", nargs="+")
    p.add_argument("-n", "--limit", type=int, default=20, help="most hits to show (default 20)")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("history", help="show the edit history of a note, finding or case")
    p.add_argument("file")
    p.add_argument("id")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("demo", help="write the sample inspection (and its letter) into DIR")
    p.add_argument("dir")
    p.set_defaults(handler=cmd_demo)


def _note_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument(
        "--source", required=required, choices=[s.value for s in SourceType],
        help="where the evidence came from",
    )
    p.add_argument("--case", dest="case_ref", help="the authority's case reference")
    p.add_argument("--role", dest="subject_role", help="the staff role, for an interview")
    p.add_argument("--at", dest="observed_at",
                   help="when: '24 Jun 2009 10:30', '24/06/2009 10:30', '10:30' (today), "
                        "'yesterday 14:00' or ISO 8601 (default now)")
    p.add_argument("--text", required=required)
    p.add_argument("--finding", dest="findings", action="append", metavar="FINDING_ID",
                   help="tag to this finding (repeatable)")


def cmd_import(args: argparse.Namespace) -> int:
    from fieldwork.interchange import import_file

    store, changes = import_file(args.file, args.json, encrypt_with=encrypt_with(args))
    store.close()
    print(
        f"imported into {args.file}: {len(changes.notes)} notes, {len(changes.findings)} "
        f"findings, {len(changes.cases)} cases, {len(changes.inspectors)} inspectors"
    )
    return 0


def encrypt_with(args: argparse.Namespace) -> str | None:
    """The passphrase to encrypt a new file with (``--encrypt``), or None.

    :raises InvalidValue: ``--encrypt`` without a passphrase, or to a file that exists
    """
    from fieldwork.cli.encryption import file_passphrase
    from fieldwork.errors import InvalidValue

    if not getattr(args, "encrypt", False):
        return None
    if Path(args.file).exists():
        raise InvalidValue(f"{args.file}: exists already; --encrypt makes a new file "
                           "(encrypt this one with 'fieldwork encrypt')")
    return file_passphrase(args, required=True)


def cmd_export(args: argparse.Namespace) -> int:
    from fieldwork import interchange
    from fieldwork.files import refuse_overwrite

    if args.output:
        refuse_overwrite(args.output, inputs=[args.file])
    with opened(args.file) as store:
        if args.output:
            interchange.export_file(store, args.output)
        else:
            sys.stdout.write(interchange.dumps(interchange.export_document(store)))
    return 0


def _given(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _read_time(args: argparse.Namespace) -> None:
    """``--at`` as typed, read as the app's Time field reads it (before the file opens)."""
    if args.observed_at is not None:
        from fieldwork.when import parse_when, stored

        args.observed_at = stored(parse_when(args.observed_at, dt.datetime.now()))


def cmd_note_add(args: argparse.Namespace) -> int:
    _read_time(args)
    with opened(args.file) as store:
        changes = store.add_note(
            author=args.author,
            **_given(args, "source", "case_ref", "subject_role", "observed_at", "text", "findings"),
        )
    print(changes.created)
    return 0


def cmd_note_edit(args: argparse.Namespace) -> int:
    _read_time(args)
    with opened(args.file) as store:
        by = store.inspector(args.by).id if args.by else None
        changes = store.edit_note(
            args.id,
            by=by,
            **_given(
                args, "author", "source", "case_ref", "subject_role", "observed_at", "text",
                "findings",
            ),
        )
    print("changed" if changes else "unchanged")
    return 0


def cmd_note_delete(args: argparse.Namespace) -> int:
    with opened(args.file) as store:
        store.delete_note(args.id, by=store.inspector(args.by).id if args.by else None)
    print("deleted")
    return 0


def cmd_finding_add(args: argparse.Namespace) -> int:
    with opened(args.file) as store:
        changes = store.add_finding(
            args.section, args.text, position=args.position,
            by=store.inspector(args.by).id if args.by else None,
        )
    print(changes.created)
    return 0


def cmd_finding_edit(args: argparse.Namespace) -> int:
    with opened(args.file) as store:
        by = store.inspector(args.by).id if args.by else None
        changes = store.edit_finding(args.id, by=by, **_given(args, "text", "section", "position"))
    print("changed" if changes else "unchanged")
    return 0


def cmd_finding_delete(args: argparse.Namespace) -> int:
    with opened(args.file) as store:
        store.delete_finding(args.id, by=store.inspector(args.by).id if args.by else None)
    print("deleted")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    with opened(args.file) as store:
        by = store.inspector(args.by).id if args.by else None
        changes = store.link(args.note_id, args.finding_id, by=by)
    print("linked" if changes else "already linked")
    return 0


def cmd_unlink(args: argparse.Namespace) -> int:
    with opened(args.file) as store:
        by = store.inspector(args.by).id if args.by else None
        changes = store.unlink(args.note_id, args.finding_id, by=by)
    print("unlinked" if changes else "was not linked")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from fieldwork.cli.shown import for_terminal, to_terminal
    from fieldwork.store.search import segments

    query = " ".join(args.query)
    tty = to_terminal()
    show = for_terminal if tty else str
    bold = tty and not os.environ.get("NO_COLOR")
    open_, close = ("\x1b[1m", "\x1b[0m") if bold else ("[", "]")
    with opened(args.file) as store:
        hits = store.search(query, limit=args.limit)
        for hit in hits:
            snippet = " ".join("".join(
                f"{open_}{show(text)}{close}" if match else show(text)
                for text, match in segments(hit.snippet)
            ).split())
            if hit.kind == "note":
                note = store.note(hit.id)
                where = note.case_ref or note.subject_role or note.source.label
                print(f"note {show(hit.id)}  {show(note.observed_at)}  {show(where)}\n"
                      f"    {snippet}")
            else:
                finding = store.finding(hit.id)
                print(f"finding {show(hit.id)}  ({show(finding.section)})\n    {snippet}")
    if not hits:
        print(f"no matches for {query!r}", file=sys.stderr)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from fieldwork.cli.shown import safe

    with opened(args.file) as store:
        names = {i.id: i.name for i in store.inspectors()}
        for entry in store.history(args.id):
            who = names.get(entry.by, entry.by or "unknown")
            line = f"{entry.at}  {who}  {entry.op}"
            if entry.after is not None or entry.before is not None:
                for key in sorted({*(entry.before or {}), *(entry.after or {})}):
                    old = (entry.before or {}).get(key)
                    new = (entry.after or {}).get(key)
                    line += f"\n    {key}: {old!r} -> {new!r}"
            print(safe(line))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldwork.demo import write_demo

    for path in write_demo(Path(args.dir)):
        print(f"wrote {path}")
    return 0
