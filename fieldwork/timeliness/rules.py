"""Timeliness rules as data: small TOML tables, shipped in ``resources/timeliness`` and in
the user's data folder (``<data dir>/timeliness``), like letter templates.

A file is a **rule set**, named by its file name (``working-together-2006.toml`` is the set
``working-together-2006``); a user's file shadows a shipped one of the same name. Each table
in the file is one rule, its key the table's name::

    title = "Working Together 2006: initial and core assessments"
    in_force_until = 2013-04-14

    [initial_assessment]
    name = "Initial assessment within 7 working days"
    start = "referral_date"
    end = "assessment_completed"
    limit = 7
    unit = "working"                      # or "calendar"
    alternative_starts = ["assessment_start"]

A mistake is one line naming the file and the key (``my-rules.toml: initial_assessment.limit:
must be a whole number of days, 0 or more``). See ``docs/timeliness.md``.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldwork import paths
from fieldwork.errors import InvalidValue

UNITS = ("working", "calendar")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_SET_KEYS = ("title", "in_force_from", "in_force_until")
_RULE_KEYS = ("name", "start", "end", "limit", "unit", "alternative_starts", "terms")
#: The longest limit a rule may set: ten years of days catches a slip of the keyboard.
MAX_LIMIT = 3660


@dataclass(frozen=True)
class Rule:
    """How soon one piece of work must be done: from ``start`` to ``end`` within ``limit``.

    ``alternative_starts`` are other start fields to measure from as well, to model an
    authority's own method; ``terms`` are the words a finding uses for the work (by default
    the rule's name up to "within": "initial assessment").
    """

    key: str
    name: str
    start: str
    end: str
    limit: int
    unit: str = "working"
    alternative_starts: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    source: str = ""  # the rule set it came from

    @property
    def subject(self) -> str:
        """What is being timed, from the name: "Initial assessment"."""
        head = re.split(r"\s+within\b", self.name, maxsplit=1, flags=re.IGNORECASE)[0]
        return head.strip() or self.name

    @property
    def limit_text(self) -> str:
        """"7 working days", "1 calendar day"."""
        day = "day" if self.limit == 1 else "days"
        return f"{self.limit} {self.unit} {day}"

    @property
    def words(self) -> tuple[str, ...]:
        """The words a finding may use for this rule's work, lower case."""
        found = [t.casefold() for t in self.terms] or [self.subject.casefold()]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class RuleSet:
    """The rules of one file, and the dates between which they applied (either may be open)."""

    name: str
    title: str
    rules: tuple[Rule, ...]
    path: Path
    in_force_from: dt.date | None = None
    in_force_until: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return self.in_force_until is None or day <= self.in_force_until

    @property
    def shipped(self) -> bool:
        return self.path.parent == shipped_dir()


def shipped_dir() -> Path:
    return paths.RESOURCES / "timeliness"


def user_rules_dir() -> Path:
    """Where a user drops their own rule sets (``*.toml``)."""
    return paths.user_data_dir() / "timeliness"


def rule_dirs() -> list[Path]:
    """Where rule sets are looked for, first match winning: the user's folder, then the shipped."""
    return [user_rules_dir(), shipped_dir()]


def load_rule_sets() -> list[RuleSet]:
    """Every rule set, by name; a user's file shadows a shipped one of the same name.

    :raises InvalidValue: a file that is not a valid rule set (one line naming it)
    """
    chosen: dict[str, Path] = {}
    for folder in rule_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            if _SET_NAME.fullmatch(path.stem):
                chosen.setdefault(path.stem, path)
    return [_read_cached(chosen[name]) for name in sorted(chosen)]


#: Rule sets read so far, by path, size and modification time.
_READ: dict[tuple[str, int, int], RuleSet] = {}


def _read_cached(path: Path) -> RuleSet:
    try:
        stat = path.stat()
    except OSError as err:
        raise InvalidValue(f"{path.name}: cannot be read ({err.strerror})") from None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    found = _READ.get(key)
    if found is None:
        found = _READ[key] = read_rule_set(path)
    return found


