"""Every page route of minutes, ballots and transcription as each role, in one table.

Codes, in the order of ROLES (anonymous, observer, outsider = member of another group, member, minute
taker, chair, staff): L = sent to the login page, otherwise the HTTP status. Each request runs in a
transaction that is rolled back, so every role meets the same world. A refused request (L, 403, 404,
405) and every GET must write nothing (no INSERT, UPDATE or DELETE runs); an allowed write must.
No answer to anonymous, observer or outsider may contain a word of the world's private things.
The API has its own table (tests/api/test_access.py); here its reads are checked for leaks.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import NOT_MEMBERS, ROLES, SECRETS, tables_written, upload_file

pytestmark = pytest.mark.django_db

PUBLIC = "200 200 200 200 200 200 200"
LOGGED_IN = "L 200 200 200 200 200 200"
CHAIRS = "L 403 403 403 403 200 200"  # a page only the group's chairs and staff open
CHAIRS_WRITE = "L 403 403 403 403 302 302"
CHAIRS_POST_ONLY = "L 405 405 405 405 405 405"  # GET of a POST-only action, after the login check
EDITORS = "L 403 403 403 200 200 200"  # the meeting's minute taker, chairs, staff
EDITORS_WRITE = "L 403 403 403 302 302 302"
MEMBERS_READ = "L 404 404 200 200 200 200"  # recordings, transcripts, drafts: the group only
NOT_PUBLIC_YET = "404 404 404 200 200 200 200"


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def editor_post(w):
    return {
        "version": str(w["draft_version"]),
        **formset("topics", [{"title": "Edited"}]),
        **formset("decisions", []),
        **formset("actions", []),
    }


# (url name, method, url, data(world) or None, codes[, known bug]); a url name may appear in several rows.
# A known bug (reported to the lead) makes the row a strict xfail: fixing it makes the row fail until the note is dropped.
MATRIX = [
    # -- minutes --
    ("minutes:group_list", "get", "/", None, PUBLIC),
    ("minutes:group_detail", "get", "/groups/{slug}/", None, PUBLIC),
    ("minutes:meeting_new", "get", "/groups/{slug}/meetings/new/", None, CHAIRS),
    (
        "minutes:meeting_new",
        "post",
        "/groups/{slug}/meetings/new/",
        lambda w: {"title": "New call", "date": "2024-03-07", "time": "11:00", "time_zone": "America/New_York", "kind": "teleconference"},
        CHAIRS_WRITE,
    ),
    ("minutes:meeting_detail", "get", "/meetings/{draft}/", None, PUBLIC),
    ("minutes:meeting_detail", "get", "/meetings/{final}/", None, PUBLIC),
    ("minutes:meeting_detail", "get", "/meetings/{circulated}/", None, PUBLIC),
    ("minutes:meeting_agenda", "get", "/meetings/{later}/agenda/", None, PUBLIC),
    ("minutes:meeting_agenda", "post", "/meetings/{later}/agenda/", lambda w: {"action": "add", "title": "Extra item"}, CHAIRS_WRITE),
    ("minutes:meeting_attendance", "get", "/meetings/{draft}/attendance/", None, EDITORS),
    (
        "minutes:meeting_attendance",
        "post",
        "/meetings/{draft}/attendance/",
        lambda w: {"guests": "Guest Person - Guest Org"},
        EDITORS_WRITE,
    ),
    ("minutes:meeting_record_approval", "get", "/meetings/{later}/approvals/", None, CHAIRS_POST_ONLY),
    (
        "minutes:meeting_record_approval",
        "post",
        "/meetings/{later}/approvals/",
        lambda w: {"of_meeting": str(w["circulated"]), "outcome": "approved"},
        CHAIRS_WRITE,
    ),
    (
        "minutes:meeting_redact",
        "post",
        "/meetings/{final}/redact/",
        lambda w: {"kind": "point", "id": w["private_point"], "private": "0"},
        CHAIRS_WRITE,
    ),
    ("minutes:minutes_edit", "get", "/meetings/{draft}/minutes/edit/", None, EDITORS),
    ("minutes:minutes_edit", "post", "/meetings/{draft}/minutes/edit/", editor_post, EDITORS_WRITE),
    ("minutes:minutes_edit", "get", "/meetings/{final}/minutes/edit/", None, "L 403 403 403 403 403 403"),  # final: nobody edits
    ("minutes:minutes_history", "get", "/meetings/{draft}/minutes/history/", None, NOT_PUBLIC_YET),
    ("minutes:minutes_post", "get", "/meetings/{final}/minutes/post.md", None, PUBLIC),
    ("minutes:minutes_post", "get", "/meetings/{draft}/minutes/post.md", None, "404 404 404 404 404 404 404"),
    ("minutes:minutes_publish", "post", "/meetings/{final}/minutes/publish/", lambda w: {}, "L 403 403 403 403 302- 302-"),
    ("minutes:minutes_history", "get", "/meetings/{final}/minutes/history/", None, PUBLIC),
    (
        "minutes:minutes_restore",
        "post",
        "/meetings/{draft}/minutes/restore/",
        lambda w: {"version_to_restore": str(w["draft_version"] - 1), "version": str(w["draft_version"])},
        EDITORS_WRITE,
    ),
    ("minutes:minutes_circulate", "get", "/meetings/{draft}/minutes/circulate/", None, CHAIRS_POST_ONLY),
    ("minutes:minutes_circulate", "post", "/meetings/{draft}/minutes/circulate/", lambda w: {}, EDITORS_WRITE),
    (
        "minutes:minutes_comment",
        "post",
        "/meetings/{circulated}/minutes/comments/",
        lambda w: {"text": "A comment"},
        "L 403 403 302 302 302 302",
    ),
    (
        "minutes:action_item_complete",
        "post",
        "/action-items/{action_item}/complete/",
        lambda w: {"status": "done"},
        "L 404 404 302 403 302 302",
    ),  # the owner (member) and the chairs; the taker sees it but may not close it
    ("minutes:my_action_items", "get", "/me/action-items/", None, "L 302 302 302 302 302 302"),
    ("minutes:person_action_items", "get", "/people/{owner}/action-items/", None, LOGGED_IN),
    ("minutes:group_calendar", "get", "/groups/{slug}/calendar.ics", None, PUBLIC),
    ("minutes:person_calendar", "get", "/calendar/{calendar_token}.ics", None, PUBLIC),  # a capability URL: no leak check
    ("minutes:person_calendar", "get", "/calendar/wrong-token.ics", None, "404 404 404 404 404 404 404"),
    ("minutes:my_calendar", "get", "/me/calendar/", None, LOGGED_IN),
    ("minutes:my_calendar", "post", "/me/calendar/", lambda w: {}, "L 302 302 302 302 302 302-"),  # staff: no person, no feed
    ("minutes:search", "get", "/search/?q=pricing", None, PUBLIC),
    ("minutes:search", "get", "/search/?q=budget", None, PUBLIC),
    ("minutes:group_dashboard", "get", "/groups/{slug}/dashboard/", None, CHAIRS),
    ("api_tokens", "get", "/me/api-tokens/", None, LOGGED_IN),
    ("api_tokens", "post", "/me/api-tokens/", lambda w: {"action": "create"}, "L 302 302 302 302 302 302"),
    # -- ballots --
    ("ballots:list", "get", "/ballots/", None, PUBLIC),
    ("ballots:create", "get", "/ballots/new/", None, CHAIRS),
    (
        "ballots:create",
        "post",
        "/ballots/new/",
        lambda w: {
            "group": w["group"],
            "identifier": "CSC-90",
            "title": "T",
            "kind": "guideline",
            "guideline_type": "maintenance",
            "proposer": w["proposer"],
            "text": "x",
        },
        CHAIRS_WRITE,
    ),
    ("ballots:f2f_list", "get", "/ballots/f2f/", None, PUBLIC),
    ("ballots:f2f_detail", "get", "/ballots/f2f/{f2f}/", None, PUBLIC),
    ("ballots:goal_create", "get", "/ballots/f2f/{f2f}/goals/new/", None, CHAIRS),
    ("ballots:goals_carry_forward", "post", "/ballots/f2f/{f2f}/{slug}/carry-forward/", lambda w: {}, CHAIRS_WRITE),
    ("ballots:goals_carry_forward", "get", "/ballots/f2f/{f2f}/{slug}/carry-forward/", None, CHAIRS_POST_ONLY),
    ("ballots:f2f_deck", "get", "/ballots/f2f/{f2f}/{slug}/deck.html", None, PUBLIC),
    ("ballots:f2f_deck", "get", "/ballots/f2f/{f2f}/{slug}/deck.md", None, PUBLIC),
    ("ballots:f2f_deck", "get", "/ballots/f2f/{f2f}/{slug}/deck.exe", None, "404 404 404 404 404 404 404"),
    ("ballots:goal_edit", "get", "/ballots/goals/{goal}/edit/", None, CHAIRS),
    (
        "ballots:goal_edit",
        "post",
        "/ballots/goals/{goal}/edit/",
        lambda w: {"group": w["group"], "title": "Renamed", "status": "done"},
        CHAIRS_WRITE,
    ),
    ("ballots:detail", "get", "/ballots/{voting}/", None, PUBLIC),
    ("ballots:detail", "get", "/ballots/CSC-999/", None, "404 404 404 404 404 404 404"),
    ("ballots:version_add", "get", "/ballots/{draft_ballot}/versions/new/", None, CHAIRS),
    ("ballots:version_add", "post", "/ballots/{draft_ballot}/versions/new/", lambda w: {"text": "Version two"}, CHAIRS_WRITE),
    ("ballots:endorsement_add", "post", "/ballots/{draft_ballot}/endorsements/", lambda w: {"person": w["endorser"]}, CHAIRS_WRITE),
    ("ballots:endorsement_add", "get", "/ballots/{draft_ballot}/endorsements/", None, CHAIRS_POST_ONLY),
    (
        "ballots:voting_open",
        "post",
        "/ballots/{discussion}/open-voting/",
        lambda w: {"quorum_required": "2", "quorum_reason": "No attendance recorded"},
        CHAIRS_WRITE,
    ),
    ("ballots:vote_enter", "post", "/ballots/{voting}/votes/", lambda w: {"organization": w["org"], "choice": "yes"}, CHAIRS_WRITE),
    (
        "ballots:vote",
        "post",
        "/ballots/{voting}/vote/",
        lambda w: {"choice": "no"},
        "L 403 403 302 302 302 403",
    ),  # staff has no organization
    ("ballots:ipr_exclusion", "post", "/ballots/{review}/ipr-exclusion/", lambda w: {"organization": w["org"]}, CHAIRS_WRITE),
    ("ballots:withdraw", "post", "/ballots/{draft_ballot}/withdraw/", lambda w: {"reason": "No longer needed"}, CHAIRS_WRITE),
    # -- transcription --
    ("transcription:upload", "get", "/meetings/{draft}/recordings/", None, EDITORS),
    ("transcription:upload", "post", "/meetings/{draft}/recordings/", lambda w: {"file": upload_file()}, EDITORS_WRITE),
    ("transcription:job_detail", "get", "/jobs/{job}/", None, MEMBERS_READ),
    ("transcription:job_status", "get", "/jobs/{job}/status.json", None, MEMBERS_READ),
    ("transcription:job_retry", "post", "/jobs/{failed_job}/retry/", lambda w: {}, "L 404 404 403 302 302 302"),
    ("transcription:recording_media", "get", "/recordings/{recording}/media", None, MEMBERS_READ),
    ("transcription:review", "get", "/recordings/{recording}/review/", None, MEMBERS_READ),
    ("transcription:review_item", "post", "/draft-items/{draft_item}/", lambda w: {"action": "reject"}, "L 404 404 403 302 302 302"),
    # Uploads are never served as plain files: only the access-checked view above.
    (None, "get", "/media/{media_path}", None, "404 404 404 404 404 404 404"),
]
ALLOWED_WRITE = {"302", "201"}  # "302-": redirected back with a message, nothing stored
# The private feed address is a capability: whoever has it reads its owner's feed.
NO_LEAK_CHECK = {"/calendar/{calendar_token}.ics"}


def expected(codes: str) -> dict[str, str]:
    values = codes.split()
    assert len(values) == len(ROLES), codes
    return dict(zip(ROLES, values, strict=True))


def page_route_names() -> set[str]:
    """The named routes of the minutes, ballots and transcription pages (not the admin, auth or API)."""
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("admin", "api"):
                    continue
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, None)
    return {n for n in names if n.split(":")[0] in ("minutes", "ballots", "transcription") or n == "api_tokens"}


def test_the_matrix_covers_every_page_route():
    missing = page_route_names() - {row[0] for row in MATRIX}
    assert not missing, f"add these routes to MATRIX: {sorted(missing)}"


def request_as(client, method, url, data):
    if method == "get":
        return client.get(url)
    return client.post(url, data)


def rows():
    for name, method, url, data, codes, *known in MATRIX:
        marks = [pytest.mark.xfail(strict=True, reason=known[0])] if known else []
        yield pytest.param(name, method, url, data, codes, id=f"{method} {url}", marks=marks)


@pytest.mark.parametrize("name, method, url, data, codes", list(rows()))
def test_route_as_each_role(shared_world, name, method, url, data, codes):
    world, cast = shared_world["world"], shared_world["cast"]
    template, url = url, url.format(**world)
    failures = []
    for role, code in expected(codes).items():
        client = Client()
        if role != "anonymous":
            client.force_login(cast[role])
        with transaction.atomic(), tables_written() as changed:
            response = request_as(client, method, url, data(world) if data else None)
            transaction.set_rollback(True)
        got = str(response.status_code)
        if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
            got = "L"
        wanted, stores = code.rstrip("-"), method == "post" and code in ALLOWED_WRITE
        if got != wanted:
            failures.append(f"{role}: expected {wanted}, got {got}")
            continue
        if changed and not stores:
            failures.append(f"{role}: {method.upper()} answered {got} but changed {changed}")
        elif stores and not changed:
            failures.append(f"{role}: the allowed write stored nothing")
        if role in NOT_MEMBERS and template not in NO_LEAK_CHECK and hasattr(response, "content"):
            body = response.content.decode("utf-8", "replace").lower()
            leaked = [f"{word} ({what})" for word, what in SECRETS.items() if word in body]
            if leaked:
                failures.append(f"{role}: the answer shows {leaked}")
    assert not failures, "\n".join(failures)


API_READS = [
    "/api/groups/",
    "/api/organizations/",
    "/api/people/",
    "/api/meetings/",
    "/api/meetings/{draft}/",
    "/api/meetings/{final}/",
    "/api/meetings/{draft}/minutes.json",
    "/api/meetings/{final}/minutes.json",
    "/api/minutes/",
    "/api/action-items/",
    "/api/action-items/{action_item}/",
    "/api/ballots/",
    "/api/meetings/?group={slug}",
]


@pytest.mark.parametrize("role", NOT_MEMBERS)
def test_api_reads_show_nothing_private_to_those_outside_the_group(shared_world, role):
    world, cast = shared_world["world"], shared_world["cast"]
    client = Client()
    if role != "anonymous":
        client.force_login(cast[role])
    leaks = []
    for url in API_READS:
        response = client.get(url.format(**world))
        assert response.status_code < 500, url
        body = response.content.decode().lower()
        leaks += [f"{url}: {word} ({what})" for word, what in SECRETS.items() if word in body]
    assert not leaks, "\n".join(leaks)


# -- CSRF: every form that writes refuses a request without the token ---------------------------------

POST_ROWS = [row for row in MATRIX if row[1] == "post"]


def first_allowed_role(codes: str) -> str:
    return next(role for role, code in expected(codes).items() if code.rstrip("-") in ALLOWED_WRITE)


@pytest.mark.parametrize("name, method, url, data, codes", [pytest.param(*row[:5], id=row[2]) for row in POST_ROWS])
def test_every_form_refuses_a_post_without_its_csrf_token(shared_world, name, method, url, data, codes):
    world, cast = shared_world["world"], shared_world["cast"]
    url = url.format(**world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast[first_allowed_role(codes)])
    with transaction.atomic(), tables_written() as changed:
        response = client.post(url, data(world))
        transaction.set_rollback(True)
    assert response.status_code == 403, response.status_code
    assert b"CSRF" in response.content
    assert not changed
    # The same request with the token is not refused: the 403 above was the missing token.
    client.get("/")
    with transaction.atomic():
        response = client.post(url, {**data(world), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
        transaction.set_rollback(True)
    assert response.status_code != 403


def test_login_and_logout_refuse_a_post_without_its_csrf_token(shared_world):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "chair", "password": "pw"}).status_code == 403
    client.force_login(shared_world["cast"]["chair"])
    assert client.post("/accounts/logout/").status_code == 403
    still_in = client.get("/me/action-items/")
    assert still_in.status_code == 302 and not still_in["Location"].startswith("/accounts/login/")
