"""Making a pack: a snapshot of this copy, sealed under the team passphrase."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fieldwork import files
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


#: The shortest team passphrase a pack is made with.
MIN_PASSPHRASE = 12


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a team passphrase too short to protect a pack (merging and joining accept
    any passphrase a pack was made with).

    :raises InvalidValue: empty, or shorter than :data:`MIN_PASSPHRASE` characters
    """
    if not passphrase:
        raise InvalidValue("the team passphrase must not be empty")
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidValue(
            f"the team passphrase is too short ({len(passphrase)} characters): use at least "
            f"{MIN_PASSPHRASE}, such as four unrelated words, because a pack may be lost "
            "or copied and its passphrase is all that protects the evidence in it"
        )


def export_pack(store: Store, path: str | os.PathLike[str], passphrase: str) -> PackInfo:
    """Write a pack of ``store`` to ``path`` (atomically: it appears whole or not at all).

    :raises InvalidValue: a passphrase that is empty or too short
        (:func:`check_new_passphrase`)
    :raises ProtectedFile: ``path`` is evidence: an inspection file (this one or any
        other), an existing pack, or a database's journal (:func:`files.refuse_overwrite`)
    """
    target = Path(path)
    check_new_passphrase(passphrase)
    files.refuse_overwrite(target, inputs=[store.path])
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
    with snapshot.take(store) as image:
        header = container.write_pack(target, fields, image, passphrase)
    return PackInfo(target, header, target.stat().st_size)


def read_pack_header(path: str | os.PathLike[str]) -> container.PackHeader:
    """What a pack says about itself (sender, time, inspection), without the passphrase.

    :raises BadPack: unreadable, not a pack, truncated, or a damaged header
    """
    return container.read_header(Path(path))
