"""Ballot pages: the pipeline board, a ballot with its versions, votes and computed result, the chair's
and the voter's forms; F2F goals and the "status and goals" deck. Ballots and goals are public; changing
them takes a chair of the group (or staff), voting takes a member of a voting member organization."""

from __future__ import annotations

import datetime as dt
import difflib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Prefetch, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from minutes import access, pagecache
from minutes.models import WorkingGroup

from . import forms, services, tally
from .models import Ballot, F2FMeeting, Goal
from .services import BallotError

OUTCOME_LABELS = {tally.PASSED: "Passed", tally.FAILED: "Failed", tally.PENDING: "Pending", tally.NOT_APPLICABLE: "Not applicable"}
BOARD_COLUMNS = [
    Ballot.Status.DRAFT,
    Ballot.Status.DISCUSSION,
    Ballot.Status.VOTING,
    Ballot.Status.IPR_REVIEW,
    Ballot.Status.PASSED,
    Ballot.Status.FAILED,
    Ballot.Status.WITHDRAWN,
]


def _managed_groups(user):
    groups = WorkingGroup.objects.order_by("name")
    if user.is_staff:
        return groups
    return groups.filter(pk__in=[g for g in access.roles_of(user) if access.can_manage_group(user, g)])


def _can_create(user) -> bool:
    """``_managed_groups(user).exists()``, without a query for those who are not staff (their roles are read anyway)."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return WorkingGroup.objects.exists()
    return any(access.can_manage_group(user, g) for g in access.roles_of(user))


def _require_chair(request, group_id: int) -> None:
    if not access.can_manage_group(request.user, group_id):
        raise PermissionDenied("Only the group's chairs may do this.")


def _days_left(moment: dt.datetime, now: dt.datetime) -> str:
    seconds = (moment - now).total_seconds()
    if seconds <= 0:
        return "due now"
    days = int(seconds // 86400)
    return f"{days} day{'s' if days != 1 else ''} left" if days else "less than a day left"


def ballot_clock(ballot: Ballot, now: dt.datetime) -> list[str]:
    """The clocks that apply to a ballot in its state, as short sentences."""
    lines = []
    if ballot.status == Ballot.Status.DISCUSSION and ballot.discussion_ends_at:
        if ballot.discussion_ends_at > now:
            lines.append(f"Discussion until {ballot.discussion_ends_at:%Y-%m-%d} ({_days_left(ballot.discussion_ends_at, now)})")
        else:
            lines.append("Discussion period over: voting can open")
    if ballot.auto_fail_at:
        lines.append(f"Fails automatically {ballot.auto_fail_at:%Y-%m-%d} ({_days_left(ballot.auto_fail_at, now)})")
    if ballot.status == Ballot.Status.VOTING and ballot.voting_ends_at:
        lines.append(f"Voting ends {ballot.voting_ends_at:%Y-%m-%d %H:%M} UTC ({_days_left(ballot.voting_ends_at, now)})")
    if ballot.status == Ballot.Status.IPR_REVIEW and ballot.ipr_review_ends_at:
        lines.append(f"Review ends {ballot.ipr_review_ends_at:%Y-%m-%d} ({_days_left(ballot.ipr_review_ends_at, now)})")
    if ballot.status == Ballot.Status.PASSED and ballot.effective_date:
        lines.append(f"Effective {ballot.effective_date:%Y-%m-%d}")
    if ballot.status in (Ballot.Status.FAILED, Ballot.Status.WITHDRAWN) and ballot.status_note:
        lines.append(ballot.status_note)
    return lines


BOARD_ACTIVE = [Ballot.Status.DRAFT, Ballot.Status.DISCUSSION, Ballot.Status.VOTING, Ballot.Status.IPR_REVIEW]
# Rows per column on the board: the ballots in flight (rarely more than a handful) and the latest closed ones;
# each column links to all of its ballots, a page at a time.
BOARD_ACTIVE_ROWS = 25
BOARD_CLOSED_ROWS = 10
COLUMN_PAGE_ROWS = 50
# Columns shown newest first: when it closed, else when voting, the discussion or the latest version began.
BOARD_ORDER = [
    Coalesce("closed_at", "voting_started_at", "discussion_started_at", "last_version_at").desc(nulls_last=True),
    F("identifier").asc(),
]


def _board_ballots(ballots, now):
    """Each column's latest rows and its size, in one query: ranked within the column by a window function."""
    ranked = (
        ballots.annotate(
            column_rank=Window(RowNumber(), partition_by=[F("status")], order_by=BOARD_ORDER),
            column_size=Window(Count("id"), partition_by=[F("status")]),
            column_limit=Case(When(status__in=BOARD_ACTIVE, then=Value(BOARD_ACTIVE_ROWS)), default=Value(BOARD_CLOSED_ROWS)),
        )
        .filter(column_rank__lte=F("column_limit"))
        .order_by("column_rank")
    )
    columns = {status: {"rows": [], "size": 0} for status in BOARD_COLUMNS}
    for ballot in ranked:
        column = columns[ballot.status]
        column["rows"].append({"ballot": ballot, "clock": ballot_clock(ballot, now)})
        column["size"] = ballot.column_size
    return [
        {"status": status, "label": Ballot.Status(status).label, "rows": c["rows"], "size": c["size"], "more": c["size"] > len(c["rows"])}
        for status, c in columns.items()
    ]


