"""The letter workspace's refresh decisions, without widgets or a file: when it reads the
letter again, how much, and which results it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldwork.errors import FieldworkError
from fieldwork.model import Changes
from ui.letter.refresh import (
    INLINE_RENDER_SECONDS,
    LetterRefresh,
    Read,
    ReadPlan,
    UsePrefetched,
)


@dataclass
class Snap:
    """Stands in for a LetterSnapshot: the refresh looks only at ``light``."""

    light: bool = False


@dataclass
class Pages:
    gen: int
    seconds: float = 0.05


def read(refresh: LetterRefresh, *, visible: bool = True, force: bool = False,
         full: bool = True, light: bool = False, pages: bool = False) -> Any:
    """Plan a refresh and bring its read back at once; what arrived."""
    plan = refresh.plan(visible=visible, force=force, full=full)
    assert isinstance(plan, ReadPlan)
    rendered = Pages(plan.gen) if pages else None
    return refresh.arrived(Read(Snap(light), rendered), visible=visible)


def test_hidden_it_only_marks_the_letter_stale_then_reads_all_when_shown() -> None:
    refresh = LetterRefresh()
    assert refresh.plan(visible=False) is None
    assert refresh.stale and not refresh.reading
    plan = refresh.plan(visible=True)
    assert isinstance(plan, ReadPlan) and plan.reuse is None and not plan.light
    assert refresh.reading and not refresh.stale


def test_forced_while_hidden_it_reads_light_and_the_next_read_is_full() -> None:
    refresh = LetterRefresh()
    plan = refresh.plan(visible=False, force=True)
    assert isinstance(plan, ReadPlan) and plan.light and not plan.inline
    arrived = refresh.arrived(Read(Snap(light=True)), visible=False)
    assert arrived.snapshot is not None and not arrived.render and not arrived.check
    assert refresh.stale and refresh.full
    plan = refresh.plan(visible=True, full=False)
    assert isinstance(plan, ReadPlan) and plan.reuse is None and not plan.light


def test_an_edit_of_the_letter_s_fields_reads_only_the_inspection_again() -> None:
    refresh = LetterRefresh()
    first = read(refresh)
    assert first.render and first.check  # compiled on the letter's lane, then checked
    assert not refresh.needs_full(Changes(inspection=True))
    assert refresh.needs_full(Changes(notes=frozenset({"n"}), text_only=True))
    assert refresh.needs_full(Changes.all())
    plan = refresh.plan(visible=True, full=False)
    assert isinstance(plan, ReadPlan) and plan.reuse is first.snapshot


def test_one_read_at_a_time_and_a_change_meanwhile_reads_again() -> None:
    refresh = LetterRefresh()
    plan = refresh.plan(visible=True)
    assert isinstance(plan, ReadPlan)
    assert refresh.plan(visible=True) is None and refresh.read_again
    arrived = refresh.arrived(Read(Snap()), visible=True)
    assert arrived.again and arrived.snapshot is None and refresh.snapshot is None
    assert not refresh.reading


def test_results_of_an_older_read_are_dropped() -> None:
    refresh = LetterRefresh()
    read(refresh)
    old = refresh.gen
    read(refresh)
    assert not refresh.current(old) and refresh.current(refresh.gen)
    assert not refresh.shown(Pages(old)) and refresh.shown(Pages(refresh.gen))
    refresh.closed()
    assert not refresh.current(old + 1) and refresh.snapshot is None


def test_a_quick_letter_is_rendered_with_its_read_a_slow_one_on_its_lane() -> None:
    refresh = LetterRefresh()
    arrived = read(refresh, pages=True)
    assert arrived.pages is not None and not arrived.render and arrived.check
    assert refresh.shown(arrived.pages)
    assert refresh.render_seconds < INLINE_RENDER_SECONDS
    plan = refresh.plan(visible=True)
    assert isinstance(plan, ReadPlan) and plan.inline
    refresh.arrived(Read(Snap(), Pages(plan.gen, seconds=2.0)), visible=True)
    refresh.shown(Pages(plan.gen, seconds=2.0))
    plan = refresh.plan(visible=True)
    assert isinstance(plan, ReadPlan) and not plan.inline


def test_a_render_error_is_shown_and_the_checks_still_run() -> None:
    refresh = LetterRefresh()
    plan = refresh.plan(visible=True)
    assert isinstance(plan, ReadPlan)
    err = FieldworkError("the template cannot be read")
    arrived = refresh.arrived(Read(Snap(), err), visible=True)
    assert arrived.render_error is err and arrived.check and not arrived.render


def test_after_a_write_the_worker_s_read_is_shown_when_in_sight() -> None:
    refresh = LetterRefresh()
    read(refresh)
    assert refresh.write_started(visible=True)  # in sight, quick: read with the write
    refresh.prefetched = Read(Snap(), Pages(0))
    plan = refresh.plan(visible=True, full=False)
    assert isinstance(plan, UsePrefetched) and plan.read.rendered.gen == plan.gen
    assert refresh.prefetched is None and not refresh.reading
    refresh.write_settled()
    assert not refresh.write_started(visible=False)  # hidden: nothing read with the write
    refresh.write_settled()
    refresh.prefetched = Read(Snap())
    assert isinstance(refresh.plan(visible=True, full=True), ReadPlan)  # more than fields


def test_the_form_is_not_reloaded_under_typing_or_a_write_on_its_way() -> None:
    refresh = LetterRefresh()
    assert refresh.may_load_form(typing=False)
    assert not refresh.may_load_form(typing=True)
    refresh.write_started(visible=True)
    assert not refresh.may_load_form(typing=False)
    assert refresh.may_load_form(typing=False, writes_done=1)  # the snapshot holds it
    assert not refresh.idle
    refresh.write_settled()
    assert refresh.may_load_form(typing=False) and refresh.idle
    refresh.opened()
    assert refresh.in_flight == 0 and refresh.full and refresh.snapshot is None
