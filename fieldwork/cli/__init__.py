"""The ``fieldwork`` command: a thin layer over the library.

Every command has one shape: open the file, call one library function, print the result.
Expected errors (:class:`~fieldwork.errors.FieldworkError`) become one line on stderr that
starts with ``error:``, and exit status 2. Any other exception is a bug in Fieldwork: a
crash report is written (:mod:`fieldwork.crash`), one line says where, and the exit
status is 70 (``EX_SOFTWARE``). Each group of commands lives in its own module and adds
itself to the parser through ``add_commands``. Other packages add theirs (the desktop app
its ``gui``) through the ``fieldwork.commands`` entry point group: each entry names an
``add_commands`` function.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from fieldwork import __version__
from fieldwork.errors import FieldworkError

#: The modules that add commands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "fieldwork.cli.inspection",
    "fieldwork.cli.core",
    "fieldwork.cli.letter",
    "fieldwork.cli.fields",
    "fieldwork.cli.team",
    "fieldwork.cli.timeliness",
    "fieldwork.cli.encryption",
    "fieldwork.cli.retention",
)
#: The entry point group through which other packages add commands.
COMMAND_GROUP = "fieldwork.commands"


class UsageError(FieldworkError):
    "The command line is not one Fieldwork understands."


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one ``error:`` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = _Parser(
        prog="fieldwork",
        description="Evidence capture, team merge and letter compilation for inspection teams.",
    )
    parser.add_argument("--version", action="version", version=f"fieldwork {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    for add_commands in _installed_commands():
        add_commands(sub)
    from fieldwork.cli.encryption import add_file_passphrase

    add_file_passphrase(parser)
    return parser


def _installed_commands() -> list[Callable[[Any], None]]:
    """The ``add_commands`` of every installed ``fieldwork.commands`` entry point, by name.
    One whose package is no longer installed (a stale entry) is left out."""
    from importlib.metadata import entry_points

    found: list[Callable[[Any], None]] = []
    for entry in sorted(entry_points(group=COMMAND_GROUP), key=lambda e: e.name):
        try:
            found.append(entry.load())
        except ModuleNotFoundError as err:
            if err.name is None or not entry.module.startswith(err.name):
                raise
    return found


#: The exit status of a bug in Fieldwork (BSD's EX_SOFTWARE).
EXIT_BUG = 70


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 check failed, 2 bad input,
    70 a bug in Fieldwork)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser: argparse.ArgumentParser | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(args_list)
        status = _run(args)
    except FieldworkError as err:
        print(f"error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: report it as one, never as the user's mistake
        return _internal_error(err, args_list, parser)
    return int(status or 0)


#: Commands that run on after their handler starts (the app, with threads of its own, in
#: which the passphrase given would not be seen): they read it themselves if they want it
#: (:func:`fieldwork.cli.encryption.file_passphrase`).
_OWN_PASSPHRASE = frozenset({"gui"})


def _run(args: argparse.Namespace) -> Any:
    """The command, with the inspection file passphrase it was given (if any) used by
    every file it opens."""
    from fieldwork.cli.encryption import file_passphrase
    from fieldwork.store.cipher import passphrase_given

    if args.command in _OWN_PASSPHRASE:
        return args.handler(args)
    with passphrase_given(file_passphrase(args)):
        return args.handler(args)


def _internal_error(
    err: Exception, argv: list[str], parser: argparse.ArgumentParser | None
) -> int:
    from fieldwork.crash import write_report

    try:
        path = write_report(err, argv=["fieldwork", *argv], parser=parser)
    except Exception as failure:  # the report is a courtesy; the bug stands
        print(
            "error: internal error (a bug in Fieldwork); no crash report could be written "
            f"({_one_line(str(failure))})",
            file=sys.stderr,
        )
        return EXIT_BUG
    print(
        f"error: internal error (a bug in Fieldwork); a crash report was written to {path}",
        file=sys.stderr,
    )
    return EXIT_BUG


def _one_line(message: str) -> str:
    from fieldwork.cli.shown import for_terminal

    line = " ".join(message.split())
    return for_terminal(line) if _isatty(sys.stderr) else line


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
