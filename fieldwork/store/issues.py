"""The issued letters a file keeps: each one's exact PDF bytes and checksum, append-only."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldwork.errors import NotFound
from fieldwork.model import LetterState
from fieldwork.store.writer import new_id, now

if TYPE_CHECKING:
    from fieldwork.store.store import Store


@dataclass(frozen=True)
class LetterIssue:
    """One issue of the letter: who issued it, when, and the checksum of its PDF."""

    id: str
    at: str
    by: str
    sha256: str
    supersedes: str | None


class LetterIssues:
    """The issued letters of one open file."""

    def __init__(self, store: Store, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn

    def record(self, pdf: bytes, *, by: str | None = None) -> LetterIssue:
        """Store an issued letter's exact bytes and checksum, and freeze the letter."""
        store = self._store
        store.require_writable()
        previous = self.latest()
        issue = LetterIssue(id=new_id(), at=now(), by=store._writer.by(by),
                            sha256=hashlib.sha256(pdf).hexdigest(),
                            supersedes=previous.id if previous else None)
        with store.atomic():
            self._conn.execute(
                "INSERT INTO issues (id, at, by, sha256, pdf, supersedes) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (issue.id, issue.at, issue.by, issue.sha256, pdf, issue.supersedes),
            )
            store._writer.update("inspection", store.inspection_id,
                                 {"state": LetterState.ISSUED.value}, by=by, op="issue")
        return issue

    def all(self) -> list[LetterIssue]:
        """Every issue of the letter, oldest first (without the PDF bytes)."""
        rows = self._conn.execute(
            "SELECT id, at, by, sha256, supersedes FROM issues ORDER BY at, id"
        )
        return [LetterIssue(r["id"], r["at"], r["by"], r["sha256"], r["supersedes"]) for r in rows]

    def latest(self) -> LetterIssue | None:
        found = self.all()
        return found[-1] if found else None

    def pdf(self, issue_id: str) -> bytes:
        """The exact bytes of an issued letter."""
        row = self._conn.execute("SELECT pdf FROM issues WHERE id = ?", (issue_id,)).fetchone()
        if row is None:
            raise NotFound(f"no issued letter with id {issue_id}")
        return bytes(row[0])
