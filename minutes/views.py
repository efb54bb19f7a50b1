import datetime as dt
import difflib
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from . import access, pagecache, publish, services
from .forms import (
    ActionItemFormSet,
    ApprovalForm,
    AttendanceForm,
    CommentForm,
    CompleteForm,
    DecisionFormSet,
    MeetingScheduleForm,
    TopicFormSet,
    kept_rows,
)
from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Minutes,
    Person,
    Role,
    Topic,
    TopicPoint,
    WorkingGroup,
)
from .post import form_to_markdown_body
from .services import meeting_with_records

MEETINGS_PER_PAGE = 25
ACTION_ITEMS_PER_PAGE = 50
DUE_SOON = dt.timedelta(days=7)


def group_list(request):
    groups = WorkingGroup.objects.annotate(meeting_count=Count("meetings")).order_by("name")
    return render(request, "minutes/group_list.html", {"groups": groups})


# What a row of the meeting list shows (a minutes body can be long: it is not read).
MEETING_ROW_FIELDS = ("id", "group_id", "title", "kind", "f2f_number", "starts_at", "time_zone", "minutes__id", "minutes__status")


def group_detail(request, slug):
    """The group's next and past meetings. Both lists are the same for everyone: they are cached
    (minutes.pagecache) until something changes; the chair's links are not."""
    snap = pagecache.snapshot()
    page_number = request.GET.get("page") or "1"
    listing = snap.get("group-meetings", slug, page_number)
    if listing is None:
        group = get_object_or_404(WorkingGroup, slug=slug)
        meetings = group.meetings.select_related("minutes").only(*MEETING_ROW_FIELDS).order_by("-starts_at", "-id")
        page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(page_number)
        listing = {
            "group": {"pk": group.pk, "slug": group.slug, "name": group.name, "description": group.description},
            "html": render_to_string("minutes/_group_meetings.html", {"page": page}),
        }
        snap.put(listing, "group-meetings", slug, str(page.number))
    group = listing["group"]
    return render(
        request,
        "minutes/group_detail.html",
        {
            "group": group,
            "meetings": mark_safe(listing["html"]),  # noqa: S308 - rendered by our template, autoescaped
            "upcoming": mark_safe(_group_upcoming(snap, group["pk"])),  # noqa: S308 - rendered by our template, autoescaped
            "can_manage": access.can_manage_group(request.user, group["pk"]),
        },
    )


def _group_upcoming(snap, group_pk: int) -> str:
    """The group's next three meetings as HTML. Besides a write, only time changes the list: when its first
    meeting starts, so the cached copy is used until then."""
    upcoming = snap.get("group-upcoming", group_pk)
    if upcoming is None or (upcoming["until"] is not None and timezone.now() >= upcoming["until"]):
        meetings = list(Meeting.objects.filter(group_id=group_pk).upcoming()[:3])
        upcoming = {
            "html": render_to_string("minutes/_upcoming.html", {"upcoming": meetings}),
            "until": meetings[0].starts_at if meetings else None,
        }
        snap.put(upcoming, "group-upcoming", group_pk)
    return upcoming["html"]


def meeting_detail(request, pk):
    """The meeting with what the viewer may see of its records. Cached per viewer (minutes.pagecache) until
    anything changes; the forms in it get this request's CSRF token."""
    snap = pagecache.snapshot()
    viewer = pagecache.viewer(request.user)
    page = snap.get("meeting", pk, viewer)
    if page is None:
        page = _meeting_page(request, pk)
        snap.put(page, "meeting", pk, viewer)
    context = {"title": page["title"], "content": pagecache.with_csrf(request, page["html"])}
    return render(request, "minutes/meeting_detail.html", context)


