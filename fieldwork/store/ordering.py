"""The order of findings within a section: a list numbered 1..n, stored as sparse sort keys.

What people see and give is a finding's *position*: 1 is first in its section, positions
run 1..n without gaps, adding at N shifts the findings from N on down by one, moving to N
puts the finding there, and a position past the end means last.

What is stored (the ``position`` column) is a *sort key*: findings are ordered by key,
then by when the row was created, then by id. Keys are spread :data:`GAP` apart, so that
placing a finding changes that finding's row alone: two copies that reorder different
findings at the same time merge without a conflict, and every copy shows the same order
(equal keys, from two copies placing findings at the same spot, fall back to creation
time and id, which are the same on every copy). Only when two neighbours' keys leave no
room is the section spread out again (:func:`spaced`), which touches its rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from fieldwork.errors import InvalidValue

#: The distance between the keys of neighbours in a freshly spread section.
GAP = 1 << 16

#: How findings are ordered in SQL: by key, then creation, then id.
ORDER_SQL = "position, created_at, id"


def check_position(position: object) -> int:
    """A position as given by a person: a whole number, 1 or more.

    :raises InvalidValue: 0, a negative number, or not a whole number
    """
    if isinstance(position, bool) or not isinstance(position, int):
        raise InvalidValue(f"a position is a whole number, 1 or more, not {position!r}")
    if position < 1:
        raise InvalidValue(
            f"a position is 1 or more (1 is first in its section), not {position}"
        )
    return position


def spaced(count: int) -> list[int]:
    """Keys for ``count`` findings in order, :data:`GAP` apart."""
    return [GAP * (i + 1) for i in range(count)]


def key_between(before: int | None, after: int | None) -> int | None:
    """A key strictly between two neighbours' keys (None: no neighbour on that side).

    Keys stay positive. Returns None when there is no room, and the section must be spread.
    """
    if before is None and after is None:
        return GAP
    if after is None:
        assert before is not None
        return before + GAP
    if before is None:
        return after // 2 if after >= 2 else None
    if after - before >= 2:
        return before + (after - before) // 2
    return None


def index_for(position: int | None, count: int) -> int:
    """The 0-based index among ``count`` others that a position (None: last) puts a finding at."""
    if position is None:
        return count
    return min(check_position(position), count + 1) - 1


def keys_for_order(current: Sequence[int], wanted: int) -> list[int]:
    """Keys for ``wanted`` findings: ``current`` kept if it is already strictly increasing
    and has the right length, otherwise freshly spread."""
    if len(current) == wanted and all(a < b for a, b in itertools.pairwise(current)):
        return list(current)
    return spaced(wanted)
