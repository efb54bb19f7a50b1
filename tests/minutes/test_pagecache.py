"""The page cache (minutes/pagecache.py): fragments are served until a write, whichever way the write is
made, and never to a viewer they were not rendered for.

The cache only works on committed data, so these tests use ``transactional_db``: writes are committed
as in production (inside the usual test transaction the cache stands aside, see the last tests)."""

import datetime as dt
import importlib

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ballots.models import Ballot
from minutes import pagecache
from minutes.models import ActionItem, Meeting, Minutes, Person
from tests.conftest import make_meeting

pytestmark = pytest.mark.usefixtures("transactional_db")

DRAFT_TEXT = "Draft text"  # the body make_meeting gives the minutes


def client_for(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        text = body(client.get(url))
    return len(ctx.captured_queries), text


# -- what counts as a write -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "tracked"),
    [
        ('INSERT INTO "minutes_meeting" ("title") VALUES (%s)', True),
        ('UPDATE "minutes_actionitem" SET "is_private" = %s WHERE "minutes_actionitem"."id" = %s', True),
        ('DELETE FROM "ballots_ballot" WHERE "ballots_ballot"."id" IN (%s)', True),
        ('UPDATE "auth_user" SET "first_name" = %s', True),
        ("update minutes_person set full_name = 'x'", True),
        ('INSERT OR IGNORE INTO "ballots_vote" VALUES (1)', True),
        ('TRUNCATE "minutes_meeting", "django_session" RESTART IDENTITY CASCADE;', True),
        ('ALTER TABLE "minutes_meeting" ADD COLUMN "x" integer', True),
        ('SELECT "minutes_meeting"."id" FROM "minutes_meeting"', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "transcription_segment" ("text") VALUES (%s)', False),
        ('UPDATE "authtoken_token" SET "key" = %s', False),
        ("SAVEPOINT \"s1\"", False),
    ],
)
def test_writes_to_the_app_tables_are_recognised(sql, tracked):
    assert pagecache.writes_tracked_table(sql) is tracked


def test_every_kind_of_committed_write_replaces_the_version(group):
    seen = {pagecache.snapshot().version}

    def changed() -> bool:
        version = pagecache.snapshot().version
        new = version not in seen
        seen.add(version)
        return new

    meeting = make_meeting(group, dt.date(2024, 3, 7))
    assert changed()
    Meeting.objects.filter(pk=meeting.pk).update(title="Renamed")  # no signal is sent for this
    assert changed()
    ActionItem.objects.bulk_create([ActionItem(meeting=meeting, text="Bulk item")])  # nor for this
    assert changed()
    with transaction.atomic():
        Minutes.objects.filter(meeting=meeting).update(body="Edited")
        Person.objects.create(full_name="New Person")
    assert changed()
    ActionItem.objects.filter(meeting=meeting).delete()
    assert changed()
    connection.cursor().execute("SELECT 1")
    assert not changed()


def test_uncommitted_writes_turn_the_cache_off_until_commit_or_rollback(group):
    meeting = make_meeting(group, dt.date(2024, 3, 7))
    before = pagecache.snapshot()
    before.put("old", "probe")
    assert before.get("probe") == "old"
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(title="Uncommitted")
        inside = pagecache.snapshot()
        assert inside.version is None
        inside.put("new", "probe")
        assert inside.get("probe") is None and before.get("probe") is None
        transaction.set_rollback(True)
    after = pagecache.snapshot()
    assert after.version == before.version  # rolled back: nothing changed, nothing to drop
    assert after.get("probe") == "old"


# -- each cached page shows a write at once -------------------------------------------------------


def test_meeting_list_shows_a_new_meeting_and_a_changed_status(group, cast):
    client = client_for(cast["member"])
    url = reverse("minutes:group_detail", args=[group.slug])
    meeting = make_meeting(group, dt.date(2024, 3, 7), title="March call")
    assert "March call" in body(client.get(url))
    count, text = queries(client, url)
    assert count == 3 and "March call" in text  # session, user, roles (for the chair's links): the lists are cached

    make_meeting(group, dt.date(2024, 3, 21), title="Later March call")
    now = timezone.now()
    Minutes.objects.filter(meeting=meeting).update(status=Minutes.Status.FINAL, circulated_at=now, finalized_at=now)
    text = body(client.get(url))
    assert "Later March call" in text
    assert '<span class="badge final">Final</span>' in text


def test_next_meetings_move_on_when_the_first_one_starts(group, time_machine):
    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    Meeting.objects.create(group=group, title="Soon call", starts_at=now + dt.timedelta(hours=1))
    Meeting.objects.create(group=group, title="Later call", starts_at=now + dt.timedelta(days=7))
    client = Client()
    url = reverse("minutes:group_detail", args=[group.slug])
    for _ in range(2):
        upcoming = body(client.get(url)).split("<h2>Meetings</h2>")[0]
        assert "Soon call" in upcoming and "Later call" in upcoming
    time_machine.move_to(now + dt.timedelta(hours=2), tick=False)
    upcoming = body(client.get(url)).split("<h2>Meetings</h2>")[0]
    assert "Soon call" not in upcoming and "Later call" in upcoming


def test_meeting_page_drops_a_record_marked_private_from_the_public_copy(group, cast):
    meeting = make_meeting(group, dt.date(2024, 3, 7), status=Minutes.Status.FINAL)
    item = ActionItem.objects.create(meeting=meeting, owner=cast["member"].person, text="Send the vendor list")
    url = meeting.get_absolute_url()
    anonymous, member, chair = Client(), client_for(cast["member"]), client_for(cast["chair"])
    for client in (anonymous, member, chair):
        assert "Send the vendor list" in body(client.get(url))
        assert "Send the vendor list" in body(client.get(url))  # from the cache

    response = chair.post(reverse("minutes:meeting_redact", args=[meeting.pk]), {"kind": "action", "id": item.pk, "private": "1"})
    assert response.status_code == 302
    assert ActionItem.objects.get(pk=item.pk).is_private  # stored with QuerySet.update(), no signal

    assert "Send the vendor list" not in body(anonymous.get(url))
    assert "Send the vendor list" not in body(client_for(cast["observer"]).get(url))
    member_text = body(member.get(url))
    assert "Send the vendor list" in member_text and "badge private" in member_text


def test_my_action_items_drop_a_closed_item_and_show_a_new_one(group, cast):
    member = cast["member"]
    meeting = make_meeting(group, dt.date(2024, 3, 7))
    item = ActionItem.objects.create(meeting=meeting, owner=member.person, text="Review the redline")
    client = client_for(member)
    url = reverse("minutes:person_action_items", args=[member.person.pk])
    assert "Review the redline" in body(client.get(url))
    count, text = queries(client, url)
    assert count == 2 and "Review the redline" in text  # session and user only: served from the cache

    response = client.post(reverse("minutes:action_item_complete", args=[item.pk]), {"status": "done", "next": url})
    assert response.status_code == 302
    ActionItem.objects.bulk_create([ActionItem(meeting=meeting, owner=member.person, text="Post the ballot")])
    text = body(client.get(url))
    assert "Review the redline" not in text and "Post the ballot" in text


def test_ballot_board_moves_a_ballot_when_its_status_changes(group, cast):
    ballot = Ballot.objects.create(identifier="CSC-40", title="Signing key storage", group=group, status=Ballot.Status.DRAFT)
    client = Client()
    url = reverse("ballots:list")

    def column_of(text: str, identifier: str) -> str:
        heading = text[: text.index(f">{identifier}</a>")].rsplit("<h2 id=", 1)[1]
        return heading.split(">", 1)[1].split(" <span", 1)[0]

    assert column_of(body(client.get(url)), "CSC-40") == "Draft"
    assert column_of(body(client.get(url)), "CSC-40") == "Draft"
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.WITHDRAWN, closed_at=timezone.now())
    Ballot.objects.create(identifier="CSC-41", title="Timestamping", group=group, status=Ballot.Status.DRAFT)
    text = body(client.get(url))
    assert column_of(text, "CSC-40") == "Withdrawn" and column_of(text, "CSC-41") == "Draft"


