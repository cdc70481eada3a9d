"""The team folder through a real sync engine: two Syncthing instances on loopback.

The same story as ``test_sync.py::test_the_story_through_a_plain_shared_folder``, with the
lead's and the member's team folders on two "laptops" kept in step by Syncthing: the
lead's notes reach the member, the member's reach the lead, a concurrent edit of one note
ends as the same conflict on both copies, and both copies' exports agree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import syncthing
from tests.helpers.packs import small_document
from tests.helpers.teamfolder import team_folder_story

pytestmark = pytest.mark.skipif(
    syncthing.available() is None,
    reason="syncthing is not installed (Debian: apt-get install syncthing; .ci/run does)",
)


def test_the_story_through_syncthing(tmp_path: Path) -> None:
    with syncthing.syncthing_pair(tmp_path / "engines") as pair:
        team_folder_story(tmp_path, pair)
        # In either folder: Syncthing's marker, and the inspection's folder with two packs.
        inspection = small_document()["inspection"]["id"]
        for who in ("lead", "member"):
            folder = pair.folder(who)
            assert {p.name for p in folder.iterdir()} == {".stfolder", inspection}
            packs = sorted(p.name for p in (folder / inspection).iterdir())
            assert len(packs) == 2 and all(n.endswith(".fwpack") for n in packs), packs
