"""Helpers for the team-folder tests: syncing copies, and the story every transport tells."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from fieldwork.packs import join_pack, list_conflicts, resolve_conflict
from fieldwork.packs.sync import SyncReport, own_pack_name, pack_folder, sync
from fieldwork.store import Store
from tests.helpers.packs import NOTE_1, PASSPHRASE, make_lead, state


def synced(store: Store, folder: Path) -> SyncReport:
    return sync(store, folder, PASSPHRASE)


def pack_of(store: Store, folder: Path) -> Path:
    """Where ``store`` keeps its pack in the team folder ``folder``."""
    return pack_folder(folder, store.inspection_id) / own_pack_name(store)


class Transport(Protocol):
    """How the lead's and the member's team folders are kept the same."""

    def folder(self, who: str) -> Path:
        """The team folder as ``who`` ("lead" or "member") sees it on their machine."""
        ...

    def settle(self) -> None:
        """Return once everything written in either folder is in the other."""
        ...


def team_folder_story(tmp: Path, transport: Transport) -> None:
    """The lead and a member work through a team folder: notes travel both ways, a
    concurrent edit ends as the same conflict on both copies, and the copies agree."""
    lead_folder, member_folder = transport.folder("lead"), transport.folder("member")
    lead = make_lead(tmp)
    try:
        assert synced(lead, lead_folder).wrote is not None
        transport.settle()

        # The member joins from the lead's pack, as it arrived in their own folder.
        first = pack_of(lead, member_folder)
        assert first.is_file()
        member = join_pack(first, tmp / "derek.fieldwork", PASSPHRASE, "Derek Osei")
        try:
            report = synced(member, member_folder)
            assert report.wrote is not None and not report.refused
            transport.settle()

            # The lead's notes reach the member.
            made = lead.add_note(author=lead.me, source="observation",
                                 text="Lead: strategy meeting observed.").created
            assert synced(lead, lead_folder).wrote is not None
            transport.settle()
            report = synced(member, member_folder)
            assert [(s.sender, s.new_notes) for s in report.merged] == [("Alison Whitcombe", 1)]
            assert made is not None and member.note(made).text == "Lead: strategy meeting observed."

            # A member's notes reach the lead.
            made = member.add_note(author=member.me, source="interview",
                                   text="Derek: the duty manager was interviewed.").created
            synced(member, member_folder)
            transport.settle()
            report = synced(lead, lead_folder)
            assert [(s.sender, s.new_notes) for s in report.merged] == [("Derek Osei", 1)]
            assert made is not None and lead.note(made).author == member.me

            # Both edit one note without seeing each other's edit: the same conflict on both.
            lead.edit_note(NOTE_1, text="Referral seen the same day (lead).")
            member.edit_note(NOTE_1, text="Referral seen the same day (Derek).")
            assert synced(lead, lead_folder).wrote is not None
            assert synced(member, member_folder).wrote is not None
            transport.settle()
            synced(lead, lead_folder)
            report = synced(member, member_folder)
            assert report.open_conflicts == 1
            assert [c.row_id for c in list_conflicts(lead)] == [NOTE_1]
            assert [c.row_id for c in list_conflicts(member)] == [NOTE_1]
            assert state(lead) == state(member)

            # The lead settles it; the resolution reaches the member, and both agree.
            resolve_conflict(lead, list_conflicts(lead)[0].id, text="Referral seen the same day.")
            synced(lead, lead_folder)
            transport.settle()
            synced(member, member_folder)
            assert list_conflicts(member) == []
            assert member.note(NOTE_1).text == "Referral seen the same day."

            # Once all is synced, nothing more happens, and the exports agree.
            for store, folder in ((lead, lead_folder), (member, member_folder)):
                assert synced(store, folder).nothing_new
            assert state(lead) == state(member)
        finally:
            member.close()
    finally:
        lead.close()
