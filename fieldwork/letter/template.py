"""Letter templates: TOML data files, read and checked into a :class:`Template`.

The shipped templates live in ``resources/templates/``; a file of the same name in the
user's templates folder (:func:`fieldwork.paths.user_templates_dir`) shadows one.
The format is described in ``docs/templates.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from fieldwork import paths
from fieldwork.errors import InvalidValue
from fieldwork.letter import inherit, placeholders
from fieldwork.model import SourceType

FORMAT_VERSION = 1
PAGE_SIZES_MM: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}
GENERATED = ("summary", "evidence_statement")
#: Keys any body entry may have besides its content.
BODY_CONDITIONS = ("only_if_any", "only_if_field", "only_if_empty", "id")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_KEY = re.compile(r"[a-z][a-z0-9_]*")

SectionStyle = Literal["bullets", "paragraphs"]
BodyKind = Literal["text", "heading", "generated", "section"]


@dataclass(frozen=True)
class Section:
    """One section of findings: ``empty`` is ``"omit"`` or the sentence printed instead.
    ``label`` names it where findings are listed and never printed (for a section the
    letter prints without a heading)."""

    key: str
    heading: str = ""
    lead_in: str = ""
    style: SectionStyle = "bullets"
    empty: str = "omit"
    required: bool = False
    label: str = ""

    @property
    def omitted_when_empty(self) -> bool:
        return self.empty == "omit"

    @property
    def title(self) -> str:
        """What a person calls the section: its label, else its heading, else its key."""
        return self.label or self.heading or section_title(self.key)


def section_title(key: str) -> str:
    """A section's name made from its key alone: ``priority_action`` → "Priority action"."""
    return key.replace("_", " ").capitalize()


@dataclass(frozen=True)
class BodyPart:
    """One entry of the body, in order: fixed text, a heading, a generated paragraph or a section.

    ``text`` is the template text (for ``generated``, which paragraph). A part with
    ``only_if_any`` is printed only when one of those sections has findings; with
    ``only_if_field`` only when that letter field is filled in, and with ``only_if_empty``
    only when it is not. ``id`` is how a template that extends this one addresses it.
    """

    kind: BodyKind
    text: str = ""
    section: Section | None = None
    only_if_any: tuple[str, ...] = ()
    only_if_field: str = ""
    only_if_empty: str = ""
    id: str = ""


@dataclass(frozen=True)
class PageSetup:
    """Paper, margins (top, right, bottom, left, in mm), font and the look of the body."""

    size: str = "A4"
    margins_mm: tuple[float, float, float, float] = (20.0, 22.0, 20.0, 22.0)
    font: str = "LiberationSans"
    font_size: float = 11.0
    leading: float = 14.0
    paragraph_space: float = 8.0
    justify: bool = True
    date_align: Literal["left", "right"] = "right"
    bullet: str = "•"
    page_numbers: Literal["none", "all", "from-second"] = "from-second"
    page_number_format: str = "{page}"

    @property
    def size_mm(self) -> tuple[float, float]:
        return PAGE_SIZES_MM[self.size]


@dataclass(frozen=True)
class SummaryRule:
    """Applies when each section in ``when_empty`` is empty and each in ``when_present`` is not."""

    text: str
    when_empty: tuple[str, ...] = ()
    when_present: tuple[str, ...] = ()
    #: Sections that must have exactly this many findings.
    when_count: dict[str, int] = field(default_factory=dict)

    def holds(self, counts: dict[str, int]) -> bool:
        """Whether the rule applies to these numbers of findings per section."""
        return (
            all(counts.get(k, 0) == 0 for k in self.when_empty)
            and all(counts.get(k, 0) > 0 for k in self.when_present)
            and all(counts.get(k, 0) == n for k, n in self.when_count.items())
        )


@dataclass(frozen=True)
class SummaryRules:
    """How the summary sentence is generated from the number of findings in each section."""

    rules: tuple[SummaryRule, ...] = ()
    numbers: tuple[str, ...] = ("no", "one", "two")
    few: str = "a small number of"
    few_up_to: int = 4
    many: str = "a significant number of"
    nouns: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class EvidenceRules:
    """How the evidence statement is generated from the notes' source types and staff roles.

    A sentence whose ``{evidence_sources}`` or ``{staff_roles}`` would be empty is left out.
    """

    sentences: tuple[str, ...] = ()
    sources: tuple[tuple[SourceType, str], ...] = ()
    source_separator: str = "; "
    source_last: str = "; and "
    role_order: tuple[str, ...] = ()
    role_plurals: dict[str, str] = field(default_factory=dict)
    #: The kinds of note whose staff roles ``{staff_roles}`` lists: the people spoken to.
    role_sources: tuple[SourceType, ...] = (SourceType.INTERVIEW,)


