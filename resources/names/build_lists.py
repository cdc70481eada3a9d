"""Rebuild given-names.txt and name-words.txt (a maintainer's tool; Fieldwork never runs it).

    pip install faker==40.63.0        # MIT licence, see README.md
    apt-get install wbritish          # SCOWL word list, /usr/share/dict/british-english
    python resources/names/build_lists.py

Nothing is downloaded when Fieldwork runs: the two lists are shipped as they are.
"""

from __future__ import annotations

import importlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Faker's English-language person providers, UK first.
LOCALES = ("en_GB", "en_IE", "en_NZ", "en_US", "en_IN")
FIRST = ("first_names_female", "first_names_male", "first_names", "first_names_nonbinary")
SURNAME_LOCALES = ("en_GB", "en_IE", "en_US", "en")
#: Popular names of children born in England and Wales (ONS baby names, 2010s and 2020s)
#: that Faker's lists lack.
ONS_EXTRA = """
Aaliyah Aisha Albie Alfie Amira Arabella Archie Arlo Aryan Ava Ayaan Ayla Bella Bobby
Bonnie Caleb Charlie Darcie Darcy Delilah Demi Eliza Ellie Elsie Elodie Emilia Esme Evie
Ezra Fatima Felix Finley Finn Florence Frankie Freddie Freya Gracie Hafsa Hallie Hamza
Harley Harper Harrison Hugo Ibrahim Imogen Inaya Isla Ivy Jaxon Jayden Jenson Jude Kai
Kayla Khadija Layla Leo Lola Louie Luca Luna Maisie Maryam Matilda Maya Mila Millie
Mohammad Muhammad Musa Nevaeh Niamh Ollie Omar Orla Penelope Phoebe Poppy Ralph Reggie
Riley Ronnie Rory Rosie Rowan Sienna Skye Sofia Teddy Theo Theodore Tia Toby Tommy Willow
Yusuf Zachary Zainab Zara Zayn
"""
#: Words that are in the lists as names but are months, days, or places a letter names.
NOT_GIVEN = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "brent", "chelsea", "devon", "kent", "kingston",
    "lincoln", "warwick", "jersey", "paris", "sydney", "india", "israel", "england",
    "london", "chester", "preston", "lancaster", "carlisle", "york", "derby", "durham",
    "essex", "surrey", "salisbury", "bradford", "hamilton", "clifton", "bedford",
}
#: Common names whose other sense is rare in a letter: treated as names in any case.
NAMES_FIRST = {
    "harry", "john", "peter", "martin", "terry", "tom", "mike", "josh", "jimmy", "billy",
    "bobby", "sally", "patty", "maria", "jasmine", "phoebe", "hector", "roger", "victor",
    "derrick", "warren", "colleen", "savannah", "sierra", "jasper", "rosemary", "noel",
    "troy", "brad", "chad", "randy", "sherry", "misty", "meg", "beau", "cal", "eta",
}


def names(locale: str, attributes: tuple[str, ...]) -> list[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    found: list[str] = []
    for attribute in attributes:
        found += list(getattr(provider, attribute, ()) or ())
    return found


def main() -> None:
    given: dict[str, str] = {}
    for locale in LOCALES:
        for name in names(locale, FIRST):
            given.setdefault(name.lower(), name)
    for name in ONS_EXTRA.split():
        given.setdefault(name.lower(), name)
    for key in NOT_GIVEN:
        given.pop(key, None)
    surnames = {n.lower() for loc in SURNAME_LOCALES for n in names(loc, ("last_names",))}
    words = {
        w.strip() for w in Path("/usr/share/dict/british-english").read_text().splitlines()
        if w.strip().islower()
    }
    ordinary = sorted(((set(given) | surnames) & words) - NAMES_FIRST)
    (HERE / "given-names.txt").write_text(
        "\n".join(sorted(given.values(), key=str.lower)) + "\n", encoding="utf-8"
    )
    (HERE / "name-words.txt").write_text("\n".join(ordinary) + "\n", encoding="utf-8")
    print(f"{len(given)} given names, {len(ordinary)} names that are also ordinary words")


if __name__ == "__main__":
    main()