def test_ballot_board_shows_the_latest_of_each_column_and_links_to_the_rest(group):
    now = timezone.now()
    for n in range(14):
        Ballot.objects.create(
            identifier=f"CSC-{100 + n}", title=f"Passed ballot {n}", group=group, status=Ballot.Status.PASSED,
            closed_at=now - dt.timedelta(days=30 * n),
        )
    Ballot.objects.create(identifier="CSC-200", title="Open ballot", group=group, status=Ballot.Status.DRAFT)
    client = Client()
    text = body(client.get(reverse("ballots:list")))
    assert ">Passed <span" in text and "(14)" in text
    assert ">CSC-100</a>" in text and ">CSC-109</a>" in text and ">CSC-110</a>" not in text  # the latest 10
    assert ">CSC-200</a>" in text
    assert "All 14 passed ballots" in text and "?status=passed" in text

    column = body(client.get(reverse("ballots:list"), {"status": "passed"}))
    assert all(f">CSC-{100 + n}</a>" in column for n in range(14))
    assert ">CSC-200</a>" not in column
    # Newest first, as on the board.
    assert column.index(">CSC-100</a>") < column.index(">CSC-113</a>")
    assert client.get(reverse("ballots:list"), {"status": "nonsense"}).status_code == 200  # the board itself