def _meeting_page(request, pk) -> dict:
    meeting = get_object_or_404(meeting_with_records().prefetch_related("f2f_meetings"), pk=pk)
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    minutes = getattr(meeting, "minutes", None)
    user = request.user
    show_records = access.can_view_records(user, meeting, minutes)
    can_manage = access.can_manage_meeting(user, meeting)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "show_records": show_records,
        "can_manage": can_manage,
        "can_edit": minutes is not None and access.can_edit_minutes(user, minutes),
        "can_attendance": access.can_record_attendance(user, meeting),
        "can_upload": access.can_upload_recording(user, meeting),
    }
    if show_records:
        show_private = access.can_see_private(user, meeting)

        def shown(records):
            return [r for r in records if show_private or not r.is_private]

        attendances = [a for a in meeting.attendances.all() if a.status == "present"]
        by_org = sorted(attendances, key=lambda a: (a.organization.name if a.organization else "~", a.person.full_name))
        context.update(
            show_private=show_private,
            attendees_by_org=[
                (org, list(rows)) for org, rows in groupby(by_org, key=lambda a: a.organization.name if a.organization else "")
            ],
            regrets=[a for a in meeting.attendances.all() if a.status == "regrets"],
            antitrust=getattr(meeting, "antitrust_reading", None),
            topics=[(t, shown(t.points.all())) for t in shown(meeting.topics.all())],
            decisions=shown(meeting.decisions.all()),
            action_items=shown(meeting.action_items.all()),
            body=(minutes.body if show_private else services.public_body(meeting, minutes.body)) if minutes else "",
        )
        if minutes is not None and (show_private or minutes.status == Minutes.Status.CIRCULATED):
            context["comments"] = list(minutes.comments.select_related("author", "topic"))
            if access.can_comment(user, minutes):
                context["comment_form"] = CommentForm(topics=meeting.topics.all())
    if can_manage:
        pending = list(services.pending_approvals(meeting))
        context["approval_form"] = ApprovalForm(pending=pending) if pending else None
    context["csrf_token"] = pagecache.CSRF_PLACEHOLDER
    return {"title": meeting.title, "html": render_to_string("minutes/_meeting.html", context)}


@login_required
def my_action_items(request):
    person = access.person_of(request.user)
    if person is None:
        messages.info(request, "Your account is not linked to a person in the group's records yet.")
        return redirect("minutes:group_list")
    return redirect("minutes:person_action_items", pk=person.pk)


@login_required
def person_action_items(request, pk):
    """A person's open action items that the viewer may see; the owner closes them here. Cached per viewer
    and day ("overdue", "due soon") until anything changes (minutes.pagecache)."""
    snap = pagecache.snapshot()
    today = timezone.localdate()
    page_number = request.GET.get("page") or "1"
    key = ("person-action-items", pk, pagecache.viewer(request.user), today.isoformat(), request.path)
    page = snap.get(*key, page_number)
    if page is None:
        page, number = _person_action_items_page(request, pk, today, page_number)
        snap.put(page, *key, str(number))
    context = {"title": page["title"], "content": pagecache.with_csrf(request, page["html"])}
    return render(request, "minutes/person_action_items.html", context)


def _person_action_items_page(request, pk, today, page_number) -> tuple[dict, int]:
    person = get_object_or_404(Person.objects.select_related("organization"), pk=pk)
    visible = access.action_items_visible_to(request.user, ActionItem.objects.open_for(person))
    items = visible.select_related("meeting__group").order_by(F("due").asc(nulls_last=True), "meeting__starts_at", "id")
    page = Paginator(items, ACTION_ITEMS_PER_PAGE).get_page(page_number)
    viewer = access.person_of(request.user)
    is_self = viewer is not None and viewer.pk == person.pk
    context = {
        "person": person,
        "page": page,
        "is_self": is_self,
        "today": today,
        "soon": today + DUE_SOON,
        "overdue_count": visible.filter(due__lt=today).count(),
        "due_soon_count": visible.filter(due__gte=today, due__lte=today + DUE_SOON).count(),
        "path": request.path,
        "csrf_token": pagecache.CSRF_PLACEHOLDER,
    }
    if is_self:
        groups = [g for g, kind in access.roles_of(request.user).items() if kind in access.READING_ROLES]
        context["review_queue"] = (
            Minutes.objects.filter(status=Minutes.Status.CIRCULATED, meeting__group__in=groups)
            .select_related("meeting__group")
            .order_by("circulated_at")
        )
    html = render_to_string("minutes/_person_action_items.html", context)
    return {"title": f"Action items of {person.full_name}", "html": html}, page.number


# -- the minutes workflow ----------------------------------------------------------------------


def _meeting_or_404(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("group", "minutes", "chair", "minute_taker"), pk=pk)


def _minutes_of(meeting: Meeting) -> Minutes:
    minutes = getattr(meeting, "minutes", None)
    if minutes is None:
        raise Http404("This meeting has no minutes yet.")
    return minutes


def _require(user, allowed: bool) -> None:
    """403 for a logged-in user who may not do this (anonymous users are sent to log in first)."""
    if not allowed:
        raise PermissionDenied("You may not do this for this meeting.")


