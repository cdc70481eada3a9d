"""The ``fieldwork`` command: a thin layer over the library.

Every command has one shape: open the file, call one library function, print the result.
Expected errors (:class:`~fieldwork.errors.FieldworkError`) become one line on stderr that
starts with ``error:``, and exit status 2. Each group of commands lives in its own module
and adds itself to the parser through ``add_commands``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from fieldwork import __version__
from fieldwork.errors import FieldworkError

#: The modules that add commands, in the order ``--help`` lists them.
COMMAND_MODULES = (
    "fieldwork.cli.core",
    "fieldwork.cli.letter",
    "fieldwork.cli.fields",
    "fieldwork.cli.team",
    "fieldwork.cli.timeliness",
    "fieldwork.cli.app",
)


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
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            continue
        module.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 check failed, 2 bad input)."""
    try:
        args = build_parser().parse_args(argv)
        status = args.handler(args)
    except FieldworkError as err:
        print(f"error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return int(status or 0)


def _one_line(message: str) -> str:
    return " ".join(message.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
