"""A finding's place in its section's list, as the file holds it, and putting one there.

The sort keys and their arithmetic are in :mod:`.ordering`; this reads a section's keys and
chooses the key that puts a finding at a position, spreading the section out when two
neighbours leave no room (that bookkeeping is left out of the history).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fieldwork.model import Finding
from fieldwork.store import ordering
from fieldwork.store.writer import RowWriter


class Places:
    """The places of the findings of one open file."""

    def __init__(self, conn: sqlite3.Connection, writer: RowWriter) -> None:
        self._conn = conn
        self._writer = writer

    def section_list(self, section: str) -> list[tuple[str, int]]:
        """(id, sort key) of a section's live findings, in order."""
        return [
            (r[0], r[1])
            for r in self._conn.execute(
                f"SELECT id, position FROM findings WHERE deleted = 0 AND section = ? "
                f"ORDER BY {ordering.ORDER_SQL}",
                (section,),
            )
        ]

    def rank(self, finding_id: str, section: str) -> int:
        """A finding's place (1..n) in its section; one past the end if it is not there."""
        ids = [fid for fid, _ in self.section_list(section)]
        return ids.index(finding_id) + 1 if finding_id in ids else len(ids) + 1

    def key_at(
        self, section: str, position: int | None, *, moving: str | None, by: str | None
    ) -> int:
        """The sort key that puts a finding at ``position`` of ``section`` (None or past the
        end: last), among the section's other findings. When two neighbours leave no room
        between their keys, the section is spread out first (see :mod:`.ordering`)."""
        others = [(fid, key) for fid, key in self.section_list(section) if fid != moving]
        index = ordering.index_for(position, len(others))
        before = others[index - 1][1] if index > 0 else None
        after = others[index][1] if index < len(others) else None
        key = ordering.key_between(before, after)
        if key is not None:
            return key
        keys = ordering.spaced(len(others) + 1)
        for (fid, old), new in zip(others, keys[:index] + keys[index + 1 :], strict=True):
            if old != new:
                self._writer.update("findings", fid, {"position": new}, by=by, op="move",
                                    record=False)
        return keys[index]

    def placed(
        self, current: Finding, changes: dict[str, Any], *, by: str | None
    ) -> tuple[dict[str, Any], dict[str, tuple[Any, Any]]]:
        """An edit of a finding with its ``position`` (a place, or absent) made a sort key,
        and what the history shows for it (the places before and after, not the keys)."""
        changes = dict(changes)
        position = changes.pop("position", None)
        section = changes.get("section", current.section)
        shown: dict[str, tuple[Any, Any]] = {}
        moved = section != current.section or (
            position is not None and min(position, self._count(section)) != current.position
        )
        if moved:
            key = self.key_at(section, position, moving=current.id, by=by)
            changes["position"] = key
            changes["section"] = section
            shown["position"] = (current.position, self._rank_of_key(section, key, current.id))
        return changes, shown

    def _count(self, section: str) -> int:
        row = self._conn.execute(
            "SELECT count(*) FROM findings WHERE deleted = 0 AND section = ?", (section,)
        ).fetchone()
        return int(row[0])

    def _rank_of_key(self, section: str, key: int, finding_id: str) -> int:
        """The place a finding would have in ``section`` with sort key ``key``."""
        row = self._conn.execute(
            "SELECT count(*) FROM findings WHERE deleted = 0 AND section = ? AND id != ? "
            "AND position < ?",
            (section, finding_id, key),
        ).fetchone()
        return int(row[0]) + 1