def test_api_lists_show_a_write_at_once_with_the_same_links(group, cast):
    meeting = make_meeting(group, dt.date(2024, 3, 7))
    ActionItem.objects.bulk_create(
        [ActionItem(meeting=meeting, owner=cast["member"].person, text=f"Item {n}", order=n) for n in range(60)]
    )
    api = APIClient()
    api.force_authenticate(cast["member"])
    first = api.get("/api/action-items/", {"page": 2}).json()
    with CaptureQueriesContext(connection) as ctx:
        again = api.get("/api/action-items/", {"page": 2}).json()
    assert again == first and len(ctx.captured_queries) == 0  # forced authentication: no query at all when cached
    assert first["count"] == 60 and first["previous"].endswith("/api/action-items/") and first["next"] is None

    ActionItem.objects.filter(text="Item 59").update(text="Item 59, reworded")
    assert "Item 59, reworded" in [row["text"] for row in api.get("/api/action-items/", {"page": 2}).json()["results"]]
    meetings = api.get("/api/meetings/").json()
    Meeting.objects.filter(pk=meeting.pk).delete()
    assert api.get("/api/meetings/").json()["count"] == meetings["count"] - 1


# -- never to the wrong viewer --------------------------------------------------------------------


def test_a_draft_seen_by_a_member_is_never_shown_to_others(group, cast):
    meeting = make_meeting(group, dt.date(2024, 3, 7), minute_taker=cast["taker"].person)
    ActionItem.objects.create(meeting=meeting, owner=cast["member"].person, text="Confidential follow-up")
    url = meeting.get_absolute_url()
    for role in ("member", "taker", "chair", "staff"):
        text = body(client_for(cast[role]).get(url))
        assert DRAFT_TEXT in text and "Confidential follow-up" in text, role
    for user in (None, cast["observer"], cast["outsider"]):
        client = client_for(user)
        for _ in range(2):
            text = body(client.get(url))
            assert DRAFT_TEXT not in text and "Confidential follow-up" not in text
            assert "not public yet" in text

    owner_items = reverse("minutes:person_action_items", args=[cast["member"].person.pk])
    assert "Confidential follow-up" in body(client_for(cast["member"]).get(owner_items))
    assert "Confidential follow-up" not in body(client_for(cast["outsider"]).get(owner_items))
    api = APIClient()
    api.force_authenticate(cast["member"])
    assert api.get("/api/action-items/").json()["count"] == 1
    api.force_authenticate(cast["outsider"])
    assert api.get("/api/action-items/").json()["count"] == 0


def test_a_new_role_shows_the_draft_at_once(group, cast):
    from minutes.models import Role

    meeting = make_meeting(group, dt.date(2024, 3, 7))
    observer = client_for(cast["observer"])
    assert DRAFT_TEXT not in body(observer.get(meeting.get_absolute_url()))
    Role.objects.filter(person=cast["observer"].person, group=group).update(kind=Role.Kind.MEMBER)
    assert DRAFT_TEXT in body(observer.get(meeting.get_absolute_url()))


