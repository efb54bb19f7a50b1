import socket

from django.db import transaction
from django.utils import timezone

from .models import WorkerPing


def ping_send() -> WorkerPing:
    """Store a ping and queue it for a worker once the row is committed."""
    from .tasks import worker_ping

    with transaction.atomic():
        ping = WorkerPing.objects.create()
        transaction.on_commit(lambda: worker_ping.delay(ping.pk))
    return ping


def ping_answer(*, ping_id: int) -> bool:
    """Mark a ping answered; a redelivered task finds it answered and does nothing."""
    updated = WorkerPing.objects.filter(pk=ping_id, answered_at__isnull=True).update(
        answered_at=timezone.now(), worker=socket.gethostname()
    )
    return bool(updated)
