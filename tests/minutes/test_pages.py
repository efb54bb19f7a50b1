"""Pages as each role sees them; list pages pin their query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from minutes.models import ActionItem, Minutes, Topic
from tests.conftest import make_meeting

ROLES = ["anonymous", "observer", "outsider", "member", "taker", "chair", "staff"]


def client_as(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_group_list_and_group_page_are_public(client, cast, group, draft_meeting, role):
    client = client_as(client, cast, role)
    assert client.get(reverse("minutes:group_list")).status_code == 200
    response = client.get(reverse("minutes:group_detail", args=[group.slug]))
    assert response.status_code == 200
    assert draft_meeting.title in response.content.decode()


@pytest.mark.parametrize(
    "role, sees_draft",
    [("anonymous", False), ("observer", False), ("outsider", False), ("member", True), ("taker", True), ("chair", True), ("staff", True)],
)
def test_draft_records_are_visible_to_members_only(client, cast, draft_meeting, role, sees_draft):
    Topic.objects.create(meeting=draft_meeting, title="Secret draft topic")
    response = client_as(client, cast, role).get(draft_meeting.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert ("Secret draft topic" in body) is sees_draft
    assert ("not public yet" in body) is not sees_draft


@pytest.mark.parametrize("role", ROLES)
def test_final_minutes_are_public(client, cast, final_meeting, role):
    Topic.objects.create(meeting=final_meeting, title="Published topic")
    response = client_as(client, cast, role).get(final_meeting.get_absolute_url())
    assert response.status_code == 200
    assert "Published topic" in response.content.decode()


def test_missing_meeting_is_404(client, db):
    assert client.get(reverse("minutes:meeting_detail", args=[424242])).status_code == 404


def test_seed_meeting_page_shows_the_structured_record(client, demo):
    from minutes.models import Meeting

    meeting = Meeting.objects.get(title__startswith="2022-02-10")
    body = client.get(meeting.get_absolute_url()).content.decode()
    for text in [
        "SecureTrust", "Andrea Holland", "Chris Kemmerer", "read by Corey Bonnell", "2022-01-27", "Deferred",
        "CSC-6: Subscriber Private Key Protection", "Face to Face 55 discussion", "Bruce Morton",
        "assemble slides", "Adopt &#x27;crypto library&#x27;",
    ]:
        assert text in body, text
    assert body.count("<h1>") == 1


def test_published_markdown_is_sanitised(client, cast, final_meeting):
    final_meeting.minutes.body = "Hello <script>alert(1)</script> [x](javascript:alert(2)) **bold**"
    final_meeting.minutes.save()
    body = client.get(final_meeting.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body
    assert "href=\"javascript" not in body
    assert "<strong>bold</strong>" in body


@pytest.mark.parametrize("role, sees", [("member", True), ("chair", True), ("staff", True), ("observer", False), ("outsider", False)])
def test_person_action_items_follow_group_membership(client, cast, draft_meeting, role, sees):
    owner = cast["member"].person
    ActionItem.objects.create(meeting=draft_meeting, owner=owner, text="Send the redline")
    response = client_as(client, cast, role).get(reverse("minutes:person_action_items", args=[owner.pk]))
    assert response.status_code == 200
    assert ("Send the redline" in response.content.decode()) is sees


def test_action_item_owner_sees_their_own_items_via_my_page(client, cast, draft_meeting):
    ActionItem.objects.create(meeting=draft_meeting, owner=cast["outsider"].person, text="Outsider task")
    client.force_login(cast["outsider"])
    response = client.get(reverse("minutes:my_action_items"), follow=True)
    assert "Outsider task" in response.content.decode()
    assert "My action items" in response.content.decode()


def test_action_item_pages_need_login(client, cast):
    response = client.get(reverse("minutes:my_action_items"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_group_page_query_count_does_not_grow_with_meetings(client, group, django_assert_max_num_queries):
    for day in range(1, 4):
        make_meeting(group, dt.date(2024, 2, day), status=Minutes.Status.DRAFT)
    url = reverse("minutes:group_detail", args=[group.slug])
    with django_assert_max_num_queries(5) as few:
        client.get(url)
    for day in range(4, 28):
        make_meeting(group, dt.date(2024, 2, day), status=Minutes.Status.DRAFT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_meeting_page_query_count_is_fixed(client, demo, django_assert_max_num_queries):
    from minutes.models import Meeting

    meeting = Meeting.objects.get(title__startswith="2022-02-10")
    with django_assert_max_num_queries(14):
        assert client.get(meeting.get_absolute_url()).status_code == 200


def test_ballot_pages_are_public(client, demo):
    assert client.get(reverse("ballots:list")).status_code == 200
    body = client.get(reverse("ballots:detail", args=["CSC-6"])).content.decode()
    assert "Ian McMillan" in body and "Tim Hollebeek" in body and "Bruce Morton" in body
    assert client.get(reverse("ballots:detail", args=["NOPE-1"])).status_code == 404


def test_meeting_times_show_in_the_meetings_zone_and_in_utc(client, demo):
    from minutes.models import Meeting

    session = Meeting.objects.get(f2f_number=55)  # 10:15 MST
    body = client.get(session.get_absolute_url()).content.decode()
    assert "Thursday 24 February 2022, 10:15 MST" in body and "(17:15 UTC)" in body
