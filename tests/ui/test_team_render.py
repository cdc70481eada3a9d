"""The words and the HTML the team views show, without Qt: diffs, times, names."""

from __future__ import annotations

import datetime as dt
import re

from fieldwork.model import HistoryEntry
from ui.team import diff
from ui.team.present import Names, local_time, row_title, value_text
from ui.team.render import history_html
from ui.team.work import RowHistory


def test_side_by_side_marks_only_the_words_that_differ() -> None:
    left, right = diff.side_by_side("Referrals are dealt with promptly.",
                                    "Most referrals are dealt with promptly by the team.")
    assert left == (f'<span style="background-color:{diff.MINE_COLOUR};">Referrals</span>'
                    " are dealt with promptly.")
    assert right == (f'<span style="background-color:{diff.THEIRS_COLOUR};">Most referrals'
                     "</span> are dealt with promptly "
                     f'<span style="background-color:{diff.THEIRS_COLOUR};">by the team</span>.')


def test_user_text_is_escaped_before_it_is_marked() -> None:
    left, right = diff.side_by_side("a <b>bold</b> & plain", "a <i>bold</i> & plain")
    unmarked = re.compile(r"<span [^>]*>|</span>")
    assert unmarked.sub("", left) == "a &lt;b&gt;bold&lt;/b&gt; &amp; plain"
    assert unmarked.sub("", right) == "a &lt;i&gt;bold&lt;/i&gt; &amp; plain"
    assert diff.before_after("line one\nline two", "line one\nline 2") == (
        f'line one<br/>line <span style="{diff.REMOVED_STYLE}">two</span> '
        f'<span style="{diff.ADDED_STYLE}">2</span>')


def test_a_rewrite_is_shown_as_one_text_replacing_another() -> None:
    assert diff.before_after("Safeguarding arrangements are well-established.",
                             "Rewritten finding.") == (
        f'<span style="{diff.REMOVED_STYLE}">Safeguarding arrangements are well-established.'
        f'</span> <span style="{diff.ADDED_STYLE}">Rewritten finding.</span>')
    assert diff.before_after("Notes are sparse.", "Notes are sparse and undated.") == (
        f'Notes are sparse <span style="{diff.ADDED_STYLE}">and undated</span>.')


def test_times_are_local_and_readable() -> None:
    at = "2009-06-24T16:02:00.000000Z"
    expected = dt.datetime(2009, 6, 24, 16, 2, tzinfo=dt.UTC).astimezone()
    assert local_time(at) == f"{expected.day} {expected:%B %Y, %H:%M}"
    assert local_time("") == "an unknown time"


def test_ids_read_as_names() -> None:
    names = Names(inspectors={"i1": "Derek Osei"}, findings={"f1": "Referrals are prompt."},
                  sections={"strength": "Strengths"})
    assert value_text("notes", "author", "i1", names) == "Derek Osei"
    assert value_text("notes", "source", "case-record", names) == "Case record"
    assert value_text("notes", "findings", ["f1", "f2"], names) == (
        "“Referrals are prompt.”\na finding no longer there")
    assert value_text("findings", "section", "strength", names) == "Strengths"
    assert row_title("findings", {"section": "strength", "text": "Referrals are prompt."},
                     names) == "Finding in Strengths: “Referrals are prompt.”"


def test_history_shows_who_when_and_each_fields_change_newest_first() -> None:
    names = Names(inspectors={"i1": "Derek Osei", "i2": "Alison Whitcombe"},
                  findings={"f1": "Referrals are prompt."})
    entries = [
        HistoryEntry("create:n1", "notes", "n1", "2009-06-24T09:00:00Z", "i1", "create",
                     None, None),
        HistoryEntry("h1", "notes", "n1", "2009-06-24T10:00:00Z", "i2", "edit",
                     {"text": "Seen the same day.", "source": "interview"},
                     {"text": "Seen the next day.", "source": "case-record"}),
        HistoryEntry("h2", "notes", "n1", "2009-06-24T11:00:00Z", "i2", "link",
                     {"findings": []}, {"findings": ["f1"]}),
    ]
    html = history_html(RowHistory("n1", "notes", "Note", False, entries, names))
    order = [html.index(s) for s in ("tagged it to a finding", "edited it", "created it")]
    assert order == sorted(order)
    assert "Alison Whitcombe edited it" in html and "Derek Osei created it" in html
    assert f'<span style="{diff.REMOVED_STYLE}">same</span>' in html
    assert f'<span style="{diff.ADDED_STYLE}">next</span>' in html
    assert "Staff interview</span> → " in html and "Case record" in html
    assert "+ “Referrals are prompt.”" in html



def test_a_position_conflict_shows_places_not_sort_keys() -> None:
    from fieldwork.store import Conflict
    from ui.team.render import conflict_sides

    names = Names(sections={"strength": "Strengths"},
                  orders={"strength": [(65536, "a"), (98304, "x"), (131072, "b"),
                                       (196608, "c")]})
    conflict = Conflict(
        id="k", table="findings", row_id="x",
        theirs={"section": "strength", "position": 262144, "text": "X", "extra": None},
        theirs_deleted=False, theirs_by="i2", theirs_at="2009-06-24T10:00:00Z",
        mine={"section": "strength", "position": 98304, "text": "X", "extra": None},
        mine_at="2009-06-24T11:00:00Z",
    )
    mine, theirs = conflict_sides(conflict, names)
    assert "2 of 4" in mine and "4 of 4" in theirs
    assert "98304" not in mine + theirs and "262144" not in mine + theirs
