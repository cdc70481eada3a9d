"""Measurements shared by the store benchmarks (``bench_store``, ``bench_encryption``): the
same search, save and open workloads on a plain or an encrypted file."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from typing import Any

#: The search benchmarks' query classes; "rare word" is filled in from the file's vocabulary
#: (:func:`rare_word`).
SEARCH_QUERIES = {
    "middle word": "strategy",
    "two words": "police referral",
    "phrase-ish three": "child seen views",
    "prefix (typing)": "assess",
    "case reference": "BR-09-00042",
    "word in most notes": "child",
    "very common prefix": "th",
}


def rare_word(store: Any) -> str:
    """A word found in 20 to 200 notes of ``store``'s search index."""
    return str(store.raw_sql(
        "SELECT term FROM notes_vocab WHERE doc BETWEEN 20 AND 200 LIMIT 1").fetchone()[0])


def search_queries(rare: str) -> dict[str, str]:
    """Every query class, the rare word first."""
    return {"rare word": rare, **SEARCH_QUERIES}


def like_scan(store: Any, words: Sequence[str]) -> float:
    """Median seconds of a ``LIKE '%word%'`` scan over every note's text, one per word: the
    baseline a search is held against."""
    times = []
    for word in words:
        t0 = time.perf_counter()
        store.raw_sql("SELECT id FROM notes WHERE text LIKE ?", (f"%{word}%",)).fetchall()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def search_p95(store: Any, query: str, runs: int = 7) -> tuple[float, int]:
    """The p95 seconds of ``store.search(query, limit=50)`` over ``runs`` runs, and its hits."""
    times = []
    hits = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        hits = len(store.search(query, limit=50))
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], hits


def save_median_ms(store: Any, saves: int = 200) -> float:
    """Median milliseconds of one note saved through the API, as autosave does: edits of
    one note's text alternating with new notes."""
    author = store.inspectors()[0].id
    note_id = store.add_note(author=author, source="other", text="draft").created
    assert note_id is not None
    times = []
    for i in range(saves):
        t0 = time.perf_counter()
        if i % 2:
            store.add_note(author=author, source="observation", text=f"Observed duty {i}. " * 20)
        else:
            store.edit_note(note_id, text=f"Autosaved text revision {i} " * 15)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def open_to_rows(open_store: Any) -> float:
    """Seconds for ``open_store()`` to open a 100k-note file and fetch its first 200 list rows
    and the count."""
    t0 = time.perf_counter()
    store = open_store()
    rows = store.note_rows(limit=200)
    count = store.count_notes()
    elapsed = time.perf_counter() - t0
    store.close()
    assert len(rows) == 200 and count >= 100_000
    return elapsed