def _board_html(group_slug: str, status: str | None, page_number) -> tuple[dict, int | None]:
    """The board (or one column of it, a page at a time) as HTML; raises Http404 for an unknown group."""
    ballots = Ballot.objects.select_related("group").defer(
        "summary", "quorum_basis", "quorum_override_reason", "result", "published_counts", "source"
    )
    group = None
    if group_slug:
        group = get_object_or_404(WorkingGroup, slug=group_slug)
        ballots = ballots.filter(group=group)
    now = timezone.now()
    context = {"groups": WorkingGroup.objects.order_by("name"), "group": group}
    number = None
    if status:
        page = Paginator(ballots.filter(status=status).order_by(*BOARD_ORDER), COLUMN_PAGE_ROWS).get_page(page_number)
        number = page.number
        context["column"] = {
            "status": status,
            "label": Ballot.Status(status).label,
            "rows": [{"ballot": ballot, "clock": ballot_clock(ballot, now)} for ballot in page.object_list],
            "size": page.paginator.count,
            "query": urlencode({**({"group": group.slug} if group else {}), "status": status}) + "&",
        }
        context["page"] = page
    else:
        context["columns"] = _board_ballots(ballots, now)
    title = f"Ballots of {group.short_name or group.name}" if group else "Ballots"
    if status:
        title = f"{Ballot.Status(status).label} ballots" + (f" of {group.short_name or group.name}" if group else "")
    return {"title": title, "html": render_to_string("ballots/_board.html", context)}, number


def ballot_list(request):
    """The pipeline board, grouped like the Forum's site; ``?status=`` lists one column in full.

    The board is the same for everyone: it is cached (minutes.pagecache) until anything changes, and for a
    minute at most because of its clocks ("5 days left"); only the "New ballot" link depends on the viewer."""
    snap = pagecache.snapshot()
    group_slug = request.GET.get("group") or ""
    status = request.GET.get("status") or None
    if status is not None and status not in BOARD_COLUMNS:
        status = None
    page_number = str(request.GET.get("page") or 1) if status else None
    minute = timezone.now().replace(second=0, microsecond=0).isoformat()
    board = snap.get("ballot-board", group_slug, status, page_number, minute)
    if board is None:
        board, number = _board_html(group_slug, status, page_number)
        snap.put(board, "ballot-board", group_slug, status, str(number) if number else None, minute)
    context = {
        "title": board["title"],
        "board": pagecache.with_csrf(request, board["html"]),
        "can_create": _can_create(request.user),
    }
    return render(request, "ballots/ballot_list.html", context)


def _ballot_queryset():
    return Ballot.objects.select_related("group", "proposer__organization").prefetch_related(
        "endorsements__person",
        "endorsements__organization",
        "mentions__meeting",
        "versions",
        "votes__organization",
        "ipr_exclusions__organization",
        "goals__f2f",
    )


