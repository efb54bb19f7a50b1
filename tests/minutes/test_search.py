"""Search on SQLite (substring fallback) and PostgreSQL (full text), always within what the user may see."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from minutes.models import ActionItem, Attendance, Decision, Minutes, Topic, TopicPoint
from minutes.search import query_terms, snippet
from tests.conftest import make_meeting

ROLES = ["anonymous", "observer", "outsider", "member", "taker", "chair", "staff"]


def client_as(client, cast, role):
    if role != "anonymous":
        client.force_login(cast[role])
    return client


def search(client, **params):
    return client.get(reverse("minutes:search"), params)


def found(response) -> bool:
    assert response.status_code == 200
    return '<li class="card">' in response.content.decode()


@pytest.fixture
def records(cast, group, other_group, final_meeting, draft_meeting):
    """Final and draft minutes of ``group`` with one record of each kind, a redacted decision, and another group's minutes."""
    topic = Topic.objects.create(meeting=final_meeting, title="Subscriber key protection")
    TopicPoint.objects.create(topic=topic, text="Hardware modules were discussed at length")
    Decision.objects.create(meeting=final_meeting, topic=topic, text="Adopt the timestamping proposal")
    redacted = make_meeting(group, dt.date(2023, 11, 30), status=Minutes.Status.FINAL, title="Meeting with a redaction")
    Topic.objects.create(meeting=redacted, title="Budget review")
    Decision.objects.create(meeting=redacted, text="Merger negotiations with Zanzibar Trust", is_private=True)
    ActionItem.objects.create(
        meeting=final_meeting, owner=cast["member"].person, text="Circulate the revocation wording", due=dt.date(2024, 1, 5)
    )
    Minutes.objects.filter(meeting=final_meeting).update(body="The group reviewed the quokka survey results.")
    Topic.objects.create(meeting=draft_meeting, title="Unpublished wombat proposal")
    other = make_meeting(other_group, dt.date(2023, 12, 20), status=Minutes.Status.FINAL, title="SCWG meeting")
    Topic.objects.create(meeting=other, title="Subscriber agreements in SCWG")
    return {"final": final_meeting, "draft": draft_meeting, "redacted": redacted, "other": other, "topic": topic}


@pytest.mark.parametrize(
    "q, kind",
    [
        ("protection", "Topic"),
        ("hardware modules", "Topic point"),
        ("timestamping", "Decision"),
        ("revocation wording", "Action item"),
        ("quokka", "Minutes"),
    ],
)
def test_anonymous_user_finds_each_kind_of_final_record(client, records, q, kind):
    response = search(client, q=q)

    body = response.content.decode()
    assert found(response)
    assert f'<span class="badge">{kind}</span>' in body
    assert records["final"].title in body
    assert "2023-12-14" in body
    assert "CSCWG" in body


@pytest.mark.parametrize(
    "role, sees",
    [("anonymous", False), ("observer", False), ("outsider", False), ("member", True), ("taker", True), ("chair", True), ("staff", True)],
)
def test_a_draft_is_found_only_by_members_of_its_group(client, cast, records, role, sees):
    response = search(client_as(client, cast, role), q="wombat")

    assert found(response) is sees
    assert ("Unpublished wombat proposal" in response.content.decode()) is sees


@pytest.mark.parametrize(
    "role, sees",
    [("anonymous", False), ("observer", False), ("outsider", False), ("member", True), ("taker", True), ("chair", True), ("staff", True)],
)
def test_a_redacted_decision_is_not_found_publicly(client, cast, records, role, sees):
    response = search(client_as(client, cast, role), q="Zanzibar")

    assert found(response) is sees
    assert ("Merger negotiations" in response.content.decode()) is sees


def test_minutes_text_of_a_meeting_with_redactions_is_not_searched_publicly(client, cast, records):
    # The stored Markdown may still quote the redacted passage; the public finds the records instead.
    Minutes.objects.filter(meeting=records["redacted"]).update(body="Aardvark census. Merger negotiations with Zanzibar Trust.")

    assert not found(search(client, q="Zanzibar"))
    assert not found(search(client, q="aardvark"))
    assert found(search(client, q="budget"))
    assert found(search(client_as(client, cast, "member"), q="aardvark"))


def test_a_private_point_and_the_points_of_a_private_topic_are_not_found_publicly(client, cast, records):
    TopicPoint.objects.create(topic=records["topic"], text="Platypus pricing", is_private=True)
    secret = Topic.objects.create(meeting=records["final"], title="Closed session", is_private=True)
    TopicPoint.objects.create(topic=secret, text="Echidna roadmap")

    assert not found(search(client, q="platypus"))
    assert not found(search(client, q="echidna"))
    assert found(search(client_as(client, cast, "member"), q="echidna"))


def test_the_owner_finds_their_action_item_in_another_groups_draft(client, cast, other_group):
    meeting = make_meeting(other_group, dt.date(2024, 2, 1))
    ActionItem.objects.create(meeting=meeting, owner=cast["member"].person, text="Draft the koala note")

    assert found(search(client_as(client, cast, "member"), q="koala"))
    assert not found(search(client_as(client, cast, "observer"), q="koala"))


def test_group_filter_limits_results_to_the_group(client, records, group, other_group):
    body = search(client, q="subscriber").content.decode()
    assert "Subscriber key protection" in body and "Subscriber agreements in SCWG" in body

    body = search(client, q="subscriber", group=other_group.slug).content.decode()
    assert "Subscriber agreements in SCWG" in body
    assert "Subscriber key protection" not in body


