"""Rendering a composed letter as plain text, for review, the command line and tests."""

from __future__ import annotations

from fieldwork.letter.blocks import Block, Letter

DRAFT_MARK = "DRAFT"


def render_text(letter: Letter) -> str:
    """The letter as plain text: blocks apart by a blank line, bullets as ``- item``.

    The text is the letter's words alone, draft or not: ``letter.draft`` says which, and
    the command line says so on stderr.
    """
    chunks = [block_text(block) for block in letter.blocks]
    return "\n\n".join(chunks) + "\n"


def block_text(block: Block) -> str:
    """One block as plain text."""
    if block.kind == "bullets":
        return "\n".join(f"- {item}" for item in block.lines)
    if block.kind == "copies":
        first, *rest = block.lines
        return "\n".join([f"{block.label} {first}".strip(), *rest])
    return block.text
