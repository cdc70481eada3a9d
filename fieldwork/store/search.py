"""Full-text search over notes and findings, ranked, with marked snippets.

Ranking with FTS5's bm25 costs a few microseconds for every matching row, so a word that
is in most of 100,000 notes would take most of a second to rank. When a query matches more
than ``RANK_WINDOW`` notes, only the ``RANK_WINDOW`` stored last are ranked (notes are
stored in the order they were observed or written): a word that common says little about
relevance, and recent evidence is what an inspector is usually after.
"""

from __future__ import annotations

import json
import re
import sqlite3

from fieldwork.model import SearchHit
from fieldwork.store.db import OPERATIONAL_ERRORS

#: Marks around matched words in snippets; a view replaces them with its own highlighting.
MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"

#: Above this many matching notes, rank only the newest this many.
RANK_WINDOW = 500

#: The shortest last word that also matches as a prefix while typing.
MIN_PREFIX = 3

_TOKEN = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for what a user typed: every word must appear.

    Each word is quoted, so FTS5 syntax in the query is taken literally; the last word also
    matches as a prefix unless the query ends in a space (search as you type).
    """
    words = _TOKEN.findall(query)
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    if _prefix_last(query, words):
        parts[-1] += "*"
    return " ".join(parts)


def _prefix_last(query: str, words: list[str]) -> bool:
    """Whether the last word is still being typed and long enough to match as a prefix.

    One- and two-letter prefixes match a large part of the vocabulary and say little, so
    they match only as whole words.
    """
    return not query[-1:].isspace() and len(words[-1]) >= MIN_PREFIX


def search_notes_and_findings(
    conn: sqlite3.Connection, query: str, *, limit: int = 50
) -> list[SearchHit]:
    """Findings that match, then notes, each ranked best first."""
    expr = match_expression(query)
    if expr is None:
        return []
    try:
        return _findings(conn, expr, limit) + _notes(conn, expr, limit)
    except OPERATIONAL_ERRORS:
        # The tokenizer and FTS5's parser disagree on some exotic input; a query that
        # FTS5 cannot parse finds nothing rather than failing.
        return []


def _findings(conn: sqlite3.Connection, expr: str, limit: int) -> list[SearchHit]:
    rows = conn.execute(
        "SELECT f.id, highlight(findings_fts, 0, ?, ?), bm25(findings_fts) "
        "FROM findings_fts JOIN findings f ON f.seq = findings_fts.rowid "
        "WHERE findings_fts MATCH ? ORDER BY rank LIMIT ?",
        (MARK_OPEN, MARK_CLOSE, expr, limit),
    )
    return [SearchHit("finding", r[0], r[1], float(r[2])) for r in rows]


def _notes(conn: sqlite3.Connection, expr: str, limit: int) -> list[SearchHit]:
    newest = _newest_matches(conn, expr)
    if newest is not None:
        return _window_notes(conn, expr, newest, limit)
    rows = conn.execute(
        "SELECT n.id, snippet(notes_fts, -1, ?, ?, '…', 24), bm25(notes_fts) "
        "FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid "
        "WHERE notes_fts MATCH ? ORDER BY rank LIMIT ?",
        (MARK_OPEN, MARK_CLOSE, expr, limit),
    )
    return [SearchHit("note", r[0], r[1], float(r[2])) for r in rows]


def _newest_matches(conn: sqlite3.Connection, expr: str) -> list[int] | None:
    """The rowids of the newest ``RANK_WINDOW`` matches, if there are more than that.

    FTS5 walks a long list of matches backwards slowly (it reads the whole list first), so
    rather than ``ORDER BY rowid DESC`` this looks forwards through the newest notes only,
    widening the span until it holds enough matches: a common word is settled within the
    newest few thousand notes. A rarer one (None) is ranked whole by FTS5.
    """
    top = conn.execute("SELECT max(seq) FROM notes").fetchone()[0] or 0
    span = 4 * RANK_WINDOW
    while True:
        low = top - span
        hits = [
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ? AND rowid > ? "
                "ORDER BY rowid",
                (expr, low),
            )
        ]
        if len(hits) > RANK_WINDOW:
            return hits[-RANK_WINDOW:]
        if low <= 0:
            return None
        span *= 8


def _window_notes(
    conn: sqlite3.Connection, expr: str, seqs: list[int], limit: int
) -> list[SearchHit]:
    """Rank the matches ``seqs`` (the newest ``RANK_WINDOW``) with BM25 over that window.

    FTS5's own bm25() reads every match of every word to weigh it, which for a word in
    most notes is the whole cost; here the weights come from the window alone.
    """
    rows = conn.execute(
        "SELECT seq, id, text, case_ref, subject_role FROM notes "
        "WHERE seq IN (SELECT value FROM json_each(?))",
        (json.dumps(seqs),),
    ).fetchall()
    terms = [t.strip('"*').lower() for t in expr.split()]
    prefix = expr.endswith("*")
    texts = [" ".join(filter(None, (r[2], r[3], r[4]))).lower() for r in rows]
    scores = bm25_scores(texts, terms)
    best = sorted(range(len(rows)), key=lambda i: (-scores[i], -rows[i][0]))[:limit]
    # FTS5's snippet() would re-read every match of each word per row; the text is here.
    return [
        SearchHit("note", rows[i][1], make_snippet(rows[i][2], terms, prefix), -scores[i])
        for i in best
    ]


def make_snippet(text: str, terms: list[str], prefix_last: bool, width: int = 24) -> str:
    """About ``width`` words of ``text`` around the most matches, matches marked.

    A word matches a term when, lower-cased, it equals it (or, for the last term while
    typing, starts with it), as FTS5's snippet() would mark it.
    """
    words = list(_TOKEN.finditer(text))
    exact = frozenset(terms[:-1] if prefix_last else terms)
    start_with = terms[-1] if prefix_last and terms else None
    # Inline rather than a helper per word: this is most of a common word's search time.
    if start_with is None:
        flags = [m.group().lower() in exact for m in words]
    else:
        flags = [w in exact or w.startswith(start_with)
                 for w in (m.group().lower() for m in words)]
    if not words:
        return text
    # The first window of ``width`` words with the most matches, by a running count.
    best = 0
    best_count = count = sum(flags[:width])
    for first in range(1, len(words) - width + 1):
        count += flags[first + width - 1] - flags[first - 1]
        if count > best_count:
            best, best_count = first, count
    chosen = words[best:best + width]
    out: list[str] = ["…"] if best > 0 else []
    pos = chosen[0].start()
    for m, flag in zip(chosen, flags[best:best + width], strict=False):
        out.append(text[pos:m.start()])
        out.append(f"{MARK_OPEN}{m.group()}{MARK_CLOSE}" if flag else m.group())
        pos = m.end()
    end = chosen[-1].end()
    if best + width < len(words):
        out.append("…")
    else:
        out.append(text[end:])
    return "".join(out)


def bm25_scores(
    texts: list[str], terms: list[str], k1: float = 1.2, b: float = 0.75
) -> list[float]:
    """Okapi BM25 of each (lower-cased) text for the terms, weights taken from these texts.

    Term frequency is counted as substring occurrences: close enough to the tokenizer's
    words for ordering, and far cheaper than tokenising in Python.
    """
    import math

    if not texts:
        return []
    lengths = [len(t) or 1 for t in texts]
    average = sum(lengths) / len(lengths)
    scores = [0.0] * len(texts)
    for term in terms:
        counts = [t.count(term) for t in texts]
        having = sum(1 for c in counts if c)
        idf = math.log((len(texts) - having + 0.5) / (having + 0.5) + 1)
        for i, tf in enumerate(counts):
            if tf:
                scores[i] += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[i] / average))
    return scores


def marked(snippet: str, open_: str = "[", close: str = "]") -> str:
    """A snippet with its match marks replaced by ``open_`` and ``close``."""
    return snippet.replace(MARK_OPEN, open_).replace(MARK_CLOSE, close)


def segments(snippet: str) -> list[tuple[str, bool]]:
    """A snippet split into ``(text, is_match)`` runs, for a view to style."""
    out: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{MARK_OPEN}{MARK_CLOSE}]", snippet)):
        if part:
            out.append((part, i % 2 == 1))
    return out
