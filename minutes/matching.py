"""Matching people's and organizations' names as minutes write them. Pure: no database.

A name is *the same* as a known one when it is equal once case, accents, spacing and punctuation are
set aside ('Globalsign' = 'GlobalSign', 'Iñigo Barreira' = 'Inigo Barreira'), or when it is one of the
known aliases. A name that is only *similar* ('Inigo Barriera' ~ 'Inigo Barreira', 'Inaba Atsushi' ~
'Atsushi Inaba') is not merged: the match is reported as uncertain so that a person can add an alias.

``Directory`` indexes the names once per import batch (``directory_scope``) so that resolving the
thousands of names of an archive does not read the whole table for each name.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .names import fold, org_key

UNCERTAIN_AT = 0.85  # similarity from which a different spelling is reported as a possible match


def person_key(name: str | None) -> str:
    return fold(name)


def similarity(a: str, b: str) -> float:
    """How alike two folded names are, 0..1; the same words in another order count as alike."""
    if not a or not b:
        return 0.0
    direct = SequenceMatcher(None, a, b).ratio()
    reordered = SequenceMatcher(None, " ".join(sorted(a.split())), " ".join(sorted(b.split()))).ratio()
    return max(direct, reordered)


@dataclass(frozen=True)
class Uncertain:
    """``name`` was kept apart from the known ``candidate``, though they look alike."""

    name: str
    candidate: str
    score: float

    def __str__(self) -> str:
        return f"{self.name!r} may be {self.candidate!r} (similarity {self.score:.2f}); kept apart, add an alias to merge"


@dataclass
class NameIndex:
    """Known names (with aliases) of one kind, each with a payload (a record or its id)."""

    key: Any = fold  # name -> comparison key
    exact: dict[str, list[Any]] = field(default_factory=dict)
    names: dict[int, tuple[str, Any]] = field(default_factory=dict)  # id(payload) -> (display name, payload)

    def add(self, name: str, payload: Any, aliases: list[str] | tuple[str, ...] = ()) -> None:
        for spelling in (name, *aliases):
            k = self.key(spelling)
            if k:
                bucket = self.exact.setdefault(k, [])
                if all(p is not payload for p in bucket):
                    bucket.append(payload)
        self.names[id(payload)] = (name, payload)

    def same(self, name: str | None) -> list[Any]:
        return list(self.exact.get(self.key(name), [])) if name else []

    def alike(self, name: str, *, at: float = UNCERTAIN_AT) -> list[tuple[float, str, Any]]:
        """Known names similar to ``name`` (but not the same), best first."""
        k = self.key(name)
        if not k:
            return []
        reordered = " ".join(sorted(k.split()))
        direct, swapped = SequenceMatcher(None), SequenceMatcher(None)
        direct.set_seq2(k)  # the matcher indexes its second sequence once
        swapped.set_seq2(reordered)
        out = []
        for display, payload in self.names.values():
            other = self.key(display)
            if other == k:
                continue
            direct.set_seq1(other)
            score = direct.ratio() if direct.real_quick_ratio() >= at and direct.quick_ratio() >= at else 0.0
            if score < at:
                swapped.set_seq1(" ".join(sorted(other.split())))
                if swapped.real_quick_ratio() >= at and swapped.quick_ratio() >= at:
                    score = max(score, swapped.ratio())
            if score >= at:
                out.append((score, display, payload))
        return sorted(out, key=lambda row: -row[0])

    def __len__(self) -> int:
        return len(self.names)


@dataclass
class Directory:
    """People and organizations known to one import batch, plus what resolving them found."""

    people: NameIndex | None = None
    organizations: NameIndex | None = None
    groups: dict[Any, Any] = field(default_factory=dict)  # what a post names -> the working group
    uncertain: list[Uncertain] = field(default_factory=list)
    people_created: int = 0
    people_updated: int = 0
    organizations_created: int = 0

    def report(self, name: str, candidates: list[tuple[float, str, Any]]) -> None:
        if candidates:
            score, candidate, _ = candidates[0]
            item = Uncertain(name, candidate, score)
            if item not in self.uncertain:
                self.uncertain.append(item)


def people_index() -> NameIndex:
    return NameIndex(key=person_key)


def organizations_index() -> NameIndex:
    return NameIndex(key=org_key)


_active: contextvars.ContextVar[Directory | None] = contextvars.ContextVar("minutes_directory", default=None)


@contextlib.contextmanager
def directory_scope() -> Iterator[Directory]:
    """Within the block, name resolution reuses one directory (built on first use)."""
    directory = Directory()
    token = _active.set(directory)
    try:
        yield directory
    finally:
        _active.reset(token)


def active_directory() -> Directory | None:
    return _active.get()


@contextlib.contextmanager
def directory_in_use() -> Iterator[Directory]:
    """The active directory, or a new one for the block."""
    active = _active.get()
    if active is not None:
        yield active
    else:
        with directory_scope() as directory:
            yield directory


def first_of(name: str) -> str:
    """'Brianca Martin/Roberto Quinones' names two people; a record holds the first."""
    return name.split("/")[0].strip() if name else name
