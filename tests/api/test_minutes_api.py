"""The minutes endpoints: what each one stores and shows, and how the services' errors come back."""

import datetime as dt
import json

import pytest
from django.core import mail

from minutes.models import ActionItem, Meeting, Minutes, MinutesApproval, MinutesEvent, Person, Topic, WorkingGroup
from tests.api.conftest import POST, client_for
from tests.conftest import make_meeting

SCHEMA = __import__("pathlib").Path(__file__).resolve().parents[2].parent / "shared" / "schemas" / "minutes.schema.json"


# -- meetings -------------------------------------------------------------------------------------


def test_meeting_records_are_hidden_from_the_public_until_the_minutes_are_final(world):
    anonymous = client_for("anonymous", world["cast"])
    assert anonymous.get(f"/api/meetings/{world['draft'].pk}/").json()["records"] is None
    records = client_for("member", world["cast"]).get(f"/api/meetings/{world['draft'].pk}/").json()["records"]
    assert [t["title"] for t in records["topics"]] == ["Key protection", "Membership application"]
    assert [i["text"] for i in records["action_items"]] == ["Draft the key protection ballot"]


def test_public_copy_of_final_minutes_leaves_private_records_out(world):
    url = f"/api/meetings/{world['final'].pk}/"
    public = client_for("observer", world["cast"]).get(url).json()["records"]
    assert [t["title"] for t in public["topics"]] == ["Key protection"]
    assert [p["text"] for p in public["topics"][0]["points"]] == ["Hardware storage discussed"]
    full = client_for("member", world["cast"]).get(url).json()["records"]
    assert [t["title"] for t in full["topics"]] == ["Key protection", "Membership application"]
    assert len(full["topics"][0]["points"]) == 2


def test_minutes_json_is_the_schema_format_and_public_copy_for_the_public(world):
    url = f"/api/meetings/{world['final'].pk}/minutes.json"
    public = client_for("anonymous", world["cast"]).get(url)
    assert public.status_code == 200
    form = public.json()
    assert form["meeting"]["date"] == "2023-12-14"
    assert [t["title"] for t in form["topics"]] == ["Key protection"]
    assert form["topics"][0]["summary"] == ["Hardware storage discussed"]
    member = client_for("member", world["cast"]).get(url).json()
    assert [t["title"] for t in member["topics"]] == ["Key protection", "Membership application"]
    if SCHEMA.is_file():
        import jsonschema

        jsonschema.validate(form, json.loads(SCHEMA.read_text()))
        jsonschema.validate(member, json.loads(SCHEMA.read_text()))


def test_meetings_filter_by_group_and_dates(world):
    client = client_for("anonymous", world["cast"])
    rows = client.get("/api/meetings/", {"group": "cscwg", "starts_after": "2024-01-01"}).json()["results"]
    assert [r["id"] for r in rows] == [world["draft"].pk, world["circulated"].pk]
    rows = client.get("/api/meetings/", {"minutes_status": "final"}).json()["results"]
    assert [r["id"] for r in rows] == [world["final"].pk]
    assert client.get("/api/meetings/", {"starts_after": "not a date"}).status_code == 400


# -- minutes --------------------------------------------------------------------------------------


def test_minutes_body_is_the_public_copy_for_the_public(world):
    minutes = world["final"].minutes
    minutes.body = "## Key protection\n\n- Hardware storage discussed\n- Vendor names mentioned\n"
    minutes.save()
    url = f"/api/minutes/{minutes.pk}/"
    assert "Vendor names" not in client_for("anonymous", world["cast"]).get(url).json()["body"]
    assert "Vendor names" in client_for("member", world["cast"]).get(url).json()["body"]


def test_minutes_list_shows_each_user_what_they_may_see(world):
    def listed(role):
        return {row["meeting"] for row in client_for(role, world["cast"]).get("/api/minutes/").json()["results"]}

    assert listed("anonymous") == {world["final"].pk}
    assert listed("member") == {world["final"].pk, world["circulated"].pk, world["draft"].pk}
    assert listed("outsider") == {world["final"].pk, world["elsewhere"].pk}


