"""HTML for the conflict review's two versions and for a row's history (no Qt here).

User text is always escaped (see :mod:`ui.team.diff`); the markup is the small subset of
HTML that QTextBrowser renders.
"""

from __future__ import annotations

from typing import Any

from fieldwork.store import Conflict
from fieldwork.store import rows as R
from ui.team import diff
from ui.team.present import (
    OPERATIONS,
    TEXT_FIELDS,
    Names,
    field_order,
    kind_label,
    label,
    local_time,
    value_text,
)
from ui.team.work import RowHistory

_LABEL = "color:#555; font-size:small; margin-top:10px;"
#: Fields shown in the review only when the two versions differ in them.
#: Shown only where the versions differ. A note's author (who first wrote it) is not who
#: made either version: shown on both sides it read as if the lead had made the member's.
QUIET_FIELDS = frozenset({"extra", "position", "author"})
_DELETED = ("background-color:#fbe3e3; color:#7a1010; padding:6px; "
            "border:1px solid #e5a5a5;")


def _e(text: str) -> str:
    return diff.escape(text)


def conflict_fields(conflict: Conflict) -> list[str]:
    """The fields the review shows: every field that differs, and the ones that say what
    the row is; never empty "other fields"."""
    spec = R.SPECS[conflict.table]
    differing = set(conflict.differing) - {"deleted"}
    empty: tuple[Any, ...] = (None, "", [], {})
    shown = [
        c for c in spec.columns
        if c in differing or (c not in QUIET_FIELDS and (conflict.mine.get(c) not in empty
                                                         or conflict.theirs.get(c) not in empty))
    ]
    return field_order(conflict.table, shown)


def conflict_sides(conflict: Conflict, names: Names) -> tuple[str, str]:
    """The two versions as HTML, each with what differs from the other highlighted."""
    table = conflict.table
    differing = set(conflict.differing)
    parts: tuple[list[str], list[str]] = ([], [])
    for i, (deleted, who, at) in enumerate((
        (conflict.mine_deleted, conflict.mine_by, conflict.mine_at),
        (conflict.theirs_deleted, conflict.theirs_by, conflict.theirs_at),
    )):
        if deleted:
            parts[i].append(
                f'<p style="{_DELETED}"><b>This version deletes the {kind_label(table).lower()}'
                f"</b> ({_e(names.inspector(who))}, {_e(local_time(at, seconds=True))}). "
                "What it held:</p>")
    colours = (diff.MINE_COLOUR, diff.THEIRS_COLOUR)
    for name in conflict_fields(conflict):
        mine_v, theirs_v = conflict.mine.get(name), conflict.theirs.get(name)
        changed = name in differing
        heading = _e(label(table, name))
        if changed:
            heading = f"<b>{heading}</b> · differs"
        for i in range(2):
            parts[i].append(f'<p style="{_LABEL}">{heading}</p>')
        if changed and name in TEXT_FIELDS and isinstance(mine_v, str) \
                and isinstance(theirs_v, str):
            left, right = diff.side_by_side(mine_v, theirs_v)
        else:
            if table == "findings" and name == "position":
                # Stored sort keys: shown as the place each version gives the finding.
                left = _e(names.place(str(conflict.mine.get("section")), mine_v,
                                      conflict.row_id))
                right = _e(names.place(str(conflict.theirs.get("section")), theirs_v,
                                       conflict.row_id))
            else:
                left = _e(value_text(table, name, mine_v, names))
                right = _e(value_text(table, name, theirs_v, names))
            if changed:
                left = f'<span style="background-color:{colours[0]};">{left}</span>'
                right = f'<span style="background-color:{colours[1]};">{right}</span>'
        parts[0].append(f"<p>{left}</p>")
        parts[1].append(f"<p>{right}</p>")
    return "".join(parts[0]), "".join(parts[1])


def _list_change(table: str, name: str, before: Any, after: Any, names: Names) -> str:
    old = [str(x) for x in before or []]
    new = [str(x) for x in after or []]
    lines = [f'<span style="{diff.REMOVED_STYLE}">− {_e(value_text(table, name, [x], names))}'
             "</span>" for x in old if x not in new]
    lines += [f'<span style="{diff.ADDED_STYLE}">+ {_e(value_text(table, name, [x], names))}'
              "</span>" for x in new if x not in old]
    return "<br/>".join(lines) or "(the order changed)"


def change_html(table: str, name: str, before: Any, after: Any, names: Names) -> str:
    """One field's change: a marked word diff for prose, else before → after."""
    if name in TEXT_FIELDS and isinstance(before, str) and isinstance(after, str):
        return diff.before_after(before, after)
    if isinstance(before, list | type(None)) and isinstance(after, list | type(None)) \
            and (before or after) and name == "findings":
        return _list_change(table, name, before, after, names)
    old = _e(value_text(table, name, before, names))
    new = _e(value_text(table, name, after, names))
    return (f'<span style="{diff.REMOVED_STYLE}">{old}</span> → '
            f'<span style="{diff.ADDED_STYLE}">{new}</span>')


def history_html(history: RowHistory) -> str:
    """Every change to the row, newest first: when, who, what, and each field's change."""
    names = history.names
    out: list[str] = []
    for entry in reversed(history.entries):
        who = _e(names.inspector(entry.by))
        what = _e(OPERATIONS.get(entry.op, entry.op))
        out.append(
            f'<p style="margin-top:14px;"><b>{_e(local_time(entry.at))}</b>'
            f' &nbsp;·&nbsp; {who} {what}</p>')
        before, after = entry.before or {}, entry.after or {}
        fields = field_order(history.table, set(before) | set(after))
        if not fields:
            continue
        rows = []
        for name in fields:
            rows.append(
                f'<tr><td style="color:#555; padding-right:12px;" valign="top">'
                f"{_e(label(history.table, name))}</td>"
                f"<td>{change_html(history.table, name, before.get(name), after.get(name), names)}"
                "</td></tr>")
        out.append('<table cellspacing="2" style="margin-left:18px;">' + "".join(rows)
                   + "</table>")
    if not out:
        return "<p>No changes are recorded.</p>"
    return "".join(out)

