"""The errors the library raises on purpose. Each is an expected failure with a one-line message.

Anything else that escapes is a bug. The CLI and the UI translate these, and only these,
into messages for the user.
"""

from __future__ import annotations


class FieldworkError(Exception):
    "Base class of every expected Fieldwork error; ``str(err)`` is a one-line message."


class NotAnInspection(FieldworkError):
    "The file is not a Fieldwork inspection (not SQLite, or SQLite of another kind)."


class NewerSchema(FieldworkError):
    "The file was written by a newer Fieldwork; it is refused and left untouched."


class FileLocked(FieldworkError):
    "Another program holds a lock on the inspection file."


class Damaged(FieldworkError):
    "The inspection file is damaged (SQLite reports it corrupt); it is left as it is."


class ReadOnly(FieldworkError):
    "The inspection file or its folder cannot be written."


class DiskFull(FieldworkError):
    "The disk is full; the last change was not saved."


class NotFound(FieldworkError):
    "No row with that id in this inspection."


class NoSuchNote(NotFound):
    "No note with that id in this inspection."


class NoSuchFinding(NotFound):
    "No finding with that id in this inspection."


class NoSuchCase(NotFound):
    "No case with that id or reference in this inspection."


class NoSuchInspector(NotFound):
    "No inspector with that id or name in this inspection."


class InvalidValue(FieldworkError):
    "A value given to the library is not allowed (an unknown source type or section, say)."


class InvalidDocument(FieldworkError):
    "An interchange document is malformed; the message names the path of the field."

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.detail = message
        super().__init__(f"{path}: {message}" if path else message)


class LetterFrozen(FieldworkError):
    "The letter has been issued; its fields and findings change only through a re-issue."


class BadPack(FieldworkError):
    "A pack is truncated, tampered with, for another passphrase, inspection or schema."


class IncompletePack(BadPack):
    "A pack shorter than its header says, or empty: cut short, or still arriving."


class WrongPassphrase(FieldworkError):
    """A passphrase that does not open what it was given for: an encrypted inspection file
    (which is left unchanged), or a pack (:class:`WrongPackPassphrase`)."""


class WrongPackPassphrase(WrongPassphrase, BadPack):
    "A pack made with another passphrase than the one given."


class EncryptedFile(FieldworkError):
    "The inspection file is encrypted and no passphrase was given for it."


class NotIssued(FieldworkError):
    "The letter has not been issued yet, so the inspection cannot be retired."


class RetentionNotDue(FieldworkError):
    "The inspection's retention date has not come yet (``--now`` retires it anyway)."


class Retired(ReadOnly):
    """The inspection was retired: its evidence is gone, only the issued letter is kept, so
    it makes no packs and takes no merges or edits."""


class ForgedPack(BadPack):
    """A pack holds versions of the receiving copy that this copy never made: forged, or
    made by another copy of this very file (a restored backup, or a copied file)."""


class StaleCopy(FieldworkError):
    """This copy is older than its own pack in the team folder: a restored backup or a copy
    of the file, which must not overwrite the newer pack."""


class NoTeamFolder(FieldworkError):
    "The team folder is missing, not a folder, or cannot be read or written."
