"""Who am I: choosing this copy's inspector from the team."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from fieldwork.model import Inspector


def choose_identity(parent: QWidget | None, team: list[Inspector], current: str) -> str | None:
    """The chosen inspector's id, or None if cancelled."""
    if not team:
        return None
    labels = [f"{i.name} ({i.role.value})" for i in team]
    start = next((n for n, i in enumerate(team) if i.id == current), 0)
    label, ok = QInputDialog.getItem(
        parent, "Who Am I", "Notes you write are recorded as:", labels, start, False
    )
    if not ok:
        return None
    return team[labels.index(label)].id
