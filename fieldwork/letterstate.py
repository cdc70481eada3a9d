"""The letter's states, draft → qa → issued, and the rule of an issued letter.

An issued letter is frozen: its fields and its findings cannot change until it is reopened
for a re-issue (the issue stays on record); notes can still be added, edited and tagged.
The store refuses such a change, issuing asks the state before moving it, and the app
shows a frozen letter as such: all through :func:`is_frozen`.
"""

from __future__ import annotations

from fieldwork.errors import LetterFrozen
from fieldwork.model import LetterState

#: Why a change to an issued letter is refused.
FROZEN = (
    "the letter has been issued; its fields and findings cannot change without a re-issue"
)


def is_frozen(state: LetterState | str) -> bool:
    """Whether a letter in ``state`` is frozen (it is issued)."""
    return LetterState(state) == LetterState.ISSUED


def check_not_frozen(state: LetterState | str) -> None:
    """Refuse a change to the letter's fields or findings while it is frozen.

    :raises LetterFrozen: the letter has been issued
    """
    if is_frozen(state):
        raise LetterFrozen(FROZEN)
