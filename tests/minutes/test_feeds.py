"""iCalendar feeds: the public group feed, the private per-person feed and its token page."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minutes.feeds import calendar_token_regenerate
from minutes.models import ActionItem, Meeting, Person
from tests.conftest import make_meeting

ROLES = ["anonymous", "observer", "outsider", "member", "taker", "chair", "staff"]


def client_as(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def events_of(response) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def by_summary(events) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in events}


@pytest.mark.parametrize("zone", ["America/Denver", "America/Phoenix"])
def test_group_feed_parses_and_gives_a_10_15_mst_meeting_at_17_15_utc(client, group, zone):
    group.time_zone = zone
    group.save()
    meeting = Meeting.objects.create(
        group=group,
        title="CSCWG teleconference",
        starts_at=dt.datetime(2022, 2, 24, 10, 15, tzinfo=zoneinfo.ZoneInfo(zone)),
        time_zone=zone,
        location="Zoom",
    )

    response = client.get(reverse("minutes:group_calendar", args=[group.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2022, 2, 24, 17, 15, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2022, 2, 24, 18, 15, tzinfo=dt.UTC)
    assert b"DTSTART:20220224T171500Z" in response.content
    assert str(event["SUMMARY"]) == "CSCWG teleconference"
    assert str(event["LOCATION"]) == "Zoom"
    assert str(event["URL"]) == f"http://testserver{meeting.get_absolute_url()}"
    assert "DTSTAMP" in event


def test_group_feed_uids_are_stable_and_unique(client, group, other_group):
    first = make_meeting(group, dt.date(2024, 1, 11))
    make_meeting(group, dt.date(2024, 1, 25))
    make_meeting(other_group, dt.date(2024, 1, 18), title="Other group's meeting")
    url = reverse("minutes:group_calendar", args=[group.slug])

    uids = [str(e["UID"]) for e in events_of(client.get(url))]
    first.title = "Renamed"
    first.save()
    uids_again = [str(e["UID"]) for e in events_of(client.get(url))]

    assert len(uids) == 2 and len(set(uids)) == 2
    assert uids == uids_again
    assert f"meeting-{first.pk}@testserver" in uids


def test_group_feed_shows_a_meeting_with_unknown_start_time_as_an_all_day_event(client, group):
    meeting = make_meeting(group, dt.date(2019, 3, 7), start_time_known=False)

    [event] = events_of(client.get(reverse("minutes:group_calendar", args=[group.slug])))

    assert event.decoded("DTSTART") == meeting.date == dt.date(2019, 3, 7)
    assert event.decoded("DTEND") == dt.date(2019, 3, 8)


@pytest.mark.parametrize("role", ROLES)
def test_group_feed_is_public_and_holds_no_minutes(client, cast, group, draft_meeting, role):
    response = client_as(client, cast, role).get(reverse("minutes:group_calendar", args=[group.slug]))

    assert response.status_code == 200
    assert [str(e["SUMMARY"]) for e in events_of(response)] == [draft_meeting.title]
    assert b"Draft text" not in response.content


def test_group_feed_of_unknown_group_is_404(client, db):
    assert client.get(reverse("minutes:group_calendar", args=["nope"])).status_code == 404


def test_group_feed_query_count_does_not_grow_with_meetings(client, group, django_assert_max_num_queries):
    for day in range(1, 29):
        make_meeting(group, dt.date(2024, 2, day), status=None)
    with django_assert_max_num_queries(2):
        response = client.get(reverse("minutes:group_calendar", args=[group.slug]))
    assert len(events_of(response)) == 28


# The private feed


@pytest.fixture
def member_feed(cast, group, other_group, draft_meeting):
    """The member's feed address, with action items of theirs and of others around it."""
    member = cast["member"].person
    other_meeting = make_meeting(other_group, dt.date(2024, 1, 12), title="SCWG call")
    ActionItem.objects.create(meeting=draft_meeting, owner=member, text="Review the key protection draft", due=dt.date(2024, 2, 1))
    ActionItem.objects.create(meeting=draft_meeting, owner=member, text="Undated item", due=None)
    ActionItem.objects.create(
        meeting=draft_meeting, owner=member, text="Finished item", due=dt.date(2024, 2, 2),
        status=ActionItem.Status.DONE, closed_at=timezone.now(),
    )
    ActionItem.objects.create(meeting=draft_meeting, owner=cast["chair"].person, text="Chair's own item", due=dt.date(2024, 2, 3))
    ActionItem.objects.create(meeting=other_meeting, owner=cast["outsider"].person, text="Outsider's item", due=dt.date(2024, 2, 4))
    token = calendar_token_regenerate(person=member)
    return reverse("minutes:person_calendar", args=[token])


