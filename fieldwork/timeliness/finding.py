"""A draft finding from a timeliness result: the wording, its section, and its evidence.

The text gives the figures and never a case reference (the letter is published). Its
evidence is the notes about the cases that were late by the rule, or that the authority's
own method counts differently; with none late, the notes about every case measured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fieldwork.timeliness.compare import Comparison, plural, whole
from fieldwork.timeliness.compute import RuleResult

#: Section keys a draft finding goes to, the first the template has: the ``ucra-2009``
#: letter's areas for development, a focused visit's "what needs to improve".
DRAFT_SECTIONS = ("development", "improve", "areas_for_development")
_HEADING_WORDS = ("develop", "improve")


def draft_section(sections: Mapping[str, str] | Sequence[str]) -> str | None:
    """The section for a draft timeliness finding: for areas for development.

    ``sections`` maps section keys to headings (or is just the keys). None if there are none.
    """
    titles = dict(sections) if isinstance(sections, Mapping) else {k: k for k in sections}
    for key in DRAFT_SECTIONS:
        if key in titles:
            return key
    for key, heading in titles.items():
        if any(word in heading.casefold() for word in _HEADING_WORDS):
            return key
    return next(iter(titles), None)


def draft_text(result: RuleResult, comparison: Comparison | None = None) -> str:
    """The finding's wording, with the figures in it.

    :raises ValueError: if the result measured no cases (there is nothing to say)
    """
    rule = result.rule
    national = result.national
    if national.percent is None:
        raise ValueError("no cases were measured")
    subject = plural(rule.subject.lower())
    late = national.cases - national.within
    opening = (f"{subject[0].upper()}{subject[1:]} are not always completed within "
               f"{rule.limit_text}" if late else
               f"{subject[0].upper()}{subject[1:]} are completed within {rule.limit_text}")
    text = [f"{opening}: the case records show {whole(national.percent)} ({national.within} of "
            f"{national.cases}) completed in time, measured from {national.phrase} as the "
            "rule requires."]
    if comparison is not None:
        reported = whole(comparison.reported.percent)
        alt = comparison.explained_by
        if alt is not None and alt.percent is not None:
            text.append(f"The authority reports {reported}, measuring from {alt.phrase}, which "
                        f"gives {whole(alt.percent)} ({alt.within} of {alt.cases}); that "
                        "method does not accord with national requirements.")
        elif comparison.differs:
            text.append(f"The authority reports {reported}, which the case records do not "
                        "support.")
        else:
            text.append(f"This agrees with the {reported} the authority reports.")
    still_open = sum(1 for p in national.problems if p.kind == "open")
    if still_open:
        text.append(f"A further {still_open} {'was' if still_open == 1 else 'were'} not yet "
                    "completed when the records were read.")
    return " ".join(text)


def evidence_refs(result: RuleResult) -> list[str]:
    """The case references whose notes back the finding, sorted."""
    refs = {t.ref for t in result.late}
    for alt in result.alternatives:
        refs.update(d.ref for d in result.differences(alt))
    if not refs:
        refs = {t.ref for t in result.national.timings}
    return sorted(refs)
