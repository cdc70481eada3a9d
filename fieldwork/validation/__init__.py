"""One validator for everything that comes from outside: interchange documents and packs.

:mod:`.values` holds the rules for single values and the limits; :mod:`.rows` the rules for
whole rows. Both raise :class:`Invalid`, whose ``where`` is the path inside what was checked;
interchange import turns it into an error naming the JSON path (``notes[3].source``), pack
merge and join into one naming the pack, table, row and field. The limits are documented in
``docs/interchange.md``.
"""

from fieldwork.validation.rows import (
    DOCUMENT_KEYS,
    ITEM_KEYS,
    check_content,
    check_document_extra,
    check_history,
    check_inspection_fields,
    check_issue,
    check_sibling,
    check_stored_row,
    check_version,
)
from fieldwork.validation.values import (
    MAX_DEPTH,
    MAX_DERIVED_JSON,
    MAX_FINDING_TEXT,
    MAX_ID,
    MAX_INT,
    MAX_JSON,
    MAX_NOTE_TEXT,
    MAX_PDF,
    MAX_SHORT_TEXT,
    MAX_TAGS,
    Invalid,
    check_vector,
)

__all__ = [
    "DOCUMENT_KEYS",
    "ITEM_KEYS",
    "MAX_DEPTH",
    "MAX_DERIVED_JSON",
    "MAX_FINDING_TEXT",
    "MAX_ID",
    "MAX_INT",
    "MAX_JSON",
    "MAX_NOTE_TEXT",
    "MAX_PDF",
    "MAX_SHORT_TEXT",
    "MAX_TAGS",
    "Invalid",
    "check_content",
    "check_document_extra",
    "check_history",
    "check_inspection_fields",
    "check_issue",
    "check_sibling",
    "check_stored_row",
    "check_vector",
    "check_version",
]