def test_date_filters_are_inclusive(client, records):
    assert found(search(client, q="protection", **{"from": "2023-12-14", "to": "2023-12-14"}))
    assert not found(search(client, q="protection", **{"from": "2023-12-15"}))
    assert not found(search(client, q="protection", to="2023-12-13"))


def test_person_filter_finds_meetings_they_attended_and_items_they_own(client, cast, records, org):
    member, chair = cast["member"].person, cast["chair"].person
    Attendance.objects.create(meeting=records["final"], person=chair, organization=org)

    assert found(search(client, q="protection", person=chair.pk))
    assert not found(search(client, q="protection", person=member.pk))
    body = search(client, q="revocation", person=member.pk).content.decode()
    assert "Circulate the <mark>revocation</mark> wording" in body
    assert not found(search(client, q="protection", person=cast["observer"].person.pk))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"from": "2024-13-01"}, "“From” must be a date written as YYYY-MM-DD"),
        ({"to": "yesterday"}, "“To” must be a date written as YYYY-MM-DD"),
        ({"from": "2024-02-01", "to": "2024-01-01"}, "“From” is after “To”"),
        ({"group": "no-such-group"}, "There is no working group “no-such-group”"),
        ({"person": "abc"}, "“Person” must be chosen from the list"),
        ({"person": "999999"}, "That person is not in the records"),
        ({"q": "x" * 201}, "The search text is too long"),
    ],
)
def test_bad_filter_values_give_a_clear_message(client, records, params, message):
    response = search(client, **{"q": "protection", **params})

    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "The search could not run" in body
    assert "Subscriber key protection" not in body


def test_empty_query_shows_the_form_and_a_hint(client, records):
    response = search(client)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="q"' in body
    assert "Only final minutes are searched" in body
    assert "Nothing found" not in body


def test_no_match_says_so(client, records):
    response = search(client, q="xylophone")

    assert response.status_code == 200
    assert "Nothing found for “xylophone”" in response.content.decode()


def test_results_are_paginated_and_pages_keep_the_filters(client, group, cast):
    meeting = make_meeting(group, dt.date(2023, 11, 2), status=Minutes.Status.FINAL)
    Topic.objects.bulk_create([Topic(meeting=meeting, order=i, title=f"Penguin topic {i}") for i in range(25)])

    first = search(client, q="penguin", group=group.slug)
    second = search(client, q="penguin", group=group.slug, page=2)

    assert first.content.decode().count('<li class="card">') == 20
    assert "25 results, page 1 of 2" in first.content.decode()
    assert "?q=penguin&amp;group=cscwg&amp;page=2" in first.content.decode()
    assert second.content.decode().count('<li class="card">') == 5


def test_snippet_highlights_matches_and_markup_is_escaped(client, group, cast):
    meeting = make_meeting(group, dt.date(2023, 11, 2), status=Minutes.Status.FINAL)
    Topic.objects.create(meeting=meeting, title="<script>alert('x')</script> Narwhal plan")

    body = search(client, q="narwhal").content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert "<mark>Narwhal</mark>" in body


def test_search_query_count_does_not_grow_with_results(client, group, cast, django_assert_max_num_queries):
    for day in range(1, 11):
        meeting = make_meeting(group, dt.date(2023, 10, day), status=Minutes.Status.FINAL)
        topic = Topic.objects.create(meeting=meeting, title="Badger topic")
        TopicPoint.objects.create(topic=topic, text="Badger point")
        Decision.objects.create(meeting=meeting, topic=topic, text="Badger decision")
        ActionItem.objects.create(meeting=meeting, owner=cast["member"].person, text="Badger action")
        Minutes.objects.filter(meeting=meeting).update(body="Badger minutes")
    client.force_login(cast["member"])

    # session, user, roles, groups, people, count, page, one load per kind of record
    with django_assert_max_num_queries(12):
        response = search(client, q="badger")

    assert "50 results" in response.content.decode()


def test_full_text_search_matches_word_forms_on_postgresql(client, records):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is a PostgreSQL full-text feature")
    Topic.objects.create(meeting=records["final"], title="Signing service requirements")

    body = search(client, q="signed").content.decode()

    assert "Signing service requirements" in body
    assert found(search(client, q='"key protection"'))
    assert not found(search(client, q="subscriber -protection", group="cscwg"))


def test_fallback_requires_every_word_and_honours_exclusions(client, records):
    assert found(search(client, q="subscriber protection"))
    assert not found(search(client, q="subscriber xylophone"))
    assert not found(search(client, q="subscriber -protection", group="cscwg"))


def test_minutes_approved_but_not_final_stay_private(client, cast, group):
    meeting = make_meeting(group, dt.date(2023, 9, 7), status=Minutes.Status.APPROVED)
    Topic.objects.create(meeting=meeting, title="Walrus item")

    assert not found(search(client, q="walrus"))
    assert found(search(client_as(client, cast, "member"), q="walrus"))


@pytest.mark.parametrize(
    "q, required, excluded",
    [
        ("key protection", ["key", "protection"], []),
        ('"key protection" -draft', ["key protection"], ["draft"]),
        ("signing OR sealing", ["signing", "sealing"], []),
        ('  "" - ', [], []),
    ],
)
def test_query_terms(q, required, excluded):
    assert query_terms(q) == (required, excluded)


def test_snippet_windows_long_text_around_the_first_match():
    text = "Opening remarks. " * 30 + "The signed ballot passed. " + "Closing. " * 30

    parts = snippet(text, ["signing"], width=80)

    assert parts[0] == ("… ", False)
    assert ("signed", True) in parts
    assert parts[-1] == (" …", False)
    assert len("".join(p for p, _ in parts)) <= 90


def test_snippet_without_terms_is_the_start_of_the_text():
    assert snippet("Short text", []) == [("Short text", False)]
