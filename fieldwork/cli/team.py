"""Commands for team work: pack, join, merge, sync, conflicts and resolve."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from fieldwork.cli.core import opened
from fieldwork.cli.encryption import read_passphrase
from fieldwork.cli.shown import safe
from fieldwork.errors import InvalidValue


def add_commands(sub: Any) -> None:
    p = sub.add_parser("pack", help="write an encrypted pack of this copy, for the team")
    p.add_argument("file", help="the inspection file, F.fieldwork")
    p.add_argument("-o", "--output", required=True, help="the pack to write, X.fwpack")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_pack)

    p = sub.add_parser("merge", help="merge team members' packs into this copy")
    p.add_argument("file")
    p.add_argument("packs", nargs="+", metavar="PACK")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser(
        "sync", help="write this copy's pack to a team folder and merge the team's new packs",
        description="Write this copy's pack to FOLDER/<inspection id>/ if the copy changed "
        "since its last pack there, then merge every team member's pack there that is new. "
        "FOLDER is one a sync engine (Syncthing, OneDrive, a network share) keeps the same "
        "on every member's machine; see docs/team-folder.md.")
    p.add_argument("file")
    p.add_argument("folder", metavar="FOLDER", help="the team folder")
    _passphrase_option(p)
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("join", help="make your own copy of an inspection from the lead's pack")
    p.add_argument("pack")
    p.add_argument("-o", "--output", required=True, help="your new copy, MINE.fieldwork")
    p.add_argument("--as", dest="as_name", required=True, metavar="NAME",
                   help="who you are in the team (name or id)")
    _passphrase_option(p)
    p.add_argument("--encrypt", action="store_true",
                   help="make your copy encrypted, with its own passphrase in "
                        "--file-passphrase-file (not the team passphrase)")
    p.set_defaults(handler=cmd_join)

    p = sub.add_parser("conflicts", help="list the open conflicts, with both versions")
    p.add_argument("file")
    p.set_defaults(handler=cmd_conflicts)

    p = sub.add_parser("resolve", help="settle a conflict by choosing a version or a text")
    p.add_argument("file")
    p.add_argument("conflict_id", metavar="CONFLICT_ID", help="its id, or a unique start of it")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--take", choices=["mine", "theirs"], help="keep one version")
    how.add_argument("--text", help="a merged text (for a note or a finding)")
    p.add_argument("--by", help="record the resolution as made by this inspector")
    p.set_defaults(handler=cmd_resolve)


def _passphrase_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-file", required=True, metavar="P",
                   help="a file holding the team passphrase")


def cmd_pack(args: argparse.Namespace) -> int:
    from fieldwork.files import refuse_overwrite
    from fieldwork.packs import export_pack
    from fieldwork.packs.export import check_new_passphrase

    refuse_overwrite(args.output, inputs=[args.file])
    passphrase = read_passphrase(args.passphrase_file)
    check_new_passphrase(passphrase)
    with opened(args.file) as store:
        info = export_pack(store, args.output, passphrase)
    print(safe(f"wrote {info.path} ({info.size:,} bytes) from {info.header.sender_name}"))
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from fieldwork.packs import count_conflicts, merge_packs

    passphrase = read_passphrase(args.passphrase_file)
    with opened(args.file) as store:
        summaries = merge_packs(store, args.packs, passphrase)
        open_conflicts = count_conflicts(store)
    for summary in summaries:
        print(safe(summary.describe()))
    if open_conflicts:
        print(f"{open_conflicts} conflict(s) open; see 'fieldwork conflicts {args.file}'")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    import os

    from fieldwork.cli.encryption import ENV
    from fieldwork.packs.sync import sync

    own = getattr(args, "file_passphrase_file", None) or os.environ.get(ENV) or None
    for secret in (args.passphrase_file, own):
        if secret and Path(secret).resolve().is_relative_to(Path(args.folder).resolve()):
            raise InvalidValue(
                f"{secret}: the passphrase file is inside the team folder, which the sync "
                "engine copies to every member's machine (and perhaps a cloud): keep it "
                "elsewhere"
            )
    passphrase = read_passphrase(args.passphrase_file)
    with opened(args.file) as store:
        report = sync(store, args.folder, passphrase)
    # Sender names and file names come from the team folder (anyone in the team, or the
    # sync engine, can put them there): escaped on a terminal.
    for line in report.lines():
        print(safe(line))
    if report.open_conflicts and (report.merged or report.wrote):
        print(safe(f"{report.open_conflicts} conflict(s) open; see 'fieldwork conflicts "
                   f"{args.file}'"))
    for note in report.refused:
        who = f" from {note.sender}" if note.sender else ""
        print(safe(f"warning: refused {note.name}{who}: {note.reason} (it is tried again when "
                   "it changes)", stream=sys.stderr), file=sys.stderr)
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    from fieldwork.packs import join_pack

    passphrase = read_passphrase(args.passphrase_file)
    store = join_pack(args.pack, args.output, passphrase, args.as_name,
                      encrypt_with=_own_passphrase(args))
    try:
        me = store.inspector(store.me).name
        notes, findings = store.count_notes(), len(store.findings())
    finally:
        store.close()
    print(safe(f"joined as {me}: wrote {args.output} ({notes} notes, {findings} findings)"))
    return 0


def _own_passphrase(args: argparse.Namespace) -> str | None:
    from fieldwork.cli.encryption import file_passphrase

    if not args.encrypt:
        return None
    own = file_passphrase(args, required=True)
    if own == read_passphrase(args.passphrase_file):
        raise InvalidValue("the copy's own passphrase is the team passphrase: give it one of "
                           "its own, which only you know")
    return own


def cmd_conflicts(args: argparse.Namespace) -> int:
    from fieldwork.packs import list_conflicts

    with opened(args.file) as store:
        conflicts = list_conflicts(store)
        names = {i.id: i.name for i in store.inspectors()}
    if not conflicts:
        print("no open conflicts")
        return 0
    for c in conflicts:
        print(safe(f"conflict {c.id}  {c.kind} {c.row_id}"))
        for side, by, at, deleted in (
            ("mine", c.mine_by, c.mine_at, c.mine_deleted),
            ("theirs", c.theirs_by, c.theirs_at, c.theirs_deleted),
        ):
            state = "  (deleted)" if deleted else ""
            print(safe(f"  {side + ':':8}{names.get(by, by or 'unknown')}, {at}{state}"))
        for name in c.differing:
            if name == "deleted":
                continue
            print(safe(f"  {name}:"))
            print(safe(f"    mine:   {_shown(c.mine.get(name))}"))
            print(safe(f"    theirs: {_shown(c.theirs.get(name))}"))
    return 0


def _shown(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else repr(value)


def cmd_resolve(args: argparse.Namespace) -> int:
    from fieldwork.packs import resolve_conflict

    with opened(args.file) as store:
        by = store.inspector(args.by).id if args.by else None
        changes = resolve_conflict(store, args.conflict_id, take=args.take, text=args.text, by=by)
    what = f"kept {args.take}" if args.take else "wrote the merged text"
    ids = sorted(changes.notes or changes.findings or changes.cases or changes.inspectors)
    print(safe(f"resolved: {what}" + (f" for {ids[0]}" if ids else "")))
    return 0
