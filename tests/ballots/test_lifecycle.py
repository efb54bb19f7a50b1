"""The ballot lifecycle under a frozen clock: endorsements, discussion, voting, quorum, IPR review, expiry."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction

from ballots import services
from ballots.models import Ballot, Vote, VoteHistory
from ballots.services import BallotError
from ballots.tasks import ballots_tick as ballots_tick_task

from .factories import at, make_attended_meetings, make_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(group):
    return make_members(group)


@pytest.fixture
def attended(group, members):
    # Four voting orgs, four, and five (the associate does not count): average 4.33, half 2.17, quorum 3.
    make_attended_meetings(group, members, [dt.date(2024, 1, 4)], ["issuer_a", "issuer_b", "consumer_m", "consumer_n", "associate"])
    make_attended_meetings(group, members, [dt.date(2024, 1, 11)], ["issuer_a", "issuer_b", "issuer_c", "consumer_m"])
    make_attended_meetings(
        group, members, [dt.date(2024, 1, 18)], ["issuer_a", "issuer_b", "issuer_c", "consumer_m", "consumer_n", "associate"]
    )
    # An older meeting that is not among the last three.
    make_attended_meetings(group, members, [dt.date(2023, 12, 1)], ["issuer_a"])


def create(group, members, identifier="CSC-30", **extra):
    return services.ballot_create(
        group=group, identifier=identifier, title="Update revocation", proposer=members["issuer_a"][1], text="Line one\nLine two\n", **extra
    )


def refresh(ballot):
    return Ballot.objects.get(pk=ballot.pk)


def test_full_lifecycle_to_final_and_effective(group, members, attended):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members)
        assert ballot.status == "draft" and ballot.versions.count() == 1

        with pytest.raises(BallotError, match="proposer's organization"):
            services.endorsement_add(ballot=ballot, person=members["issuer_a"][0].people.create(full_name="Colleague of A"))
        with pytest.raises(BallotError, match="Audit Associate is not a Certificate Issuer or Certificate Consumer"):
            services.endorsement_add(ballot=ballot, person=members["associate"][1])
        with pytest.raises(BallotError, match="probationary"):
            services.endorsement_add(ballot=ballot, person=members["probation"][1])
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        assert refresh(ballot).status == "draft"
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        ballot = refresh(ballot)
        assert ballot.status == "discussion"
        assert ballot.discussion_started_at == at("2024-02-01")
        assert ballot.endorsements.count() == 2

        clock.move_to(at("2024-02-05"))
        services.ballot_version_add(ballot=ballot, text="Line one\nLine 2\n")
        ballot = refresh(ballot)
        assert ballot.discussion_started_at == at("2024-02-05")
        assert [v.label for v in ballot.versions.all()] == ["v1", "v2"]

        clock.move_to(at("2024-02-11"))  # 7 days after v1, but only 6 after v2
        with pytest.raises(BallotError, match="discussion period of CSC-30 runs until 2024-02-12"):
            services.voting_open(ballot=ballot)

        clock.move_to(at("2024-02-12"))
        ballot = services.voting_open(ballot=ballot)
        assert ballot.status == "voting"
        assert ballot.voting_ends_at == at("2024-02-19")
        assert ballot.quorum_required == 3
        assert [row["organizations"] for row in ballot.quorum_basis] == [5, 4, 4]

        services.vote_cast(ballot=ballot, organization=members["issuer_a"][0], choice="yes")
        services.vote_cast(ballot=ballot, organization=members["issuer_b"][0], choice="no")
        services.vote_cast(ballot=ballot, organization=members["issuer_c"][0], choice="yes")
        services.vote_cast(ballot=ballot, organization=members["consumer_m"][0], choice="abstain")
        services.vote_cast(ballot=ballot, organization=members["consumer_n"][0], choice="yes")
        with pytest.raises(BallotError, match="may not vote"):
            services.vote_cast(ballot=ballot, organization=members["associate"][0], choice="yes")

        clock.move_to(at("2024-02-19") - dt.timedelta(seconds=1))
        assert services.ballots_tick()["voting_closed"] == 0
        clock.move_to(at("2024-02-19"))
        with pytest.raises(BallotError, match="closed at 2024-02-19"):
            services.vote_cast(ballot=ballot, organization=members["issuer_b"][0], choice="yes")
        assert services.ballots_tick() == {"voting_closed": 1, "review_ended": 0, "expired": 0}
        ballot = refresh(ballot)
        assert ballot.status == "ipr_review"
        assert ballot.result["outcome"] == "passed"
        assert ballot.result["quorum_met"] is True
        assert "Certificate Issuers: 2 of 3 yes (66.7%) >= 2/3: met" in ballot.result["reasons"]
        assert ballot.ipr_review_ends_at == at("2024-03-20")  # a redline: 30 days

        clock.move_to(at("2024-03-20"))
        ballots_tick_task.delay()
        ballots_tick_task.delay()  # twice: one effect
        ballot = refresh(ballot)
        assert ballot.status == "passed"
        assert ballot.effective_date == dt.date(2024, 3, 20)


def test_new_guideline_gets_a_60_day_review_and_an_exclusion_notice_rescinds_it(group, members, attended):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members, guideline_type="new")
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        clock.move_to(at("2024-02-08"))
        services.voting_open(ballot=ballot)
        for key in ["issuer_a", "issuer_b", "consumer_m"]:
            services.vote_cast(ballot=ballot, organization=members[key][0], choice="yes")
        clock.move_to(at("2024-02-15"))
        ballot = services.voting_close(ballot=ballot)
        assert ballot.ipr_review_ends_at == at("2024-04-15")
        clock.move_to(at("2024-03-01"))
        services.ipr_exclusion_record(ballot=ballot, organization=members["issuer_c"][0], note="Patent 123")
        ballot = refresh(ballot)
        assert ballot.status == "failed"
        assert ballot.status_note.startswith("Approval rescinded: exclusion notice filed by Issuer C")
        assert ballot.ipr_exclusions.count() == 1
        clock.move_to(at("2024-04-16"))
        assert services.ballots_tick()["review_ended"] == 0


def test_a_revote_while_open_replaces_the_vote_and_is_kept_in_history(group, members, attended):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members)
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        clock.move_to(at("2024-02-08"))
        services.voting_open(ballot=ballot)
        org = members["issuer_b"][0]
        services.vote_cast(ballot=ballot, organization=org, choice="no")
        clock.move_to(at("2024-02-09"))
        services.vote_cast(ballot=ballot, organization=org, choice="yes", person=members["issuer_b"][1])
    assert list(Vote.objects.filter(ballot=ballot).values_list("choice", flat=True)) == ["yes"]
    assert list(VoteHistory.objects.filter(ballot=ballot).values_list("previous_choice", "choice")) == [("", "no"), ("no", "yes")]


def test_one_vote_per_organization_is_a_database_constraint(group, members):
    ballot = Ballot.objects.create(identifier="CSC-31", group=group)
    org = members["issuer_a"][0]
    Vote.objects.create(ballot=ballot, organization=org, voting_class="certificate_issuer", choice="yes")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(ballot=ballot, organization=org, voting_class="certificate_issuer", choice="no")


def test_ballot_fails_automatically_90_days_after_the_last_version(group, members):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members)
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        clock.move_to(at("2024-03-01"))
        services.ballot_version_add(ballot=ballot, text="v2 text")
        assert refresh(ballot).auto_fail_at == at("2024-05-30")
        clock.move_to(at("2024-05-30") - dt.timedelta(minutes=1))
        assert services.ballots_tick()["expired"] == 0
        clock.move_to(at("2024-05-30"))
        call_command("ballots_tick", stdout=open("/dev/null", "w"))
        call_command("ballots_tick", stdout=open("/dev/null", "w"))
    ballot = refresh(ballot)
    assert ballot.status == "failed"
    assert ballot.status_note == "Failed automatically: 90 days passed after the last version (2024-03-01) without a vote."


def test_voting_needs_quorum_history_or_the_chairs_override(group, members, cast):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members)
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        clock.move_to(at("2024-02-08"))
        with pytest.raises(BallotError, match="Fewer than 3 earlier meetings"):
            services.voting_open(ballot=ballot)
        with pytest.raises(BallotError, match="Give a reason"):
            services.voting_open(ballot=ballot, quorum_required=4)
        ballot = services.voting_open(ballot=ballot, quorum_required=4, quorum_reason="New group, no minutes yet", by=cast["chair"])
    assert (ballot.quorum_required, ballot.quorum_override_reason) == (4, "New group, no minutes yet")
    assert ballot.quorum_overridden_by == cast["chair"]


def test_quorum_not_met_fails_the_ballot(group, members, attended):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members)
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        clock.move_to(at("2024-02-08"))
        services.voting_open(ballot=ballot)
        services.vote_cast(ballot=ballot, organization=members["issuer_a"][0], choice="yes")
        services.vote_cast(ballot=ballot, organization=members["consumer_m"][0], choice="yes")
        clock.move_to(at("2024-02-15"))
        ballot = services.voting_close(ballot=ballot)
    assert ballot.status == "failed"
    assert ballot.status_note == "Failed: Quorum: 2 votes cast, 3 needed: not met"


@pytest.mark.parametrize(
    "action, message",
    [
        (lambda b, m: services.voting_open(ballot=b), "voting opens only after discussion"),
        (lambda b, m: services.vote_cast(ballot=b, organization=m["issuer_b"][0], choice="yes"), "Voting on CSC-30 is not open"),
        (lambda b, m: services.voting_close(ballot=b), "not in its voting period"),
        (lambda b, m: services.ipr_review_end(ballot=b), "not in IPR review"),
        (lambda b, m: services.ipr_exclusion_record(ballot=b, organization=m["issuer_b"][0]), "not in IPR review"),
    ],
)
def test_illegal_transitions_from_draft_say_why(group, members, action, message):
    ballot = create(group, members)
    with pytest.raises(BallotError, match=message):
        action(ballot, members)
    assert refresh(ballot).status == "draft"


def test_withdrawn_ballot_takes_no_more_endorsements(group, members):
    ballot = create(group, members)
    services.ballot_withdraw(ballot=ballot, reason="Superseded by CSC-31")
    with pytest.raises(BallotError, match="withdrawn"):
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
    assert refresh(ballot).status_note == "Withdrawn: Superseded by CSC-31"


def test_probationary_member_may_not_propose(group, members):
    with pytest.raises(BallotError, match="Probation CA is probationary"):
        services.ballot_create(group=group, identifier="CSC-40", title="x", proposer=members["probation"][1], text="x")
    assert not Ballot.objects.filter(identifier="CSC-40").exists()


def test_membership_class_of_the_group_wins_over_the_forum_class(group, members):
    from minutes.models import Membership

    org = members["associate"][0]
    Membership.objects.filter(group=group, organization=org).update(voting_class="certificate_consumer")
    assert services.voting_class_of(group=group, organization=org) == "certificate_consumer"


def test_election_passes_on_a_plain_majority_without_class_thresholds(group, members, attended):
    with time_machine.travel(at("2024-02-01"), tick=False) as clock:
        ballot = create(group, members, identifier="CSC-50", kind="election")
        services.endorsement_add(ballot=ballot, person=members["issuer_b"][1])
        services.endorsement_add(ballot=ballot, person=members["consumer_m"][1])
        clock.move_to(at("2024-02-08"))
        services.voting_open(ballot=ballot)
        for key in ["issuer_a", "issuer_b", "issuer_c"]:  # no consumer votes at all
            services.vote_cast(ballot=ballot, organization=members[key][0], choice="yes")
        clock.move_to(at("2024-02-15"))
        ballot = services.voting_close(ballot=ballot)
    assert (ballot.status, ballot.result["outcome"], ballot.guideline_type) == ("passed", "not_applicable", "")
