"""A task round-trips through a real Celery worker process (filesystem broker by default,
Redis when CELERY_BROKER_URL is set), sharing the test database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cscwg.celery import app as celery_app
from transcription.models import WorkerPing
from transcription.services import ping_answer, ping_send

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    """Start `celery worker` against the test database; stop it afterwards."""
    celery_app.conf.task_always_eager = False
    # Same VAR_DIR, hence the same broker folder when the filesystem broker is in use.
    env = {**os.environ, "DATABASE_URL": database_url(), "VAR_DIR": settings.VAR_DIR.as_posix()}
    log = open(tmp_path / "worker.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cscwg", "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.seek(0)
        print(log.read()[-3000:])


@pytest.mark.worker
def test_a_ping_round_trips_through_a_real_worker(worker):
    ping = ping_send()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        ping.refresh_from_db()
        if ping.answered_at:
            break
        assert worker.poll() is None, "the worker process exited"
        time.sleep(0.5)
    assert ping.answered_at is not None, "no worker answered within 240 s"
    assert ping.worker


def test_answering_a_ping_twice_has_one_effect(db):
    ping = WorkerPing.objects.create()
    assert ping_answer(ping_id=ping.pk) is True
    first = WorkerPing.objects.get(pk=ping.pk).answered_at
    assert ping_answer(ping_id=ping.pk) is False
    assert WorkerPing.objects.get(pk=ping.pk).answered_at == first
