"""The ballot rules of the Bylaws (v2.5 §2.3) as pure functions: no ORM, no clock.

Passes iff Certificate Issuers yes / (yes + no) >= 2/3, Certificate Consumers yes / (yes + no) meets the
group's consumer rule, and each class has at least one yes. Abstentions count toward quorum only.
Quorum: votes cast must exceed half the average number of voting member organizations that attended
the group's previous three meetings. Elections are recorded without the class thresholds.

Every comparison is done on integers or Fractions, so 2/3 means exactly two thirds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

ISSUERS = "issuers"
CONSUMERS = "consumers"
CLASS_LABELS = {ISSUERS: "Certificate Issuers", CONSUMERS: "Certificate Consumers"}
CHOICES = ("yes", "no", "abstain")

MORE_THAN_HALF = "more_than_half"
HALF_PLUS_ONE = "half_plus_one"

PASSED = "passed"
FAILED = "failed"
PENDING = "pending"
NOT_APPLICABLE = "not_applicable"

QUORUM_MEETINGS = 3


@dataclass(frozen=True)
class ClassCount:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @property
    def decisive(self) -> int:
        """Votes that count toward the percentage: abstentions do not."""
        return self.yes + self.no

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain

    @property
    def yes_fraction(self) -> Fraction | None:
        return Fraction(self.yes, self.decisive) if self.decisive else None

    @property
    def yes_percent(self) -> float | None:
        fraction = self.yes_fraction
        return None if fraction is None else round(float(fraction) * 100, 1)

    @classmethod
    def from_mapping(cls, counts: dict | None) -> ClassCount:
        counts = counts or {}
        return cls(**{choice: int(counts.get(choice) or 0) for choice in CHOICES})


@dataclass(frozen=True)
class Rule:
    label: str
    met: bool | None  # None: could not be decided (e.g. no quorum history)
    text: str

    @property
    def reason(self) -> str:
        verdict = {True: "met", False: "not met", None: "not determined"}[self.met]
        return f"{self.text}: {verdict}"


@dataclass(frozen=True)
class Result:
    outcome: str
    issuers: ClassCount
    consumers: ClassCount
    quorum_required: int | None
    quorum_met: bool | None
    rules: list[Rule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    adopted: bool | None = None  # also set for elections, whose outcome is not_applicable

    @property
    def issuers_yes_percent(self) -> float | None:
        return self.issuers.yes_percent

    @property
    def consumers_yes_percent(self) -> float | None:
        return self.consumers.yes_percent

    @property
    def votes_cast(self) -> int:
        return self.issuers.cast + self.consumers.cast

    @property
    def reasons(self) -> list[str]:
        return [rule.reason for rule in self.rules] + self.notes

    def as_form(self) -> dict:
        """The ``result`` object of ballot.schema.json."""
        return {
            "outcome": self.outcome,
            "issuers_yes_percent": self.issuers_yes_percent,
            "consumers_yes_percent": self.consumers_yes_percent,
            "quorum_required": self.quorum_required,
            "quorum_met": self.quorum_met,
            "reasons": self.reasons,
        }


def _percent(value: Fraction | None) -> str:
    return "no yes/no votes" if value is None else f"{float(value) * 100:.1f}%"


def issuer_threshold_met(count: ClassCount) -> bool:
    return count.decisive > 0 and 3 * count.yes >= 2 * count.decisive


def consumer_threshold_met(count: ClassCount, rule: str = MORE_THAN_HALF) -> bool:
    if count.decisive == 0:
        return False
    if rule == HALF_PLUS_ONE:
        # Read literally: yes votes >= half of the votes cast + 1 (stricter than a majority for small or odd totals).
        return 2 * count.yes >= count.decisive + 2
    return 2 * count.yes > count.decisive


def quorum_required(attendance: Sequence[int]) -> int | None:
    """Smallest number of votes that exceeds half the average attendance of the last three meetings.

    ``attendance``: voting member organizations present at each previous meeting, newest first.
    None when fewer than three meetings are known: the chair must then set the quorum with a reason.
    """
    recent = list(attendance)[:QUORUM_MEETINGS]
    if len(recent) < QUORUM_MEETINGS:
        return None
    half_average = Fraction(sum(recent), len(recent)) / 2
    return math.floor(half_average) + 1


def quorum_rule(cast: int, required: int | None) -> Rule:
    if required is None:
        return Rule("quorum", None, f"Quorum: {cast} votes cast, quorum not known")
    return Rule("quorum", cast >= required, f"Quorum: {cast} votes cast, {required} needed")


def tally(
    issuers: ClassCount,
    consumers: ClassCount,
    *,
    kind: str = "guideline",
    consumer_rule: str = MORE_THAN_HALF,
    quorum: int | None = None,
    closed: bool = True,
) -> Result:
    """The outcome of a ballot from its counts per class.

    ``quorum``: votes needed (None when unknown: e.g. an imported post that does not state it; the quorum
    rule is then reported as not determined and does not decide the outcome). ``closed``: False while
    voting is open, which makes the outcome ``pending`` with the rules as they stand.
    """
    cast = issuers.cast + consumers.cast
    quorum_check = quorum_rule(cast, quorum)
    notes: list[str] = []
    if cast == 0 and closed and quorum is None:
        return Result(NOT_APPLICABLE, issuers, consumers, quorum, None, [], ["No votes recorded"], None)

    if kind == "election":
        decisive = issuers.decisive + consumers.decisive
        yes = issuers.yes + consumers.yes
        majority = Rule(
            "election",
            decisive > 0 and 2 * yes > decisive,
            f"Election: {yes} of {decisive} yes/no votes across both classes, more than half",
        )
        rules = [majority, quorum_check]
        notes.append("Elections are decided without the class thresholds")
        adopted = majority.met and quorum_check.met is not False
        return Result(NOT_APPLICABLE, issuers, consumers, quorum, quorum_check.met, rules, notes, adopted if closed else None)

    consumer_text = "50% plus one" if consumer_rule == HALF_PLUS_ONE else "> 50%"
    rules = [
        Rule(
            ISSUERS,
            issuer_threshold_met(issuers),
            f"{CLASS_LABELS[ISSUERS]}: {issuers.yes} of {issuers.decisive} yes ({_percent(issuers.yes_fraction)}) >= 2/3",
        ),
        Rule(
            CONSUMERS,
            consumer_threshold_met(consumers, consumer_rule),
            f"{CLASS_LABELS[CONSUMERS]}: {consumers.yes} of {consumers.decisive} yes ({_percent(consumers.yes_fraction)}) "
            f"{consumer_text}",
        ),
        Rule(
            "one_yes_each",
            issuers.yes >= 1 and consumers.yes >= 1,
            f"At least one yes in each class ({issuers.yes} issuer, {consumers.yes} consumer)",
        ),
        quorum_check,
    ]
    if issuers.abstain or consumers.abstain:
        notes.append(f"{issuers.abstain + consumers.abstain} abstentions count toward quorum only")
    adopted = all(rule.met is not False for rule in rules)
    if not closed:
        return Result(PENDING, issuers, consumers, quorum, quorum_check.met, rules, notes, None)
    return Result(PASSED if adopted else FAILED, issuers, consumers, quorum, quorum_check.met, rules, notes, adopted)
