"""Version vectors: the per-row version data that lets copies merge exactly.

A version vector maps a copy's replica id to the counter of that copy's latest write that
this version has seen. ``a`` happened before ``b`` when every entry of ``a`` is at most the
matching entry of ``b`` and they differ; two versions where neither is before the other are
concurrent, which is a conflict. Vectors are stored as canonical JSON so that equal vectors
have equal text.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping

VersionVector = dict[str, int]


class Order(enum.Enum):
    """How two versions of one row relate."""

    EQUAL = "equal"
    BEFORE = "before"
    AFTER = "after"
    CONCURRENT = "concurrent"


def dumps(vv: Mapping[str, int]) -> str:
    """The canonical text of a vector: sorted keys, no spaces."""
    return json.dumps(dict(vv), sort_keys=True, separators=(",", ":"))


def loads(text: str | None) -> VersionVector:
    """Parse a stored vector; ``None`` or empty text is the empty vector."""
    if not text:
        return {}
    value = json.loads(text)
    return {str(k): int(v) for k, v in value.items()}


def compare(a: Mapping[str, int], b: Mapping[str, int]) -> Order:
    """How version ``a`` relates to version ``b``."""
    a_ahead = b_ahead = False
    for key in a.keys() | b.keys():
        x, y = a.get(key, 0), b.get(key, 0)
        if x > y:
            a_ahead = True
        elif y > x:
            b_ahead = True
        if a_ahead and b_ahead:
            return Order.CONCURRENT
    if a_ahead:
        return Order.AFTER
    if b_ahead:
        return Order.BEFORE
    return Order.EQUAL


def dominates(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """True when ``a`` has seen everything ``b`` has (``a`` is after or equal to ``b``)."""
    return all(a.get(k, 0) >= v for k, v in b.items())


def join(vectors: Iterable[Mapping[str, int]]) -> VersionVector:
    """The pointwise maximum: a vector that has seen everything any of them has."""
    out: VersionVector = {}
    for vv in vectors:
        for key, value in vv.items():
            if value > out.get(key, 0):
                out[key] = value
    return out


def bump(vv: Mapping[str, int], replica: str, counter: int) -> VersionVector:
    """``vv`` with this copy's write ``counter`` recorded."""
    out = dict(vv)
    out[replica] = counter
    return out