def _version_diffs(versions) -> list[dict]:
    diffs = []
    for before, after in zip(versions, versions[1:], strict=False):
        table = difflib.HtmlDiff(wrapcolumn=70).make_table(
            before.text.splitlines(), after.text.splitlines(), before.label, after.label, context=True, numlines=2
        )
        # HtmlDiff escapes the texts it compares.
        diffs.append({"before": before, "after": after, "table": mark_safe(table)})  # noqa: S308
    return diffs


def _votes_by_class(ballot: Ballot) -> list[dict]:
    counts = services.vote_counts(ballot)
    rows = []
    for cls, key in services.CLASS_KEYS.items():
        names = {choice: [] for choice in tally.CHOICES}
        for vote in ballot.votes.all():
            if vote.voting_class == cls:
                names[vote.choice].append(vote.organization.name)
        rows.append({"label": tally.CLASS_LABELS[key], "count": counts[key], "names": names})
    return rows


def ballot_detail(request, identifier):
    ballot = get_object_or_404(_ballot_queryset(), identifier=identifier)
    versions = list(ballot.versions.all())
    result = services.ballot_result(ballot)
    reasons = ballot.result["reasons"] if ballot.result else result.reasons
    outcome = ballot.result["outcome"] if ballot.result else result.outcome
    is_chair = access.can_manage_group(request.user, ballot.group_id)
    voter_org = _voter_organization(request.user, ballot)
    context = {
        "ballot": ballot,
        "versions": versions,
        "diffs": _version_diffs(versions),
        "votes": _votes_by_class(ballot),
        "outcome": outcome,
        "outcome_label": OUTCOME_LABELS.get(outcome, outcome),
        "disagrees": bool(ballot.published_result) and outcome in (tally.PASSED, tally.FAILED) and outcome != ballot.published_result,
        "reasons": [{"text": r, "met": r.endswith(": met"), "not_met": r.endswith(": not met")} for r in reasons],
        "clock": ballot_clock(ballot, timezone.now()),
        "is_chair": is_chair,
        "voter_org": voter_org,
        "history": ballot.vote_history.select_related("organization").order_by("cast_at", "id") if is_chair else [],
    }
    if is_chair:
        context.update(
            endorsement_form=forms.EndorsementForm(),
            open_form=forms.OpenVotingForm(),
            vote_entry_form=forms.VoteEntryForm(auto_id="id_entry_%s"),
            exclusion_form=forms.IPRExclusionForm(),
            withdraw_form=forms.WithdrawForm(),
        )
    if voter_org is not None and ballot.status == Ballot.Status.VOTING:
        own = next((v for v in ballot.votes.all() if v.organization_id == voter_org.pk), None)
        context.update(vote_form=forms.VoteForm(initial={"choice": own.choice if own else None}), own_vote=own)
    return render(request, "ballots/ballot_detail.html", context)


def _voter_organization(user, ballot: Ballot):
    """The organization a user votes for: their own, when they are a member of the ballot's group."""
    person = access.person_of(user)
    if person is None or person.organization_id is None or not access.is_member(user, ballot.group_id):
        return None
    return person.organization


def _done(request, ballot: Ballot, action, success: str):
    try:
        action()
    except BallotError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(ballot)


def _form_errors(request, ballot: Ballot, form):
    for field, errors in form.errors.items():
        label = field.replace("_", " ").capitalize() if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect(ballot)


@login_required
def ballot_create(request):
    groups = _managed_groups(request.user)
    if not groups.exists():
        raise PermissionDenied("Only chairs may create ballots.")
    form = forms.BallotCreateForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ballot = services.ballot_create(
                group=data["group"],
                identifier=data["identifier"],
                title=data["title"],
                kind=data["kind"],
                guideline_type=data["guideline_type"],
                proposer=data["proposer"],
                text=data["text"],
                summary=data["summary"],
                by=request.user,
            )
        except BallotError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{ballot.identifier} created as a draft; it needs two endorsements.")
            return redirect(ballot)
    return render(request, "ballots/ballot_form.html", {"form": form, "title": "New ballot"})