@dataclass(frozen=True)
class Template:
    """A letter kind, read from ``path``. ``sections`` and ``section_keys`` are in letter order."""

    name: str
    path: Path
    label: str = ""
    page: PageSetup = field(default_factory=PageSetup)
    #: The letterhead's lines: ``letterhead`` on the right (``lines`` or ``right``), and
    #: ``letterhead_left`` on the left.
    letterhead: tuple[str, ...] = ()
    letterhead_left: tuple[str, ...] = ()
    logo: Path | None = None
    logo_width_mm: float = 40.0
    logo_align: Literal["left", "right"] = "right"
    title: str = ""
    body: tuple[BodyPart, ...] = ()
    closing: str = "Yours sincerely"
    signature_space_mm: float = 18.0
    signatory_title: str = ""
    copies_label: str | None = None
    summary: SummaryRules = field(default_factory=SummaryRules)
    evidence: EvidenceRules = field(default_factory=EvidenceRules)
    required_fields: tuple[str, ...] = ()
    #: Words the personal-data check never reads as a person's name.
    allowed_words: tuple[str, ...] = ()
    #: The template it extends, if any.
    extends: str = ""

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(p.section for p in self.body if p.section is not None)

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def section(self, key: str) -> Section:
        """The section with that key.

        :raises InvalidValue: if the template has no such section
        """
        for section in self.sections:
            if section.key == key:
                return section
        raise InvalidValue(f"template {self.name!r} has no section {key!r}")

    @property
    def texts(self) -> list[str]:
        """Every piece of template text that is filled with the letter's fields."""
        texts = [self.title, self.closing, *self.letterhead_left, *self.letterhead]
        if self.copies_label:
            texts.append(self.copies_label)
        for part in self.body:
            if part.kind in ("text", "heading"):
                texts.append(part.text)
            if part.section is not None:
                texts += [part.section.heading, part.section.lead_in]
                if not part.section.omitted_when_empty:
                    texts.append(part.section.empty)
        if any(p.kind == "generated" and p.text == "summary" for p in self.body):
            texts += [r.text for r in self.summary.rules]
        if any(p.kind == "generated" and p.text == "evidence_statement" for p in self.body):
            texts += list(self.evidence.sentences)
        return texts


def template_dirs() -> list[Path]:
    """Where templates are looked for, first match winning: the user's folder, then the shipped."""
    return [paths.user_templates_dir(), paths.RESOURCES / "templates"]


def load_template(name: str) -> Template:
    """The template called ``name`` (the file ``NAME.toml``); a user's file shadows a shipped one.

    :raises InvalidValue: for an unknown name, or a file that is not a valid template
    """
    if not _NAME.fullmatch(name):
        raise InvalidValue(f"not a template name: {name!r}")
    for folder in template_dirs():
        path = folder / f"{name}.toml"
        if path.is_file():
            return _read_cached(path)
    known = ", ".join(_names()) or "none"
    raise InvalidValue(f"unknown letter template {name!r} (known: {known})")


#: Templates read so far, by path, with the size and modification time of each file they
#: were made from (a template and the ones it extends): the store asks for the section keys
#: on every findings query, and parsing the TOML costs a few milliseconds.
_READ: dict[str, tuple[tuple[tuple[str, int, int], ...], Template]] = {}


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)


def _read_cached(path: Path) -> Template:
    cached = _READ.get(str(path))
    if cached is not None and all(_stamp(Path(f[0])) == f for f in cached[0]):
        return cached[1]
    template, files = _read(path)
    _READ[str(path)] = (tuple(_stamp(f) for f in files), template)
    return template


def template_files(name: str) -> list[Path]:
    """The files that hold a template called ``name``, the one used first."""
    if not _NAME.fullmatch(name):
        return []
    return [p for folder in template_dirs() if (p := folder / f"{name}.toml").is_file()]


