"""Shared set-ups for the app's team tests: a lead's copy with the team's packs to merge."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.packs import FINDING_A, NOTE_2, join_team, make_lead, pack


@dataclass
class Team:
    """The lead's file (closed) and two team members' packs, made by joining."""

    lead: Path
    derek_pack: Path
    fiona_pack: Path
    folder: Path


def make_team(folder: Path, *, conflict: bool = True) -> Team:
    """Derek and Fiona each edit finding A (a conflict) and add a note; Derek edits note 2."""
    folder.mkdir(parents=True, exist_ok=True)
    lead = make_lead(folder)
    derek, fiona = join_team(lead, folder, 2)
    derek.add_note(author="Derek Osei", source="interview",
                   text="Team manager says <b>duty</b> & assessment work is stretched.")
    fiona.add_note(author="Fiona Marchetti", source="observation",
                   text="Observed a strategy discussion with police present.")
    derek.edit_note(NOTE_2, text="Supervision notes are sparse and undated.")
    if conflict:
        derek.edit_finding(FINDING_A, text="Referrals are dealt with promptly by the duty team.")
        fiona.edit_finding(FINDING_A, text="Most referrals are dealt with promptly.")
    team = Team(lead.path, pack(derek, folder / "derek.fwpack"),
                pack(fiona, folder / "fiona.fwpack"), folder)
    for store in (lead, derek, fiona):
        store.close()
    return team


def file_digest(path: Path) -> str:
    """The inspection file and its write-ahead log, byte for byte."""
    h = hashlib.sha256()
    for suffix in ("", "-wal"):
        part = Path(f"{path}{suffix}")
        h.update(part.read_bytes() if part.exists() else b"-")
    return h.hexdigest()


def open_in(window: Any, qtbot: Any, path: Path, idle: Callable[[], None]) -> Any:
    with qtbot.waitSignal(window.overview_applied, timeout=10000):
        window.open_file(path)
    idle()
    return window
