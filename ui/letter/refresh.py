"""When the letter workspace reads the letter again, how much it reads, and which results
it keeps: a plain object, no widgets, so that it can be tested on its own.

- A change marks the letter stale; only the letter's own fields changed (``full`` False)
  means the notes, findings, cases and team of the last snapshot are reused and only the
  inspection's record is read again.
- While the workspace is hidden nothing is read, unless ``force`` (the letter's state is
  wanted): then a light snapshot, without the notes and cases; the next read is full.
- One read at a time: a refresh asked for meanwhile reads again once it is back.
- Right after a write of the letter's fields, the worker may read and render the letter in
  the same job (a prefetch): when the workspace is in sight, the last read was full enough
  and the letter compiles in a moment (:data:`INLINE_RENDER_SECONDS`).
- Every read has a generation; a result of an older one is dropped.
- The form is loaded from a snapshot only when nothing is being typed and no write of the
  form is on its way that the snapshot does not hold yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fieldwork.errors import FieldworkError

if TYPE_CHECKING:
    from fieldwork.model import Changes
    from ui.letter.work import LetterSnapshot

#: A letter that compiled and rasterised faster than this last time is made on the worker
#: right after reading it; a slower one on the letter's lane.
INLINE_RENDER_SECONDS = 0.15


class Pages(Protocol):
    """A compiled letter's pages, as far as the refresh needs to know them."""

    gen: int
    seconds: float


@dataclass
class Read:
    """What one refresh read: the snapshot, and its pages if they were made on the worker
    (or why they could not be)."""

    snapshot: LetterSnapshot
    rendered: Pages | FieldworkError | None = None


@dataclass(frozen=True)
class ReadPlan:
    """Read the letter on the worker (generation ``gen``): reusing ``reuse``'s notes and
    findings if given, light (no notes) if ``light``, and rendering the pages in sight
    right after if ``inline``."""

    gen: int
    reuse: LetterSnapshot | None
    light: bool
    inline: bool


@dataclass(frozen=True)
class UsePrefetched:
    """Show what the worker read and rendered straight after the last write."""

    gen: int
    read: Read


@dataclass(frozen=True)
class Arrived:
    """What to do with a read that came back.

    ``again``: read again at once (something changed meanwhile), showing nothing of this;
    ``pages``: the pages made with the read, to show now; ``render``: compile and
    rasterise on the letter's lane; ``render_error``: why the pages could not be made;
    ``check``: run the checks on the letter's lane. Nothing at all for a stale result.
    """

    snapshot: LetterSnapshot | None = None
    again: bool = False
    pages: Pages | None = None
    render: bool = False
    render_error: FieldworkError | None = None
    check: bool = False


class LetterRefresh:
    """The workspace's refresh decisions (no Qt)."""

    def __init__(self) -> None:
        self.snapshot: LetterSnapshot | None = None
        self.gen = 0
        self.shown_gen = 0
        self.reading = False
        self.read_again = False
        self.stale = True
        self.full = True
        self.render_seconds = 0.0
        #: Writes of the letter's fields on their way to the file.
        self.in_flight = 0
        #: A read made by the worker straight after a write of the letter's fields.
        self.prefetched: Read | None = None

    # =============================================================== the file
    def opened(self) -> None:
        """A file was opened: forget the last one's letter."""
        self.snapshot = None
        self.in_flight = 0
        self.full = True
        self.stale = True
        self.prefetched = None

    def closed(self) -> None:
        """The file was closed: whatever is on its way is stale."""
        self.snapshot = None
        self.gen += 1

    # ================================================================ changes
    @staticmethod
    def needs_full(changes: Changes) -> bool:
        """Whether a change may touch more than the letter's own fields."""
        return bool(changes.everything or changes.notes or changes.findings or changes.cases
                    or changes.inspectors)

    @property
    def idle(self) -> bool:
        return not self.reading and self.in_flight == 0

    def plan(self, *, visible: bool, force: bool = False,
             full: bool = True) -> ReadPlan | UsePrefetched | None:
        """A refresh was asked for: what to read now, if anything (None: it is marked
        stale, or waits for the read under way)."""
        self.stale = True
        self.full = self.full or full
        if not force and not visible:
            return None
        if self.reading:
            self.read_again = True
            return None
        prefetched, self.prefetched = self.prefetched, None
        if prefetched is not None and visible and not self.full:
            self.stale = False
            self.gen += 1
            if prefetched.rendered is not None and not isinstance(prefetched.rendered,
                                                                  FieldworkError):
                prefetched.rendered.gen = self.gen
            return UsePrefetched(self.gen, prefetched)
        self.reading = True
        self.stale = not visible
        self.gen += 1
        reuse = None if self.full else self.snapshot
        self.full = False
        return ReadPlan(self.gen, reuse, light=not visible and reuse is None,
                        inline=visible and self.render_seconds < INLINE_RENDER_SECONDS)

    def read_failed(self) -> None:
        self.reading = False
        self.full = True

    def arrived(self, result: Read | None, *, visible: bool) -> Arrived:
        """A read came back (None: it was dropped on the worker as stale)."""
        self.reading = False
        if result is None:
            return Arrived()
        snap = result.snapshot
        if snap.light:
            self.full = True  # the notes were not read: the next refresh reads them
        if self.read_again:
            self.read_again = False
            return Arrived(again=True)
        self.snapshot = snap
        rendered = result.rendered
        if not visible:
            self.stale = True  # compiled when shown
            return Arrived(snapshot=snap)
        if isinstance(rendered, FieldworkError):
            return Arrived(snapshot=snap, render_error=rendered, check=True)
        if rendered is not None:
            return Arrived(snapshot=snap, pages=rendered, check=True)
        return Arrived(snapshot=snap, render=True, check=True)

    def current(self, gen: int) -> bool:
        """Whether a result of generation ``gen`` is still wanted."""
        return gen == self.gen

    def shown(self, pages: Pages) -> bool:
        """Pages arrived: whether to show them (a newer refresh drops them)."""
        if pages.gen != self.gen:
            return False
        self.shown_gen = pages.gen
        self.render_seconds = pages.seconds
        return True

    # ============================================================ the form
    def write_started(self, *, visible: bool) -> bool:
        """A write of the letter's fields is on its way: whether the worker should read
        and render the letter straight after it."""
        self.in_flight += 1
        return (self.snapshot is not None and visible and not self.full
                and self.render_seconds < INLINE_RENDER_SECONDS)

    def write_settled(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)

    def may_load_form(self, *, typing: bool, writes_done: int = 0) -> bool:
        """Whether a snapshot may be loaded into the form: nothing typed that is not saved,
        and no write on its way that the snapshot does not hold (``writes_done`` of those
        in flight are in it)."""
        return not typing and self.in_flight - writes_done <= 0
