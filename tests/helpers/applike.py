"""A process that holds an inspection file as the app does, for the fault tests.

``python -m tests.helpers.applike FILE [--wait] [--count N] [--text-size K] [--pause S]``

It opens two connections to FILE, as ``ui.session.open_session`` does (a writer for the
worker thread and a reader for the GUI thread), reads the first page of the list through
both, and prints ``ready``. With ``--wait`` it then waits for a line on stdin. Then it
writes notes through the writer, reading the list through the reader now and then, and
prints each note's id once the note is committed (that is, acknowledged to the user).
It stops after N notes (default: never), on a full disk (printing ``full: MESSAGE`` and
exiting 3), or when killed. A locked file is retried, as the app retries a save. It
pauses S seconds between notes (default 0.005), as a busy app would never be without.

No Qt here: the app's two connections are what matter, and the test must not depend on
the window.
"""

from __future__ import annotations

import argparse
import sys
import time

from fieldwork.errors import DiskFull, FileLocked
from fieldwork.store import Store


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--wait", action="store_true")
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--text-size", type=int, default=200)
    p.add_argument("--pause", type=float, default=0.005)
    args = p.parse_args(argv)
    writer = Store.open(args.file)
    reader = Store.open(args.file)
    writer.count_notes()
    writer.note_rows(limit=50)
    reader.note_rows(limit=50)
    print("ready", flush=True)
    if args.wait:
        sys.stdin.readline()
    author = writer.inspectors()[0].id
    i = 0
    while not args.count or i < args.count:
        text = f"app note {i} " + "x" * args.text_size
        try:
            changes = writer.add_note(author=author, source="observation", text=text)
        except FileLocked:
            time.sleep(0.01)
            continue
        except DiskFull as err:
            print(f"full: {err}", flush=True)
            return 3
        print(changes.created, flush=True)
        if i % 5 == 0:
            reader.note_rows(limit=50)
        i += 1
        time.sleep(args.pause)
    writer.close()
    reader.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
