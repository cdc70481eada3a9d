"""Baselines shared by the benchmarks, measured in the same run as what they compare with."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from fieldwork.store.index import BULK_FTS_HASHSIZE

#: Column positions of the note rows the benchmarks build: id, author, source, case_ref,
#: subject_role, observed_at, text, then findings (and, for some, extra).
CASE_REF, ROLE, TEXT = 3, 4, 6


def raw_executemany(folder: Path, rows: Sequence[tuple[object, ...]]) -> float:
    """Seconds for plain ``sqlite3`` to insert ``rows`` into a bare table, default settings."""
    path = folder / f"raw-{uuid.uuid4().hex[:6]}.sqlite"
    conn = sqlite3.connect(path)
    width = len(rows[0])
    conn.execute(f"CREATE TABLE t ({', '.join(f'c{i}' for i in range(width))})")
    conn.commit()
    start = time.perf_counter()
    with conn:
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * width)})", rows)
    elapsed = time.perf_counter() - start
    conn.close()
    path.unlink()
    return elapsed


def fts_alone(folder: Path, rows: Sequence[tuple[object, ...]]) -> float:
    """For context: seconds for FTS5 to index the rows' texts on their own, tuned as a bulk
    import or merge is (64 MB of pending index in memory, journaling off)."""
    path = folder / f"fts-{uuid.uuid4().hex[:6]}.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(text, case_ref, subject_role, "
                 "content='', tokenize='unicode61 remove_diacritics 2')")
    batch = [(seq, r[TEXT], r[CASE_REF], r[ROLE]) for seq, r in enumerate(rows, start=1)]
    start = time.perf_counter()
    with conn:
        conn.execute("INSERT INTO f (f, rank) VALUES ('hashsize', ?)", (BULK_FTS_HASHSIZE,))
        conn.executemany(
            "INSERT INTO f (rowid, text, case_ref, subject_role) VALUES (?, ?, ?, ?)", batch
        )
    elapsed = time.perf_counter() - start
    conn.close()
    path.unlink()
    return elapsed

