"""Team work in the app: packs, merging, conflict review and edit history.

:func:`install_team_actions` adds it all to the main window. The dialogs run their store
work on the window's worker thread (:mod:`ui.team.work`) and show plain data; the wording
and the HTML are made without Qt (:mod:`ui.team.present`, :mod:`ui.team.render`).
"""

from __future__ import annotations

from ui.team.actions import TeamActions, install_team_actions

__all__ = ["TeamActions", "install_team_actions"]
