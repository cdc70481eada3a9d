"""Showing user text on a terminal without letting it drive the terminal.

Text in an inspection comes from people and from packs (which anyone in the team can
seal), so it may hold control characters: an escape sequence can retitle or clear a
terminal, move the cursor over earlier output, or worse, and bidirectional overrides
can make text read differently from what it is. On a terminal, such characters are
shown escaped (``\\x1b``, ``\\u202e``); piped to a file or another program, text goes out
as stored.
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

#: C0 controls, DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """``text`` with every control character and bidi override escaped."""
    return _UNSAFE.sub(_escape, text)


def to_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default stdout) is a terminal."""
    stream = sys.stdout if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def safe(text: str, *, stream: TextIO | None = None) -> str:
    """``text`` escaped when ``stream`` (default stdout) is a terminal, else as stored."""
    return for_terminal(text) if to_terminal(stream) else text
