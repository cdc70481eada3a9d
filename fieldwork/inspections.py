"""An inspection as a whole: making a new one, saving a copy, and its sections' names.

The command line (``fieldwork new``, ``fieldwork copy``) and the app's New Inspection and
Save a Copy call these, so both follow the same rules.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldwork.errors import FieldworkError, InvalidValue
from fieldwork.model import Role

if TYPE_CHECKING:
    from fieldwork.store import Store

#: The letter template of a new inspection unless another is chosen.
DEFAULT_TEMPLATE = "ucra-2009"


def fieldwork_days(first: dt.date, last: dt.date) -> list[str]:
    """Every day from ``first`` to ``last`` as ISO dates (one day if last is before first)."""
    if last < first:
        last = first
    days = (last - first).days
    return [(first + dt.timedelta(days=i)).isoformat() for i in range(days + 1)]


@dataclass
class NewInspection:
    """What a new inspection starts with: its file, letter, authority, days and team.

    ``team`` is each inspector's name and role, in order; ``me`` is the name of the one
    this copy belongs to.
    """

    path: Path
    template: str
    authority: str
    title: str
    first_day: dt.date
    last_day: dt.date
    team: list[tuple[str, Role]]
    me: str
    #: Encrypt the new file with this passphrase (at least 12 characters), or not (None).
    passphrase: str | None = None

    def names(self) -> list[str]:
        """The team's names, without blank ones."""
        return [n.strip() for n, _ in self.team if n.strip()]

    def check(self) -> None:
        """:raises InvalidValue: no authority, nobody in the team, or ``me`` not in it"""
        if not self.authority.strip():
            raise InvalidValue("an inspection needs the authority's name")
        names = self.names()
        if not names:
            raise InvalidValue("an inspection needs at least one inspector")
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise InvalidValue(f"{twice!r} is in the team twice; give each inspector once")
        if self.me.strip() not in names:
            raise InvalidValue("choose who you are from the team")

    def fields(self) -> dict[str, Any]:
        """The letter's fields it starts with."""
        fields: dict[str, Any] = {
            "template": self.template,
            "authority": self.authority.strip(),
            "fieldwork_dates": fieldwork_days(self.first_day, self.last_day),
        }
        if self.title.strip():
            fields["title"] = self.title.strip()
        return fields


def create_inspection(spec: NewInspection) -> Path:
    """Create the file (whole or not at all), add the team and record who I am.

    :raises InvalidValue: ``spec`` fails :meth:`NewInspection.check`, the template is
        unknown, or the file exists already
    """
    from fieldwork.letter import load_template
    from fieldwork.store import Store

    spec.check()
    load_template(spec.template)  # an unknown template is refused before any file is made
    fields = spec.fields()
    store = Store.create(spec.path, inspection=fields, passphrase=spec.passphrase)
    try:
        me_id = ""
        for name, role in spec.team:
            if not name.strip():
                continue
            created = store.add_inspector(name.strip(), role).created
            if name.strip() == spec.me.strip() and not me_id:
                me_id = created or ""
        store.set_me(me_id)
    finally:
        store.close()
    return spec.path


def save_copy(store: Store, target: str | os.PathLike[str]) -> Path:
    """Copy the open file to ``target`` with SQLite's backup API; the copy gets its own
    replica id, so the two copies merge as two laptops would.

    Never over evidence: the open file itself, another inspection file, a pack or a
    database's journal is refused with the reason, and left as it was. Any other existing
    file (one the user agreed to replace) is replaced whole, only once the copy is made.

    :raises InvalidValue: ``target`` is the open file
    :raises ProtectedFile: ``target`` is evidence
    """
    from fieldwork.files import refuse_overwrite
    from fieldwork.store import Store

    path = Path(target)
    if path.exists() and os.path.samefile(path, store.path):
        raise InvalidValue("choose a different file name for the copy")
    refuse_overwrite(path, inputs=[store.path])
    store.backup(path, replace=True)  # an encrypted file's copy is encrypted alike
    copy = Store.open(path, key=store.key)
    try:
        copy.new_replica()
    finally:
        copy.close()
    return path


def section_titles(store: Store) -> dict[str, str]:
    """Section key → what a person calls the section (its template ``label``, else its
    heading, else its key), in letter order. Without a readable template: the sections the
    findings name, by key."""
    from fieldwork.letter.template import section_title

    try:
        keys = store.section_keys()
    except FieldworkError:
        keys = tuple(sorted({f.section for f in store.findings()}))
    titles = {key: section_title(key) for key in keys}
    try:
        from fieldwork.letter import load_template

        template = load_template(store.inspection().template)
    except (ImportError, FieldworkError):
        return titles
    for section in template.sections:
        if section.key in titles:
            titles[section.key] = section.title
    return titles
