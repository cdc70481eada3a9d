"""TEMP (w12-core): the core writes that do not yet say what they changed.

Issue 12 has every core write return :class:`~fieldwork.model.Changes`, with ``text_only``
set where only texts changed. Until the core does, each function here calls the core and
names what it changed; nothing else in the app makes up a ``Changes``. When the core's
writes return them, each call site calls the core directly and this module goes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fieldwork.model import Changes

if TYPE_CHECKING:
    from fieldwork.store import LetterIssue, Store


def text_edit(changes: Changes, fields: dict[str, Any]) -> Changes:
    """``changes`` of an edit of ``fields`` (a note's or a finding's), marked text-only
    when the text was all that was edited. (The core's edit_note and edit_finding will.)"""
    if changes and not changes.text_only and set(fields) == {"text"}:
        return replace(changes, text_only=True)
    return changes


def set_me(store: Store, inspector_id: str) -> Changes:
    """Record who this copy belongs to (the core's set_me returns nothing yet)."""
    store.set_me(inspector_id)
    return Changes(inspection=True)


def mark_qa(store: Store) -> Changes:
    from fieldwork.issuing import mark_qa

    mark_qa(store)
    return Changes(inspection=True)


def reopen(store: Store) -> Changes:
    from fieldwork.issuing import reopen

    reopen(store)
    return Changes(inspection=True)


@dataclass(frozen=True)
class Issued:
    """The letter was issued: the record, who issued it (by name), and what changed."""

    issue: LetterIssue
    name: str
    changes: Changes


def issue(store: Store) -> Issued:
    from fieldwork.issuing import issue

    done = issue(store)
    name = next((p.name for p in store.inspectors() if p.id == done.by), done.by)
    return Issued(done, name, Changes(inspection=True))


def merged() -> Changes:
    """What a merge of packs changed: any row may have."""
    return Changes.all()
