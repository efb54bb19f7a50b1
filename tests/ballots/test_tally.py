"""The Bylaws' rules as pure functions, table-driven, including the 29 hand-checked archive ballots."""

import json

import pytest

from ballots import tally
from ballots.tally import ClassCount as C

from .conftest import BALLOT_VOTES, needs_shared


@pytest.mark.parametrize(
    "issuers, consumers, rule, outcome",
    [
        (C(2, 1, 0), C(1, 0, 0), tally.MORE_THAN_HALF, "passed"),  # exactly 2/3 is enough
        (C(1, 1, 0), C(1, 0, 0), tally.MORE_THAN_HALF, "failed"),  # 50% of issuers is not
        (C(199, 100, 0), C(1, 0, 0), tally.MORE_THAN_HALF, "failed"),  # 66.56% < 2/3
        (C(7, 0, 5), C(1, 1, 0), tally.MORE_THAN_HALF, "failed"),  # consumers at exactly 50%
        (C(7, 0, 5), C(2, 1, 3), tally.MORE_THAN_HALF, "passed"),  # abstentions do not count
        (C(5, 0, 0), C(0, 0, 3), tally.MORE_THAN_HALF, "failed"),  # no consumer yes
        (C(0, 0, 4), C(3, 0, 0), tally.MORE_THAN_HALF, "failed"),  # no issuer yes
        (C(5, 0, 0), C(2, 1, 0), tally.HALF_PLUS_ONE, "failed"),  # 2 of 3 < 1.5 + 1
        (C(5, 0, 0), C(3, 1, 0), tally.HALF_PLUS_ONE, "passed"),  # 3 of 4 >= 2 + 1
        (C(5, 0, 0), C(1, 0, 0), tally.HALF_PLUS_ONE, "failed"),  # a lone consumer yes is not 50% plus one
        (C(5, 0, 0), C(1, 0, 0), tally.MORE_THAN_HALF, "passed"),
    ],
)
def test_class_thresholds(issuers, consumers, rule, outcome):
    assert tally.tally(issuers, consumers, consumer_rule=rule).outcome == outcome


def test_reasons_read_like_the_forum_results():
    result = tally.tally(C(6, 1, 2), C(1, 0, 0), quorum=8)
    assert result.reasons == [
        "Certificate Issuers: 6 of 7 yes (85.7%) >= 2/3: met",
        "Certificate Consumers: 1 of 1 yes (100.0%) > 50%: met",
        "At least one yes in each class (6 issuer, 1 consumer): met",
        "Quorum: 10 votes cast, 8 needed: met",
        "2 abstentions count toward quorum only",
    ]
    assert (result.issuers_yes_percent, result.consumers_yes_percent) == (85.7, 100.0)
    assert result.as_form()["quorum_met"] is True


@pytest.mark.parametrize(
    "attendance, required",
    [
        ([20, 20, 20], 11),  # half is 10, so 11 votes
        ([19, 20, 20], 10),  # half of 19.67 is 9.83
        ([18, 18, 18], 10),
        ([1, 1, 1], 1),
        ([0, 0, 0], 1),
        ([14, 12, 10, 2], 7),  # only the last three count
        ([12, 10], None),  # history missing: the chair sets it
        ([], None),
    ],
)
def test_quorum_required_exceeds_half_the_average_attendance(attendance, required):
    assert tally.quorum_required(attendance) == required


@pytest.mark.parametrize("cast, required, met", [(10, 11, False), (11, 11, True), (12, 11, True)])
def test_quorum_not_met_fails_a_ballot_that_meets_the_thresholds(cast, required, met):
    result = tally.tally(C(cast - 1, 0, 0), C(1, 0, 0), quorum=required)
    assert result.quorum_met is met
    assert result.outcome == ("passed" if met else "failed")


def test_unknown_quorum_does_not_decide_the_outcome():
    result = tally.tally(C(3, 0, 0), C(1, 0, 0), quorum=None)
    assert result.outcome == "passed"
    assert result.quorum_met is None
    assert "Quorum: 4 votes cast, quorum not known: not determined" in result.reasons


def test_open_voting_is_pending_with_the_rules_as_they_stand():
    result = tally.tally(C(3, 0, 0), C(0, 0, 0), quorum=2, closed=False)
    assert result.outcome == "pending"
    assert "Certificate Consumers: 0 of 0 yes (no yes/no votes) > 50%: not met" in result.reasons


def test_elections_have_no_class_thresholds():
    result = tally.tally(C(0, 0, 0), C(5, 1, 0), kind="election", quorum=3)
    assert result.outcome == "not_applicable"
    assert result.adopted is True
    assert result.reasons[0] == "Election: 5 of 6 yes/no votes across both classes, more than half: met"


def test_no_votes_is_not_applicable():
    assert tally.tally(C(), C()).outcome == "not_applicable"


def _archive():
    if not BALLOT_VOTES.is_file():
        return []
    return [json.loads(line) for line in BALLOT_VOTES.read_text().splitlines() if line.strip()]


@needs_shared
@pytest.mark.parametrize("row", _archive(), ids=lambda row: row["ballot_id"])
def test_archive_ballots_agree_with_the_published_result(row):
    counts = row["counts"]
    has_votes = any(v is not None for c in counts.values() for v in c.values())
    result = tally.tally(
        C.from_mapping(counts["issuers"]), C.from_mapping(counts["consumers"]), kind=row["kind"], quorum=row["quorum_required"]
    )
    if has_votes and row["quorum_required"] is not None:
        assert result.quorum_met is True
    if row["kind"] == "election" or not has_votes:
        assert result.outcome == "not_applicable"
        if has_votes:
            assert result.adopted is (row["published_result"] == "passed")
    else:
        assert result.outcome == row["published_result"] == row["rule_result"]


@needs_shared
def test_archive_has_the_29_ballots():
    assert len(_archive()) == 29
