"""Search across minutes, topics, topic points, decisions and action items.

PostgreSQL ranks with its full-text search (English stemming, web-search syntax: "quoted phrases", OR,
-excluded); elsewhere each word must appear somewhere in the record (case-insensitive substring), which is
the fallback for SQLite. Both honour minutes/access.py: the public (anonymous users, observers, members of
other groups) find only final minutes and never a record marked private; members of a group also find its
drafts and private records; a minute taker those of the meetings they take; staff everything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, Exists, F, FloatField, Model, OuterRef, Q, QuerySet, Value
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import access
from .models import ActionItem, Attendance, Decision, Meeting, Minutes, Person, Topic, TopicPoint, WorkingGroup

RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"
SNIPPET_WIDTH = 220


# Pure helpers


def query_terms(q: str) -> tuple[list[str], list[str]]:
    """(required, excluded) terms of a web-search style query: words, "quoted phrases", -negated; OR is ignored."""
    required, excluded = [], []
    for negated, phrase, word in re.findall(r'(-?)(?:"([^"]*)"|(\S+))', q):
        term = (phrase or word).strip().strip('"')
        # Lone punctuation matches everything as a substring and nothing as a word.
        if not any(c.isalnum() for c in term) or (not phrase and term.lower() == "or"):
            continue
        (excluded if negated else required).append(term)
    return required, excluded


def snippet(text: str, terms: list[str], width: int = SNIPPET_WIDTH) -> list[tuple[str, bool]]:
    """A window of ``text`` around the first match of any term, as (text, is_match) parts to highlight.

    Full-text search matches word stems ("signing" finds "signed"), so a term also matches words that
    share its first letters.
    """
    text = " ".join(text.split())
    patterns = []
    for term in terms:
        words = term.split()
        if len(words) == 1 and len(term) > 4:
            patterns.append(re.escape(term[: max(4, len(term) - 3)]) + r"\w*")
        else:
            patterns.append(re.escape(term))
    matcher = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None
    first = matcher.search(text) if matcher else None
    start = 0
    if first and first.start() > width // 3:
        start = text.rfind(" ", 0, first.start() - width // 3) + 1
    end = start + width
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    window = text[start:end]
    parts: list[tuple[str, bool]] = []
    if start > 0:
        parts.append(("… ", False))
    position = 0
    for match in matcher.finditer(window) if matcher else ():
        if match.start() > position:
            parts.append((window[position : match.start()], False))
        parts.append((match.group(0), True))
        position = match.end()
    if position < len(window):
        parts.append((window[position:], False))
    if end < len(text):
        parts.append((" …", False))
    return parts


def _date_param(value: str, label: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(f"“{label}” must be a date written as YYYY-MM-DD, for example 2024-01-31 (got “{value[:40]}”).")
        return None


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    group: WorkingGroup | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: Person | None = None


def filters_parse(params) -> tuple[SearchFilters, list[str]]:
    """The filters from a query string, and a message for every value that cannot be used."""
    errors: list[str] = []
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY_LENGTH:
        errors.append(f"The search text is too long: at most {MAX_QUERY_LENGTH} characters.")
    group = None
    if slug := params.get("group", "").strip():
        group = WorkingGroup.objects.filter(slug=slug).first()
        if group is None:
            errors.append(f"There is no working group “{slug[:40]}”.")
    date_from = _date_param(params.get("from", "").strip(), "From", errors)
    date_to = _date_param(params.get("to", "").strip(), "To", errors)
    if date_from and date_to and date_from > date_to:
        errors.append("“From” is after “To”: swap the dates.")
    person = None
    if person_id := params.get("person", "").strip():
        if not person_id.isdigit():
            errors.append("“Person” must be chosen from the list.")
        else:
            person = Person.objects.filter(pk=int(person_id)).first()
            if person is None:
                errors.append("That person is not in the records.")
    return SearchFilters(q=q, group=group, date_from=date_from, date_to=date_to, person=person), errors


# Selectors


@dataclass(frozen=True)
class Source:
    """One searchable kind of record and how it reaches its meeting."""

    kind: str
    label: str
    model: type[Model]
    meeting: str  # path to the meeting
    fields: tuple[tuple[str, str], ...]  # (field, full-text weight)
    private: tuple[str, ...] = ()  # flags that hide the record from the public
    owner: str | None = None  # an owner who may always see the record


SOURCES = (
    Source("minutes", "Minutes", Minutes, "meeting", (("meeting__title", "A"), ("body", "B"))),
    Source("topic", "Topic", Topic, "meeting", (("title", "A"),), ("is_private",)),
    Source("point", "Topic point", TopicPoint, "topic__meeting", (("text", "B"),), ("is_private", "topic__is_private")),
    Source("decision", "Decision", Decision, "meeting", (("text", "B"),), ("is_private",)),
    Source("action_item", "Action item", ActionItem, "meeting", (("text", "B"), ("owner__full_name", "C")), ("is_private",), "owner"),
)
SOURCE_BY_KIND = {source.kind: source for source in SOURCES}


def _has_redactions() -> Q:
    """The meeting of a Minutes row has a record left out of the public copy, which its body may still quote."""
    meeting = OuterRef("meeting")
    return (
        Q(Exists(Topic.objects.filter(meeting=meeting, is_private=True)))
        | Q(Exists(TopicPoint.objects.filter(topic__meeting=meeting, is_private=True)))
        | Q(Exists(Decision.objects.filter(meeting=meeting, is_private=True)))
        | Q(Exists(ActionItem.objects.filter(meeting=meeting, is_private=True)))
    )


def visible_q(source: Source, user) -> Q:
    """Records of ``source`` the user may find; mirrors access.can_view_records plus the redaction flags."""
    if user.is_authenticated and user.is_staff:
        return Q()
    m = source.meeting
    if source.model is Minutes:
        public = Q(status=Minutes.Status.FINAL) & ~_has_redactions()
    else:
        public = Q(**{f"{m}__minutes__status": Minutes.Status.FINAL})
    for flag in source.private:
        public &= Q(**{flag: False})
    if not user.is_authenticated:
        return public
    member_groups = [group_id for group_id, kind in access.roles_of(user).items() if kind in access.READING_ROLES]
    visible = public | Q(**{f"{m}__group__in": member_groups}) | Q(**{f"{m}__minute_taker__user": user})
    if source.owner:
        visible |= Q(**{f"{source.owner}__user": user})
    return visible


def _involving(source: Source, person: Person) -> Q:
    """Records of meetings the person attended, chaired or took minutes of, and action items they own."""
    m = source.meeting
    attended = Attendance.objects.filter(meeting=OuterRef(m), person=person, status=Attendance.Status.PRESENT)
    involved = Q(Exists(attended)) | Q(**{f"{m}__chair": person}) | Q(**{f"{m}__minute_taker": person})
    if source.owner:
        involved |= Q(**{source.owner: person})
    return involved


def _matching(source: Source, queryset: QuerySet, q: str) -> QuerySet:
    """Rows matching the text, annotated with ``score`` (higher is better)."""
    if connection.vendor == "postgresql":
        vector = None
        for field, weight in source.fields:
            part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
            vector = part if vector is None else vector + part
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return queryset.annotate(search=vector).filter(search=query).annotate(score=SearchRank(F("search"), query))
    required, excluded = query_terms(q)
    for term in required:
        queryset = queryset.filter(_any_field_contains(source, term))
    for term in excluded:
        queryset = queryset.exclude(_any_field_contains(source, term))
    return queryset.annotate(score=Value(0.0, output_field=FloatField()))


def _any_field_contains(source: Source, term: str) -> Q:
    condition = Q()
    for field, _weight in source.fields:
        condition |= Q(**{f"{field}__icontains": term})
    return condition


def search_hits(user, filters: SearchFilters) -> QuerySet:
    """One query over every source: rows of (kind, pk, meeting id, score, meeting start), best first."""
    parts = []
    for source in SOURCES:
        m = source.meeting
        queryset = source.model.objects.filter(visible_q(source, user))
        if filters.group:
            queryset = queryset.filter(**{f"{m}__group": filters.group})
        if filters.date_from:
            queryset = queryset.filter(**{f"{m}__starts_at__date__gte": filters.date_from})
        if filters.date_to:
            queryset = queryset.filter(**{f"{m}__starts_at__date__lte": filters.date_to})
        if filters.person:
            queryset = queryset.filter(_involving(source, filters.person))
        queryset = _matching(source, queryset, filters.q)
        parts.append(
            queryset.annotate(
                result_kind=Value(source.kind, output_field=CharField()),
                meeting_ref=F(f"{m}__id"),
                meeting_start=F(f"{m}__starts_at"),
            )
            .values_list("result_kind", "pk", "meeting_ref", "score", "meeting_start")
            .order_by()
        )
    return parts[0].union(*parts[1:], all=True).order_by("-score", "-meeting_start", "result_kind", "pk")


@dataclass
class SearchResult:
    kind: str
    label: str
    title: str
    meeting: Meeting
    snippet: list[tuple[str, bool]]

    @property
    def url(self) -> str:
        return self.meeting.get_absolute_url()


def _loaded(kind: str, pks: list[int]) -> dict[int, Model]:
    source = SOURCE_BY_KIND[kind]
    related = {
        "minutes": ["meeting__group"],
        "topic": ["meeting__group"],
        "point": ["topic__meeting__group"],
        "decision": ["meeting__group", "topic"],
        "action_item": ["meeting__group", "owner"],
    }[kind]
    return source.model.objects.select_related(*related).in_bulk(pks)


def _result(kind: str, record, terms: list[str]) -> SearchResult:
    label = SOURCE_BY_KIND[kind].label
    if kind == "minutes":
        return SearchResult(kind, label, f"Minutes of {record.meeting.title}", record.meeting, snippet(record.body, terms))
    if kind == "topic":
        return SearchResult(kind, label, record.title, record.meeting, snippet(record.title, terms))
    if kind == "point":
        return SearchResult(kind, label, record.topic.title, record.topic.meeting, snippet(record.text, terms))
    if kind == "decision":
        title = f"Decision on {record.topic.title}" if record.topic else "Decision"
        return SearchResult(kind, label, title, record.meeting, snippet(record.text, terms))
    owner = record.owner.full_name if record.owner else "unassigned"
    title = f"Action item ({owner}, {record.get_status_display().lower()})"
    return SearchResult(kind, label, title, record.meeting, snippet(record.text, terms))


def results_for(rows, q: str) -> list[SearchResult]:
    """Turn a page of hit rows into results, loading each kind's records in one query."""
    rows = list(rows)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, pk, *_rest in rows:
        by_kind[kind].append(pk)
    loaded = {kind: _loaded(kind, pks) for kind, pks in by_kind.items()}
    terms, _excluded = query_terms(q)
    return [_result(kind, loaded[kind][pk], terms) for kind, pk, *_rest in rows if pk in loaded[kind]]


# Views


@require_GET
def search(request):
    filters, errors = filters_parse(request.GET)
    page = results = None
    if filters.q and not errors and any(query_terms(filters.q)):
        page = Paginator(search_hits(request.user, filters), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        results = results_for(page.object_list, filters.q)
    context = {
        "filters": filters,
        "values": {
            "q": request.GET.get("q", ""),
            "group": request.GET.get("group", ""),
            "date_from": request.GET.get("from", ""),
            "date_to": request.GET.get("to", ""),
            "person": request.GET.get("person", ""),
        },
        "errors": errors,
        "page": page,
        "results": results,
        "groups": WorkingGroup.objects.order_by("name").values_list("slug", "name"),
        "people": Person.objects.order_by("full_name").values_list("pk", "full_name"),
        "full_text": connection.vendor == "postgresql",
    }
    return render(request, "minutes/search.html", context, status=400 if errors else 200)
