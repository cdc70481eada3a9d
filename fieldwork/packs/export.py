"""Making a pack: a snapshot of this copy, sealed under the team passphrase."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fieldwork.errors import InvalidValue, NotFound
from fieldwork.packs import container, snapshot
from fieldwork.store import Store, now
from fieldwork.store.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class PackInfo:
    """A pack that was written: where, its header, and its size in bytes."""

    path: Path
    header: container.PackHeader
    size: int


def export_pack(store: Store, path: str | os.PathLike[str], passphrase: str, *,
                fold_wal: bool = True) -> PackInfo:
    """Write a pack of ``store`` to ``path`` (atomically: it appears whole or not at all).

    ``fold_wal=False``: never checkpoint to take the snapshot (see :func:`snapshot.take`).

    :raises InvalidValue: an empty passphrase, or ``path`` is the inspection file itself
    """
    target = Path(path)
    if not passphrase:
        raise InvalidValue("the team passphrase must not be empty")
    if target.exists() and target.resolve() == store.path.resolve():
        raise InvalidValue(f"{target}: is the inspection file itself; choose another name")
    sender_id = store.me
    try:
        sender_name = store.inspector(sender_id).name if sender_id else ""
    except NotFound:
        sender_name = ""
    fields = {
        "inspection_id": store.inspection_id,
        "sender_id": sender_id,
        "sender_name": sender_name or sender_id or "unknown",
        "replica": store.replica,
        "made_at": now(),
        "schema_version": SCHEMA_VERSION,
    }
    with snapshot.take(store, fold_wal=fold_wal) as image:
        header = container.write_pack(target, fields, image, passphrase)
    return PackInfo(target, header, target.stat().st_size)


def read_pack_header(path: str | os.PathLike[str]) -> container.PackHeader:
    """What a pack says about itself (sender, time, inspection), without the passphrase.

    :raises BadPack: unreadable, not a pack, truncated, or a damaged header
    """
    return container.read_header(Path(path))