def group_people(group: WorkingGroup):
    return Person.objects.filter(roles__group=group).exclude(roles__kind=Role.Kind.OBSERVER).select_related("organization").distinct()


@login_required
def meeting_new(request, slug):
    group = get_object_or_404(WorkingGroup, slug=slug)
    _require(request.user, access.can_manage_group(request.user, group))
    people = group_people(group)
    form = MeetingScheduleForm(request.POST or None, people=people, initial={"time_zone": group.time_zone, "time": "11:00"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.meeting_schedule(
            group=group, title=data["title"], starts_at=form.starts_at(), time_zone=data["time_zone"], kind=data["kind"],
            f2f_number=data["f2f_number"], location=data["location"], chair=data["chair"], minute_taker=data["minute_taker"],
            user=request.user,
        )
        messages.success(request, "Meeting scheduled; its agenda was built from the template.")
        return redirect("minutes:meeting_agenda", pk=meeting.pk)
    return render(request, "minutes/meeting_form.html", {"group": group, "form": form})


def meeting_agenda(request, pk):
    meeting = _meeting_or_404(pk)
    can_manage = access.can_manage_meeting(request.user, meeting)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        _require(request.user, can_manage)
        action = request.POST.get("action")
        if action == "rebuild":
            services.agenda_build(meeting=meeting)
            messages.success(request, "Agenda updated with pending approvals and open action items.")
        elif action == "add":
            title = request.POST.get("title", "").strip()[:300]
            if title:
                last = meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0
                other = meeting.agenda_items.filter(kind=AgendaItem.Kind.OTHER_BUSINESS).values_list("order", flat=True).first()
                order = (other - 1) if other else last + 1
                AgendaItem.objects.create(meeting=meeting, title=title, kind=AgendaItem.Kind.TOPIC, order=order)
                messages.success(request, f"Added “{title}”.")
            else:
                messages.error(request, "Give the agenda item a title.")
        elif action == "delete":
            deleted, _ = meeting.agenda_items.filter(pk=request.POST.get("item") or 0).delete()
            messages.success(request, "Agenda item removed." if deleted else "That agenda item was already gone.")
        else:
            return HttpResponseBadRequest("Unknown action.")
        return redirect("minutes:meeting_agenda", pk=meeting.pk)
    items = list(meeting.agenda_items.select_related("approval_of", "action_item__owner", "action_item__meeting"))
    for item in items:
        # A carried action item's text comes from minutes the viewer may not read (drafts, redactions).
        action = item.action_item
        item.shown_title = item.title
        if action is not None and not (
            access.can_view_action_item(request.user, action) and (not action.is_private or access.can_see_private(request.user, meeting))
        ):
            item.shown_title = f"Carried action item (from {action.meeting.date:%Y-%m-%d})"
    return render(request, "minutes/meeting_agenda.html", {"meeting": meeting, "items": items, "can_manage": can_manage})


@login_required
def meeting_attendance(request, pk):
    meeting = _meeting_or_404(pk)
    _require(request.user, access.can_record_attendance(request.user, meeting))
    people = (
        Person.objects.filter(Q(roles__group=meeting.group) | Q(attendances__meeting=meeting))
        .select_related("organization")
        .distinct()
        .order_by("full_name")
    )
    current = list(meeting.attendances.all())
    antitrust = getattr(meeting, "antitrust_reading", None)
    initial = {
        "present": [a.person_id for a in current if a.status == Attendance.Status.PRESENT],
        "regrets": [a.person_id for a in current if a.status == Attendance.Status.REGRETS],
        "antitrust_kind": antitrust.kind if antitrust else "",
        "antitrust_read_by": antitrust.read_by_id if antitrust else None,
    }
    form = AttendanceForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.attendance_record(
            meeting=meeting, present=list(data["present"]), regrets=list(data["regrets"]), guests=data["guests"],
            antitrust_read_by=data["antitrust_read_by"], antitrust_kind=data["antitrust_kind"] or None,
        )
        messages.success(request, "Attendance saved.")
        return redirect(meeting.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "minutes/meeting_attendance.html", {"meeting": meeting, "form": form}, status=status)


def _editor_formsets(data, meeting: Meeting):
    owners = Person.objects.filter(Q(attendances__meeting=meeting) | Q(roles__group=meeting.group)).distinct().order_by("full_name")
    records = meeting_with_records().get(pk=meeting.pk)
    topics = TopicFormSet(
        data, prefix="topics",
        initial=[{"id": t.pk, "title": t.title, "points": "\n".join(p.text for p in t.points.all())} for t in records.topics.all()],
    )
    decisions = DecisionFormSet(
        data, prefix="decisions",
        initial=[{"id": d.pk, "text": d.text, "topic": d.topic.title if d.topic else ""} for d in records.decisions.all()],
    )
    actions = ActionItemFormSet(
        data, prefix="actions", form_kwargs={"owners": owners},
        initial=[
            {"id": i.pk, "owner": i.owner_id, "text": i.text, "due": i.due, "topic": i.topic.title if i.topic else ""}
            for i in records.action_items.all()
        ],
    )
    return topics, decisions, actions


@login_required
def minutes_edit(request, pk):
    meeting = _meeting_or_404(pk)
    minutes = _minutes_of(meeting)
    _require(request.user, access.can_edit_minutes(request.user, minutes))
    topics, decisions, actions = _editor_formsets(request.POST if request.method == "POST" else None, meeting)
    context = {"meeting": meeting, "minutes": minutes, "topics": topics, "decisions": decisions, "actions": actions}
    status = 200
    if request.method == "POST":
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            return HttpResponseBadRequest("The form is missing its version number; reload the page.")
        context["version"] = expected
        if all(fs.is_valid() for fs in (topics, decisions, actions)):
            sections = {"topics": kept_rows(topics), "decisions": kept_rows(decisions), "action_items": kept_rows(actions)}
            if "preview" in request.POST:
                context["preview"] = form_to_markdown_body(_preview_form(meeting, sections))
            else:
                try:
                    services.minutes_save(minutes=minutes, sections=sections, expected_version=expected, user=request.user)
                except services.MinutesConflict as exc:
                    messages.error(request, str(exc))
                    context["conflict"] = True
                    status = 409
                except services.WorkflowError as exc:
                    messages.error(request, str(exc))
                    status = 400
                else:
                    messages.success(request, "Draft saved.")
                    return redirect("minutes:minutes_edit", pk=meeting.pk)
        else:
            messages.error(request, "Some fields need attention; nothing was saved.")
            status = 400
    context.setdefault("version", minutes.version)
    return render(request, "minutes/minutes_edit.html", context, status=status)


def _preview_form(meeting: Meeting, sections: dict) -> dict:
    form = services.minutes_to_form(meeting_with_records().get(pk=meeting.pk))
    form["topics"] = [{"title": t["title"], "summary": t["points"]} for t in sections["topics"]]
    form["decisions"] = [{"text": d["text"], "topic": d.get("topic") or None} for d in sections["decisions"]]
    form["action_items"] = [
        {"owner": i["owner"].full_name if i.get("owner") else None, "text": i["text"],
         "due": i["due"].isoformat() if i.get("due") else None, "topic": i.get("topic") or None}
        for i in sections["action_items"]
    ]
    return form


def minutes_history(request, pk):
    meeting = _meeting_or_404(pk)
    minutes = _minutes_of(meeting)
    if not access.can_view_records(request.user, meeting, minutes):
        raise Http404("These minutes are not public.")
    revisions = list(minutes.revisions.select_related("author"))
    diff = None
    a, b = request.GET.get("a"), request.GET.get("b")
    if a and b:
        by_version = {str(r.version): r for r in revisions}
        if a not in by_version or b not in by_version:
            messages.error(request, "Pick two versions that exist.")
        else:
            old, new = by_version[a], by_version[b]
            diff = difflib.HtmlDiff(wrapcolumn=70).make_table(
                old.body.splitlines(), new.body.splitlines(), f"version {a}", f"version {b}", context=True, numlines=2
            )
    return render(
        request,
        "minutes/minutes_history.html",
        {
            "meeting": meeting, "minutes": minutes, "revisions": revisions, "diff": diff,
            "events": minutes.events.select_related("actor"), "can_edit": access.can_edit_minutes(request.user, minutes),
        },
    )


@login_required
@require_POST
def minutes_restore(request, pk):
    meeting = _meeting_or_404(pk)
    minutes = _minutes_of(meeting)
    _require(request.user, access.can_edit_minutes(request.user, minutes))
    try:
        version, expected = int(request.POST.get("version_to_restore", "")), int(request.POST.get("version", ""))
        services.minutes_restore(minutes=minutes, version=version, expected_version=expected, user=request.user)
    except ValueError:
        return HttpResponseBadRequest("Missing version numbers.")
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Version {version} restored as the current version.")
    return redirect("minutes:minutes_history", pk=meeting.pk)


@login_required
@require_POST
def minutes_circulate(request, pk):
    meeting = _meeting_or_404(pk)
    minutes = _minutes_of(meeting)
    _require(request.user, access.can_edit_minutes(request.user, minutes))
    try:
        services.minutes_circulate(minutes=minutes, user=request.user)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Draft circulated to the group for review.")
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def minutes_comment(request, pk):
    meeting = _meeting_or_404(pk)
    minutes = _minutes_of(meeting)
    _require(request.user, access.can_comment(request.user, minutes))
    form = CommentForm(request.POST, topics=meeting.topics.all())
    if not form.is_valid():
        messages.error(request, "A comment needs some text and a section of these minutes.")
        return redirect(meeting.get_absolute_url())
    topic = meeting.topics.filter(pk=form.cleaned_data["topic"]).first() if form.cleaned_data["topic"] else None
    try:
        services.comment_add(minutes=minutes, user=request.user, text=form.cleaned_data["text"], topic=topic)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Comment added.")
    return redirect(meeting.get_absolute_url() + "#comments")


@login_required
@require_POST
def meeting_record_approval(request, pk):
    """At meeting ``pk``, record the outcome for the minutes of an earlier meeting."""
    meeting = _meeting_or_404(pk)
    _require(request.user, access.can_manage_meeting(request.user, meeting))
    pending = list(services.pending_approvals(meeting))
    form = ApprovalForm(request.POST, pending=pending)
    if not form.is_valid():
        messages.error(request, "Pick minutes awaiting approval and an outcome.")
        return redirect(meeting.get_absolute_url())
    earlier = next(m for m in pending if m.pk == form.cleaned_data["of_meeting"])
    try:
        services.minutes_record_approval(
            minutes=earlier.minutes, acted_at=meeting, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"],
            user=request.user,
        )
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Recorded for the minutes of {earlier.date:%Y-%m-%d}.")
    return redirect(meeting.get_absolute_url())


REDACTABLE = {"topic": Topic, "point": TopicPoint, "decision": Decision, "action": ActionItem}


@login_required
@require_POST
def meeting_redact(request, pk):
    meeting = _meeting_or_404(pk)
    _require(request.user, access.can_manage_meeting(request.user, meeting))
    model = REDACTABLE.get(request.POST.get("kind", ""))
    if model is None:
        return HttpResponseBadRequest("Unknown kind of record.")
    lookup = {"topic__meeting": meeting} if model is TopicPoint else {"meeting": meeting}
    record = get_object_or_404(model, pk=request.POST.get("id") or 0, **lookup)
    private = request.POST.get("private") == "1"
    services.record_set_private(record=record, private=private)
    messages.success(request, "Left out of the public copy." if private else "Shown in the public copy again.")
    return redirect(meeting.get_absolute_url())


@login_required
@require_POST
def action_item_complete(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("meeting"), pk=pk)
    if not access.can_view_action_item(request.user, item):
        raise Http404("No such action item.")
    _require(request.user, access.can_complete_action_item(request.user, item))
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown status.")
    try:
        services.action_item_complete(item=item, user=request.user, note=form.cleaned_data["note"], status=form.cleaned_data["status"])
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Action item marked {form.cleaned_data['status']}.")
    next_url = request.POST.get("next")
    return redirect(next_url if url_has_allowed_host_and_scheme(next_url, allowed_hosts=None) else "minutes:my_action_items")


def minutes_post(request, pk):
    """The public post of final minutes as a Markdown file (the Forum website's format)."""
    meeting = _meeting_or_404(pk)
    minutes = _minutes_of(meeting)
    if minutes.status != Minutes.Status.FINAL:
        raise Http404("Only final minutes are published.")
    text = publish.meeting_post(meeting_with_records().get(pk=meeting.pk))
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{publish.post_slug(meeting)}.md"'
    return response


@login_required
@require_POST
def minutes_publish(request, pk):
    meeting = _meeting_or_404(pk)
    _require(request.user, access.can_manage_meeting(request.user, meeting))
    try:
        _text, path = publish.minutes_publish(meeting=meeting)
    except services.WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        if path is None:
            messages.info(request, "No website repository is configured (PUBLISH_REPO_DIR); download the post instead.")
        else:
            messages.success(request, f"Published to {path} in the website repository (not pushed).")
    return redirect(meeting.get_absolute_url())
