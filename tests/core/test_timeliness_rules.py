"""Timeliness rules as TOML: the shipped sets, a user's own, and one-line errors."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from fieldwork.errors import InvalidValue
from fieldwork.timeliness.rules import (
    find_rule,
    load_rule_sets,
    read_rule_set,
    rules_of,
    sets_in_use,
    user_rules_dir,
)

RULE = """
[initial_assessment]
name = "Initial assessment within 7 working days"
start = "referral_date"
end = "assessment_completed"
limit = 7
unit = "working"
alternative_starts = ["assessment_start"]
"""
GOOD = "title = \"My authority's rules\"\n" + RULE


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_rules() -> None:
    sets = {s.name: s for s in load_rule_sets()}
    assert set(sets) == {"working-together-2006", "working-together-2013"}
    wt2006 = sets["working-together-2006"]
    assert wt2006.shipped
    initial, core = wt2006.rules
    assert (initial.key, initial.start, initial.end, initial.limit, initial.unit) == (
        "initial_assessment", "referral_date", "assessment_completed", 7, "working")
    assert initial.alternative_starts == ("assessment_start",)
    assert initial.name == "Initial assessment within 7 working days"
    assert initial.subject == "Initial assessment"
    assert initial.limit_text == "7 working days"
    assert (core.key, core.limit, core.unit) == ("core_assessment", 35, "working")
    (single,) = sets["working-together-2013"].rules
    assert (single.key, single.start, single.end, single.limit) == (
        "single_assessment", "referral_date", "assessment_completed", 45)


def test_the_rules_in_force_on_the_first_fieldwork_day() -> None:
    sets = load_rule_sets()
    in_2009 = sets_in_use(sets, {}, dt.date(2009, 6, 24))
    assert [s.name for s in in_2009] == ["working-together-2006"]
    in_2019 = sets_in_use(sets, {}, dt.date(2019, 3, 1))
    assert [s.name for s in in_2019] == ["working-together-2013"]
    assert len(sets_in_use(sets, {}, None)) == 2
    # The inspection may choose its sets.
    chosen = sets_in_use(sets, {"timeliness_rules": "working-together-2013"}, dt.date(2009, 6, 1))
    assert [s.name for s in chosen] == ["working-together-2013"]
    with pytest.raises(InvalidValue, match="timeliness_rules names 'nope', which is not a rule "
                                           "set"):
        sets_in_use(sets, {"timeliness_rules": ["nope"]}, None)
    with pytest.raises(InvalidValue, match="must be a rule set's name or a list"):
        sets_in_use(sets, {"timeliness_rules": 7}, None)


def test_a_users_rules_are_read_from_the_data_folder_and_shadow_by_name() -> None:
    folder = user_rules_dir()
    assert folder == Path(os.environ["FIELDWORK_DATA_DIR"]) / "timeliness"
    write(folder, "working-together-2006.toml", GOOD.replace("7", "10"))
    write(folder, "local.toml", GOOD.replace("initial_assessment", "strategy_discussion"))
    sets = {s.name: s for s in load_rule_sets()}
    assert set(sets) == {"local", "working-together-2006", "working-together-2013"}
    mine = sets["working-together-2006"]
    assert not mine.shipped and mine.title == "My authority's rules"
    assert [r.limit for r in mine.rules] == [10]
    # A set without dates is always in force.
    in_use = sets_in_use(list(sets.values()), {}, dt.date(2009, 6, 24))
    assert {s.name for s in in_use} == {"local", "working-together-2006"}


def test_find_a_rule_by_key_or_name() -> None:
    sets = load_rule_sets()
    assert find_rule(sets, "core_assessment").limit == 35
    assert find_rule(sets, "  initial ASSESSMENT within 7 working days ").key == (
        "initial_assessment")
    with pytest.raises(InvalidValue, match=r"no timeliness rule called 'visits' \(known: "
                                           r"core_assessment, initial_assessment, "
                                           r"single_assessment\)"):
        find_rule(sets, "visits")


def test_two_sets_in_use_may_not_share_a_key() -> None:
    write(user_rules_dir(), "mine.toml", GOOD)
    sets = load_rule_sets()
    used = sets_in_use(sets, {}, dt.date(2009, 6, 24))
    with pytest.raises(InvalidValue, match=r"the rule key 'initial_assessment' is in both "
                                           r"mine.toml and working-together-2006.toml; rename "
                                           r"one, or name your file working-together-2006.toml "
                                           r"to replace the shipped set"):
        rules_of(used)
    write(user_rules_dir(), "also.toml", RULE)
    with pytest.raises(InvalidValue, match=r"in both also.toml and mine.toml; rename one, or "
                                           r"use one set"):
        rules_of(load_rule_sets())


def test_a_calendar_day_rule_and_terms(tmp_path: Path) -> None:
    path = write(tmp_path, "visits.toml", """
