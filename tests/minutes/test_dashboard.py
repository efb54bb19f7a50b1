"""The chairs' dashboard: who may see it, what it shows, and a query count that does not grow."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minutes.dashboard import OrganizationAttendance, bar_chart
from minutes.models import ActionItem, Attendance, Minutes, Organization, Person, Role
from tests.conftest import make_meeting, make_user

NOW = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def dashboard_url(group):
    return reverse("minutes:group_dashboard", args=[group.slug])


@pytest.mark.parametrize(
    "role, status",
    [("observer", 403), ("outsider", 403), ("member", 403), ("taker", 403), ("chair", 200), ("staff", 200)],
)
def test_dashboard_is_for_chairs_and_staff(client, cast, group, role, status):
    client.force_login(cast[role])
    assert client.get(dashboard_url(group)).status_code == status


def test_dashboard_sends_anonymous_users_to_log_in(client, group):
    response = client.get(dashboard_url(group))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_dashboard_is_open_to_a_vice_chair(client, cast, group, org):
    person = Person.objects.create(full_name="Vice Person", organization=org)
    Role.objects.create(person=person, group=group, kind=Role.Kind.VICE_CHAIR)

    client.force_login(make_user("vice", person=person))
    assert client.get(dashboard_url(group)).status_code == 200


def test_chair_of_one_group_cannot_see_another_groups_dashboard(client, cast, other_group):
    client.force_login(cast["chair"])
    assert client.get(dashboard_url(other_group)).status_code == 403


def test_dashboard_of_unknown_group_is_404(client, cast):
    client.force_login(cast["staff"])
    assert client.get(reverse("minutes:group_dashboard", args=["nope"])).status_code == 404


def test_dashboard_lists_minutes_waiting_with_how_long(client, cast, group):
    make_meeting(group, dt.date(2024, 2, 22), title="Draft waiting")
    circulated = make_meeting(group, dt.date(2024, 2, 8), status=Minutes.Status.CIRCULATED, title="Circulated waiting")
    Minutes.objects.filter(meeting=circulated).update(circulated_at=dt.datetime(2024, 2, 10, 9, 0, tzinfo=dt.UTC))
    make_meeting(group, dt.date(2024, 1, 25), status=Minutes.Status.FINAL, title="Already final")
    make_meeting(group, dt.date(2024, 3, 7), title="Future meeting with an empty draft")
    client.force_login(cast["chair"])

    body = client.get(dashboard_url(group)).content.decode()

    drafts, rest = body.split("Circulated, awaiting approval")
    assert "Draft waiting" in drafts and "7 days" in drafts  # 2024-02-22 16:00 UTC to 2024-03-01 12:00 UTC
    assert "Future meeting" not in drafts
    approvals = rest.split("Overdue action items")[0]
    assert "Circulated waiting" in approvals and "2024-02-10" in approvals and "20 days" in approvals
    assert "Already final" not in body


def test_dashboard_groups_overdue_action_items_by_owner(client, cast, group, other_group):
    meeting = make_meeting(group, dt.date(2024, 1, 11))
    member, taker = cast["member"].person, cast["taker"].person
    ActionItem.objects.create(meeting=meeting, owner=member, text="Member late one", due=dt.date(2024, 2, 20))
    ActionItem.objects.create(meeting=meeting, owner=member, text="Member late two", due=dt.date(2024, 2, 29))
    ActionItem.objects.create(meeting=meeting, owner=taker, text="Taker late", due=dt.date(2024, 1, 31))
    ActionItem.objects.create(meeting=meeting, owner=None, text="Nobody's late", due=dt.date(2024, 2, 1))
    ActionItem.objects.create(meeting=meeting, owner=taker, text="Taker not yet due", due=dt.date(2024, 3, 1))
    ActionItem.objects.create(
        meeting=meeting, owner=taker, text="Taker done", due=dt.date(2024, 1, 1), status=ActionItem.Status.DONE, closed_at=NOW
    )
    elsewhere = make_meeting(other_group, dt.date(2024, 1, 4))
    ActionItem.objects.create(meeting=elsewhere, owner=member, text="Other group late", due=dt.date(2024, 1, 5))
    client.force_login(cast["chair"])

    body = client.get(dashboard_url(group)).content.decode()

    overdue = body.split("Overdue action items")[1].split("Attendance by organization")[0]
    assert overdue.index("Member Person") < overdue.index("Member late one") < overdue.index("Member late two")
    assert overdue.index("Member late two") < overdue.index("Taker Person") < overdue.index("Taker late") < overdue.index("Unassigned")
    assert "Member Person</a> <span class=\"muted\">(Example CA)</span> — 2 overdue" in overdue
    assert "10 days" in overdue and "1 day<" in overdue and "30 days" in overdue
    for absent in ["Taker not yet due", "Taker done", "Other group late"]:
        assert absent not in overdue


def test_dashboard_charts_attendance_by_organization_over_the_last_12_meetings(client, cast, group, org):
    other_org = Organization.objects.create(name="Second CA")
    guest = Person.objects.create(full_name="Guest Person")
    second = Person.objects.create(full_name="Second Person", organization=other_org)
    member, chair = cast["member"].person, cast["chair"].person
    oldest = make_meeting(group, dt.date(2023, 11, 2), status=Minutes.Status.FINAL)
    Attendance.objects.create(meeting=oldest, person=second, organization=other_org)  # the 13th meeting back: not counted
    for week in range(12):
        meeting = make_meeting(group, dt.date(2023, 11, 9) + dt.timedelta(weeks=week), status=Minutes.Status.FINAL)
        Attendance.objects.create(meeting=meeting, person=member, organization=org)
        if week % 2:
            Attendance.objects.create(meeting=meeting, person=chair, organization=org)
        if week < 3:
            Attendance.objects.create(meeting=meeting, person=second, organization=other_org)
        if week == 0:
            Attendance.objects.create(meeting=meeting, person=guest, organization=None)
            Attendance.objects.create(meeting=meeting, person=cast["taker"].person, organization=org, status=Attendance.Status.REGRETS)
    make_meeting(group, dt.date(2024, 3, 14), title="Upcoming call")
    client.force_login(cast["chair"])

    body = client.get(dashboard_url(group)).content.decode()

    section = body.split("<h2>Attendance by organization</h2>")[1].split("<h2>Next meetings</h2>")[0]
    assert '<svg role="img" aria-labelledby="attendance-title attendance-desc"' in section
    assert '<title id="attendance-title">Attendance by organization over the last 12 meetings of CSCWG</title>' in section
    assert "(2023-11-09 to 2024-01-25)" in section
    table = section.split("<table>")[1]
    assert 'Example CA</th><td>12 of 12</td><td>18</td>' in table
    assert 'Second CA</th><td>3 of 12</td><td>3</td>' in table
    assert '(no organization)</th><td>1 of 12</td><td>1</td>' in table
    assert table.index("Example CA") < table.index("Second CA") < table.index("(no organization)")
    assert "Example CA: 12 of 12 meetings" in section and "Second CA: 3 of 12 meetings" in section
    assert "Upcoming call" in body.split("Next meetings")[1]


def test_dashboard_of_a_new_group_shows_empty_states(client, cast, group):
    client.force_login(cast["chair"])

    body = client.get(dashboard_url(group)).content.decode()

    for text in ["No drafts waiting", "No circulated minutes", "No overdue action items", "has held no meetings", "No meeting scheduled"]:
        assert text in body
    assert "<svg" not in body


def populate(group, cast, org, meetings: int):
    """``meetings`` past meetings each with draft minutes, attendance and an overdue item, plus upcoming ones."""
    owners = [cast[name].person for name in ("member", "taker", "chair")]
    # One more organization every few meetings, so that the chart grows too.
    orgs = [org] + [Organization.objects.create(name=f"{group.slug} org {i}") for i in range(meetings // 3)]
    for i in range(meetings):
        status = Minutes.Status.CIRCULATED if i % 2 else Minutes.Status.DRAFT
        meeting = make_meeting(group, dt.date(2024, 2, 28) - dt.timedelta(weeks=i), status=status)
        for n, person in enumerate(owners):
            Attendance.objects.create(meeting=meeting, person=person, organization=orgs[(i + n) % len(orgs)])
        ActionItem.objects.create(meeting=meeting, owner=owners[i % 3], text=f"Item {i}", due=dt.date(2024, 2, 1))
        make_meeting(group, dt.date(2024, 3, 7) + dt.timedelta(weeks=i), status=None)


def dashboard_queries(client, group) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(dashboard_url(group))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_meetings_and_items(client, cast, group, org, other_group, django_assert_max_num_queries):
    client.force_login(cast["chair"])
    populate(group, cast, org, 2)
    small = dashboard_queries(client, group)
    # A second group of the same chair, much bigger: its page must cost the same.
    Role.objects.create(person=cast["chair"].person, group=other_group, kind=Role.Kind.CHAIR)
    populate(other_group, cast, org, 30)
    client.force_login(cast["chair"])

    # session, user, roles, group, waiting minutes, overdue items, last meetings, attendance, upcoming
    with django_assert_max_num_queries(10):
        response = client.get(dashboard_url(other_group))

    assert dashboard_queries(client, other_group) == small
    body = response.content.decode()
    assert body.count("overdue</h3>") == 3
    assert body.count('<th scope="row"') == 11  # every organization seen at the last 12 meetings
    assert "over the last 12 meetings" in body


def test_bar_chart_scales_bars_to_the_meetings_counted():
    rows = [OrganizationAttendance("A", 12, 20), OrganizationAttendance("B" * 40, 6, 6), OrganizationAttendance("C", 0, 0)]

    chart = bar_chart(rows, 12, width=640, label_width=220)

    plot = 640 - 220 - 40
    assert [bar.width for bar in chart.bars] == [plot, plot / 2, 0]
    assert chart.bars[1].label == "B" * 31 + "…"
    assert [bar.y for bar in chart.bars] == sorted(bar.y for bar in chart.bars)
    assert chart.ticks[0] == (0, 220) and chart.ticks[-1] == (12, 220 + plot)
    assert chart.height > chart.bars[-1].y + chart.bar_height


def test_bar_chart_with_no_meetings_does_not_divide_by_zero():
    assert bar_chart([], 0).bars == []


def test_overdue_is_judged_by_the_groups_own_calendar(client, cast, group):
    # 2024-03-01 12:00 UTC is already 2024-03-02 at UTC+14: an item due 2024-03-01 is overdue there.
    group.time_zone = "Pacific/Kiritimati"
    group.save()
    meeting = make_meeting(group, dt.date(2024, 1, 11))
    ActionItem.objects.create(meeting=meeting, owner=cast["member"].person, text="Kiritimati item", due=dt.date(2024, 3, 1))
    client.force_login(cast["chair"])

    body = client.get(dashboard_url(group)).content.decode()

    assert "Kiritimati item" in body and "1 day<" in body
