"""A task round-trips through a real Celery worker process (filesystem broker by default,
Redis when CELERY_BROKER_URL is set), sharing the test database."""

import time
from pathlib import Path

import pytest

from transcription.models import WorkerPing
from transcription.services import ping_answer, ping_send

ROOT = Path(__file__).resolve().parents[1]


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
