"""The search-index builder that runs as its own process (see :mod:`bulkindex`).

Run as ``python -I -S index_worker.py SCRATCH HASHSIZE FTS_SQL [SQLCIPHER_FOLDER]``: it
reads framed batches from stdin and writes the notes search index (made by ``FTS_SQL``, the
file's own definition, with FTS5 holding up to ``HASHSIZE`` bytes of pending index in memory)
and the links into the database ``SCRATCH`` (an empty file the parent made), then exits 0; on
any error it prints one line to stderr, ``CODE|Type: message`` with CODE the SQLite
error code (0 for another error), and exits 1. It imports nothing but
the standard library, so that it starts in a few tens of milliseconds and never holds
the parent's GIL: tokenising 100,000 notes keeps a core busy for two seconds or so.

A frame is one kind byte, an 8-byte little-endian length and a :mod:`marshal` payload:

* ``K`` — the first frame when ``SQLCIPHER_FOLDER`` is given (the file is encrypted): the
  value of SQLCipher's ``PRAGMA key``; the scratch database is then made with
  ``sqlcipher3``, imported from that folder, and encrypted with the file's own key, so that
  no note text reaches the disk in the clear. Its temporary data stays in memory;

* ``R`` — ``[(rowid, *columns), …]``, rowids going up, with the columns ``FTS_SQL`` gives
  its index (the file's own definition: the worker knows no column names of its own);
* ``L`` — ``[(finding_id, note_id), …]``, links (sorted and inserted at the end);
* ``E`` — ``None``: that was all. Input that stops without it (the parent was killed)
  is an error, and the scratch database is removed rather than left behind.

The parent is the only writer of the pipe, so marshal (which trusts its input) is safe.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

ROWS, LINKS, END, KEY = b"R", b"L", b"E", b"K"


def read_frames(stream: BinaryIO) -> Iterator[tuple[bytes, Any]]:
    """Yield ``(kind, payload)`` until the stream ends; a short frame is an error."""
    while True:
        head = stream.read(9)
        if not head:
            return
        if len(head) != 9:
            raise EOFError("index batch cut short")
        size = int.from_bytes(head[1:], "little")
        body = stream.read(size)
        if len(body) != size:
            raise EOFError("index batch cut short")
        yield head[:1], marshal.loads(body)


def _connect(scratch: str, cipher_folder: str | None, frames: Iterator[tuple[bytes, Any]]
             ) -> Any:
    if cipher_folder is None:
        return sqlite3.connect(scratch, isolation_level=None)
    kind, key = next(frames, (b"", None))
    if kind != KEY or not isinstance(key, str):
        raise ValueError("the key of an encrypted index did not come first")
    sys.path.insert(0, cipher_folder)
    import sqlcipher3

    conn = sqlcipher3.connect(scratch, isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = {key}")
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def build(scratch: str, hash_size: int, fts_sql: str, stream: BinaryIO,
          cipher_folder: str | None = None) -> None:
    frames = read_frames(stream)
    conn = _connect(scratch, cipher_folder, frames)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -131072")
        conn.execute(fts_sql)
        columns = [str(r[1]) for r in conn.execute("PRAGMA table_info(notes_fts)")]
        # The index's external content table, as the file has it (never read here).
        conn.execute(f"CREATE TABLE notes (seq INTEGER PRIMARY KEY, {', '.join(columns)})")
        insert = (f"INSERT INTO notes_fts (rowid, {', '.join(columns)}) "
                  f"VALUES (?, {', '.join('?' for _ in columns)})")
        conn.execute(
            "CREATE TABLE links (finding_id TEXT NOT NULL, note_id TEXT NOT NULL, "
            "PRIMARY KEY (finding_id, note_id)) WITHOUT ROWID"
        )
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO notes_fts (notes_fts, rank) VALUES ('hashsize', ?)", (hash_size,)
        )
        links: list[tuple[str, str]] = []
        for kind, payload in frames:
            if kind == END:
                break
            if kind == ROWS:
                conn.executemany(insert, payload)
            elif kind == LINKS:
                links.extend(payload)
            else:
                raise ValueError(f"unknown index batch {kind!r}")
        else:
            raise EOFError("the index input stopped before its end")
        links.sort()
        conn.executemany("INSERT OR IGNORE INTO links (finding_id, note_id) VALUES (?, ?)", links)
        conn.execute("COMMIT")
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    try:
        build(argv[1], int(argv[2]), argv[3], sys.stdin.buffer,
              argv[4] if len(argv) > 4 else None)
    except BaseException as err:  # reported to the parent as one line
        for suffix in ("", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(argv[1] + suffix)
        code = getattr(err, "sqlite_errorcode", 0)
        print(f"{code}|{type(err).__name__}: {err}".replace("\n", " "), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
