"""One request at a time: the cost of each load-test target on its own (no queue), with its queries.

    .venv/bin/python bench/load/single.py                 # median of 30 requests per target, on DATABASE_URL
    .venv/bin/python bench/load/single.py --cold          # the same with the page cache invalidated before each
    .venv/bin/python bench/load/single.py --profile "ballot board"   # cProfile of one target, top 30 by cumulative time

Same targets and user as run.py (``load-member``; session for pages, token for the API), through the
full middleware stack with Django's test client, DEBUG off. For each target: median and p90 wall time,
number of queries, time spent in them (measured in a separate pass, as capturing adds its own cost),
and the size of the response. ``--cold`` invalidates the page cache (minutes/pagecache.py) before each
request, as every write does: the cost of the first view after a change.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "load-test-only-not-a-secret-" + "x" * 32)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from minutes import pagecache  # noqa: E402

settings.ROOT_URLCONF = "bench.load.floor_urls"
settings.ALLOWED_HOSTS = ["*"]


def _clients(targets: list[dict]) -> list[tuple[dict, Client]]:
    out = []
    for target in targets:
        headers = dict(target.get("headers", {}))
        cookie = headers.pop("Cookie", None)
        client = Client(headers=headers)
        if cookie:
            name, value = cookie.split("=", 1)
            client.cookies[name] = value
        out.append((target, client))
    return out


def measure(client: Client, path: str, repeat: int, *, cold: bool) -> dict:
    """``cold``: the page cache is invalidated before each request, as after every write."""
    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(repeat):
        if cold:
            pagecache.bump()
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
    if cold:
        pagecache.bump()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    times.sort()
    return {
        "ms": statistics.median(times) * 1000,
        "p90": times[int(0.9 * (len(times) - 1))] * 1000,
        "queries": len(ctx.captured_queries),
        "sql_ms": sum(float(q["time"]) for q in ctx.captured_queries) * 1000,
        "kib": len(response.content) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", metavar="TARGET", help="cProfile one target by name instead")
    parser.add_argument("--only", metavar="TARGET", action="append", help="measure only these targets")
    parser.add_argument("--cold", action="store_true", help="invalidate the page cache before each request")
    args = parser.parse_args()

    from bench.load.run import _targets

    pairs = _clients(_targets(shell=True))
    if args.profile:
        import cProfile
        import pstats

        target, client = next((t, c) for t, c in pairs if t["name"] == args.profile)
        for _ in range(3):
            client.get(target["path"])
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(target["path"])
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
        return
    print("page cache: " + ("invalidated before each request (cold)" if args.cold else "in use (warm)"))
    print(f"{'target':<20} {'median ms':>9} {'p90 ms':>7} {'queries':>7} {'SQL ms':>7} {'KiB':>6}")
    for target, client in pairs:
        if args.only and target["name"] not in args.only:
            continue
        r = measure(client, target["path"], args.repeat, cold=args.cold)
        print(f"{target['name']:<20} {r['ms']:>9.1f} {r['p90']:>7.1f} {r['queries']:>7} {r['sql_ms']:>7.1f} {r['kib']:>6.1f}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
