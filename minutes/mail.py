"""Who gets which email, and its text. Sent only from Celery tasks, after the change is committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail

from .access import READING_ROLES
from .models import ActionItem, Minutes, Person


def _address(person: Person) -> str | None:
    if person.email:
        return person.email
    if person.user_id and person.user.email:
        return person.user.email
    return None


def group_addresses(group_id: int) -> list[str]:
    people = Person.objects.filter(roles__group_id=group_id, roles__kind__in=READING_ROLES).select_related("user").distinct()
    return sorted({a for a in (_address(p) for p in people) if a})


def base_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def send(messages: list[tuple[str, str, list[str]]]) -> int:
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, to) for subject, body, to in messages if to], fail_silently=False
    )


def minutes_circulated(minutes: Minutes) -> int:
    meeting = minutes.meeting
    to = group_addresses(meeting.group_id)
    subject = f"[{meeting.group.short_name or meeting.group.name}] Draft minutes of {meeting.date:%Y-%m-%d} for review"
    body = (
        f"The draft minutes of {meeting.title} have been circulated for review.\n\n"
        f"Read and comment: {base_url()}{meeting.get_absolute_url()}\n\n"
        "They will be approved at a later meeting, or become final after three weeks if no meeting is held."
    )
    return send([(subject, body, to)])


def minutes_approved(minutes: Minutes) -> int:
    meeting = minutes.meeting
    to = group_addresses(meeting.group_id)
    subject = f"[{meeting.group.short_name or meeting.group.name}] Minutes of {meeting.date:%Y-%m-%d} approved"
    body = f"The minutes of {meeting.title} are approved and final.\n\n{base_url()}{meeting.get_absolute_url()}\n"
    return send([(subject, body, to)])


def _item_line(item: ActionItem) -> str:
    due = f" (due {item.due:%Y-%m-%d})" if item.due else ""
    return f"{item.text}{due}\nRaised at: {item.meeting.title} — {base_url()}{item.meeting.get_absolute_url()}"


def action_items(items: list[ActionItem], subject_prefix: str) -> int:
    messages = []
    for item in items:
        address = _address(item.owner) if item.owner else None
        if address:
            group = item.meeting.group
            messages.append((f"[{group.short_name or group.name}] {subject_prefix}: {item.text[:60]}", _item_line(item), [address]))
    return send(messages)