def read_rule_set(path: Path) -> RuleSet:
    """Read and check one rule set file.

    :raises InvalidValue: one line naming the file and the key at fault
    """
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except OSError as err:
        raise InvalidValue(f"{path.name}: cannot be read ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InvalidValue(f"{path.name}: not valid TOML: {' '.join(str(err).split())}") from None
    return parse_rule_set(data, path)


def parse_rule_set(data: dict[str, Any], path: Path) -> RuleSet:
    """Check parsed TOML as a rule set; ``path`` names it in errors and gives its name."""

    def fail(key: str, message: str) -> InvalidValue:
        return InvalidValue(f"{path.name}: {key}: {message}")

    title = path.stem
    dates: dict[str, dt.date | None] = {"in_force_from": None, "in_force_until": None}
    rules: list[Rule] = []
    for key, value in data.items():
        if isinstance(value, dict):
            rules.append(_rule(key, value, path.stem, fail))
        elif key == "title":
            if not isinstance(value, str) or not value.strip():
                raise fail(key, "must be a non-empty string")
            title = value.strip()
        elif key in dates:
            dates[key] = _date(value, key, fail)
        elif key in _RULE_KEYS:
            raise fail(key, "belongs in a rule's table, such as [initial_assessment]")
        else:
            known = ", ".join(_SET_KEYS)
            raise fail(key, f"unknown key (a rule set has {known}, and rule tables)")
    if not rules:
        raise InvalidValue(
            f"{path.name}: has no rules (a rule is a table such as [initial_assessment])"
        )
    start, until = dates["in_force_from"], dates["in_force_until"]
    if start is not None and until is not None and until < start:
        raise fail("in_force_until", f"{until.isoformat()} is before in_force_from")
    return RuleSet(
        name=path.stem, title=title, rules=tuple(rules), path=path,
        in_force_from=start, in_force_until=until,
    )


def _rule(key: str, table: dict[str, Any], source: str, fail: Any) -> Rule:
    if not _KEY.fullmatch(key):
        raise fail(f"[{key}]", "a rule's key must be lower-case letters, digits and _, "
                               "starting with a letter")
    for name in table:
        if name not in _RULE_KEYS:
            raise fail(f"{key}.{name}", f"unknown key (a rule has {', '.join(_RULE_KEYS)})")
    for required in ("name", "start", "end", "limit"):
        if required not in table:
            raise fail(f"{key}.{required}", "is missing")

    def field(name: str, value: Any) -> str:
        if not isinstance(value, str) or not _FIELD.fullmatch(value):
            raise fail(f"{key}.{name}", f"must be the name of a case field, such as "
                                        f"'referral_date', not {value!r}")
        return value

    name = table["name"]
    if not isinstance(name, str) or not name.strip():
        raise fail(f"{key}.name", "must be a non-empty string")
    start = field("start", table["start"])
    end = field("end", table["end"])
    if start == end:
        raise fail(f"{key}.end", "must be a different field from start")
    limit = table["limit"]
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_LIMIT:
        raise fail(f"{key}.limit", f"must be a whole number of days from 0 to {MAX_LIMIT}, "
                                   f"not {limit!r}")
    unit = table.get("unit", "working")
    if unit not in UNITS:
        raise fail(f"{key}.unit", f"must be 'working' or 'calendar', not {unit!r}")
    alternatives = _strings(table.get("alternative_starts", []), f"{key}.alternative_starts",
                            fail)
    for alt in alternatives:
        field("alternative_starts", alt)
        if alt in (start, end):
            raise fail(f"{key}.alternative_starts", f"{alt!r} is already the rule's "
                                                    f"{'start' if alt == start else 'end'}")
    if len(set(alternatives)) != len(alternatives):
        raise fail(f"{key}.alternative_starts", "lists a field twice")
    terms = _strings(table.get("terms", []), f"{key}.terms", fail)
    if any(not t.strip() for t in terms):
        raise fail(f"{key}.terms", "has an empty term")
    return Rule(
        key=key, name=" ".join(name.split()), start=start, end=end, limit=limit, unit=unit,
        alternative_starts=alternatives, terms=tuple(t.strip() for t in terms), source=source,
    )


def _strings(value: Any, where: str, fail: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(where, "must be a list of strings")
    return tuple(value)


def _date(value: Any, key: str, fail: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(key, f"must be a date such as 2013-04-14, not {value!r}")


# ------------------------------------------------------------------ choosing
def sets_in_use(
    sets: Sequence[RuleSet], fields: dict[str, Any], on: dt.date | None
) -> list[RuleSet]:
    """The rule sets an inspection uses.

    Its ``timeliness_rules`` field (a set name, or a list of them) chooses them; otherwise
    every set in force on ``on`` (the first fieldwork day); with no date, every set.

    :raises InvalidValue: for a name in ``timeliness_rules`` that no set has
    """
    chosen = fields.get("timeliness_rules")
    if chosen is None or chosen == "" or chosen == []:
        if on is None:
            return list(sets)
        return [s for s in sets if s.in_force(on)]
    names = [chosen] if isinstance(chosen, str) else chosen
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InvalidValue("the inspection field timeliness_rules must be a rule set's name "
                           "or a list of names")
    by_name = {s.name: s for s in sets}
    out: list[RuleSet] = []
    for name in names:
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise InvalidValue(f"the inspection field timeliness_rules names {name!r}, which "
                               f"is not a rule set (known: {known})")
        out.append(by_name[name])
    return list(dict.fromkeys(out))


def rules_of(sets: Iterable[RuleSet]) -> list[Rule]:
    """The rules of these sets, in order.

    :raises InvalidValue: if two sets give a rule the same key
    """
    seen: dict[str, tuple[Rule, RuleSet]] = {}
    for rule_set in sets:
        for rule in rule_set.rules:
            if rule.key in seen:
                raise _clash(rule.key, seen[rule.key][1], rule_set)
            seen[rule.key] = (rule, rule_set)
    return [rule for rule, _ in seen.values()]


def _clash(key: str, first: RuleSet, second: RuleSet) -> InvalidValue:
    names = f"{first.path.name} and {second.path.name}"
    shipped = next((s for s in (first, second) if s.shipped), None)
    if shipped is not None:
        advice = (f"rename one, or name your file {shipped.path.name} to replace the shipped "
                  "set")
    else:
        advice = "rename one, or use one set (the inspection's timeliness_rules field)"
    return InvalidValue(f"the rule key {key!r} is in both {names}; {advice}")


def find_rule(sets: Sequence[RuleSet], wanted: str) -> Rule:
    """A rule of any set, by its key or its name (case and spacing aside).

    :raises InvalidValue: if no rule, or more than one, answers to ``wanted``
    """
    needle = " ".join(wanted.split()).casefold()
    found = [
        r for s in sets for r in s.rules if needle in (r.key.casefold(), r.name.casefold())
    ]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        sources = ", ".join(f"{r.source}.toml" for r in found)
        raise InvalidValue(f"more than one rule is called {wanted!r} ({sources})")
    known = ", ".join(sorted({r.key for s in sets for r in s.rules})) or "none"
    raise InvalidValue(f"no timeliness rule called {wanted!r} (known: {known})")
