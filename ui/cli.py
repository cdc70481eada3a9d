"""``fieldwork gui [FILE]``: the desktop app's command.

The ``fieldwork`` command finds it through the ``fieldwork.commands`` entry point (see
``pyproject.toml``), so the core never names the app. Qt is imported only when it runs.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the desktop app (on the sample inspection by default)")
    p.add_argument("file", nargs="?", help="the inspection file, F.fieldwork")
    p.set_defaults(handler=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    from fieldwork.cli.encryption import file_passphrase
    from fieldwork.errors import FieldworkError

    # An encrypted FILE opens with --passphrase-file P (or $FIELDWORK_PASSPHRASE_FILE)
    # without asking; a wrong one is said in the passphrase dialog.
    passphrase = file_passphrase(args) if args.file else None
    try:
        from ui.app import main
    except ImportError as err:
        raise FieldworkError(f"the desktop app cannot start ({err})") from None
    return int(main([args.file] if args.file else [], passphrase=passphrase))
