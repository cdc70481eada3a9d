"""Encrypted files on the command line: ``encrypt``, ``decrypt``, ``passphrase``, and the
file passphrase every command takes.

Every command that opens an inspection file takes the file's passphrase from a file,
``--passphrase-file P`` (``--file-passphrase-file P`` on the team commands, where
``--passphrase-file`` is the team's pack passphrase), or from the file named by the
environment variable ``FIELDWORK_PASSPHRASE_FILE``. :func:`add_file_passphrase` adds the
options to every command, once; :func:`file_passphrase` reads the one given, and the CLI
runs the command with it (:func:`fieldwork.store.cipher.passphrase_given`). A plain file
ignores it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from fieldwork.errors import FieldworkError, InvalidValue

#: The environment variable naming the file that holds the inspection file's passphrase.
ENV = "FIELDWORK_PASSPHRASE_FILE"
_DEST = "file_passphrase_file"
_WANTS = ("--passphrase-file wants the path of a file that holds the inspection file's "
          "passphrase")


def add_commands(sub: Any) -> None:
    p = sub.add_parser("encrypt", help="encrypt an inspection file in place (with the "
                                       "passphrase in --passphrase-file)")
    p.add_argument("file", help="the inspection file, F.fieldwork")
    p.set_defaults(handler=cmd_encrypt)

    p = sub.add_parser("decrypt", help="write a plain copy of an encrypted inspection file")
    p.add_argument("file", help="the encrypted inspection file")
    p.add_argument("-o", "--output", required=True, metavar="PLAIN",
                   help="the plain copy to write (never over an inspection file or a pack)")
    p.set_defaults(handler=cmd_decrypt)

    p = sub.add_parser("passphrase", help="change an encrypted file's passphrase")
    p.add_argument("file", help="the encrypted inspection file")
    p.add_argument("--new-passphrase-file", required=True, metavar="Q",
                   help="a file holding the new passphrase (at least 12 characters)")
    p.set_defaults(handler=cmd_passphrase)


def add_file_passphrase(parser: argparse.ArgumentParser) -> None:
    """Give every command (each leaf of ``parser``) the file passphrase options."""
    for leaf in _leaves(parser):
        names = ["--file-passphrase-file"]
        if "--passphrase-file" not in leaf._option_string_actions:
            names.insert(0, "--passphrase-file")
        leaf.add_argument(
            *names, dest=_DEST, metavar="P",
            help=f"a file holding the inspection file's passphrase, if it is encrypted "
                 f"(default: the file named by ${ENV})",
        )


def _leaves(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found.extend(_leaves(child))
            return found
    return [parser]


def file_passphrase(args: argparse.Namespace, *, required: bool = False) -> str | None:
    """The inspection file's passphrase given to the command, or None.

    :raises FieldworkError: the file is missing, unreadable or empty; or ``required`` and
        none is given
    """
    path = getattr(args, _DEST, None) or os.environ.get(ENV) or None
    if path is None:
        if required:
            raise InvalidValue(f"give the passphrase with --passphrase-file P or {ENV}")
        return None
    return read_passphrase(path, wants=_WANTS)


def read_passphrase(path: str, *, wants: str = "--passphrase-file wants the path of a file "
                    "that holds the team passphrase") -> str:
    """The passphrase in a file: its text without the final line break.

    No message names the file: whoever typed the passphrase itself where its file's path
    belongs would see it printed back.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FieldworkError(f"the passphrase file given does not exist ({wants})") from None
    except IsADirectoryError:
        raise FieldworkError(f"the passphrase file given is a folder ({wants})") from None
    except UnicodeDecodeError:
        raise FieldworkError("the passphrase file given is not UTF-8 text") from None
    except OSError as err:
        raise FieldworkError(
            f"the passphrase file given cannot be read ({err.strerror})"
        ) from None
    passphrase = text.removesuffix("\n").removesuffix("\r")
    if not passphrase:
        raise InvalidValue("the passphrase file given is empty")
    return passphrase


def cmd_encrypt(args: argparse.Namespace) -> int:
    from fieldwork.encryption import encrypt_file

    encrypt_file(args.file, _required(args))
    print(f"encrypted {args.file}; without its passphrase it cannot be opened")
    return 0


def cmd_decrypt(args: argparse.Namespace) -> int:
    from fieldwork.encryption import decrypt_file

    decrypt_file(args.file, args.output, _required(args))
    print(f"wrote {args.output} (not encrypted: anyone holding it can read it)")
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from fieldwork.encryption import change_passphrase

    new = read_passphrase(args.new_passphrase_file, wants="--new-passphrase-file wants the "
                          "path of a file that holds the new passphrase")
    change_passphrase(args.file, _required(args), new)
    print(f"changed the passphrase of {args.file}")
    return 0


def _required(args: argparse.Namespace) -> str:
    passphrase = file_passphrase(args, required=True)
    assert passphrase is not None
    return passphrase
