"""The OpenAPI schema validates, and a bounded schemathesis run over it (positive and negative examples,
fixed seed, in-process against the WSGI application) finds no server error."""

import re

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from cscwg.wsgi import application


def test_openapi_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    paths = ["/api/meetings/{id}/minutes.json", "/api/meetings/import/", "/api/minutes/{id}/sections/", "/api/ballots/{identifier}/votes/"]
    assert all(f"  {path}:" in text for path in paths)


@pytest.fixture
def requests_keep_the_connection():
    # As Django's test client does: a request must not close the connection that holds the test's transaction.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


# Examples per operation and way of generating: enough to catch unhandled input, fast enough for CI.
EXAMPLES = 10
EXAMPLES_OF_IDENTIFIERS = 3  # generated path parameters mostly meet the same 404


def _real_path_parameters(path: str, world) -> dict:
    """Path parameters naming records of the scenario, so that generated queries and bodies reach the services."""
    if "{slug}" in path:
        return {"slug": "cscwg"}
    if "{identifier}" in path:
        return {"identifier": "CSC-31" if "endorsements" in path else "CSC-30"}
    if "{id}" not in path:
        return {}
    ids = {
        "/api/meetings/": world["draft"].pk,
        "/api/minutes/": (world["circulated"] if "approvals" in path else world["draft"]).minutes.pk,
        "/api/action-items/": world["item"].pk,
        "/api/organizations/": world["endorser"].organization_id,
        "/api/people/": world["endorser"].pk,
    }
    # Records the scenario has none of (recordings, jobs, drafted items) are tried with an id that 404s.
    return {"id": next((pk for prefix, pk in ids.items() if path.startswith(prefix)), 999999)}


def test_no_operation_answers_with_a_server_error(world, requests_keep_the_connection):
    """Each operation with generated path parameters (odd identifiers must be 404s), then with the
    scenario's records and generated queries and bodies, valid (positive) and invalid (negative); as
    the chair of the group, so that reads see drafts and writes get past the permission checks.

    Schemathesis' pytest integration (``schemathesis.pytest``) does not run under pytest 9, so the
    operations' Hypothesis strategies are driven directly."""
    headers = {"Authorization": f"Token {Token.objects.create(user=world['cast']['chair']).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    failures, runs = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        real = _real_path_parameters(operation.path, world)
        has_input = bool(list(operation.query) or operation.body)
        plan = [(GenerationMode.POSITIVE, None)] if real else []
        plan += [(GenerationMode.POSITIVE, real)] + ([(GenerationMode.NEGATIVE, real)] if has_input else [])
        for mode, path_parameters in plan:

            @hypothesis.settings(
                max_examples=EXAMPLES if path_parameters is not None else EXAMPLES_OF_IDENTIFIERS,
                derandomize=True,  # the same examples on every run: a CI failure reproduces locally
                deadline=None,
                database=None,
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
            def fuzz(case):
                response = case.call(headers=headers)
                assert response.status_code < 500, (
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r:.300}: {response.status_code}"
                )

            try:
                fuzz()
            except AssertionError as error:
                failures.append(str(error).splitlines()[0])
            runs += 1
    assert runs >= 50
    assert failures == []


def test_the_docs_page_loads_swagger_ui_from_this_site_not_a_cdn(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html
    script = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', html)[1]
    assert script.startswith("/static/")