def test_circulate_moves_the_draft_to_review_and_mails_the_group(world, django_capture_on_commit_callbacks):
    minutes = world["draft"].minutes
    Person.objects.filter(pk=world["cast"]["member"].person.pk).update(email="member@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("taker", world["cast"]).post(f"/api/minutes/{minutes.pk}/circulate/")
    assert response.status_code == 200
    assert response.json()["status"] == "circulated"
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.CIRCULATED and minutes.circulated_at is not None
    assert minutes.events.filter(kind=MinutesEvent.Kind.CIRCULATED).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["member@example.org"]  # sent after commit


def test_circulating_twice_is_a_400_with_the_reason(world):
    client = client_for("taker", world["cast"])
    url = f"/api/minutes/{world['draft'].minutes.pk}/circulate/"
    client.post(url)
    response = client.post(url)
    assert response.status_code == 400
    assert response.json() == {"detail": "Only a draft can be circulated; these minutes are circulated."}


def test_approval_at_a_later_meeting_makes_the_minutes_final(world):
    minutes = world["circulated"].minutes
    response = client_for("chair", world["cast"]).post(
        f"/api/minutes/{minutes.pk}/approvals/", {"acted_at": world["draft"].pk, "outcome": "approved"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["outcome"] == "approved"
    approval = MinutesApproval.objects.get()
    assert (approval.acted_at, approval.of_meeting) == (world["draft"], world["circulated"])
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.FINAL


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"outcome": "approved"}, "Minutes are approved at a later meeting of the same group."),  # acted_at: an earlier meeting
        ({"outcome": "approved_with_changes"}, "Say which changes were made when minutes are approved with changes."),
    ],
)
def test_approval_the_rules_refuse_is_a_400_and_stores_nothing(world, body, message):
    acted_at = world["final"] if "changes" not in body["outcome"] else world["draft"]
    response = client_for("chair", world["cast"]).post(
        f"/api/minutes/{world['circulated'].minutes.pk}/approvals/", {**body, "acted_at": acted_at.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": message}
    assert not MinutesApproval.objects.exists()
    assert Minutes.objects.get(meeting=world["circulated"]).status == Minutes.Status.CIRCULATED


def test_approval_names_an_existing_meeting_and_outcome(world):
    response = client_for("chair", world["cast"]).post(
        f"/api/minutes/{world['circulated'].minutes.pk}/approvals/", {"acted_at": 999999, "outcome": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"acted_at", "outcome"}


def test_sections_round_trip_and_save_raises_the_version(world):
    client = client_for("taker", world["cast"])
    url = f"/api/minutes/{world['draft'].minutes.pk}/sections/"
    sections = client.get(url).json()
    assert sections["version"] == 1
    topic = sections["topics"][0]
    topic["points"] = ["Hardware storage agreed"]
    member = world["cast"]["member"].person
    body = {
        "version": 1,
        "topics": [topic],
        "decisions": [],
        "action_items": [{"text": "Write it up", "owner": member.pk, "due": "2024-02-01", "topic": "Key protection"}],
    }
    response = client.put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == 2
    meeting = world["draft"]
    assert list(meeting.topics.values_list("title", flat=True)) == ["Key protection"]
    assert Topic.objects.get(pk=topic["id"]).points.get().text == "Hardware storage agreed"
    assert not meeting.decisions.exists()
    item = meeting.action_items.get()
    assert (item.text, item.owner, item.due, item.topic.title) == ("Write it up", member, dt.date(2024, 2, 1), "Key protection")
    assert world["draft"].minutes.revisions.get().version == 2


def test_a_save_based_on_a_stale_version_is_a_409_and_changes_nothing(world):
    client = client_for("taker", world["cast"])
    url = f"/api/minutes/{world['draft'].minutes.pk}/sections/"
    assert client.put(url, {"version": 1, "topics": [{"title": "First"}]}, format="json").status_code == 200
    response = client.put(url, {"version": 1, "topics": [{"title": "Second"}]}, format="json")
    assert response.status_code == 409
    assert "Someone else saved these minutes (version 2)" in response.json()["detail"]
    assert list(world["draft"].topics.values_list("title", flat=True)) == ["First"]
    assert Minutes.objects.get(pk=world["draft"].minutes.pk).version == 2


def test_sections_reject_an_empty_title_and_an_unknown_owner(world):
    response = client_for("taker", world["cast"]).put(
        f"/api/minutes/{world['draft'].minutes.pk}/sections/",
        {"version": 1, "topics": [{"title": ""}], "action_items": [{"text": "x", "owner": 999999}]},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"topics", "action_items"}
    assert world["draft"].topics.count() == 2


def test_final_minutes_cannot_be_edited_even_by_the_chair(world):
    response = client_for("chair", world["cast"]).put(
        f"/api/minutes/{world['final'].minutes.pk}/sections/", {"version": 1, "topics": []}, format="json"
    )
    assert response.status_code == 403
    assert world["final"].topics.count() == 2


# -- action items ---------------------------------------------------------------------------------


def test_action_items_filter_by_owner_status_and_due(world):
    member = world["cast"]["member"].person
    draft = world["draft"]
    ActionItem.objects.filter(pk=world["item"].pk).update(due=dt.date(2024, 1, 20))
    ActionItem.objects.create(meeting=draft, owner=member, text="Late one", due=dt.date(2024, 3, 1), order=1)
    ActionItem.objects.create(meeting=draft, text="Nobody's", due=dt.date(2024, 1, 25), order=2)
    client = client_for("chair", world["cast"])

    def texts(**params):
        return [row["text"] for row in client.get("/api/action-items/", params).json()["results"]]

    assert texts(owner=member.pk) == ["Draft the key protection ballot", "Late one"]
    assert texts(due_after="2024-01-21", due_before="2024-02-28") == ["Nobody's"]
    assert texts(status="done") == []
    assert client.get("/api/action-items/", {"status": "nonsense"}).status_code == 400


def test_the_owner_completes_their_action_item_once(world):
    client = client_for("member", world["cast"])
    url = f"/api/action-items/{world['item'].pk}/complete/"
    response = client.post(url, {"status": "dropped", "note": "Superseded"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "dropped"
    item = ActionItem.objects.get(pk=world["item"].pk)
    assert (item.status, item.closing_note) == ("dropped", "Superseded") and item.closed_at is not None
    again = client.post(url, {}, format="json")
    assert again.status_code == 400
    assert again.json() == {"detail": "This action item is already dropped."}


# -- import ---------------------------------------------------------------------------------------


def test_import_creates_the_meeting_and_a_second_import_changes_nothing(world):
    client = client_for("chair", world["cast"])
    response = client.post("/api/meetings/import/", {"post": POST}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "created"
    meeting = Meeting.objects.get(pk=body["meeting"]["id"])
    assert (meeting.group, meeting.date) == (world["group"], dt.date(2024, 2, 1))
    assert meeting.minutes.status == Minutes.Status.FINAL
    names = {row["name"] for row in body["meeting"]["records"]["attendance"]}
    assert names == {"Dean Coclin", "Inigo Barreira", "Ben Wilson"}
    assert [i["owner_name"] for i in body["meeting"]["records"]["action_items"]] == ["Inigo Barreira"]
    count = Meeting.objects.count()
    again = client.post("/api/meetings/import/", {"post": POST}, format="json")
    assert again.status_code == 200
    assert again.json()["status"] == "unchanged"
    assert Meeting.objects.count() == count


def test_import_accepts_the_post_as_markdown(world):
    response = client_for("staff", world["cast"]).post(
        "/api/meetings/import/?group=cscwg", data=POST.encode(), content_type="text/markdown; charset=utf-8"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["meeting"]["group"] == "cscwg"


@pytest.mark.parametrize(
    ("post", "reason"),
    [
        ("Just some text", "no YAML front matter"),
        ("---\ntitle: [unclosed\n---\nbody", "bad YAML front matter"),
        ("---\nauthor: x\n---\nbody", "no title in the front matter"),
        ("---\ntitle: Minutes of a meeting\n---\nbody", "the title and tags name no known working group"),
    ],
)
def test_a_malformed_post_is_a_400_that_says_why(world, post, reason):
    count = Meeting.objects.count()
    response = client_for("staff", world["cast"]).post("/api/meetings/import/", {"post": post}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"The post could not be read: {reason}")
    assert Meeting.objects.count() == count


def test_a_chair_of_another_group_cannot_import_into_this_one(world, other_group):
    from minutes.models import Role

    chair = world["cast"]["outsider"]
    Role.objects.filter(person__user=chair).update(kind=Role.Kind.CHAIR)
    count = Meeting.objects.count()
    response = client_for("outsider", world["cast"]).post("/api/meetings/import/", {"post": POST}, format="json")
    assert response.status_code == 403
    assert Meeting.objects.count() == count


def test_a_post_naming_a_new_group_is_imported_by_staff_only(world):
    post = POST.replace("Code Signing Certificate", "Network Security").replace("Code Signing", "Network Security")
    chair = client_for("chair", world["cast"]).post("/api/meetings/import/", {"post": post}, format="json")
    assert chair.status_code == 403
    assert not WorkingGroup.objects.filter(slug="netsec").exists()
    staff = client_for("staff", world["cast"]).post("/api/meetings/import/", {"post": post}, format="json")
    assert staff.status_code == 201
    assert staff.json()["meeting"]["group"] == "netsec"


# -- authentication ---------------------------------------------------------------------------------


def test_a_script_authenticates_with_its_token(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=world["cast"]["member"])
    client = APIClient()
    assert client.get("/api/action-items/").status_code == 401
    assert client.get("/api/action-items/", HTTP_AUTHORIZATION="Token wrong").status_code == 401
    response = client.get("/api/action-items/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [world["item"].pk]


def test_session_writes_need_the_csrf_token(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["cast"]["taker"])
    response = client.post(f"/api/minutes/{world['draft'].minutes.pk}/circulate/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Minutes.objects.get(meeting=world["draft"]).status == Minutes.Status.DRAFT


def test_unknown_ids_are_404_not_500(world):
    client = client_for("staff", world["cast"])
    for url in ["/api/meetings/999999/", "/api/meetings/999999/minutes.json", "/api/minutes/999999/", "/api/ballots/NOPE-1/",
                "/api/action-items/999999/", "/api/groups/nope/", "/api/people/999999/"]:
        assert client.get(url).status_code == 404, url


def test_a_meeting_without_minutes_shows_no_records_to_the_public(world, group):
    meeting = make_meeting(group, dt.date(2024, 2, 8), status=None)
    assert client_for("anonymous", world["cast"]).get(f"/api/meetings/{meeting.pk}/minutes.json").status_code == 404
    assert client_for("member", world["cast"]).get(f"/api/meetings/{meeting.pk}/minutes.json").status_code == 200


def test_the_browsable_api_renders_for_a_logged_in_chair(world, client):
    client.force_login(world["cast"]["chair"])
    minutes = world["draft"].minutes.pk
    urls = [
        "/api/", "/api/meetings/", f"/api/meetings/{world['draft'].pk}/", "/api/meetings/import/", f"/api/minutes/{minutes}/",
        f"/api/minutes/{minutes}/sections/", f"/api/minutes/{minutes}/circulate/", f"/api/action-items/{world['item'].pk}/complete/",
        "/api/ballots/CSC-30/", "/api/ballots/CSC-30/votes/", "/api/docs/",
    ]
    for url in urls:
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code in (200, 405), url
        assert response["Content-Type"].startswith("text/html"), url
