from celery import shared_task
from django.utils import timezone

from . import mail, services
from .models import ActionItem, Minutes


def _items(ids: list[int]) -> list[ActionItem]:
    return list(ActionItem.objects.filter(pk__in=ids).select_related("owner__user", "meeting__group"))


@shared_task(time_limit=120, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def mail_minutes_circulated(minutes_id: int) -> None:
    minutes = Minutes.objects.select_related("meeting__group").filter(pk=minutes_id).first()
    if minutes is not None:
        mail.minutes_circulated(minutes)


@shared_task(time_limit=120, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def mail_minutes_approved(minutes_id: int) -> None:
    minutes = Minutes.objects.select_related("meeting__group").filter(pk=minutes_id).first()
    if minutes is not None:
        mail.minutes_approved(minutes)


@shared_task(time_limit=120, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def mail_action_items_assigned(item_ids: list[int]) -> None:
    mail.action_items(_items(item_ids), "Action item assigned to you")


@shared_task(time_limit=600)
def minutes_tick() -> None:
    """Periodic: the three-week auto-final rule and action-item reminders (each sent once)."""
    services.minutes_auto_finalize()
    soon, late = services.reminders_due(today=timezone.localdate())
    mail.action_items(_items(soon), "Action item due in 2 days")
    mail.action_items(_items(late), "Action item overdue")