@login_required
def version_add(request, identifier):
    ballot = get_object_or_404(Ballot.objects.select_related("group"), identifier=identifier)
    _require_chair(request, ballot.group_id)
    form = forms.VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.ballot_version_add(
                ballot=ballot, text=form.cleaned_data["text"], label=form.cleaned_data["label"], by=request.user
            )
        except BallotError as error:
            form.add_error(None, error.message)
        else:
            restarted = " The discussion period starts again." if ballot.status == Ballot.Status.DISCUSSION else ""
            messages.success(request, f"Version {version.label} posted.{restarted}")
            return redirect(ballot)
    latest = ballot.versions.order_by("-number").first()
    if request.method == "GET" and latest:
        form.initial["text"] = latest.text
    return render(request, "ballots/ballot_form.html", {"form": form, "title": f"New version of {ballot.identifier}", "ballot": ballot})


def _chair_post(view):
    """A chair's POST-only action on a ballot: login, chair check, then ``view(request, ballot)``."""

    @login_required
    @require_POST
    def wrapped(request, identifier):
        ballot = get_object_or_404(Ballot.objects.select_related("group"), identifier=identifier)
        _require_chair(request, ballot.group_id)
        return view(request, ballot)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_chair_post
def endorsement_add(request, ballot):
    form = forms.EndorsementForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ballot, form)
    person = form.cleaned_data["person"]
    return _done(
        request,
        ballot,
        lambda: services.endorsement_add(ballot=ballot, person=person, by=request.user),
        f"Endorsement by {person} ({person.organization}) recorded.",
    )


@_chair_post
def voting_open(request, ballot):
    form = forms.OpenVotingForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ballot, form)
    return _done(
        request,
        ballot,
        lambda: services.voting_open(
            ballot=ballot,
            by=request.user,
            quorum_required=form.cleaned_data["quorum_required"],
            quorum_reason=form.cleaned_data["quorum_reason"],
        ),
        f"Voting on {ballot.identifier} is open for 7 days.",
    )


@_chair_post
def vote_enter(request, ballot):
    form = forms.VoteEntryForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ballot, form)
    organization, choice = form.cleaned_data["organization"], form.cleaned_data["choice"]
    return _done(
        request,
        ballot,
        lambda: services.vote_cast(ballot=ballot, organization=organization, choice=choice, by=request.user),
        f"Vote of {organization} recorded: {choice}.",
    )


@_chair_post
def ipr_exclusion_record(request, ballot):
    form = forms.IPRExclusionForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ballot, form)
    organization = form.cleaned_data["organization"]
    return _done(
        request,
        ballot,
        lambda: services.ipr_exclusion_record(ballot=ballot, organization=organization, note=form.cleaned_data["note"], by=request.user),
        f"Exclusion notice by {organization} recorded; the approval of {ballot.identifier} is rescinded.",
    )


@_chair_post
def ballot_withdraw(request, ballot):
    form = forms.WithdrawForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ballot, form)
    return _done(
        request,
        ballot,
        lambda: services.ballot_withdraw(ballot=ballot, reason=form.cleaned_data["reason"], by=request.user),
        f"{ballot.identifier} withdrawn.",
    )


@login_required
@require_POST
def vote(request, identifier):
    """A voter casts their own organization's vote."""
    ballot = get_object_or_404(Ballot.objects.select_related("group"), identifier=identifier)
    organization = _voter_organization(request.user, ballot)
    if organization is None:
        raise PermissionDenied("Only representatives of the group's voting members may vote.")
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, ballot, form)
    choice = form.cleaned_data["choice"]
    return _done(
        request,
        ballot,
        lambda: services.vote_cast(
            ballot=ballot, organization=organization, choice=choice, person=access.person_of(request.user), by=request.user
        ),
        f"Your vote for {organization} is recorded: {choice}. You may change it until voting closes.",
    )


# -- F2F goals ----------------------------------------------------------------------------------


def f2f_list(request):
    f2fs = F2FMeeting.objects.annotate(goal_count=Count("goals")).order_by("-number")
    return render(request, "ballots/f2f_list.html", {"f2fs": f2fs})


def _goals_with_links(request, goals):
    visible_items = access.action_items_visible_to(request.user).select_related("owner")
    return goals.select_related("group", "owner__organization", "carried_from__f2f").prefetch_related(
        "ballots", Prefetch("action_items", queryset=visible_items)
    )


