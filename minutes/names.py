"""Pure helpers for matching people's and organizations' names as minutes write them."""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Case-, accent- and spacing-insensitive form of a name: 'Iñigo  Barreira' -> 'inigo barreira'."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w ]+", " ", text.casefold())
    return re.sub(r"\s+", " ", text).strip()


def org_key(text: str | None) -> str:
    """Organization names compare without legal suffixes and punctuation: 'Google, Inc' ~ 'Google'."""
    words = fold(text).split()
    suffixes = {"inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "sa", "ag", "bv", "plc"}
    while len(words) > 1 and words[-1] in suffixes:
        words.pop()
    return "".join(words)


def name_matches(short: str, full: str) -> bool:
    """Whether a short reference ('Corey', 'Tim H', 'Bonnell') can mean the person called ``full``."""
    s, f = fold(short).split(), fold(full).split()
    if not s or not f:
        return False
    if s == f:
        return True
    if len(s) == 1:
        return s[0] in (f[0], f[-1])
    # "Tim H" or "T Hollebeek": first name and last initial, or first initial and last name.
    return (s[0] == f[0] and f[-1].startswith(s[-1])) or (s[-1] == f[-1] and f[0].startswith(s[0]))
