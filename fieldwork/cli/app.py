"""``fieldwork gui [FILE]``: open the desktop app. Qt is imported only when it runs."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(sub: Any) -> None:
    p = sub.add_parser("gui", help="open the desktop app (on the sample inspection by default)")
    p.add_argument("file", nargs="?", help="the inspection file, F.fieldwork")
    p.set_defaults(handler=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    import importlib

    from fieldwork.errors import FieldworkError

    try:
        app = importlib.import_module("ui.app")
    except ImportError as err:
        raise FieldworkError(f"the desktop app is not installed ({err})") from None
    return int(app.main([args.file] if args.file else []))
