"""The load test's smoke mode (bench/load/run.py --smoke 10) against a small seeded database: gunicorn with
2 workers, 50 concurrent users, every page and API list answers 200 with no errors. Figures are not asserted:
they belong in bench/README.md, not in a test on a shared CI machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench.load import seed

ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    pytest.skip(f"no URL for {connection.vendor}")


@pytest.mark.django_db(transaction=True)  # gunicorn's workers must see the seeded rows
def test_load_smoke_run_has_no_errors(tmp_path):
    seed.seed(groups=2, meetings=20, attendance=100, action_items=400, ballots=14)
    results_file = tmp_path / "load.json"
    env = {**os.environ, "DATABASE_URL": _database_url()}
    done = subprocess.run(
        [sys.executable, "bench/load/run.py", "--smoke", "10", "--json", str(results_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(results_file.read_text())
    names = [r["name"] for r in report["results"]]
    assert names == [
        "floor (bare view)",
        "meeting list",
        "meeting page",
        "my action items",
        "ballot board",
        "API meetings",
        "API action items",
        "API ballots",
    ]
    assert report["users"] == 50 and report["workers"] == 2
    for r in report["results"]:
        assert r["errors"] == 0, (r["name"], r["error_kinds"])
        assert r["ok"] > 0 and r["p95_ms"] is not None, r["name"]
    assert "floor (bare view)" in done.stdout and "p95/floor" in done.stdout
