"""Making a pack: a snapshot of this copy, sealed under the team passphrase."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from fieldwork import files, passphrases
from fieldwork.errors import BadPack, NotFound, Retired
from fieldwork.packs import container, snapshot
from fieldwork.store import Store, now
from fieldwork.store.schema import SCHEMA_VERSION


@dataclass(frozen=True)
class PackInfo:
    """A pack that was written: where, its header, and its size in bytes."""

    path: Path
    header: container.PackHeader
    size: int




def check_new_passphrase(passphrase: str) -> None:
    """Refuse a team passphrase too short to protect a pack (merging and joining accept
    any passphrase a pack was made with; the rule of :func:`fieldwork.passphrases.check_new`).

    :raises InvalidValue: empty, or shorter than
        :data:`~fieldwork.passphrases.MIN_PASSPHRASE` characters
    """
    passphrases.check_new(passphrase, what="the team passphrase",
                          why="a pack may be lost or copied and its passphrase is all that "
                          "protects the evidence in it")


def refuse_retired(store: Store) -> None:
    """:raises Retired: the inspection was retired: its evidence is gone, and a pack of
    it would tell teammates' copies nothing they should keep"""
    if store.retired:
        raise Retired(f"{store.path}: {store.read_only_reason}, so it makes no packs")


def export_pack(store: Store, path: str | os.PathLike[str], passphrase: str, *,
                replace_own: bool = False) -> PackInfo:
    """Write a pack of ``store`` to ``path`` (atomically: it appears whole or not at all).

    ``replace_own``: an existing pack at ``path`` may be replaced if it is this copy's own
    (:func:`is_own_pack`), as a team folder's sync replaces its previous pack; any other
    pack, and every other kind of evidence, is still refused.

    :raises InvalidValue: a passphrase that is empty or too short
        (:func:`check_new_passphrase`)
    :raises Retired: the inspection was retired (:mod:`fieldwork.retention`)
    :raises ProtectedFile: ``path`` is evidence: an inspection file (this one or any
        other), an existing pack (but this copy's own, given ``replace_own``), or a
        database's journal (:func:`files.refuse_overwrite`)
    """
    target = Path(path)
    refuse_retired(store)
    check_new_passphrase(passphrase)
    replaceable = (lambda p: is_own_pack(store, p)) if replace_own else None
    files.refuse_overwrite(target, inputs=[store.path], replaceable=replaceable)
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
        header = container.write_pack(target, fields, image, passphrase,
                                      replaceable=replaceable)
    return PackInfo(target, header, target.stat().st_size)


def is_own_pack(store: Store, path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is a pack this copy made: its header, read whole,
    names this inspection and this copy's replica id (its body may be cut short). One
    whose header cannot be read is not: it may be anyone's.
    """
    try:
        header = container.read_header(Path(path), whole=False)
    except BadPack:
        return False
    return header.inspection_id == store.inspection_id and header.replica == store.replica


def read_pack_header(path: str | os.PathLike[str]) -> container.PackHeader:
    """What a pack says about itself (sender, time, inspection), without the passphrase.

    :raises BadPack: unreadable, not a pack, truncated, or a damaged header
    """
    return container.read_header(Path(path))
