"""Every endpoint as each role, in one table: anonymous, observer, member, minute taker, chair, staff and a
member of another group (outsider). Reads of what is not public answer 404 to those who may not see
it; writes answer 401 to anonymous requests and 403 to a role that may see but not change."""

import pytest

from tests.api.conftest import POST, ROLES, client_for


def _import_body(world):
    return {"post": POST}


# name: (method, url(world), body(world) or None, {role: status})
ENDPOINTS = {
    "groups": ("get", lambda w: "/api/groups/", None, dict.fromkeys(ROLES, 200)),
    "group": ("get", lambda w: "/api/groups/cscwg/", None, dict.fromkeys(ROLES, 200)),
    "organizations": ("get", lambda w: "/api/organizations/", None, dict.fromkeys(ROLES, 200)),
    "organization": ("get", lambda w: f"/api/organizations/{w['endorser'].organization_id}/", None, dict.fromkeys(ROLES, 200)),
    "people": ("get", lambda w: "/api/people/", None, dict.fromkeys(ROLES, 200)),
    "person": ("get", lambda w: f"/api/people/{w['endorser'].pk}/", None, dict.fromkeys(ROLES, 200)),
    "meetings": ("get", lambda w: "/api/meetings/", None, dict.fromkeys(ROLES, 200)),
    "meeting": ("get", lambda w: f"/api/meetings/{w['draft'].pk}/", None, dict.fromkeys(ROLES, 200)),
    "draft minutes.json": (
        "get", lambda w: f"/api/meetings/{w['draft'].pk}/minutes.json", None,
        {"anonymous": 404, "observer": 404, "member": 200, "taker": 200, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "final minutes.json": ("get", lambda w: f"/api/meetings/{w['final'].pk}/minutes.json", None, dict.fromkeys(ROLES, 200)),
    "minutes list": ("get", lambda w: "/api/minutes/", None, dict.fromkeys(ROLES, 200)),
    "draft minutes": (
        "get", lambda w: f"/api/minutes/{w['draft'].minutes.pk}/", None,
        {"anonymous": 404, "observer": 404, "member": 200, "taker": 200, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "final minutes": ("get", lambda w: f"/api/minutes/{w['final'].minutes.pk}/", None, dict.fromkeys(ROLES, 200)),
    "draft sections": (
        "get", lambda w: f"/api/minutes/{w['draft'].minutes.pk}/sections/", None,
        {"anonymous": 404, "observer": 404, "member": 200, "taker": 200, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "action items": (
        "get", lambda w: "/api/action-items/", None,
        {"anonymous": 401, "observer": 200, "member": 200, "taker": 200, "chair": 200, "staff": 200, "outsider": 200},
    ),
    "action item": (
        "get", lambda w: f"/api/action-items/{w['item'].pk}/", None,
        {"anonymous": 401, "observer": 404, "member": 200, "taker": 200, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "ballots": ("get", lambda w: "/api/ballots/", None, dict.fromkeys(ROLES, 200)),
    "ballot": ("get", lambda w: "/api/ballots/CSC-30/", None, dict.fromkeys(ROLES, 200)),
    "ballot.json": ("get", lambda w: "/api/ballots/CSC-30/ballot.json", None, dict.fromkeys(ROLES, 200)),
    "schema": ("get", lambda w: "/api/schema/", None, dict.fromkeys(ROLES, 200)),
    "docs": ("get", lambda w: "/api/docs/", None, dict.fromkeys(ROLES, 200)),
    # -- writes --
    "circulate": (
        "post", lambda w: f"/api/minutes/{w['draft'].minutes.pk}/circulate/", lambda w: {},
        {"anonymous": 401, "observer": 404, "member": 403, "taker": 200, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "record approval": (
        "post", lambda w: f"/api/minutes/{w['circulated'].minutes.pk}/approvals/",
        lambda w: {"acted_at": w["draft"].pk, "outcome": "approved"},
        {"anonymous": 401, "observer": 404, "member": 403, "taker": 403, "chair": 201, "staff": 201, "outsider": 404},
    ),
    "save sections": (
        "put", lambda w: f"/api/minutes/{w['draft'].minutes.pk}/sections/",
        lambda w: {"version": 1, "topics": [{"title": "Key protection", "points": ["Agreed to ballot"]}]},
        {"anonymous": 401, "observer": 404, "member": 403, "taker": 200, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "complete action item": (
        "post", lambda w: f"/api/action-items/{w['item'].pk}/complete/", lambda w: {"status": "done", "note": "Sent"},
        # the member owns it; the taker is a member who does not
        {"anonymous": 401, "observer": 404, "member": 200, "taker": 403, "chair": 200, "staff": 200, "outsider": 404},
    ),
    "import post": (
        "post", lambda w: "/api/meetings/import/", _import_body,
        {"anonymous": 401, "observer": 403, "member": 403, "taker": 403, "chair": 201, "staff": 201, "outsider": 403},
    ),
    "vote": (
        "post", lambda w: "/api/ballots/CSC-30/votes/", lambda w: {"choice": "yes"},
        # staff have no organization to vote for
        {"anonymous": 401, "observer": 403, "member": 201, "taker": 201, "chair": 201, "staff": 403, "outsider": 403},
    ),
    "endorse": (
        "post", lambda w: "/api/ballots/CSC-31/endorsements/", lambda w: {"person": w["endorser"].pk},
        {"anonymous": 401, "observer": 403, "member": 403, "taker": 403, "chair": 201, "staff": 201, "outsider": 403},
    ),
}

READS = [name for name, (method, *_rest) in ENDPOINTS.items() if method == "get"]
WRITES = [(name, role) for name, (method, *_rest) in ENDPOINTS.items() if method != "get" for role in ROLES]


def _answer(world, endpoint: str, role: str):
    method, url, body, _expected = ENDPOINTS[endpoint]
    kwargs = {"format": "json", "data": body(world)} if body else {}
    response = getattr(client_for(role, world["cast"]), method)(url(world), **kwargs)
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        assert "detail" in response.json(), response.content[:300]
    return response.status_code


@pytest.mark.parametrize("endpoint", READS)
def test_read_answers_each_role_as_the_table_says(world, endpoint):
    # Reads change nothing, so one scenario serves every role.
    assert {role: _answer(world, endpoint, role) for role in ROLES} == ENDPOINTS[endpoint][3]


@pytest.mark.parametrize(("endpoint", "role"), WRITES, ids=[f"{n}-{r}" for n, r in WRITES])
def test_write_answers_each_role_as_the_table_says(world, endpoint, role):
    assert _answer(world, endpoint, role) == ENDPOINTS[endpoint][3][role]
