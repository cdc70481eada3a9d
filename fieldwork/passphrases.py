"""The one rule for a new passphrase, whatever it protects: an encrypted inspection file
(:mod:`fieldwork.encryption`) or a team's packs (:mod:`fieldwork.packs`). Opening and
merging accept any passphrase a file or pack was made with; only making one checks it."""

from __future__ import annotations

from fieldwork.errors import InvalidValue

#: The shortest passphrase a file is encrypted or a pack is made with.
MIN_PASSPHRASE = 12


def check_new(passphrase: str, *, what: str, why: str) -> None:
    """Refuse ``passphrase`` for a new file or pack if it is too short.

    ``what`` names it in the message ("the passphrase", "the team passphrase"); ``why`` ends
    the message, saying what a weak one risks.

    :raises InvalidValue: empty, or shorter than :data:`MIN_PASSPHRASE` characters
    """
    if not passphrase:
        raise InvalidValue(f"{what} must not be empty")
    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidValue(
            f"{what} is too short ({len(passphrase)} characters): use at least "
            f"{MIN_PASSPHRASE}, such as four unrelated words, because {why}"
        )