def list_templates() -> list[Template]:
    """Every template that loads, by name. A broken file is left out; load it by name to see why."""
    found: list[Template] = []
    for name in _names():
        try:
            found.append(load_template(name))
        except InvalidValue:
            continue
    return found


def _names() -> list[str]:
    names: set[str] = set()
    for folder in template_dirs():
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.toml") if _NAME.fullmatch(p.stem))
    return sorted(names)


def _read(path: Path) -> tuple[Template, tuple[Path, ...]]:
    data, files = inherit.resolve(path, inherit.load_toml(path), template_files, _read_cached)
    return _Reader(path, data).template(), files


class _Reader:
    """Reads the parsed TOML, checking each key; errors name the file and the key."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, message: str) -> InvalidValue:
        return InvalidValue(f"{self.path.name}: {key}: {message}")

    def table(self, data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        self.only(value, key, allowed)
        return value

    def only(self, value: dict[str, Any], key: str, allowed: tuple[str, ...]) -> None:
        for name in value:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                raise self.fail(where, "unknown key")

    def text(self, data: dict[str, Any], key: str, where: str, default: str = "") -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(where, "must be a string")
        return value

    def number(self, data: dict[str, Any], key: str, where: str, default: float) -> float:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise self.fail(where, "must be a number, zero or more")
        return float(value)

    def flag(self, data: dict[str, Any], key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(where, "must be true or false")
        return value

    def strings(self, data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(where, "must be a list of strings")
        return tuple(value)

    def choice(self, data: dict[str, Any], key: str, where: str, options: tuple[str, ...]) -> Any:
        value = data.get(key, options[0])
        if value not in options:
            listed = ", ".join(repr(o) for o in options)
            raise self.fail(where, f"must be one of {listed}, not {value!r}")
        return value

    def template(self) -> Template:
        data = self.data
        self.only(
            data,
            "",
            (
                "format",
                "extends",
                "label",
                "title",
                "closing",
                "required_fields",
                "allowed_words",
                "page",
                "letterhead",
                "signature",
                "copies",
                "summary",
                "evidence",
                "body",
            ),
        )
        version = data.get("format", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail(
                "format", f"this Fieldwork reads format {FORMAT_VERSION}, not {version!r}"
            )
        letterhead = self.table(
            data, "letterhead", ("lines", "left", "right", "logo", "logo_width_mm", "logo_align")
        )
        if "lines" in letterhead and "right" in letterhead:
            raise self.fail("letterhead.right", "give lines or right, not both (both are the "
                                                "right-hand column)")
        right_key = "right" if "right" in letterhead else "lines"
        signature = self.table(data, "signature", ("space_mm", "default_title"))
        copies = data.get("copies")
        copies_label: str | None = None
        if copies is not None:
            copies = self.table(data, "copies", ("label",))
            copies_label = self.text(copies, "label", "copies.label", "Copy:")
        body = self.body()
        keys = [p.section.key for p in body if p.section is not None]
        template = Template(
            name=self.path.stem,
            path=self.path,
            label=self.text(data, "label", "label", self.path.stem),
            page=self.page(),
            letterhead=self.strings(letterhead, right_key, f"letterhead.{right_key}"),
            letterhead_left=self.strings(letterhead, "left", "letterhead.left"),
            logo=self.logo(letterhead),
            logo_width_mm=self.number(letterhead, "logo_width_mm", "letterhead.logo_width_mm", 40),
            logo_align=self.choice(
                letterhead, "logo_align", "letterhead.logo_align", ("right", "left")
            ),
            title=self.text(data, "title", "title"),
            body=body,
            closing=self.text(data, "closing", "closing", "Yours sincerely"),
            signature_space_mm=self.number(signature, "space_mm", "signature.space_mm", 18),
            signatory_title=self.text(signature, "default_title", "signature.default_title"),
            copies_label=copies_label,
            summary=self.summary(keys),
            evidence=self.evidence(),
            required_fields=self.strings(data, "required_fields", "required_fields"),
            allowed_words=self.strings(data, "allowed_words", "allowed_words"),
            extends=self.text(data, "extends", "extends"),
        )
        self.check_text(template)
        return template

    def page(self) -> PageSetup:
        page = self.table(
            self.data,
            "page",
            (
                "size",
                "margins_mm",
                "font",
                "font_size",
                "leading",
                "paragraph_space",
                "justify",
                "date_align",
                "bullet",
                "page_numbers",
                "page_number_format",
            ),
        )
        default = PageSetup()
        margins = page.get("margins_mm", {})
        if not isinstance(margins, dict):
            raise self.fail("page.margins_mm", "must be a table of top, right, bottom, left")
        self.only(margins, "page.margins_mm", ("top", "right", "bottom", "left"))
        sides = ("top", "right", "bottom", "left")
        margin_values = tuple(
            self.number(margins, side, f"page.margins_mm.{side}", default.margins_mm[i])
            for i, side in enumerate(sides)
        )
        font = self.text(page, "font", "page.font", default.font)
        if not (paths.RESOURCES / "fonts" / f"{font}-Regular.ttf").is_file():
            raise self.fail("page.font", f"no bundled font {font!r} in resources/fonts")
        number_format = self.text(page, "page_number_format", "page.page_number_format", "{page}")
        if "{page}" not in number_format or number_format.replace("{page}", "").count("{"):
            raise self.fail(
                "page.page_number_format", "must contain {page} and no other placeholder"
            )
        bullet = self.text(page, "bullet", "page.bullet", default.bullet)
        font_size = self.number(page, "font_size", "page.font_size", default.font_size)
        if not 4 <= font_size <= 36:
            raise self.fail("page.font_size", "must be between 4 and 36")
        return PageSetup(
            size=self.choice(page, "size", "page.size", ("A4", "letter")),
            margins_mm=(margin_values[0], margin_values[1], margin_values[2], margin_values[3]),
            font=font,
            font_size=font_size,
            leading=self.number(page, "leading", "page.leading", font_size * 1.3),
            paragraph_space=self.number(page, "paragraph_space", "page.paragraph_space", 8),
            justify=self.flag(page, "justify", "page.justify", default.justify),
            date_align=self.choice(page, "date_align", "page.date_align", ("right", "left")),
            bullet=bullet,
            page_numbers=self.choice(
                page, "page_numbers", "page.page_numbers", ("from-second", "all", "none")
            ),
            page_number_format=number_format,
        )

    def logo(self, letterhead: dict[str, Any]) -> Path | None:
        name = self.text(letterhead, "logo", "letterhead.logo")
        if not name:
            return None
        logo = (self.path.parent / name).resolve()
        if not logo.is_file():
            raise self.fail("letterhead.logo", f"no such image file: {name}")
        return logo

    def body(self) -> tuple[BodyPart, ...]:
        entries = self.data.get("body", [])
        if not isinstance(entries, list) or not entries:
            raise self.fail("body", "must be a non-empty array of tables ([[body]])")
        parts: list[BodyPart] = []
        keys: set[str] = set()
        ids: set[str] = set()
        for i, entry in enumerate(entries):
            where = f"body[{i}]"
            if not isinstance(entry, dict):
                raise self.fail(where, "must be a table")
            kinds: list[BodyKind] = [k for k in ("text", "heading", "generated") if k in entry]
            if "section" in entry:
                kinds = ["section"]
            if len(kinds) != 1:
                raise self.fail(where, "needs exactly one of section, text, heading, generated")
            kind = kinds[0]
            part = BodyPart(
                kind,
                only_if_any=self.strings(entry, "only_if_any", f"{where}.only_if_any"),
                only_if_field=self.field_name(entry, "only_if_field", where),
                only_if_empty=self.field_name(entry, "only_if_empty", where),
                id=self.text(entry, "id", f"{where}.id"),
            )
            if kind == "section":
                section = self.section(entry, where)
                if section.key in keys:
                    raise self.fail(f"{where}.section", f"section {section.key!r} appears twice")
                keys.add(section.key)
                part = replace(part, section=section)
            else:
                self.only(entry, where, (kind, *BODY_CONDITIONS))
                value = self.text(entry, kind, f"{where}.{kind}")
                if kind == "generated" and value not in GENERATED:
                    raise self.fail(
                        f"{where}.generated", f"must be one of {', '.join(GENERATED)}"
                    )
                part = replace(part, text=value)
            own = inherit.entry_id({"id": part.id, "section": entry.get("section"),
                                    "generated": entry.get("generated")})
            if own is not None:
                if own in ids:
                    raise self.fail(f"{where}.id", f"two body entries have the id {own!r}")
                ids.add(own)
            parts.append(part)
        for i, part in enumerate(parts):
            for key in part.only_if_any:
                if key not in keys:
                    raise self.fail(f"body[{i}].only_if_any", f"no section {key!r}")
        return tuple(parts)

    def field_name(self, entry: dict[str, Any], key: str, where: str) -> str:
        value = self.text(entry, key, f"{where}.{key}")
        if value and not placeholders.check_field_name(value):
            raise self.fail(f"{where}.{key}", f"not a letter field name: {value!r}")
        return value

    def section(self, entry: dict[str, Any], where: str) -> Section:
        allowed = ("section", "heading", "lead_in", "style", "empty", "required", "label",
                   *BODY_CONDITIONS)
        self.only(entry, where, allowed)
        key = self.text(entry, "section", f"{where}.section")
        if not _KEY.fullmatch(key):
            raise self.fail(f"{where}.section", f"not a section key (a-z, 0-9, _): {key!r}")
        empty = self.text(entry, "empty", f"{where}.empty", "omit")
        if not empty.strip():
            raise self.fail(f"{where}.empty", 'must be "omit" or a sentence')
        return Section(
            key=key,
            heading=self.text(entry, "heading", f"{where}.heading"),
            lead_in=self.text(entry, "lead_in", f"{where}.lead_in"),
            style=self.choice(entry, "style", f"{where}.style", ("bullets", "paragraphs")),
            empty=empty,
            required=self.flag(entry, "required", f"{where}.required", False),
            label=self.text(entry, "label", f"{where}.label"),
        )

    def summary(self, keys: list[str]) -> SummaryRules:
        summary = self.table(
            self.data, "summary", ("rules", "numbers", "few", "few_up_to", "many", "nouns")
        )
        default = SummaryRules()
        nouns_table = summary.get("nouns", {})
        if not isinstance(nouns_table, dict):
            raise self.fail("summary.nouns", "must be a table of section key = [singular, plural]")
        nouns: dict[str, tuple[str, str]] = {}
        for key, pair in nouns_table.items():
            where = f"summary.nouns.{key}"
            if key not in keys:
                raise self.fail(where, f"no section {key!r}")
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            ):
                raise self.fail(where, "must be [singular, plural]")
            nouns[key] = (pair[0], pair[1])
        rules: list[SummaryRule] = []
        entries = summary.get("rules", [])
        if not isinstance(entries, list):
            raise self.fail("summary.rules", "must be an array of tables ([[summary.rules]])")
        for i, entry in enumerate(entries):
            where = f"summary.rules[{i}]"
            if not isinstance(entry, dict):
                raise self.fail(where, "must be a table")
            self.only(entry, where, ("text", "when_empty", "when_present", "when_count"))
            counts = entry.get("when_count", {})
            if not isinstance(counts, dict) or not all(
                isinstance(n, int) and not isinstance(n, bool) and n >= 0
                for n in counts.values()
            ):
                raise self.fail(f"{where}.when_count",
                                "must be a table of section key = number, such as { improve = 1 }")
            rule = SummaryRule(
                text=self.text(entry, "text", f"{where}.text"),
                when_empty=self.strings(entry, "when_empty", f"{where}.when_empty"),
                when_present=self.strings(entry, "when_present", f"{where}.when_present"),
                when_count=dict(counts),
            )
            for key in (*rule.when_empty, *rule.when_present, *rule.when_count):
                if key not in keys:
                    raise self.fail(where, f"no section {key!r}")
            rules.append(rule)
        if rules and (rules[-1].when_empty or rules[-1].when_present or rules[-1].when_count):
            raise self.fail(
                f"summary.rules[{len(rules) - 1}]", "the last rule must have no condition"
            )
        few_up_to = summary.get("few_up_to", default.few_up_to)
        if isinstance(few_up_to, bool) or not isinstance(few_up_to, int):
            raise self.fail("summary.few_up_to", "must be a whole number")
        numbers = self.strings(summary, "numbers", "summary.numbers") or default.numbers
        return SummaryRules(
            rules=tuple(rules),
            numbers=numbers,
            few=self.text(summary, "few", "summary.few", default.few),
            few_up_to=few_up_to,
            many=self.text(summary, "many", "summary.many", default.many),
            nouns=nouns,
        )

    def evidence(self) -> EvidenceRules:
        allowed = (
            "sentences",
            "sources",
            "source_separator",
            "source_last",
            "role_order",
            "role_plurals",
            "role_sources",
        )
        evidence = self.table(self.data, "evidence", allowed)
        role_sources: list[SourceType] = []
        for i, name in enumerate(
            self.strings(evidence, "role_sources", "evidence.role_sources")
            if "role_sources" in evidence else ["interview"]
        ):
            try:
                role_sources.append(SourceType(name))
            except ValueError:
                known = ", ".join(s.value for s in SourceType)
                raise self.fail(f"evidence.role_sources[{i}]",
                                f"not a source type (one of {known})") from None
        default = EvidenceRules()
        sources_table = evidence.get("sources", {})
        if not isinstance(sources_table, dict):
            raise self.fail("evidence.sources", "must be a table of source type = phrase")
        sources: list[tuple[SourceType, str]] = []
        for key, phrase in sources_table.items():
            where = f"evidence.sources.{key}"
            try:
                source = SourceType(key)
            except ValueError:
                known = ", ".join(s.value for s in SourceType)
                raise self.fail(where, f"not a source type (one of {known})") from None
            if not isinstance(phrase, str):
                raise self.fail(where, "must be a string")
            sources.append((source, phrase))
        plurals = evidence.get("role_plurals", {})
        if not isinstance(plurals, dict) or not all(isinstance(v, str) for v in plurals.values()):
            raise self.fail("evidence.role_plurals", "must be a table of role = plural")
        return EvidenceRules(
            sentences=self.strings(evidence, "sentences", "evidence.sentences"),
            sources=tuple(sources),
            source_separator=self.text(
                evidence, "source_separator", "evidence.source_separator", default.source_separator
            ),
            source_last=self.text(
                evidence, "source_last", "evidence.source_last", default.source_last
            ),
            role_order=tuple(
                r.lower() for r in self.strings(evidence, "role_order", "evidence.role_order")
            ),
            role_plurals={k.lower(): v for k, v in plurals.items()},
            role_sources=tuple(role_sources),
        )

    def check_text(self, template: Template) -> None:
        """Every placeholder in the template text must be one the letter can fill."""
        sections = template.section_keys
        nouns = tuple(template.summary.nouns)
        checks: list[tuple[str, str, tuple[str, ...]]] = [
            ("title", template.title, ()),
            ("closing", template.closing, ()),
        ]
        if template.copies_label:
            checks.append(("copies.label", template.copies_label, ()))
        checks += [(f"letterhead.left[{i}]", t, ()) for i, t in enumerate(template.letterhead_left)]
        right = "right" if "right" in self.data.get("letterhead", {}) else "lines"
        checks += [(f"letterhead.{right}[{i}]", t, ()) for i, t in enumerate(template.letterhead)]
        for i, part in enumerate(template.body):
            if part.kind in ("text", "heading"):
                checks.append((f"body[{i}].{part.kind}", part.text, ()))
            if part.section is not None:
                checks.append((f"body[{i}].heading", part.section.heading, ()))
                checks.append((f"body[{i}].lead_in", part.section.lead_in, ()))
                checks.append((f"body[{i}].empty", part.section.empty, ()))
        for i, rule in enumerate(template.summary.rules):
            checks.append((f"summary.rules[{i}].text", rule.text, ()))
        for i, sentence in enumerate(template.evidence.sentences):
            checks.append((f"evidence.sentences[{i}]", sentence, placeholders.EVIDENCE))
        for where, text, extra in checks:
            try:
                placeholders.check(text, extra=extra, counts=nouns, sections=sections)
            except placeholders.PlaceholderError as err:
                raise self.fail(where, str(err)) from None
        generated = {p.text for p in template.body if p.kind == "generated"}
        if "summary" in generated and not template.summary.rules:
            raise self.fail("summary.rules", "the body has a generated summary but no rules")
        if "evidence_statement" in generated and not template.evidence.sentences:
            raise self.fail(
                "evidence.sentences", "the body has a generated evidence statement but no sentences"
            )
