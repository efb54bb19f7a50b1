"""Query counts of every list page and API list at 10 and 1,000 rows (they must be equal).

    .venv/bin/python bench/load/queries.py          # prints the table; exit status 1 if any count differs

Runs in a throwaway test database next to the one in DATABASE_URL (SQLite by default), seeded by
seed.py with 10, then 1,000 meetings, action items of ``load-member`` and ballots in one group, and
requests each list as ``load-member`` (session for pages, token for the API) with Django's test client:
once rendered from the database (the page cache invalidated first, as by any write) and once again, served
from the page cache (minutes/pagecache.py) where the page has one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from bench.load import seed  # noqa: E402
from minutes import pagecache  # noqa: E402

SIZES = (10, 1000)


def lists(group: str, member_person: int) -> list[tuple[str, str, bool]]:
    """(name, path, is_api)."""
    return [
        ("group list", "/", False),
        ("meeting list", f"/groups/{group}/", False),
        ("my action items", f"/people/{member_person}/action-items/", False),
        ("ballot board", "/ballots/", False),
        ("search", "/search/?q=follow", False),
        ("API groups", "/api/groups/", True),
        ("API organizations", "/api/organizations/", True),
        ("API people", "/api/people/", True),
        ("API meetings", "/api/meetings/", True),
        ("API minutes", "/api/minutes/", True),
        ("API action items", "/api/action-items/", True),
        ("API ballots", "/api/ballots/", True),
    ]


def measure(rows: int) -> dict[str, tuple[int, int, int]]:
    """{name: (status, queries rendering it, queries served from the page cache)} with ``rows`` of each thing."""
    seed.reset()
    # One group so that every row lands in the lists; action items: 40 per meeting gives load-member one each.
    ids = seed.seed(groups=1, meetings=rows, attendance=rows * 5, action_items=rows * 40, ballots=rows)
    user = get_user_model().objects.get(username=f"{seed.PREFIX}member")
    page_client = Client()
    page_client.force_login(user)
    api_client = Client(headers={"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"})
    out = {}
    for name, path, is_api in lists(ids["group"], ids["member"]):
        client = api_client if is_api else page_client
        client.get(path)  # warm caches (content types, templates) so both sizes count the same things
        pagecache.bump()  # as after any write: the page is rendered from the database
        with CaptureQueriesContext(connection) as rendered:
            response = client.get(path)
        with CaptureQueriesContext(connection) as cached:
            client.get(path)
        out[name] = (response.status_code, len(rendered.captured_queries), len(cached.captured_queries))
    return out


def main() -> int:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        counts = {rows: measure(rows) for rows in SIZES}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    failed = False
    sizes = " ".join(f"{f'{n:,} rows':>12}" for n in SIZES)
    print(f"{'':<20} {'':>6} {'rendered':^25} {'cached':^25}")
    print(f"{'list':<20} {'status':>6} {sizes} {sizes}  equal")
    for name in counts[SIZES[0]]:
        statuses = {counts[n][name][0] for n in SIZES}
        rendered = [counts[n][name][1] for n in SIZES]
        cached = [counts[n][name][2] for n in SIZES]
        equal = len(set(rendered)) == 1 and len(set(cached)) == 1 and statuses == {200}
        failed |= not equal
        cells = " ".join(f"{q:>12}" for q in rendered + cached)
        print(f"{name:<20} {'/'.join(map(str, sorted(statuses))):>6} {cells}  {'yes' if equal else 'NO'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
