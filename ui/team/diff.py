"""Word-level differences between two texts, as escaped HTML for a QTextBrowser.

Plain Python (no Qt). Every piece of user text is escaped before it is marked up, so a
note that contains ``<b>`` or ``&`` shows exactly as typed.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterator

#: Words and single punctuation marks, each with the white space that follows it (so that
#: spaces never anchor a match between two unrelated sentences), and leading white space.
_TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")
#: Below this similarity, two texts are shown as one replaced by the other, not word by word.
REWRITE_RATIO = 0.35

#: The background of words only one side of a conflict has: mine, theirs.
MINE_COLOUR = "#fbd38d"
THEIRS_COLOUR = "#b6d4fe"
#: Removed and added words in a history entry.
REMOVED_STYLE = "background-color:#f8c9c9; color:#7a1010; text-decoration:line-through;"
ADDED_STYLE = "background-color:#c9ecc9; color:#0c4a14;"


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def opcodes(a: str, b: str) -> Iterator[tuple[str, str, str]]:
    """(tag, a's part, b's part) for each run: tag is equal, delete, insert or replace."""
    ta, tb = tokens(a), tokens(b)
    # Compare words without their spacing, so "promptly." matches "promptly by".
    matcher = difflib.SequenceMatcher(
        None, [t.rstrip() for t in ta], [t.rstrip() for t in tb], autojunk=False)
    if ta and tb and matcher.ratio() < REWRITE_RATIO:
        yield "replace", a, b
        return
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        yield tag, "".join(ta[i1:i2]), "".join(tb[j1:j2])


def escape(text: str) -> str:
    """Text as HTML that keeps its line breaks."""
    return html.escape(text, quote=False).replace("\n", "<br/>")


def _mark(text: str, style: str) -> str:
    """``text`` highlighted, leaving the white space at its end outside the highlight."""
    body = text.rstrip()
    if not body:
        return escape(text)
    return f'<span style="{style}">{escape(body)}</span>{escape(text[len(body):])}'


def side_by_side(mine: str, theirs: str) -> tuple[str, str]:
    """Both texts as HTML, each with the words the other lacks highlighted."""
    left: list[str] = []
    right: list[str] = []
    mine_style = f"background-color:{MINE_COLOUR};"
    theirs_style = f"background-color:{THEIRS_COLOUR};"
    for tag, a, b in opcodes(mine, theirs):
        if tag == "equal":
            left.append(escape(a))
            right.append(escape(b))
        else:
            left.append(_mark(a, mine_style))
            right.append(_mark(b, theirs_style))
    return "".join(left), "".join(right)


def before_after(before: str, after: str) -> str:
    """One text, reading as ``after``: what was removed struck through in red, what was
    added in green."""
    out: list[str] = []
    last = ""  # the last character written, as text
    kept_before = ""  # the last unchanged run, as it was in ``before``
    for tag, a, b in opcodes(before, after):
        if tag == "equal":
            out.append(escape(b))
            last, kept_before = b[-1:], a
            continue
        if a:
            if last and not last.isspace() and kept_before[-1:].isspace():
                out.append(" ")  # the space before the removed words was in ``before``
            out.append(_mark(a, REMOVED_STYLE))
            last = a[-1]
            if b and not last.isspace() and b[0].isalnum():
                out.append(" ")
                last = " "
        if b:
            out.append(_mark(b, ADDED_STYLE))
            last = b[-1]
    return "".join(out)
