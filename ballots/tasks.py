from celery import shared_task

from . import services


@shared_task(time_limit=300)
def ballots_tick() -> dict[str, int]:
    """Periodic (celery beat, e.g. every 15 minutes): the Bylaws' clock. Idempotent; takes no arguments
    because it works on every due ballot."""
    return services.ballots_tick()