[visit]
name = "Child seen within 3 days"
start = "referral_date"
end = "child_seen_date"
limit = 3
unit = "calendar"
terms = ["seen", "visit"]
""")
    (rule,) = read_rule_set(path).rules
    assert rule.unit == "calendar" and rule.limit_text == "3 calendar days"
    assert rule.words == ("seen", "visit")
    assert rule.alternative_starts == ()
    assert read_rule_set(path).title == "visits"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[a\nname = 1", r"bad.toml: not valid TOML: "),
        ("title = 'x'", r"bad.toml: has no rules \(a rule is a table such as "
                        r"\[initial_assessment\]\)"),
        ("titel = 'x'\n" + RULE, r"bad.toml: titel: unknown key \(a rule set has title, "
                                 r"in_force_from, in_force_until, and rule tables\)"),
        ("limit = 7\n" + RULE, r"bad.toml: limit: belongs in a rule's table"),
        ("title = ''\n" + RULE, r"bad.toml: title: must be a non-empty string"),
        ("in_force_from = 'soon'\n" + RULE, r"bad.toml: in_force_from: must be a date such as "
                                            r"2013-04-14, not 'soon'"),
        ("in_force_from = 2013-01-01\nin_force_until = 2012-01-01\n" + RULE,
         r"bad.toml: in_force_until: 2012-01-01 is before in_force_from"),
        (GOOD.replace("[initial_assessment]", "[Initial-Assessment]"),
         r"bad.toml: \[Initial-Assessment\]: a rule's key must be lower-case letters"),
        (GOOD.replace("limit = 7", "limt = 7"),
         r"bad.toml: initial_assessment.limt: unknown key \(a rule has name, start, end, "
         r"limit, unit, alternative_starts, terms\)"),
        (GOOD.replace('name = "Initial assessment within 7 working days"\n', ""),
         r"bad.toml: initial_assessment.name: is missing"),
        (GOOD.replace('start = "referral_date"\n', ""),
         r"bad.toml: initial_assessment.start: is missing"),
        (GOOD.replace("limit = 7\n", ""), r"bad.toml: initial_assessment.limit: is missing"),
        (GOOD.replace("limit = 7", "limit = '7'"),
         r"bad.toml: initial_assessment.limit: must be a whole number of days from 0 to 3660, "
         r"not '7'"),
        (GOOD.replace("limit = 7", "limit = -1"), r"initial_assessment.limit: must be a whole"),
        (GOOD.replace("limit = 7", "limit = 7.5"), r"initial_assessment.limit: must be a whole"),
        (GOOD.replace("limit = 7", "limit = true"), r"initial_assessment.limit: must be a whole"),
        (GOOD.replace("limit = 7", "limit = 99999"), r"initial_assessment.limit: must be a "
                                                     r"whole"),
        (GOOD.replace('unit = "working"', 'unit = "weeks"'),
         r"bad.toml: initial_assessment.unit: must be 'working' or 'calendar', not 'weeks'"),
        (GOOD.replace('start = "referral_date"', 'start = "referral date"'),
         r"bad.toml: initial_assessment.start: must be the name of a case field, such as "
         r"'referral_date', not 'referral date'"),
        (GOOD.replace('end = "assessment_completed"', "end = 3"),
         r"bad.toml: initial_assessment.end: must be the name of a case field"),
        (GOOD.replace('end = "assessment_completed"', 'end = "referral_date"'),
         r"bad.toml: initial_assessment.end: must be a different field from start"),
        (GOOD.replace('["assessment_start"]', '"assessment_start"'),
         r"bad.toml: initial_assessment.alternative_starts: must be a list of strings"),
        (GOOD.replace('["assessment_start"]', '["referral_date"]'),
         r"bad.toml: initial_assessment.alternative_starts: 'referral_date' is already the "
         r"rule's start"),
        (GOOD.replace('["assessment_start"]', '["assessment_start", "assessment_start"]'),
         r"bad.toml: initial_assessment.alternative_starts: lists a field twice"),
        (GOOD + 'terms = [""]\n', r"bad.toml: initial_assessment.terms: has an empty term"),
        (GOOD.replace('name = "Initial assessment within 7 working days"', 'name = "  "'),
         r"bad.toml: initial_assessment.name: must be a non-empty string"),
        ("[[rule]]\nname = 'x'\n", r"bad.toml: rule: unknown key"),
    ],
)
def test_a_bad_rule_is_one_line_naming_the_file_and_key(
    tmp_path: Path, text: str, error: str
) -> None:
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(InvalidValue, match=error) as info:
        read_rule_set(path)
    assert "\n" not in str(info.value)


def test_a_file_that_is_not_utf8_or_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b"title = '\xff'\n")
    with pytest.raises(InvalidValue, match=r"bad.toml: not valid TOML"):
        read_rule_set(path)
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    with pytest.raises(InvalidValue, match=r"dir.toml: cannot be read"):
        read_rule_set(folder)


def test_a_broken_user_file_stops_loading_with_its_name() -> None:
    write(user_rules_dir(), "broken.toml", GOOD.replace("limit = 7", "limit = 'x'"))
    with pytest.raises(InvalidValue, match=r"broken.toml: initial_assessment.limit"):
        load_rule_sets()


def test_an_edited_file_is_read_again() -> None:
    path = write(user_rules_dir(), "mine.toml", GOOD)
    assert {s.name: s for s in load_rule_sets()}["mine"].rules[0].limit == 7
    path.write_text(GOOD.replace("limit = 7", "limit = 9"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock
    assert {s.name: s for s in load_rule_sets()}["mine"].rules[0].limit == 9
