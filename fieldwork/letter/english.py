"""Small pieces of English for generated sentences: lists, plurals and counts."""

from __future__ import annotations

import re

#: Nouns that do not take an s: "administrative staff", "police personnel".
UNCOUNTABLE = ("staff", "personnel", "police", "support", "admin", "management")

_SPACES = re.compile(r"\s+")


def join_and(items: list[str], *, separator: str = ", ", last: str = " and ") -> str:
    """``["a", "b", "c"]`` → ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return separator.join(items[:-1]) + last + items[-1]


def pluralise(noun: str) -> str:
    """A staff role in the plural: ``social worker`` → ``social workers``.

    The head word is the last word, or the word before ``of`` (``heads of service``).
    Words already plural or uncountable (``administrative staff``) are kept.
    """
    words = noun.split(" ")
    head = len(words) - 1
    if " of " in noun:
        head = words.index("of") - 1
    words[head] = _plural_word(words[head])
    return " ".join(words)


def _plural_word(word: str) -> str:
    lower = word.lower()
    if not lower or not lower[-1].isalpha() or lower in UNCOUNTABLE or word.isupper():
        return word
    if lower.endswith(("ss", "sh", "ch", "x", "z")):
        return word + "es"
    if lower.endswith("s"):
        return word
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if lower.endswith("man") and lower not in ("human", "german", "shaman"):
        return word[:-3] + word[-3] + "en"
    if lower.endswith("wife"):
        return word[:-2] + "ves"
    return word + "s"


def normalise_role(role: str) -> str:
    """A staff role as a sentence shows it: spaces tidied, sentence case lowered.

    ``Social worker`` → ``social worker``; ``Deputy Group Manager`` and ``LSCB chair`` are kept.
    """
    role = _SPACES.sub(" ", role).strip()
    words = role.split(" ")
    first = words[0]
    rest_lower = all(not w[:1].isupper() for w in words[1:])
    if first[:1].isupper() and first[1:].islower() and rest_lower:
        return first[0].lower() + role[1:]
    return role


def count_phrase(
    count: int, *, numbers: tuple[str, ...], few: str, few_up_to: int, many: str
) -> str:
    """The words for a count: ``numbers[count]`` while it lasts, then ``few``, then ``many``."""
    if count < len(numbers):
        return numbers[count]
    return few if count <= few_up_to else many
