"""Reading a pack's team before joining, to choose who one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldwork.errors import BadPack
from fieldwork.model import Role
from fieldwork.packs.join import pack_team
from tests.helpers.packs import LEAD, PASSPHRASE, TEAM, make_lead, pack


def test_the_team_comes_from_the_pack_lead_first(tmp_path: Path) -> None:
    lead = make_lead(tmp_path)
    path = pack(lead, tmp_path / "first.fwpack")
    lead.delete_inspector(TEAM[2][0])  # after the pack: still in it
    lead.close()
    header, team = pack_team(path, PASSPHRASE)
    assert header.sender_name == "Alison Whitcombe"
    assert [(i.id, i.role) for i in team] == [
        (LEAD, Role.LEAD), *((i, Role.TEAM) for i, _ in sorted(TEAM, key=lambda t: t[1]))]


def test_the_team_needs_the_passphrase(tmp_path: Path) -> None:
    lead = make_lead(tmp_path)
    path = pack(lead, tmp_path / "first.fwpack")
    lead.close()
    with pytest.raises(BadPack, match="wrong passphrase"):
        pack_team(path, "not it")
