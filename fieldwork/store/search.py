"""Full-text search over notes and findings, ranked, with marked snippets.

Ranking with FTS5's bm25 costs a few microseconds for every matching row, so a word that
is in most of 100,000 notes would take most of a second to rank. When a query matches more
than ``RANK_WINDOW`` notes, only the ``RANK_WINDOW`` stored last are ranked (notes are
stored in the order they were observed or written): a word that common says little about
relevance, and recent evidence is what an inspector is usually after.
"""

from __future__ import annotations

import re
import sqlite3

from fieldwork.model import SearchHit

#: Marks around matched words in snippets; a view replaces them with its own highlighting.
MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"

#: Above this many matching notes, rank only the newest this many.
RANK_WINDOW = 1000

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


def count_matches(conn: sqlite3.Connection, query: str) -> int:
    """The exact number of live notes that match."""
    expr = match_expression(query)
    if expr is None:
        return 0
    return int(
        conn.execute(
            "SELECT count(*) FROM notes_fts WHERE notes_fts MATCH ?", (expr,)
        ).fetchone()[0]
    )


def search_notes_and_findings(
    conn: sqlite3.Connection, query: str, *, limit: int = 50
) -> list[SearchHit]:
    """Findings that match, then notes, each ranked best first."""
    expr = match_expression(query)
    if expr is None:
        return []
    try:
        return _findings(conn, expr, limit) + _notes(conn, expr, limit)
    except sqlite3.OperationalError:
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
    window = ""
    params: list[object] = [MARK_OPEN, MARK_CLOSE, expr]
    # Walking the newest matches in rowid order is cheap, unlike ranking all of them.
    cutoff = conn.execute(
        "SELECT rowid FROM notes_fts WHERE notes_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT 1 OFFSET ?",
        (expr, RANK_WINDOW),
    ).fetchone()
    if cutoff is not None:
        window = " AND notes_fts.rowid > ?"
        params.append(cutoff[0])
    params.append(limit)
    rows = conn.execute(
        "SELECT n.id, snippet(notes_fts, -1, ?, ?, '…', 24), bm25(notes_fts) "
        "FROM notes_fts JOIN notes n ON n.seq = notes_fts.rowid "
        f"WHERE notes_fts MATCH ?{window} ORDER BY rank LIMIT ?",
        params,
    )
    return [SearchHit("note", r[0], r[1], float(r[2])) for r in rows]


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
