"""Joining an inspection: a team member's own copy, made from the lead's pack.

The copy is built from Fieldwork's own schema (:meth:`Store.create`) and the pack's rows,
each checked (:mod:`fieldwork.packs.validate`), written with the store's replication
primitives. Nothing of the pack's database itself (its tables, views, triggers, indexes or
settings) reaches the copy.
"""

from __future__ import annotations

import os
from pathlib import Path

from fieldwork import files
from fieldwork.errors import FieldworkError, InvalidValue, NoSuchInspector
from fieldwork.model import Inspector, Role
from fieldwork.packs import container, snapshot
from fieldwork.packs.validate import PackRows, Receiver, read_pack
from fieldwork.store import Store
from fieldwork.store import rows as R
from fieldwork.store.cipher import FileKey
from fieldwork.store.schema import REPLICATED_TABLES


def join_pack(
    pack_path: str | os.PathLike[str],
    target_path: str | os.PathLike[str],
    passphrase: str,
    as_name: str,
    *,
    encrypt_with: str | None = None,
) -> Store:
    """Create ``target_path``, a new copy of the pack's inspection that belongs to ``as_name``.

    ``as_name`` is an inspector's id or name from the pack's team. The copy gets its own
    replica id, holds every row, tombstone, conflict, history entry and issued letter of the
    pack, and has its search index built. The file appears whole or not at all.

    :raises BadPack: the pack cannot be read or opened, or a row of it breaks a rule
    :raises NoSuchInspector: ``as_name`` is not in the team (the message lists the team)
    :raises InvalidValue: ``target_path`` exists already, or ``encrypt_with`` (the new
        file's own passphrase, which encrypts it from its first byte) is too short
    """
    from fieldwork.store.cipher import new_key

    key = new_key(encrypt_with) if encrypt_with is not None else None
    pack, target = Path(pack_path), Path(target_path)
    if target.exists():
        raise InvalidValue(f"{target}: already exists; choose another name for your copy")
    if not target.parent.is_dir():
        raise FieldworkError(f"{target}: no such directory: {target.parent}")
    files.refuse_overwrite(target)
    files.refuse_stray_journal(target)
    header, rows = _read(pack, passphrase)
    me = _team_member(rows, as_name)
    # Holds the pack's decrypted rows: named so that a sweep removes it if this is killed.
    tmp = files.work_path(target, "joining")
    try:
        _write_copy(tmp, rows, me, header, pack, key)
        files.sync_file(tmp)
        os.replace(tmp, target)
        files.sync_dir(target.parent)
    except OSError as err:
        raise files.write_error(target, err) from None
    finally:
        files.remove_database(tmp)
    return Store.open(target, actor=me, key=key)


def _read(pack: Path, passphrase: str) -> tuple[container.PackHeader, PackRows]:
    """The pack's header and its rows, each checked; a join trusts no copy's team yet."""
    header, payload = container.read_pack(pack, passphrase)
    snapshot.check_header(header, pack, None)
    image = snapshot.open_image(payload, header, pack)
    del payload
    try:
        return header, read_pack(image, pack, header, Receiver())
    finally:
        image.close()


def _team_member(rows: PackRows, as_name: str) -> str:
    """The id of the live inspector ``as_name`` names (id, name, or name in any case)."""
    team = rows.team()
    wanted = as_name.strip()
    for match in (
        lambda r: r[0] == wanted,
        lambda r: r[1] == wanted,
        lambda r: r[1].casefold() == wanted.casefold(),
    ):
        found = [r for r in team if match(r)]
        if len(found) == 1:
            return str(found[0][0])
    names = ", ".join(f"{r[1]} (lead)" if r[2] == "lead" else str(r[1]) for r in team)
    raise NoSuchInspector(
        f"{as_name!r} is not in this inspection's team; choose one of: {names or 'nobody'}"
    )


def _write_copy(
    path: Path, rows: PackRows, me: str, header: container.PackHeader, pack: Path,
    key: FileKey | None = None,
) -> None:
    """Build the copy at ``path``: Fieldwork's schema, a new replica id, the pack's rows."""
    store = Store.create(path, inspection_id=header.inspection_id, actor=me,
                         with_inspection=False, key=key)
    try:
        replication = store.replication
        with store.bulk.building(), store.atomic(), store.bulk.writes():
            for table in REPLICATED_TABLES:
                replication.insert_versions(table, _in_storage_order(table, rows.rows[table]))
                siblings = rows.siblings[table]
                if siblings:
                    replication.set_siblings(table, [], siblings)
            replication.add_history(rows.history)
            replication.add_issues(rows.issues)
            if rows.meta.get("document_extra"):
                store.set_meta("document_extra", rows.meta["document_extra"])
            live = sum(not row[-5] for table in REPLICATED_TABLES for row in rows.rows[table])
            replication.record_merge(
                pack=pack.name, sender=header.sender_name, made_at=header.made_at,
                counts=(live, 0, 0, sum(len(s) for s in rows.siblings.values())),
            )
    finally:
        store.close()


def _in_storage_order(table: str, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Notes in the order they were observed, as every other path stores them (search
    ranks the newest matches of a common word by storage order); other rows by id."""
    if table == "notes":
        at = 1 + R.NOTES.columns.index("observed_at")
        return sorted(rows, key=lambda r: (str(r[at]), str(r[0])))
    return sorted(rows, key=lambda r: str(r[0]))


def pack_team(
    pack_path: str | os.PathLike[str], passphrase: str
) -> tuple[container.PackHeader, list[Inspector]]:
    """The pack's header and its inspection's team (the lead first), to choose who one is
    before :func:`join_pack`. The team travels encrypted, so this needs the passphrase.

    :raises BadPack: the pack cannot be read or opened, or a row of it breaks a rule
    """
    header, rows = _read(Path(pack_path), passphrase)
    return header, [Inspector(id=i, name=name, role=Role(role)) for i, name, role in rows.team()]