def f2f_detail(request, number):
    f2f = get_object_or_404(F2FMeeting, number=number)
    goals = _goals_with_links(request, Goal.objects.filter(f2f=f2f).order_by("group__name", "status", "id"))
    managed = _managed_groups(request.user) if request.user.is_authenticated else WorkingGroup.objects.none()
    by_group: dict[int, dict] = {}
    for goal in goals:
        by_group.setdefault(goal.group_id, {"group": goal.group, "goals": []})["goals"].append(goal)
    managed_ids = set(managed.values_list("pk", flat=True))
    for group in managed:
        by_group.setdefault(group.pk, {"group": group, "goals": []})
    sections = sorted(by_group.values(), key=lambda s: s["group"].name)
    for section in sections:
        section["can_manage"] = section["group"].pk in managed_ids
    return render(
        request,
        "ballots/f2f_detail.html",
        {
            "f2f": f2f,
            "sections": sections,
            "previous": services.f2f_previous(f2f),
        },
    )


@login_required
def goal_create(request, number):
    f2f = get_object_or_404(F2FMeeting, number=number)
    groups = _managed_groups(request.user)
    if not groups.exists():
        raise PermissionDenied("Only chairs may record goals.")
    form = forms.GoalForm(request.POST or None, groups=groups, initial={"year": f2f.starts_on.year})
    if request.method == "POST" and form.is_valid():
        goal = form.save(commit=False)
        goal.f2f = f2f
        goal.save()
        form.save_m2m()
        messages.success(request, f"Goal “{goal.title}” recorded for F2F {f2f.number}.")
        return redirect("ballots:f2f_detail", number=f2f.number)
    return render(request, "ballots/goal_form.html", {"form": form, "f2f": f2f, "title": f"New goal for F2F {f2f.number}"})


@login_required
def goal_edit(request, pk):
    goal = get_object_or_404(Goal.objects.select_related("f2f", "group"), pk=pk)
    _require_chair(request, goal.group_id)
    form = forms.GoalForm(request.POST or None, instance=goal, groups=_managed_groups(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Goal “{goal.title}” saved.")
        return redirect("ballots:f2f_detail", number=goal.f2f.number) if goal.f2f else redirect("ballots:f2f_list")
    return render(request, "ballots/goal_form.html", {"form": form, "f2f": goal.f2f, "title": f"Edit goal: {goal.title}"})


@login_required
@require_POST
def goals_carry_forward(request, number, slug):
    """Copy the group's open goals of the previous F2F into this one."""
    f2f = get_object_or_404(F2FMeeting, number=number)
    group = get_object_or_404(WorkingGroup, slug=slug)
    _require_chair(request, group.pk)
    previous = services.f2f_previous(f2f)
    if previous is None:
        messages.error(request, f"There is no F2F before F2F {f2f.number} to carry goals from.")
    else:
        copied = services.goals_carry_forward(source=previous, target=f2f, group=group)
        messages.success(request, f"{len(copied)} open goal(s) of {group.short_name or group.name} carried from F2F {previous.number}.")
    return redirect("ballots:f2f_detail", number=f2f.number)


DECK_FORMATS = {"html", "md", "pdf"}


def f2f_deck(request, number, slug, fmt):
    """The "status and goals" slides of a group's F2F session: HTML deck, Markdown or PDF."""
    if fmt not in DECK_FORMATS:
        raise Http404("Unknown deck format.")
    f2f = get_object_or_404(F2FMeeting, number=number)
    group = get_object_or_404(WorkingGroup, slug=slug)
    deck = services.f2f_deck(f2f=f2f, group=group)
    filename = f"f2f-{f2f.number}-{group.slug}-status-and-goals"
    if fmt == "md":
        text = render_to_string("ballots/deck.md", deck)
        response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}.md"'
        return response
    html = render_to_string("ballots/deck.html", {**deck, "for_pdf": fmt == "pdf"}, request=request)
    if fmt == "html":
        return HttpResponse(html)
    from weasyprint import HTML  # imported here: it loads pango, which only the PDF needs

    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response

