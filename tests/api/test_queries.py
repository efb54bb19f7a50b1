"""List endpoints run a fixed number of queries, whatever the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots.models import Ballot
from minutes.models import ActionItem, Organization, Person
from tests.api.conftest import client_for
from tests.conftest import make_meeting

# the count and the page of rows, plus the member's roles where access asks for them
EXPECTED = {
    "/api/groups/": 2,
    "/api/organizations/": 2,
    "/api/people/": 2,
    "/api/meetings/": 2,
    "/api/minutes/": 3,
    "/api/action-items/": 3,
    "/api/ballots/": 2,
}
LISTS = list(EXPECTED)


def _add_rows(group, owner, n: int, start: int) -> None:
    for i in range(start, start + n):
        org = Organization.objects.create(name=f"Org {i}")
        Person.objects.create(full_name=f"Person {i}", organization=org)
        meeting = make_meeting(group, dt.date(2022, 1, 1) + dt.timedelta(days=7 * i), chair=owner, minute_taker=owner)
        ActionItem.objects.create(meeting=meeting, owner=owner, text=f"Item {i}")
        Ballot.objects.create(identifier=f"CSC-{100 + i}", group=group, proposer=owner)


def _queries(cast, url: str) -> int:
    client = client_for("member", cast)  # a fresh user, so the roles are read again as on every request
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_does_not_grow_with_rows(world, url):
    owner = world["cast"]["member"].person
    _add_rows(world["group"], owner, 2, 0)
    few = _queries(world["cast"], url)
    _add_rows(world["group"], owner, 8, 2)
    assert _queries(world["cast"], url) == few
    assert few == EXPECTED[url]


def test_meeting_detail_query_count_does_not_grow_with_records(world):
    from minutes.models import Decision, Topic, TopicPoint

    url = f"/api/meetings/{world['draft'].pk}/"
    few = _queries(world["cast"], url)
    for i in range(6):
        topic = Topic.objects.create(meeting=world["draft"], order=10 + i, title=f"Topic {i}")
        TopicPoint.objects.create(topic=topic, text=f"Point {i}")
        Decision.objects.create(meeting=world["draft"], topic=topic, text=f"Decision {i}")
        ActionItem.objects.create(meeting=world["draft"], topic=topic, owner=world["cast"]["chair"].person, text=f"Item {i}")
    assert _queries(world["cast"], url) == few


def test_ballot_detail_query_count_does_not_grow_with_votes(world):
    from ballots.models import Vote

    def vote(name: str) -> None:
        organization = Organization.objects.create(name=name)
        Vote.objects.create(ballot=world["voting"], organization=organization, voting_class="certificate_issuer", choice="yes")

    vote("First voter")  # with no votes at all, the prefetch of their organizations is skipped
    few = _queries(world["cast"], "/api/ballots/CSC-30/")
    for i in range(6):
        vote(f"Voter {i}")
    assert _queries(world["cast"], "/api/ballots/CSC-30/") == few
