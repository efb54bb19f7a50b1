from celery import shared_task

from . import services


@shared_task(time_limit=30)
def worker_ping(ping_id: int) -> None:
    services.ping_answer(ping_id=ping_id)
