"""The composed letter: an ordered list of blocks of plain text, ready for any renderer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from fieldwork.letter.template import Template

BlockKind = Literal[
    "letterhead",
    "date",
    "address",
    "salutation",
    "title",
    "paragraph",
    "heading",
    "bullets",
    "closing",
    "signature",
    "copies",
]


@dataclass(frozen=True)
class Block:
    """One block of the letter. ``lines`` are plain text, never markup.

    ``address``, ``letterhead`` and ``signature`` have a line each; ``bullets`` an item each;
    ``copies`` a person each, after ``label`` ("Copy:"). ``image`` is a logo or a signature.
    ``section`` names the template section a block came from. A letterhead's ``lines``
    are its right-hand column and ``left`` its left-hand one. A blank line inside a
    paragraph or an item starts a new paragraph.
    """

    kind: BlockKind
    lines: tuple[str, ...]
    section: str | None = None
    label: str = ""
    image: str | None = None
    left: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join((*self.left, *self.lines))


@dataclass(frozen=True)
class Letter:
    """A composed letter: its blocks, the template that lays it out, and whether it is a draft."""

    blocks: tuple[Block, ...]
    template: Template
    draft: bool = True
    title: str = ""
    author: str = ""
    #: The letter's date: the PDF's creation and modification date (None: reportlab's fixed
    #: invariant date), so the same letter always gives the same bytes.
    date: dt.date | None = None

