"""The state of one row across copies, and how two states join.

A row's state is the set of its versions that no other known version has seen: the
winner, shown everywhere, and its siblings, the losing versions of concurrent edits kept
in ``conflicts``. Joining two states keeps the maximal versions of their union under
version-vector dominance, so merging is idempotent, commutative and associative: copies
that have seen the same versions hold the same state, whatever the order.

Versions with equal vectors are the same version. The winner is the live version with the
latest ``modified_at``, then the greatest vector text; a deletion wins only when every
version is one.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fieldwork import versions


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a row: its vector, tombstone flag, content (stored form) and author."""

    vv: str
    deleted: bool
    values: tuple[Any, ...]
    modified_at: str
    modified_by: str

    @property
    def rank(self) -> tuple[bool, str, str]:
        """Greater ranks win: live over deleted, then later, then the greater vector."""
        return (not self.deleted, self.modified_at, self.vv)


@dataclass(frozen=True, slots=True)
class RowState:
    """A row's winner and its siblings (all pairwise concurrent), with its creation."""

    winner: Version
    siblings: tuple[Version, ...]
    created_at: str
    created_by: str

    @property
    def versions(self) -> tuple[Version, ...]:
        return (self.winner, *self.siblings)

    @property
    def vvs(self) -> frozenset[str]:
        return frozenset(v.vv for v in self.versions)


@functools.lru_cache(maxsize=8192)
def vector(text: str) -> versions.VersionVector:
    """Parse a stored vector strictly.

    :raises ValueError: not a JSON object of non-negative integer counters
    """
    value = json.loads(text)
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
        for k, v in value.items()
    ):
        raise ValueError(f"not a version vector: {text[:40]!r}")
    return value


def maximal(candidates: Iterable[Version]) -> tuple[Version, tuple[Version, ...]]:
    """The winner and siblings of a set of versions: its maximal elements, ranked."""
    by_vv: dict[str, Version] = {}
    for v in candidates:
        seen = by_vv.get(v.vv)
        if seen is None or (v.rank, repr(v.values)) > (seen.rank, repr(seen.values)):
            by_vv[v.vv] = v
    if len(by_vv) == 1:
        (only,) = by_vv.values()
        return only, ()
    vectors = {key: vector(key) for key in by_vv}
    keep = [
        v
        for key, v in by_vv.items()
        if not any(
            other != key and versions.dominates(vectors[other], vectors[key])
            for other in by_vv
        )
    ]
    keep.sort(key=lambda v: v.rank, reverse=True)
    return keep[0], tuple(keep[1:])


def join(a: RowState, b: RowState) -> RowState:
    """The state that has seen everything ``a`` and ``b`` have."""
    winner, siblings = maximal((*a.versions, *b.versions))
    created = min((a.created_at, a.created_by), (b.created_at, b.created_by))
    return RowState(winner, siblings, *created)


def sibling_id(table: str, row_id: str, vv: str) -> str:
    """A conflict's id: the same on every copy that holds that losing version."""
    return hashlib.sha256(f"{table}:{row_id}:{vv}".encode()).hexdigest()[:32]
