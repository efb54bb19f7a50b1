"""The draft-minutes builder: utterances (speaker, start, text) -> the structured minutes form
(shared/schemas/minutes.schema.json). A pipeline of small pure steps:

    cues (written forms) -> people (speakers normalised, attendees) -> phases (chair, agenda segments)
    -> extract (each field) -> summarise (points per topic) -> assemble

``draft_form`` uses the optional LLM backend (transcription.draft.llm) when it is configured and its
answer survives validation, and this rule-based builder otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from .cues import content_words, make_cues
from .extract import (
    Context,
    action_items,
    adjourned,
    antitrust,
    approval_decision,
    approvals,
    ballots,
    decisions,
    minute_taker,
    next_meeting,
)
from .people import KnownPerson, build_roster, normalise_speakers, roll_call_cues
from .phases import find_chair, segment
from .summarise import summarise

__all__ = ["KnownPerson", "build_form", "draft_form"]

APPROVALS_TITLE = "Approval of minutes"
# The whole draft (topic titles and points, decisions, action items) aims at this share of the
# transcript's words: members asked for minutes they can digest, not a transcript.
TARGET_COMPRESSION = 0.15


def _topic_segments(segments):
    chosen = []
    for seg in segments:
        body = [c for c in (seg.cues[1:] if seg.kind != "opening" else seg.cues) if c.phase != "roll_call"]
        words = sum(len(content_words(c.text)) for c in body)
        speakers = {c.speaker for c in body if c.speaker}
        if seg.kind == "topic" and words >= 15:
            chosen.append(seg)
        elif seg.kind == "other_business" and words >= 30:
            chosen.append(seg)
        elif seg.kind == "approvals" and len(body) >= 6 and len(speakers) >= 3:
            # Minutes only become a topic when they were discussed, not just approved.
            seg.title = APPROVALS_TITLE
            chosen.append(seg)
    return chosen


def _budget(words: int) -> int:
    return max(1, min(4, 1 + words // 220))


def build_form(
    utterances: Sequence,
    *,
    meeting_date: dt.date | None = None,
    people: Iterable[KnownPerson] = (),
    working_group: str | None = None,
    title: str | None = None,
    kind: str | None = None,
) -> dict:
    """The rule-based draft of one meeting's minutes from its utterances (objects with ``speaker``,
    ``start`` and ``text``). ``people`` are the group's known people, ``meeting_date`` resolves said
    dates ('by Friday', 'January 9th')."""
    known = list(people)
    cues = make_cues(utterances)
    normalise_speakers(cues, known)
    chair = find_chair(cues, [p.name for p in known if p.chair]) if cues else None
    segments = segment(cues, chair)
    roster = build_roster(cues, known)
    for index in roll_call_cues(cues, opening=False):
        cues[index].phase = "roll_call"
    ctx = Context(cues=cues, segments=segments, roster=roster, chair=chair, meeting_date=meeting_date)

    topic_segments = _topic_segments(segments)
    topic_titles = {seg.title for seg in topic_segments}
    found_approvals = approvals(ctx)
    found_decisions = [approval_decision(a) for a in found_approvals] + decisions(ctx)
    found_actions = action_items(ctx)
    for item in found_decisions + found_actions:
        if item.get("topic") not in topic_titles:
            item["topic"] = (
                APPROVALS_TITLE if item.get("topic") and APPROVALS_TITLE in topic_titles and "minutes" in item["topic"].lower() else None
            )

    total_words = sum(len(c.text.split()) for c in cues)
    budgets = {seg.index: _budget(sum(len(c.text.split()) for c in seg.cues)) for seg in topic_segments}
    points = summarise(segments, budgets, exclude={i["text"] for i in found_decisions + found_actions})
    fixed = sum(len(seg.title.split()) for seg in topic_segments) + sum(len(i["text"].split()) for i in found_decisions + found_actions)
    # Over budget: drop the weakest points, never a topic's only point.
    flat = sorted(((score, index, text) for index, pts in points.items() for _, text, score in pts), key=lambda p: p[0])
    used = fixed + sum(len(t.split()) for _, _, t in flat)
    for _score, index, text in flat:
        if used <= TARGET_COMPRESSION * total_words:
            break
        if len(points[index]) > 1:
            points[index] = [p for p in points[index] if p[1] != text]
            used -= len(text.split())

    date = meeting_date.isoformat() if meeting_date else None
    group = working_group or None
    return {
        "schema_version": 1,
        "meeting": {
            "title": title or " ".join(filter(None, [date, f"Minutes of the {group}" if group else "Draft minutes"])),
            "date": date,
            "working_group": group,
            "kind": kind,
            "f2f_number": None,
            "location": None,
        },
        "attendees": [{"name": name, "organization": org} for name, org in roster.attendees.items()],
        "chair": chair,
        "minute_taker": minute_taker(ctx),
        "antitrust_statement": antitrust(ctx),
        "minutes_approvals": [{k: v for k, v in a.items() if k != "start_seconds"} for a in found_approvals],
        "topics": [
            {"title": seg.title, "summary": [text for _, text, _ in points.get(seg.index, [])], "start_seconds": seg.start}
            for seg in topic_segments
        ],
        "decisions": found_decisions,
        "action_items": found_actions,
        "ballots": ballots(ctx),
        "next_meeting": next_meeting(ctx),
        "adjourned": adjourned(ctx),
    }


def draft_form(utterances: Sequence, **options) -> dict:
    """The draft from the configured LLM endpoint when one is set and its answer checks out against the
    transcript, else from the rule-based builder. Takes the same options as ``build_form``."""
    from . import llm

    fallback = build_form(utterances, **options)
    if not llm.configured():
        return fallback
    return llm.improve(utterances, fallback) or fallback
