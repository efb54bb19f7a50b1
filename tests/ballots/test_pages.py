"""Ballot and F2F pages and actions as each role of the cast sees them; list pages pin their query counts."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ballots.models import Ballot, BallotMention, BallotVersion, Endorsement, F2FMeeting, Goal, Vote
from tests.conftest import make_meeting

from .factories import make_members

ROLES = ["anonymous", "observer", "outsider", "member", "taker", "chair", "staff"]
CHAIRS = {"chair", "staff"}
VOTERS = {"member", "taker", "chair"}  # members of the group whose organization is a voting member


def client_as(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def expected(role, allowed):
    """Anonymous users are sent to log in; other roles without the right get 403."""
    return 302 if role == "anonymous" else (302 if role in allowed else 403)


@pytest.fixture
def members(group):
    return make_members(group)


def make_ballot(group, proposer, status="draft", identifier="CSC-30", **fields):
    now = timezone.now()
    defaults = {"last_version_at": now - dt.timedelta(days=8)}
    if status == "discussion":
        defaults["discussion_started_at"] = now - dt.timedelta(days=8)
    if status == "voting":
        defaults.update(voting_started_at=now - dt.timedelta(days=1), voting_ends_at=now + dt.timedelta(days=6), quorum_required=1)
    if status == "ipr_review":
        defaults.update(ipr_review_started_at=now - dt.timedelta(days=1), ipr_review_ends_at=now + dt.timedelta(days=29))
    defaults.update(fields)
    ballot = Ballot.objects.create(
        identifier=identifier, group=group, title="Update revocation", proposer=proposer, status=status, **defaults
    )
    BallotVersion.objects.create(ballot=ballot, number=1, label="v1", text="Line one\nLine two\n", posted_at=defaults["last_version_at"])
    return ballot


def endorse(ballot, members, *keys):
    for key in keys:
        org, person = members[key]
        Endorsement.objects.create(ballot=ballot, person=person, organization=org)


# -- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_board_groups_ballots_by_status_with_their_clocks(client, cast, group, members, role):
    make_ballot(group, members["issuer_a"][1], "discussion", identifier="CSC-30")
    make_ballot(group, members["issuer_a"][1], "voting", identifier="CSC-31")
    make_ballot(group, members["issuer_a"][1], "ipr_review", identifier="CSC-32")
    make_ballot(group, members["issuer_a"][1], "failed", identifier="CSC-33", status_note="Failed automatically: 90 days")
    response = client_as(client, cast, role).get(reverse("ballots:list"))
    assert response.status_code == 200
    body = response.content.decode()
    for heading in ["Draft", "Discussion", "Voting", "IPR review", "Passed", "Failed", "Withdrawn"]:
        assert f">{heading} <span" in body
    assert "Discussion period over: voting can open" in body
    assert "Fails automatically" in body
    assert "Voting ends" in body and "5 days left" in body
    assert "Review ends" in body and "28 days left" in body
    assert "Failed automatically: 90 days" in body
    assert ("New ballot" in body) is (role in CHAIRS)


def test_board_query_count_does_not_grow_with_ballots(client, cast, group, members, django_assert_num_queries):
    for n in range(30, 40):
        make_ballot(group, members["issuer_a"][1], "discussion", identifier=f"CSC-{n}")
    with django_assert_num_queries(2):  # groups for the filter, ballots with their group
        assert client.get(reverse("ballots:list")).status_code == 200
    with django_assert_num_queries(3):  # plus the group filtered on
        assert client.get(reverse("ballots:list"), {"group": group.slug}).status_code == 200


def test_f2f_list_query_count_is_pinned(client, db, django_assert_num_queries):
    for n in range(50, 56):
        F2FMeeting.objects.create(number=n, title=f"F2F {n}", starts_on=dt.date(2022, 1, n - 49), ends_on=dt.date(2022, 1, n - 48))
    with django_assert_num_queries(1):
        body = client.get(reverse("ballots:f2f_list")).content.decode()
    assert "F2F 55" in body


@pytest.mark.parametrize("role", ROLES)
def test_ballot_page_shows_versions_diff_results_and_meetings(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "voting")
    BallotVersion.objects.create(ballot=ballot, number=2, label="v2", text="Line one\nLine 2 <b>\n", posted_at=timezone.now())
    endorse(ballot, members, "issuer_b", "consumer_m")
    Vote.objects.create(ballot=ballot, organization=members["issuer_a"][0], voting_class="certificate_issuer", choice="yes")
    Vote.objects.create(ballot=ballot, organization=members["issuer_b"][0], voting_class="certificate_issuer", choice="no")
    Vote.objects.create(ballot=ballot, organization=members["consumer_m"][0], voting_class="certificate_consumer", choice="yes")
    meeting = make_meeting(group, dt.date(2024, 1, 11), status="final", title="January call")
    BallotMention.objects.create(ballot=ballot, meeting=meeting, note="Redline reviewed")
    response = client_as(client, cast, role).get(ballot.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Changes from v1 to v2" in body and 'class="diff"' in body
    assert "Line 2 &lt;b&gt;" in body  # the diff escapes the text
    assert "Issuer B Rep (Issuer B)" in body
    assert "Certificate Issuers: 1 of 2 yes (50.0%) &gt;= 2/3: not met" in body
    assert "Pending" in body
    assert "January call" in body and meeting.get_absolute_url() in body
    assert ("Record an endorsement" in body) is False  # voting: no more endorsements
    assert ("Enter a vote" in body) is (role in CHAIRS)
    assert ("Your vote" in body) is (role in VOTERS)
    meeting_body = client.get(meeting.get_absolute_url()).content.decode()
    assert ballot.get_absolute_url() in meeting_body  # and back from the meeting to the ballot


def test_missing_ballot_is_404(client, db):
    assert client.get(reverse("ballots:detail", args=["CSC-999"])).status_code == 404


# -- chair forms --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_create_ballot_as_each_role(client, cast, group, members, role):
    client = client_as(client, cast, role)
    url = reverse("ballots:create")
    page = client.get(url)
    assert page.status_code == (200 if role in CHAIRS else expected(role, set()))
    data = {
        "group": group.pk, "identifier": "csc 30", "title": "New rules", "kind": "guideline", "guideline_type": "maintenance",
        "proposer": members["issuer_a"][1].pk, "text": "The text",
    }
    response = client.post(url, data)
    assert response.status_code == expected(role, CHAIRS)
    assert Ballot.objects.filter(identifier="CSC-30", status="draft").exists() is (role in CHAIRS)
    if role in CHAIRS:
        assert response.url == reverse("ballots:detail", args=["CSC-30"])
        assert "created as a draft" in client.get(response.url).content.decode()


def test_create_ballot_refuses_an_associate_proposer_with_the_reason(client, cast, group, members):
    client.force_login(cast["chair"])
    data = {
        "group": group.pk, "identifier": "CSC-30", "title": "x", "kind": "guideline", "guideline_type": "new",
        "proposer": members["associate"][1].pk, "text": "x",
    }
    response = client.post(reverse("ballots:create"), data)
    assert response.status_code == 200
    assert "Audit Associate is not a Certificate Issuer or Certificate Consumer" in response.content.decode()
    assert not Ballot.objects.filter(identifier="CSC-30").exists()


@pytest.mark.parametrize("role", ROLES)
def test_add_version_as_each_role(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "discussion")
    client = client_as(client, cast, role)
    url = reverse("ballots:version_add", args=[ballot.identifier])
    assert client.get(url).status_code == (200 if role in CHAIRS else expected(role, set()))
    response = client.post(url, {"text": "Line one\nLine three\n"})
    assert response.status_code == expected(role, CHAIRS)
    assert ballot.versions.count() == (2 if role in CHAIRS else 1)
    if role in CHAIRS:
        ballot.refresh_from_db()
        assert ballot.discussion_started_at > timezone.now() - dt.timedelta(minutes=1)


def post_action(client, cast, role, name, ballot, data):
    return client_as(client, cast, role).post(reverse(f"ballots:{name}", args=[ballot.identifier]), data)


@pytest.mark.parametrize("role", ROLES)
def test_record_endorsement_as_each_role(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "draft")
    response = post_action(client, cast, role, "endorsement_add", ballot, {"person": members["issuer_b"][1].pk})
    assert response.status_code == expected(role, CHAIRS)
    assert ballot.endorsements.count() == (1 if role in CHAIRS else 0)


def test_refused_endorsement_redirects_with_the_reason(client, cast, group, members):
    ballot = make_ballot(group, members["issuer_a"][1], "draft")
    client.force_login(cast["chair"])
    url = reverse("ballots:endorsement_add", args=[ballot.identifier])
    response = client.post(url, {"person": members["associate"][1].pk}, follow=True)
    assert response.status_code == 200
    assert "Audit Associate is not a Certificate Issuer or Certificate Consumer" in response.content.decode()
    assert ballot.endorsements.count() == 0


@pytest.mark.parametrize("role", ROLES)
def test_open_voting_as_each_role(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "discussion")
    endorse(ballot, members, "issuer_b", "consumer_m")
    response = post_action(client, cast, role, "voting_open", ballot, {"quorum_required": 3, "quorum_reason": "No minutes yet"})
    assert response.status_code == expected(role, CHAIRS)
    ballot.refresh_from_db()
    assert ballot.status == ("voting" if role in CHAIRS else "discussion")
    if role in CHAIRS:
        assert (ballot.quorum_required, ballot.quorum_override_reason) == (3, "No minutes yet")


@pytest.mark.parametrize("role", ROLES)
def test_chair_enters_a_vote_as_each_role(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "voting")
    response = post_action(client, cast, role, "vote_enter", ballot, {"organization": members["consumer_m"][0].pk, "choice": "no"})
    assert response.status_code == expected(role, CHAIRS)
    assert list(ballot.votes.values_list("choice", flat=True)) == (["no"] if role in CHAIRS else [])


@pytest.mark.parametrize("role", ROLES)
def test_voter_casts_their_own_organizations_vote(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "voting")
    response = post_action(client, cast, role, "vote", ballot, {"choice": "abstain"})
    assert response.status_code == expected(role, VOTERS)
    votes = list(ballot.votes.values_list("organization__name", "choice", "cast_by__user__username"))
    assert votes == ([("Example CA", "abstain", role)] if role in VOTERS else [])


def test_voting_after_close_is_refused_with_a_message(client, cast, group, members):
    ballot = make_ballot(group, members["issuer_a"][1], "voting", voting_ends_at=timezone.now() - dt.timedelta(minutes=1),
                         voting_started_at=timezone.now() - dt.timedelta(days=7))
    client.force_login(cast["member"])
    response = client.post(reverse("ballots:vote", args=[ballot.identifier]), {"choice": "yes"}, follow=True)
    assert "closed at" in response.content.decode()
    assert not ballot.votes.exists()


@pytest.mark.parametrize("role", ROLES)
def test_record_ipr_exclusion_as_each_role(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "ipr_review")
    response = post_action(client, cast, role, "ipr_exclusion", ballot, {"organization": members["issuer_c"][0].pk, "note": "Patent"})
    assert response.status_code == expected(role, CHAIRS)
    ballot.refresh_from_db()
    assert ballot.status == ("failed" if role in CHAIRS else "ipr_review")


@pytest.mark.parametrize("role", ROLES)
def test_withdraw_as_each_role(client, cast, group, members, role):
    ballot = make_ballot(group, members["issuer_a"][1], "draft")
    response = post_action(client, cast, role, "withdraw", ballot, {"reason": "Superseded"})
    assert response.status_code == expected(role, CHAIRS)
    ballot.refresh_from_db()
    assert ballot.status == ("withdrawn" if role in CHAIRS else "draft")


def test_actions_need_csrf_and_post(cast, group, members):
    ballot = make_ballot(group, members["issuer_a"][1], "draft")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["chair"])
    url = reverse("ballots:withdraw", args=[ballot.identifier])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert client.get(url).status_code == 405
    ballot.refresh_from_db()
    assert ballot.status == "draft"


# -- F2F goals ----------------------------------------------------------------------------------


@pytest.fixture
def f2fs(db):
    return (
        F2FMeeting.objects.create(number=54, title="F2F 54", starts_on=dt.date(2021, 10, 5), ends_on=dt.date(2021, 10, 7)),
        F2FMeeting.objects.create(number=55, title="F2F 55", starts_on=dt.date(2022, 2, 22), ends_on=dt.date(2022, 2, 24)),
    )


@pytest.mark.parametrize("role", ROLES)
def test_f2f_pages_are_public_and_managed_by_chairs(client, cast, group, f2fs, role):
    goal = Goal.objects.create(group=group, f2f=f2fs[1], title="Signing services", status="active")
    client = client_as(client, cast, role)
    body = client.get(reverse("ballots:f2f_detail", args=[55])).content.decode()
    assert "Signing services" in body
    assert ("Add a goal" in body) is (role in CHAIRS)
    assert client.get(reverse("ballots:goal_edit", args=[goal.pk])).status_code == (200 if role in CHAIRS else expected(role, set()))
    response = client.post(
        reverse("ballots:goal_create", args=[55]), {"group": group.pk, "title": "Time-stamping", "status": "proposed", "year": 2022}
    )
    assert response.status_code == expected(role, CHAIRS)
    assert Goal.objects.filter(title="Time-stamping", f2f=f2fs[1]).exists() is (role in CHAIRS)


def test_goal_links_ballots_and_action_items_of_its_group(client, cast, group, other_group, members, f2fs, draft_meeting):
    from minutes.models import ActionItem

    ballot = make_ballot(group, members["issuer_a"][1], "discussion")
    other = make_ballot(other_group, members["issuer_a"][1], "discussion", identifier="SC-90")
    item = ActionItem.objects.create(meeting=draft_meeting, text="Draft the slides")
    client.force_login(cast["chair"])
    data = {"group": group.pk, "title": "Key protection", "status": "active", "ballots": [ballot.pk], "action_items": [item.pk]}
    response = client.post(reverse("ballots:goal_create", args=[55]), data)
    assert response.status_code == 302
    goal = Goal.objects.get(title="Key protection")
    assert list(goal.ballots.all()) == [ballot] and list(goal.action_items.all()) == [item]
    body = client.get(reverse("ballots:f2f_detail", args=[55])).content.decode()
    assert "Action: Draft the slides" in body
    assert "Action: Draft the slides" not in Client().get(reverse("ballots:f2f_detail", args=[55])).content.decode()
    response = client.post(reverse("ballots:goal_create", args=[55]), {**data, "title": "Other", "ballots": [other.pk]})
    assert response.status_code == 200  # only the group's own ballots are offered
    assert not Goal.objects.filter(title="Other").exists()


@pytest.mark.parametrize("role", ROLES)
def test_carry_forward_open_goals_as_each_role(client, cast, group, f2fs, role):
    Goal.objects.create(group=group, f2f=f2fs[0], title="Key protection", status="active", notes="Ballot soon")
    Goal.objects.create(group=group, f2f=f2fs[0], title="Old goal", status="done")
    url = reverse("ballots:goals_carry_forward", args=[55, group.slug])
    response = client_as(client, cast, role).post(url)
    assert response.status_code == expected(role, CHAIRS)
    assert list(Goal.objects.filter(f2f=f2fs[1]).values_list("title", "status", "notes")) == (
        [("Key protection", "active", "Ballot soon")] if role in CHAIRS else []
    )
    if role in CHAIRS:
        client.post(url)  # twice: one copy
        assert Goal.objects.filter(f2f=f2fs[1]).count() == 1


def test_a_full_column_pages_through_its_ballots_keeping_group_and_status(client, group):
    from ballots.views import COLUMN_PAGE_ROWS

    now = timezone.now()
    Ballot.objects.bulk_create(
        Ballot(
            identifier=f"CSC-{300 + n}", title=f"Passed {n}", group=group, status=Ballot.Status.PASSED, closed_at=now - dt.timedelta(days=n)
        )
        for n in range(COLUMN_PAGE_ROWS + 1)
    )
    first = client.get(reverse("ballots:list"), {"group": group.slug, "status": "passed"}).content.decode()
    assert f'href="?group={group.slug}&amp;status=passed&amp;page=2"' in first
    last = f">CSC-{300 + COLUMN_PAGE_ROWS}</a>"
    assert last not in first
    second = client.get(reverse("ballots:list"), {"group": group.slug, "status": "passed", "page": 2}).content.decode()
    assert last in second and ">CSC-300</a>" not in second
    assert f'href="?group={group.slug}&amp;status=passed&amp;page=1"' in second
