from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services


@shared_task(time_limit=30)
def worker_ping(ping_id: int) -> None:
    services.ping_answer(ping_id=ping_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, OSError),
    retry_backoff=10,
    max_retries=5,
    soft_time_limit=getattr(settings, "TRANSCRIPTION_TIME_LIMIT", 6 * 3600),
    time_limit=getattr(settings, "TRANSCRIPTION_TIME_LIMIT", 6 * 3600) + 60,
)
def transcribe(job_id: int) -> None:
    """Transcribe (or read) a recording and draft its minutes; safe to deliver twice."""
    services.job_run(job_id=job_id)


@shared_task(time_limit=120)
def jobs_sweep() -> None:
    """Periodic: hand over jobs the broker lost and jobs whose worker died."""
    services.jobs_sweep()
