from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.shortcuts import get_object_or_404, redirect, render

from . import access
from .models import ActionItem, Person, WorkingGroup
from .services import meeting_with_records

MEETINGS_PER_PAGE = 25
ACTION_ITEMS_PER_PAGE = 50


def group_list(request):
    groups = WorkingGroup.objects.annotate(meeting_count=Count("meetings")).order_by("name")
    return render(request, "minutes/group_list.html", {"groups": groups})


def group_detail(request, slug):
    group = get_object_or_404(WorkingGroup, slug=slug)
    meetings = group.meetings.select_related("minutes", "chair", "minute_taker").order_by("-starts_at")
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "minutes/group_detail.html",
        {
            "group": group,
            "page": page,
            "upcoming": group.meetings.upcoming()[:3],
            "is_member": access.is_member(request.user, group),
        },
    )


def meeting_detail(request, pk):
    meeting = get_object_or_404(meeting_with_records(), pk=pk)
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    minutes = getattr(meeting, "minutes", None)
    show_records = access.can_view_records(request.user, meeting, minutes)
    context = {"meeting": meeting, "minutes": minutes, "show_records": show_records}
    if show_records:
        attendances = [a for a in meeting.attendances.all() if a.status == "present"]
        by_org = sorted(attendances, key=lambda a: (a.organization.name if a.organization else "~", a.person.full_name))
        context.update(
            attendees_by_org=[
                (org, list(rows)) for org, rows in groupby(by_org, key=lambda a: a.organization.name if a.organization else "")
            ],
            regrets=[a for a in meeting.attendances.all() if a.status == "regrets"],
            antitrust=getattr(meeting, "antitrust_reading", None),
            can_edit=minutes is not None and access.can_edit_minutes(request.user, minutes),
        )
    return render(request, "minutes/meeting_detail.html", context)


@login_required
def my_action_items(request):
    person = access.person_of(request.user)
    if person is None:
        messages.info(request, "Your account is not linked to a person in the group's records yet.")
        return redirect("minutes:group_list")
    return redirect("minutes:person_action_items", pk=person.pk)


@login_required
def person_action_items(request, pk):
    person = get_object_or_404(Person.objects.select_related("organization"), pk=pk)
    items = access.action_items_visible_to(
        request.user, ActionItem.objects.open_for(person).select_related("meeting__group", "topic")
    ).order_by(F("due").asc(nulls_last=True), "meeting__starts_at")
    page = Paginator(items, ACTION_ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "minutes/person_action_items.html",
        {"person": person, "page": page, "is_self": access.person_of(request.user) == person},
    )
