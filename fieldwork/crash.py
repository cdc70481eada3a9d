"""Crash reports: what a bug leaves for whoever fixes it, without the evidence.

A programming error (anything but a :class:`~fieldwork.errors.FieldworkError`) is not the
user's fault, so it is not reported as bad input. The command line and the app write a
report into the user's data folder (``crash-reports/``, owner-only) and say where it is.
A report holds the traceback, the versions of Fieldwork, Python and SQLite, the platform,
and the command line with every free-text value left out: note and finding text, search
words, names, file names. Only the command, its sub-command, option names and values that
cannot be personal (a source type, a number) are kept; each value left out becomes
``<N characters removed>``. The same texts are taken out of the exception messages, and
so is any long quoted text in them, which is how Python shows a value in a message.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

#: The folder of the data folder that holds crash reports.
REPORTS_FOLDER = "crash-reports"
#: Quoted text at least this long is taken out of exception messages.
QUOTED_LIMIT = 12


_PLACEHOLDER = re.compile(r"<\d+ characters removed>")


def placeholder(text: str) -> str:
    return f"<{len(text)} characters removed>"


def reports_dir() -> Path:
    """The folder crash reports go to (made owner-only if missing)."""
    from fieldwork.paths import private_data_dir

    return private_data_dir(REPORTS_FOLDER)


# ------------------------------------------------------------------ the command line
def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {name: action for action in parser._actions for name in action.option_strings}


def _safe_value(action: argparse.Action | None) -> bool:
    """A value that cannot be personal: one of fixed choices, or a number."""
    return action is not None and (action.choices is not None or action.type is int)


def scrub_command(
    argv: Sequence[str], parser: argparse.ArgumentParser | None = None
) -> tuple[str, list[str]]:
    """The command line with its free-text values left out, and the values left out.

    ``argv`` starts with the program's name. With no ``parser`` only the program's name
    is kept.
    """
    if not argv:
        return "", []
    shown = [os.path.basename(argv[0]) or "fieldwork"]
    removed: list[str] = []

    def hide(value: str) -> str:
        removed.append(value)
        return placeholder(value)

    current = parser
    tokens = list(argv[1:])
    only_positionals = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if current is None:
            shown.append(hide(token))
            continue
        options = _options(current)
        commands = _subparsers(current)
        if token == "--" and not only_positionals:
            only_positionals = True
            shown.append(token)
        elif token.startswith("-") and len(token) > 1 and not only_positionals:
            name, eq, value = token.partition("=")
            action = options.get(name)
            if action is None:
                shown.append(hide(token))
            elif eq:
                shown.append(f"{name}={value if _safe_value(action) else hide(value)}")
            else:
                shown.append(name)
                if action.nargs != 0 and i < len(tokens):
                    value = tokens[i]
                    i += 1
                    shown.append(value if _safe_value(action) else hide(value))
        elif token in commands and not only_positionals:
            shown.append(token)
            current = commands[token]
        else:
            shown.append(hide(token))
    return " ".join(shown), removed


# ---------------------------------------------------------------------- messages
def scrub_message(message: str, secrets: Iterable[str] = ()) -> str:
    """``message`` with each of ``secrets`` and any long quoted text taken out."""
    for secret in sorted({s for s in secrets if len(s) >= 2}, key=len, reverse=True):
        message = message.replace(secret, placeholder(secret))

    def quoted(match: re.Match[str]) -> str:
        inner = match.group(2)
        if len(inner) < QUOTED_LIMIT or _PLACEHOLDER.fullmatch(inner):
            return match.group(0)
        return f"{match.group(1)}{placeholder(inner)}{match.group(1)}"

    return re.sub(r"""(?<!\w)(['"])((?:\\.|(?!\1).)*)\1(?!\w)""", quoted, message)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or while handling, oldest first."""
    seen: set[int] = set()
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return chain[::-1]


def format_exception(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """The traceback of ``exc`` (and its causes), with the messages scrubbed."""
    import traceback

    secrets = list(secrets)
    parts: list[str] = []
    for n, item in enumerate(_chain(exc)):
        if n:
            parts.append("\nwhich led to:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(f"{describe(item, secrets)}\n")
    return "".join(parts)


def describe(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """``Type: message`` with the message scrubbed."""
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    message = scrub_message(str(exc), secrets)
    return f"{name}: {message}" if message else name


# ----------------------------------------------------------------------- writing
def report_text(
    exc: BaseException,
    *,
    program: str,
    command: str = "",
    secrets: Iterable[str] = (),
) -> str:
    """The text of a crash report (see the module's description)."""
    from fieldwork import __version__

    secrets = list(secrets)
    now = dt.datetime.now(dt.UTC)
    lines = [
        "Fieldwork crash report",
        "",
        "Fieldwork stopped because of a bug in Fieldwork, not because of anything you did.",
        "Free text (notes, findings, search words, names, file names) is left out of this",
        "report; read it before you send it to anyone.",
        "",
        f"When:      {now.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Program:   {program}",
        f"Fieldwork: {__version__}",
        f"Python:    {platform.python_version()} ({platform.python_implementation()})",
        f"SQLite:    {sqlite3.sqlite_version}",
        f"Platform:  {platform.platform()}",
    ]
    if command:
        lines.append(f"Command:   {command}")
    lines += ["", f"Error:     {describe(exc, secrets)}", "", format_exception(exc, secrets)]
    return "\n".join(lines)


def write_report(
    exc: BaseException,
    *,
    program: str = "fieldwork",
    argv: Sequence[str] | None = None,
    parser: argparse.ArgumentParser | None = None,
    secrets: Iterable[str] = (),
) -> Path:
    """Write a crash report for ``exc`` into the data folder; returns its path.

    ``argv`` (starting with the program's name) is shown scrubbed with ``parser``'s help;
    every free-text value in it and every one of ``secrets`` is taken out of the messages.

    :raises OSError: the report could not be written
    """
    from fieldwork import files

    command, removed = scrub_command(argv or [], parser)
    text = report_text(exc, program=program, command=command, secrets=[*removed, *secrets])
    folder = reports_dir()
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for n in range(1, 100):
        suffix = "" if n == 1 else f"-{n}"
        path = folder / f"fieldwork-crash-{stamp}-{os.getpid()}{suffix}.txt"
        try:
            files.create_private(path)
        except FileExistsError:
            continue
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path
    raise FileExistsError(f"{folder}: too many crash reports this second")


def excepthook_report(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None, *, program: str
) -> tuple[str, Path | None]:
    """For an app's ``sys.excepthook``: the scrubbed traceback, and the report written
    (None when it could not be)."""
    if value.__traceback__ is None and tb is not None:
        value = value.with_traceback(tb)
    text = format_exception(value)
    try:
        return text, write_report(value, program=program)
    except OSError as err:
        print(f"no crash report could be written: {err}", file=sys.stderr)
        return text, None