def test_cached_forms_carry_the_token_of_the_request_that_gets_them(group, cast):
    meeting = make_meeting(group, dt.date(2024, 3, 7), status=Minutes.Status.FINAL)
    item = ActionItem.objects.create(meeting=meeting, owner=cast["member"].person, text="Check the CPS")
    chair = client_for(cast["chair"], enforce_csrf_checks=True)
    body(chair.get(meeting.get_absolute_url()))  # rendered and stored
    text = body(chair.get(meeting.get_absolute_url()))  # from the cache
    assert pagecache.CSRF_PLACEHOLDER not in text
    token = text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = chair.post(
        reverse("minutes:meeting_redact", args=[meeting.pk]),
        {"kind": "action", "id": item.pk, "private": "1", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and ActionItem.objects.get(pk=item.pk).is_private


def test_inside_a_test_transaction_pages_are_rendered_each_time(group, cast):
    # What every test using the plain ``db`` fixture sees: uncommitted writes, so no cache.
    with transaction.atomic():
        meeting = make_meeting(group, dt.date(2024, 3, 7), title="First title")
        client = client_for(cast["member"])
        assert "First title" in body(client.get(meeting.get_absolute_url()))
        Meeting.objects.filter(pk=meeting.pk).update(title="Second title")
        assert "Second title" in body(client.get(meeting.get_absolute_url()))
        transaction.set_rollback(True)


def test_a_cache_that_is_down_leaves_the_pages_working(group, cast, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    meeting = make_meeting(group, dt.date(2024, 3, 7), title="Offline call")  # the version cannot be replaced: logged
    client = client_for(cast["member"])
    assert "Offline call" in body(client.get(meeting.get_absolute_url()))
    Meeting.objects.filter(pk=meeting.pk).update(title="Still offline")
    assert "Still offline" in body(client.get(meeting.get_absolute_url()))
    assert "Page cache unavailable" in caplog.text and "Could not replace the page-cache data version" in caplog.text


def test_unknown_pages_are_not_cached(group):
    client = Client()
    assert client.get(reverse("minutes:group_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("minutes:meeting_detail", args=[99999])).status_code == 404
    assert client.get(reverse("ballots:list"), {"group": "nope"}).status_code == 404


def test_the_board_clocks_move_on_without_a_write(group, time_machine):
    start = timezone.now().replace(second=5, microsecond=0)
    time_machine.move_to(start, tick=False)
    Ballot.objects.create(
        identifier="CSC-50", group=group, status=Ballot.Status.VOTING, voting_started_at=start - dt.timedelta(days=1),
        voting_ends_at=start + dt.timedelta(days=2, hours=1),
    )
    client = Client()
    assert "2 days left" in body(client.get(reverse("ballots:list")))
    time_machine.move_to(start + dt.timedelta(hours=2), tick=False)
    assert "1 day left" in body(client.get(reverse("ballots:list")))


# -- configuration ----------------------------------------------------------------------------------


def test_the_file_cache_drops_expired_entries_before_live_ones(tmp_path, time_machine, monkeypatch):
    monkeypatch.setattr(pagecache.FileCache, "CULL_EVERY", 1)
    files = pagecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 12}})
    time_machine.move_to(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False)
    for n in range(6):
        files.set(f"short-{n}", n, 60)
    for n in range(6):
        files.set(f"long-{n}", n, None)
    time_machine.move_to(dt.datetime(2026, 1, 1, 0, 5, tzinfo=dt.UTC), tick=False)
    files.set("new", "x", None)  # 12 entries: at the limit, and the six short ones have expired
    assert [files.get(f"long-{n}") for n in range(6)] == list(range(6)) and files.get("new") == "x"
    assert len(list(tmp_path.glob("*.djcache"))) == 7


@pytest.fixture
def settings_module(monkeypatch):
    import cscwg.settings as module

    def load(**env):
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(module)

    yield load
    monkeypatch.undo()
    importlib.reload(module)


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "minutes.pagecache.FileCache", "cache"),
        ("file:///srv/cache", "minutes.pagecache.FileCache", "/srv/cache"),
        ("redis://127.0.0.1:6379/2", "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/2"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache", None),
    ],
)
def test_cache_url_picks_the_backend(settings_module, tmp_path, url, backend, location):
    cache = settings_module(CACHE_URL=url, VAR_DIR=str(tmp_path)).CACHES["default"]
    assert cache["BACKEND"] == backend
    if location == "cache":
        assert cache["LOCATION"] == str(tmp_path / "cache")
    elif location:
        assert cache["LOCATION"] == location


def test_an_unknown_cache_url_is_refused(settings_module):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        settings_module(CACHE_URL="memcached://127.0.0.1:11211")


def test_processes_on_another_database_keep_their_own_data_version(monkeypatch):
    """Two test runs on one checkout (or staging beside production) share the cache folder, not the data."""
    ours = pagecache.snapshot().version
    assert ours is not None
    monkeypatch.setitem(connection.settings_dict, "NAME", connection.settings_dict["NAME"] + "-other")
    other_key = pagecache.version_key()
    theirs = pagecache.snapshot().version
    pagecache.bump()  # a write on the other database
    assert pagecache.snapshot().version != theirs
    monkeypatch.undo()
    assert pagecache.version_key() != other_key
    assert pagecache.snapshot().version == ours  # ours is untouched
