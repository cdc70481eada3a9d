"""How long an inspection's evidence is kept, and retiring it when that time is over.

Inspectorates promise to keep evidence only as long as it is needed. Each inspection has
a retention date: by default :data:`DEFAULT_MONTHS` months after its letter was last
issued. The number of months is a setting of the copy (:func:`set_months`; the
command ``fieldwork retention F --months N``). It has no date before the letter is issued.

:func:`retire` removes the evidence for good (notes, cases, history, conflicts, the search
index, the log of merged packs and the team folder's record: see
:mod:`fieldwork.store.retiring`), keeping the issued letters (the PDFs and their sha256)
and a short record of who retired the inspection and when (:func:`retired_record`). It
works only once the letter is issued, and before the retention date only when asked to
(``now``). A retired copy is read-only: it makes no packs, and takes no merges or edits.
Every copy of an inspection (each inspector's laptop) is retired on its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from fieldwork.errors import InvalidValue, NotIssued, RetentionNotDue, Retired
from fieldwork.model import LetterState
from fieldwork.store import Store
from fieldwork.store.retiring import RETIRED_AT, RETIRED_BY, RETIRED_SHA256

__all__ = [
    "DEFAULT_MONTHS",
    "NotIssued",
    "RetentionNotDue",
    "Retired",
    "RetiredRecord",
    "months",
    "retention_date",
    "retire",
    "retired_record",
    "set_months",
]

#: Months after the letter's issue that evidence is kept, unless the copy says otherwise.
DEFAULT_MONTHS = 12
#: The longest retention a copy may set (100 years).
MAX_MONTHS = 1200
_MONTHS_KEY = "retention_months"


@dataclass(frozen=True)
class RetiredRecord:
    """Who retired the inspection and when; the letter kept, by its checksum."""

    at: str
    by: str
    letter_sha256: str

    @property
    def day(self) -> dt.date:
        return dt.datetime.fromisoformat(self.at).date()


def months(store: Store) -> int:
    """The months after issue that this copy keeps the evidence."""
    text = store.meta(_MONTHS_KEY)
    try:
        value = int(text) if text is not None else DEFAULT_MONTHS
    except ValueError:
        return DEFAULT_MONTHS
    return value if 1 <= value <= MAX_MONTHS else DEFAULT_MONTHS


def set_months(store: Store, value: int) -> None:
    """Keep the evidence ``value`` months after issue (1 to 1200).

    :raises InvalidValue: out of range
    """
    if not 1 <= value <= MAX_MONTHS:
        raise InvalidValue(f"retention months must be from 1 to {MAX_MONTHS}, not {value}")
    store.set_meta(_MONTHS_KEY, str(value))


def issued_on(store: Store) -> dt.date | None:
    """The day the letter was last issued, or None while it is not issued."""
    if store.inspection().state != LetterState.ISSUED:
        return None
    latest = store.latest_issue()
    if latest is None:
        return None
    return dt.datetime.fromisoformat(latest.at).date()


def add_months(day: dt.date, count: int) -> dt.date:
    """``day`` moved on ``count`` months (the 31st becomes the month's last day)."""
    total = day.year * 12 + day.month - 1 + count
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def retention_date(store: Store) -> dt.date | None:
    """The day the evidence may be retired: :func:`months` after the letter was last
    issued; None before the letter is issued (and after retirement)."""
    if store.retired:
        return None
    issued = issued_on(store)
    return add_months(issued, months(store)) if issued is not None else None


def retired_record(store: Store) -> RetiredRecord | None:
    """Who retired the inspection and when, or None if it was not retired."""
    at = store.meta(RETIRED_AT)
    if at is None:
        return None
    return RetiredRecord(at=at, by=store.meta(RETIRED_BY) or "",
                         letter_sha256=store.meta(RETIRED_SHA256) or "")


def retire(store: Store, *, by: str, now: bool = False,
           today: dt.date | None = None) -> RetiredRecord:
    """Remove the inspection's evidence for good, keeping its issued letters.

    ``by`` names who retires it (recorded). Before the retention date it needs ``now``.

    :raises Retired: retired already
    :raises NotIssued: the letter has not been issued
    :raises RetentionNotDue: before the retention date, without ``now``
    :raises ReadOnly: the file cannot be written
    """
    done = retired_record(store)
    if done is not None:
        raise Retired(f"{store.path}: was retired on {done.day} by {done.by}")
    store.require_writable()
    due = retention_date(store)
    if due is None:
        if store.latest_issue() is not None:
            raise NotIssued(f"{store.path}: the letter was reopened for a re-issue; retire "
                            "the inspection once the letter is issued again")
        raise NotIssued(f"{store.path}: the letter has not been issued; an inspection is "
                        "retired only after its letter is issued")
    today = today or dt.date.today()
    if today < due and not now:
        raise RetentionNotDue(
            f"{store.path}: its evidence is kept until {due.isoformat()}; to retire it "
            "now, use --now")
    if not by.strip():
        raise InvalidValue("say who retires the inspection")
    latest = store.latest_issue()
    assert latest is not None  # issued_on found it
    record = RetiredRecord(
        at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        by=by.strip(), letter_sha256=latest.sha256)
    store.retire_evidence({RETIRED_AT: record.at, RETIRED_BY: record.by,
                           RETIRED_SHA256: record.letter_sha256})
    return record
