"""Team packs: encrypted snapshots that travel between copies, and exact merging.

A script or the UI needs only these names::

    info = export_pack(store, "me.fwpack", passphrase)
    summaries = merge_packs(store, ["a.fwpack", "b.fwpack"], passphrase)
    changes = merge(store, ["c.fwpack"], passphrase).changes  # what to show again
    for conflict in list_conflicts(store):
        resolve_conflict(store, conflict.id, take="theirs")
"""

from __future__ import annotations

from fieldwork.packs.conflicts import (
    count_conflicts,
    get_conflict,
    list_conflicts,
    resolve_conflict,
)
from fieldwork.packs.container import PackHeader
from fieldwork.packs.export import PackInfo, export_pack, read_pack_header
from fieldwork.packs.join import join_pack
from fieldwork.packs.merge import Merged, MergeSummary, Progress, merge, merge_packs, merges_log

__all__ = [
    "MergeSummary",
    "Merged",
    "PackHeader",
    "PackInfo",
    "Progress",
    "count_conflicts",
    "export_pack",
    "get_conflict",
    "join_pack",
    "list_conflicts",
    "merge",
    "merge_packs",
    "merges_log",
    "read_pack_header",
    "resolve_conflict",
]
