"""A realistic team exchange on the sample inspection, for the screenshots in docs/
(:mod:`tools.screenshots`).

Plain library calls (no Qt, no SQL): the lead's copy, three team members who join from its
pack and work on site, and their packs, ready to merge. Two of their changes meet the
lead's or each other's, so the merge leaves two conflicts.
"""

from __future__ import annotations

from pathlib import Path

from fieldwork.packs import export_pack, join_pack
from fieldwork.store import Store

PASSPHRASE = "bromley duty tray 2009"


def _note(store: Store, start: str) -> str:
    return next(n.id for n in store.notes() if n.text.startswith(start))


def _finding(store: Store, start: str) -> str:
    return next(f.id for f in store.findings() if f.text.startswith(start))


def team_exchange(sample: Path, folder: Path) -> tuple[Path, list[Path]]:
    """The lead's copy of ``sample`` in ``folder``, and the team's three packs."""
    folder.mkdir(parents=True, exist_ok=True)
    lead_path = folder / "bromley-lead.fieldwork"
    with Store.open(sample) as source:
        source.backup(lead_path)
    lead = Store.open(lead_path)
    lead.new_replica()
    lead.set_me(lead.inspector("Alison Whitcombe").id)
    export_pack(lead, folder / "lead-first.fwpack", PASSPHRASE)
    team = {
        name: join_pack(folder / "lead-first.fwpack", folder / f"{name.split()[0].lower()}"
                        ".fieldwork", PASSPHRASE, name)
        for name in ("Derek Osei", "Fiona Marchetti", "Paul Hendry")
    }
    derek, fiona, paul = team.values()
    referrals = _finding(lead, "All referrals are reviewed by managers")
    derek.edit_finding(
        referrals, text="All referrals are reviewed by managers on the day they arrive and "
        "timely action is taken to ensure children's safety and well-being.")
    fiona.edit_finding(
        referrals, text="All referrals are reviewed by managers and timely action is taken to "
        "ensure children's safety, although the manager's decision is not always recorded "
        "in R&A Team East.")
    locum = _note(lead, "Locum DGM, R&A Team East")
    original = lead.note(locum).text
    lead.edit_note(locum, text=original.replace("for three of them", "for three of the six"))
    fiona.edit_note(locum, text=original + " Has booked monthly supervision for all six staff "
                    "from July.")
    derek.add_note(
        author="Derek Osei", source="case-record", case_ref="BR-09-02287",
        observed_at="2009-06-25T10:40", findings=[referrals],
        text="BR-09-02287: DGM screening decision recorded on the contact within 2 hours; "
        "clear rationale for a home visit the same day.")
    derek.add_note(
        author="Derek Osei", source="supervision-file", observed_at="2009-06-25T11:15",
        text="Supervision file, SW R&A Team West: monthly sessions since January, each with "
        "case discussion and actions; two sessions not signed by the supervisor.")
    fiona.add_note(
        author="Fiona Marchetti", source="observation", subject_role="Duty social worker",
        observed_at="2009-06-25T09:30",
        text="Observed the duty desk, R&A Team East: a police notification was screened by "
        "the locum DGM within 40 minutes and passed to a social worker with clear "
        "instructions.")
    for i, (hour, text) in enumerate((
        ("13:05", "Performance report for May: 71% of initial assessments within 7 working "
         "days, measured from the 'assessment start' date."),
        ("13:40", "Audit of 20 contacts: 19 had a manager's decision recorded on the day."),
        ("14:10", "Health partner (named nurse): attends strategy discussions when invited; "
         "invitations usually arrive the same day."),
    )):
        paul.add_note(author="Paul Hendry",
                      source=("management-information", "management-information",
                              "partner-agency")[i],
                      observed_at=f"2009-06-25T{hour}", text=text)
    packs = []
    for name, store in team.items():
        packs.append(export_pack(store, folder / f"{name.split()[0].lower()}-25-june.fwpack",
                                 PASSPHRASE).path)
        store.close()
    lead.close()
    return lead_path, packs
