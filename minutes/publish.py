"""Publishing minutes as a post of the Forum's website (Hugo): the text, and the file in a local clone
of the website repository when PUBLISH_REPO_DIR is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.text import slugify

from . import matching
from .archive import body_parse, body_style, forms_match
from .models import Meeting, Minutes, Organization, WorkingGroup
from .post import HOUSE_STYLE, BodyStyle, form_to_post
from .services import WorkflowError, meeting_with_records, minutes_to_form, organization_resolve, person_resolve


def _stored_name(name: str) -> str:
    person = person_resolve(name, create=False)
    return person.full_name if person else name


def _stored_org(name: str) -> str:
    org = organization_resolve(name, create=False)
    return org.name if org else name


def _post_tags(meeting: Meeting) -> list[str]:
    tags = ["Minutes", *[t for t in meeting.group.tags if t != "Minutes"]]
    if meeting.kind == Meeting.Kind.FACE_TO_FACE:
        tags.append("Face-to-Face")
    return tags


def body_is_faithful(meeting: Meeting, form: dict[str, Any]) -> bool:
    """Whether the meeting's Markdown body (kept from an imported post) still says what its records say,
    so that publishing it again can reuse the original text."""
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or not minutes.body.strip():
        return False
    posted = minutes.finalized_at.astimezone(meeting.tz).date() if minutes.finalized_at else meeting.date
    known = tuple(Organization.objects.values_list("name", flat=True))
    parsed, _ = body_parse(minutes.body, title=meeting.title, tags=_post_tags(meeting), posted=posted, known_organizations=known)
    return forms_match(parsed, form, person=_stored_name, organization=_stored_org)


def house_style(group: WorkingGroup, *, exclude: int | None = None) -> BodyStyle:
    """The group's house style: the habits of its latest post imported unchanged, else the default."""
    recent = meeting_with_records(
        Meeting.objects.filter(group=group, minutes__status=Minutes.Status.FINAL).exclude(minutes__body="").exclude(pk=exclude)
    ).order_by("-starts_at")[:10]
    for meeting in recent:
        if body_is_faithful(meeting, minutes_to_form(meeting)):
            return body_style(meeting.minutes.body)
    return HOUSE_STYLE


def meeting_post(meeting: Meeting, *, include_private: bool = False) -> str:
    """The meeting as a post for the Forum's website. An imported post whose records are unchanged is
    published with its own text; other minutes are written in the group's house style."""
    with matching.directory_in_use():
        return _meeting_post(meeting, include_private=include_private)


def _meeting_post(meeting: Meeting, *, include_private: bool) -> str:
    # The public copy leaves out passages the chair marked private.
    form = minutes_to_form(meeting, include_private=include_private)
    minutes = getattr(meeting, "minutes", None)
    author = (minutes.author if minutes else "") or (meeting.minute_taker.full_name if meeting.minute_taker else "")
    if body_is_faithful(meeting, form):
        if minutes.front_matter:
            # An imported post whose records are unchanged goes back out exactly as it came in.
            return f"---\n{minutes.front_matter}---\n\n{minutes.body.rstrip()}\n"
        posted = minutes.finalized_at.astimezone(meeting.tz).replace(tzinfo=None, microsecond=0) if minutes.finalized_at else meeting.date
        return form_to_post(form, date=posted, author=author, tags=_post_tags(meeting), body=minutes.body, extra={"type": "post"})
    local = meeting.local_start
    # Naive values make YAML write the unquoted timestamps the website's posts use.
    date = local.replace(tzinfo=None, microsecond=0) if meeting.start_time_known else local.date()
    # An imported post edited since keeps the look of its own text; other minutes take the group's.
    own = minutes.body if minutes is not None else ""
    style = body_style(own) if own.strip() and minutes.author else house_style(meeting.group, exclude=meeting.pk)
    return form_to_post(form, date=date, author=author, tags=meeting.group.tags, style=style)




def post_slug(meeting: Meeting) -> str:
    title = meeting.title if meeting.title[:4].isdigit() else f"{meeting.date:%Y-%m-%d} {meeting.title}"
    return slugify(title)[:120] or f"meeting-{meeting.pk}"


def minutes_publish(*, meeting: Meeting) -> tuple[str, Path | None]:
    """The public post of final minutes; written to content/posts/YYYY/<slug>.md in the website
    repository clone at PUBLISH_REPO_DIR when that is set (nothing is pushed)."""
    meeting = meeting_with_records().get(pk=meeting.pk)
    minutes = getattr(meeting, "minutes", None)
    if minutes is None or minutes.status != Minutes.Status.FINAL:
        raise WorkflowError("Only final minutes are published.")
    text = meeting_post(meeting)
    repo = getattr(settings, "PUBLISH_REPO_DIR", None)
    if not repo:
        return text, None
    folder = Path(repo) / "content" / "posts" / f"{meeting.date:%Y}"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{post_slug(meeting)}.md"
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return text, path
