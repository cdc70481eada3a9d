"""A readiness check's results, and the order they are shown in.

Each result is an error (it blocks issuing the letter) or a warning, and names what it
concerns. The checks themselves are in :mod:`fieldwork.checks`; every place that lists
them (``fieldwork check``, issuing, the app's letter workspace) orders them with
:func:`errors_first`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning"]
Target = Literal["field", "finding", "note", "section", "letter"]


@dataclass(frozen=True)
class CheckResult:
    """One finding of a readiness check, about a field, finding, note, section or the letter."""

    level: Level
    code: str
    message: str
    target: Target
    target_id: str | None = None

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def errors_first(results: Iterable[CheckResult]) -> list[CheckResult]:
    """The results with the errors first, each kind in the order the checks gave them."""
    return sorted(results, key=lambda r: not r.is_error)


def blocking(results: Iterable[CheckResult]) -> bool:
    """Whether any result is an error, which blocks issuing the letter."""
    return any(r.is_error for r in results)
