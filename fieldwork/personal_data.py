"""Personal data in a letter: a check that is hard to fool.

The letter's text is first *folded*: Unicode is normalised (NFKC), accents are dropped,
letters from other scripts that look Latin (Cyrillic "а", Greek "Ο") become Latin, every
dash and hyphen becomes ``-``, every space ``" "``, every apostrophe ``'``, and invisible
characters (zero-width spaces and joiners, soft hyphens) go. Matching works on the folded
text; what is reported is the text as typed.

Five probes look at it:

- **case references** of the inspection's cases, in any case, with any spacing, hyphen,
  dash, dot or slash between their characters, or none (``br 09 04172``, ``BR–09–04172``);
- **dates of birth**: "DOB", "date of birth", "born" with a date; and a date recorded in a
  case (a field ``date_of_birth``, or any key with "birth" in it, or ``dob``) written in any
  common form (``14/03/2005``, ``14.3.05``, ``14th March 2005``, ``March 14, 2005``);
- **names from case records** (the values of name keys, see :data:`NAME_KEYS`), in any
  case and with possessives ("Jayden's", "JAYDEN", "jayden"). A name that is also an
  ordinary word ("Hope", "Young") matches only with a capital;
- **an honorific and a capitalised word**: "Mrs Okonkwo", "Mr. O'Brien";
- **common given names** that are in no record (``resources/names/given-names.txt``),
  written with a capital (or in capitals); one that is also an ordinary word ("Grace")
  only when it is not the first word of a sentence.

The last two leave out the letter's own people (the team, the recipient, the signatories
and the copy list), every word of the template's own text and of the official fields
(authority, service, organisation, address), and the allowed words of the template and
of the inspection (its ``allowed_words`` field).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fieldwork import paths
from fieldwork.letter.dates import MONTHS

#: Keys of a case record whose values are names, besides any key containing "name".
NAME_KEYS = frozenset(
    {
        "child", "children", "mother", "father", "parent", "parents", "carer", "carers",
        "sibling", "siblings", "surname", "forename", "forenames", "alias", "aliases",
        "known_as", "family", "household", "subject",
    }
)

#: Words of a name value that are not themselves names.
NOT_NAMES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "master", "baby", "unborn", "unknown", "the",
        "and", "of", "child", "mother", "father", "family", "not", "known", "none", "yes",
        "no", "sr", "jr", "n/a", "na",
    }
)

HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Master")

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043\u2e3a\u2e3b"
_APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u2032\u0060\u00b4\uff07"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u2061\u2062\u2063\u2064"
#: Letters of other scripts that look like Latin ones (Cyrillic, Greek, and a few more).
_LOOKALIKES = str.maketrans({
    **dict(zip("АВЕЅІЈКМНОРСТХУ", "ABESIJKMHOPCTXY", strict=True)),
    **dict(zip("аеіјорсхуѕԁһӏ", "aeijopcxysdhl", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("οικνυτ", "oikvut", strict=True)),
    "ɡ": "g", "ı": "i",
})

_MONTH_NAMES = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
_MONTH_NAMES.update({m[:3].lower(): i for i, m in enumerate(MONTHS, 1)})
_MONTH_NAMES["sept"] = 9
_MONTH = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_DAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

_DOB_MARKERS = (
    re.compile(r"(?<![\w.])(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|birthday)",
               re.IGNORECASE),
    re.compile(
        r"\bborn\s+(?:on\s+)?(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})\.?,?\s+\d{{2,4}}"
        rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}})",
        re.IGNORECASE,
    ),
)
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,4})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{1,4})(?![\d])")
_DAY_MONTH = re.compile(
    rf"(?<![\w])(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{2,4}})(?!\d)",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"(?<![\w])({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{2,4}})(?!\d)", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*'?")
_HONORIFIC = re.compile(
    rf"\b(?:{'|'.join(HONORIFICS)})\b\.?\s+([^\W\d_][\w'-]*)", re.IGNORECASE
)
_SENTENCE_END = ".!?:;\n\u2022*"


@dataclass(frozen=True)
class Hit:
    """One piece of personal data found: a code, the text matched (as typed) and what it is."""

    code: str
    matched: str
    message: str


@dataclass(frozen=True)
class Folded:
    """Text folded for matching, with the place in the original of each folded character."""

    text: str
    origin: tuple[int, ...]
    source: str

    def original(self, start: int, end: int) -> str:
        """The original text behind folded ``text[start:end]``."""
        if start >= end:
            return ""
        return self.source[self.origin[start] : self.origin[end - 1] + 1]


def fold(text: str) -> Folded:
    """``text`` folded for matching (see the module's description)."""
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        for c in unicodedata.normalize("NFKC", char):
            if c in _DASHES:
                c = "-"
            elif c in _APOSTROPHES:
                c = "'"
            elif c.isspace():
                c = " "
            else:
                c = c.translate(_LOOKALIKES)
                decomposed = unicodedata.normalize("NFD", c)
                c = "".join(d for d in decomposed if not unicodedata.combining(d)) or c
            for piece in c:
                out.append(piece)
                origin.append(i)
    return Folded("".join(out), tuple(origin), text)


@functools.cache
def given_names() -> frozenset[str]:
    """The shipped list of common given names, lower case."""
    return _word_list("given-names.txt")


@functools.cache
def name_words() -> frozenset[str]:
    """Names that are also ordinary English words, lower case."""
    return _word_list("name-words.txt")


def _word_list(name: str) -> frozenset[str]:
    path = paths.RESOURCES / "names" / name
    return frozenset(
        line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )


def words_of(texts: Iterable[str]) -> set[str]:
    """The folded, lower-case words of some texts (for the allowed words)."""
    found: set[str] = set()
    for text in texts:
        for word in _WORD.findall(fold(text).text):
            found.add(word.lower().strip("'"))
            found.update(part for part in re.split(r"['-]", word.lower()) if part)
    return found


# ------------------------------------------------------------------ case records
@dataclass(frozen=True)
class Records:
    """What the case records say that must not be in the letter."""

    #: Case reference → its pattern on folded, lower-case text.
    refs: tuple[tuple[str, re.Pattern[str]], ...]
    #: Recorded dates of birth, with their case's reference.
    births: tuple[tuple[dt.date, str], ...]
    #: Recorded name word (lower case) → the reference of a case that records it.
    names: dict[str, str]


def read_records(cases: Iterable[Any]) -> Records:
    """The references, dates of birth and names of some cases (``Case`` objects)."""
    refs: list[tuple[str, re.Pattern[str]]] = []
    births: list[tuple[dt.date, str]] = []
    names: dict[str, str] = {}
    for case in cases:
        ref = case.ref.strip()
        skeleton = [c for c in fold(ref).text.lower() if c.isalnum()]
        if skeleton:
            between = r"[\s\-_./]{0,2}"
            body = between.join(re.escape(c) for c in skeleton)
            refs.append((ref, re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")))
        records = (case.fields or {}, case.urgent or {})
        for value in _birth_values(*records):
            day = parse_any_date(value)
            if day is not None:
                births.append((day, ref))
        for value in _name_values(*records):
            for word in _WORD.findall(fold(value).text):
                for part in re.split(r"-", word.strip("'")):
                    lower = part.lower()
                    if len(lower) > 1 and lower not in NOT_NAMES:
                        names.setdefault(lower, ref)
    return Records(tuple(refs), tuple(births), names)


def _name_values(*records: Any) -> Iterator[str]:
    """String values of name keys, searched through nested records and lists."""
    for record in records:
        if isinstance(record, dict):
            for key, value in record.items():
                lowered = str(key).lower()
                if "name" in lowered or lowered in NAME_KEYS:
                    yield from strings(value)
                elif isinstance(value, dict | list):
                    yield from _name_values(value)
        elif isinstance(record, list):
            for item in record:
                yield from _name_values(item)


def _birth_values(*records: Any) -> Iterator[str]:
    for record in records:
        if isinstance(record, dict):
            for key, value in record.items():
                lowered = str(key).lower()
                if "birth" in lowered or lowered in ("dob", "d_o_b"):
                    yield from strings(value)
                elif isinstance(value, dict | list):
                    yield from _birth_values(value)
        elif isinstance(record, list):
            for item in record:
                yield from _birth_values(item)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)


def parse_any_date(text: str) -> dt.date | None:
    """A recorded date in ISO or a common written form; None if it is not one."""
    text = fold(str(text)).text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = list(dates_in(text))
    return found[0][0][0] if found and len(found[0][0]) == 1 else None


def dates_in(text: str) -> Iterator[tuple[tuple[dt.date, ...], int, int]]:
    """The dates written in folded ``text``: each with the days it may mean (a numeric date
    may be day-first or month-first) and where it is."""
    for match in _NUMERIC_DATE.finditer(text):
        a, b, c = (int(g) for g in match.groups())
        options = []
        if len(match.group(1)) == 4:
            options.append((a, b, c))
        else:
            options += [(_year(c), b, a), (_year(c), a, b)]
        days = tuple(dict.fromkeys(d for d in (_date(*o) for o in options) if d))
        if days:
            yield days, match.start(), match.end()
    for match in _DAY_MONTH.finditer(text):
        day = _date(_year(int(match.group(3))), _MONTH_NAMES[match.group(2).lower()],
                    int(match.group(1)))
        if day:
            yield (day,), match.start(), match.end()
    for match in _MONTH_DAY.finditer(text):
        day = _date(_year(int(match.group(3))), _MONTH_NAMES[match.group(1).lower()],
                    int(match.group(2)))
        if day:
            yield (day,), match.start(), match.end()


def _year(value: int) -> int:
    if value >= 100:
        return value
    return 2000 + value if value <= dt.date.today().year % 100 + 1 else 1900 + value


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# ------------------------------------------------------------------ matching
@dataclass(frozen=True)
class Context:
    """What one letter's check knows: the records, and the words it never reads as names."""

    records: Records
    #: Lower-case words of the letter's own people, the template, official fields and the
    #: allowed words: never a hit for the honorific and given-name probes.
    allowed: frozenset[str]
    #: Lower-case allowed words of the template and the inspection: never a hit at all.
    explicitly_allowed: frozenset[str]


def find(text: str, context: Context, *, names: bool = True) -> list[Hit]:
    """Every piece of personal data in ``text``. ``names=False`` looks for references and
    dates only (in the blocks that name officials on purpose)."""
    folded = fold(text)
    lower = folded.text.lower()
    hits: list[Hit] = []
    for ref, pattern in context.records.refs:
        for match in pattern.finditer(lower):
            hits.append(Hit("case_ref_in_letter", folded.original(*match.span()),
                            f"gives the case reference {ref}"))
    for pattern in _DOB_MARKERS:
        for match in pattern.finditer(folded.text):
            found = folded.original(*match.span())
            hits.append(Hit("date_of_birth_in_letter", found, "gives a date of birth"))
    if context.records.births:
        for days, start, end in dates_in(folded.text):
            for day, ref in context.records.births:
                if day in days:
                    hits.append(Hit("date_of_birth_in_letter", folded.original(start, end),
                                    f"gives the date of birth recorded for case {ref}"))
    if names:
        hits += _name_hits(folded, context)
    return _unique(hits)


def _name_hits(folded: Folded, context: Context) -> list[Hit]:
    hits: list[Hit] = []
    recorded = context.records.names
    given = given_names()
    ordinary = name_words()
    text = folded.text
    honorific_spans: set[tuple[int, int]] = set()
    for match in _HONORIFIC.finditer(text):
        word = match.group(1)
        lower = _bare(word.lower())
        if word[0].isupper() and lower not in context.allowed:
            honorific_spans.add(match.span(1))
            hits.append(Hit("titled_name_in_letter", folded.original(*match.span()),
                            "names a person with their title"))
    for match in _WORD.finditer(text):
        word = match.group(0)
        lower = word.lower()
        capital = word[0].isupper()
        candidates = _candidates(lower)
        found = folded.original(*match.span())
        named = sorted(c for c in _candidates(lower, plural=True) if c in recorded)
        if named and not candidates & context.explicitly_allowed:
            if capital or named[0] not in ordinary:
                ref = recorded[named[0]]
                hits.append(Hit("name_in_letter", found, f"uses a name from case {ref}'s record"))
                continue
        if match.span() in honorific_spans or not capital:
            continue
        if word.isupper() and len(word) < 4:
            continue  # an abbreviation
        name = next((c for c in candidates if c in given), None)
        if name is None or candidates & context.allowed:
            continue
        if name in ordinary and _starts_sentence(text, match.start()):
            continue
        hits.append(Hit("given_name_in_letter", found, "may name a person (a common first name)"))
    return hits


def _bare(word: str) -> str:
    for suffix in ("'s", "'"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _candidates(lower: str, *, plural: bool = False) -> set[str]:
    """A word and what it may be the possessive (or, with ``plural``, the plural) of."""
    bare = _bare(lower)
    found = {lower, bare}
    found.update(p for p in bare.split("-") if len(p) > 1)
    if plural:
        found.update(c[:-1] for c in list(found) if c.endswith("s") and len(c) > 3)
    return found


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \"'([“‘")
    return not before or before[-1] in _SENTENCE_END


def _unique(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple[str, str]] = set()
    out: list[Hit] = []
    for hit in hits:
        if (hit.code, hit.matched) not in seen:
            seen.add((hit.code, hit.matched))
            out.append(hit)
    return out