def test_private_feed_holds_the_persons_group_meetings_and_open_dated_action_items(client, member_feed, draft_meeting):
    response = client.get(member_feed)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    events = by_summary(events_of(response))
    assert set(events) == {draft_meeting.title, "Action item due: Review the key protection draft"}
    item = events["Action item due: Review the key protection draft"]
    assert item.decoded("DTSTART") == dt.date(2024, 2, 1)
    assert item.decoded("DTEND") == dt.date(2024, 2, 2)
    assert events[draft_meeting.title].decoded("DTSTART") == draft_meeting.starts_at


def test_private_feed_shows_only_what_its_person_may_see(client, cast, member_feed):
    body = client.get(member_feed).content.decode()

    for hidden in ["Chair's own item", "Outsider's item", "SCWG call", "Finished item", "Undated item", "Draft text"]:
        assert hidden not in body


def test_private_feed_of_an_observer_has_meetings_but_only_their_own_items(client, cast, draft_meeting):
    observer = cast["observer"].person
    ActionItem.objects.create(meeting=draft_meeting, owner=cast["member"].person, text="Member's item", due=dt.date(2024, 2, 1))
    token = calendar_token_regenerate(person=observer)

    events = by_summary(events_of(client.get(reverse("minutes:person_calendar", args=[token]))))

    assert set(events) == {draft_meeting.title}


def test_private_feed_with_a_wrong_token_is_404(client, member_feed):
    assert client.get(reverse("minutes:person_calendar", args=["not-the-token"])).status_code == 404


def test_regenerating_the_token_invalidates_the_old_address(client, cast, member_feed):
    member = cast["member"].person
    client.force_login(cast["member"])

    response = client.post(reverse("minutes:my_calendar"))

    assert response.status_code == 302
    member.refresh_from_db()
    new_url = reverse("minutes:person_calendar", args=[member.calendar_token])
    assert new_url != member_feed
    assert client.get(member_feed).status_code == 404
    assert client.get(new_url).status_code == 200
    follow = client.get(response["Location"])
    assert "The old address no longer works" in follow.content.decode()
    assert member.calendar_token in follow.content.decode()


# The "my calendar" page


def test_calendar_page_needs_login(client, db):
    response = client.get(reverse("minutes:my_calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("minutes:my_calendar")).status_code == 302
    assert not Person.objects.exclude(calendar_token=None).exists()


def test_calendar_page_offers_to_create_an_address_then_shows_it(client, cast, group):
    client.force_login(cast["member"])

    body = client.get(reverse("minutes:my_calendar")).content.decode()
    assert "Create my feed address" in body
    assert cast["member"].person.calendar_token is None

    client.post(reverse("minutes:my_calendar"))

    token = Person.objects.get(pk=cast["member"].person.pk).calendar_token
    assert token and len(token) >= 40
    body = client.get(reverse("minutes:my_calendar")).content.decode()
    assert f"http://testserver/calendar/{token}.ics" in body
    assert "Regenerating the address makes the current one stop working" in body
    assert f"http://testserver{reverse('minutes:group_calendar', args=[group.slug])}" in body


def test_calendar_page_post_needs_a_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["member"])

    assert client.post(reverse("minutes:my_calendar")).status_code == 403
    assert Person.objects.get(pk=cast["member"].person.pk).calendar_token is None


def test_calendar_page_for_a_user_without_a_person_explains_and_creates_nothing(client, cast):
    client.force_login(cast["staff"])

    assert "not linked to a person" in client.get(reverse("minutes:my_calendar")).content.decode()
    response = client.post(reverse("minutes:my_calendar"), follow=True)
    assert response.status_code == 200
    assert "no calendar feed" in response.content.decode()
    assert not Person.objects.exclude(calendar_token=None).exists()


def test_feeds_refuse_post(client, member_feed, group):
    assert client.post(member_feed).status_code == 405
    assert client.post(reverse("minutes:group_calendar", args=[group.slug])).status_code == 405
