"""Optional LLM step: an OpenAI-compatible chat endpoint writes topics, decisions, action items and
ballots; its answer is checked against the transcript before use, and any failure keeps the rule-based
draft. Configured by environment variables:

    DRAFT_LLM_URL       the endpoint, e.g. http://localhost:8080/v1/chat/completions (unset: off)
    DRAFT_LLM_MODEL     the model name the endpoint expects
    DRAFT_LLM_API_KEY   sent as a bearer token when set
    DRAFT_LLM_TIMEOUT   seconds per request (default 120)
    DRAFT_LLM_CHUNK_CHARS  transcript characters per request (default 12000)
"""

from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request

from minutes.names import fold, name_matches

from .cues import written
from .spoken import ballot_ids

log = logging.getLogger(__name__)

LIST_FIELDS = ("topics", "decisions", "action_items", "ballots")

PROMPT = """You write concise minutes of a CA/Browser Forum working-group meeting from a transcript.
Each transcript line is "[START] Speaker: text", START being seconds from the beginning.
Answer with one JSON object and nothing else:
{"topics": [{"title": str, "summary": [1 to 4 short points], "start_seconds": START}],
 "decisions": [{"text": str, "topic": str|null, "start_seconds": START}],
 "action_items": [{"owner": str|null, "text": str, "due": "YYYY-MM-DD"|null, "topic": str|null, "start_seconds": START}],
 "ballots": [{"id": "CSC-25"|"SC-54"|..., "note": str|null}]}
Rules: start_seconds is the START of the line where the item is said. An owner is one of the attendees,
written as in the attendee list; "I will" belongs to the speaker. Drop greetings, audio trouble and small
talk. Be brief: minutes, not a transcript. Meeting date: {date}. Attendees: {attendees}."""


class LLMError(Exception):
    pass


def configured() -> bool:
    return bool(os.environ.get("DRAFT_LLM_URL") and os.environ.get("DRAFT_LLM_MODEL"))


def _chunks(utterances, limit: int) -> list[str]:
    chunks, current, size = [], [], 0
    for u in utterances:
        line = f"[{float(u.start):.3f}] {u.speaker or 'Unknown'}: {u.text}"
        if current and size + len(line) > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


def _ask(system: str, transcript: str) -> dict:
    body = {
        "model": os.environ["DRAFT_LLM_MODEL"],
        "temperature": 0,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": transcript}],
    }
    request = urllib.request.Request(os.environ["DRAFT_LLM_URL"], data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if os.environ.get("DRAFT_LLM_API_KEY"):
        request.add_header("Authorization", f"Bearer {os.environ['DRAFT_LLM_API_KEY']}")
    timeout = float(os.environ.get("DRAFT_LLM_TIMEOUT", "120"))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
        content = payload["choices"][0]["message"]["content"]
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as error:
        raise LLMError(f"endpoint failed: {error}") from None
    content = re.sub(r"^\s*```(?:json)?\s*|\s*```\s*$", "", content.strip())
    try:
        answer = json.loads(content)
    except ValueError:
        raise LLMError("the answer is not JSON") from None
    if not isinstance(answer, dict):
        raise LLMError("the answer is not a JSON object")
    return answer


def _text(value, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LLMError(f"{field} must be a non-empty string")
    return value.strip()


def validate(answer: dict, *, starts: set[float], attendees: list[str], transcript_ballots: set[str]) -> dict:
    """The answer in the form's shape, or LLMError: owners must be attendees, every evidence time a cue
    start, every ballot id said in the transcript."""
    out: dict[str, list] = {field: [] for field in LIST_FIELDS}

    def start_of(item: dict, field: str) -> float:
        value = item.get("start_seconds")
        if not isinstance(value, (int, float)) or not any(abs(value - s) < 0.01 for s in starts):
            raise LLMError(f"{field}: evidence time {value!r} is not the start of any cue")
        return float(value)

    for field in LIST_FIELDS:
        items = answer.get(field, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise LLMError(f"{field} must be a list of objects")
    for topic in answer.get("topics", []):
        summary = topic.get("summary") or []
        if not isinstance(summary, list) or len(summary) > 4:
            raise LLMError("a topic needs at most 4 points")
        out["topics"].append(
            {
                "title": _text(topic.get("title"), "topic title"),
                "summary": [_text(p, "point") for p in summary],
                "start_seconds": start_of(topic, "topic"),
            }
        )
    for decision in answer.get("decisions", []):
        out["decisions"].append(
            {
                "text": _text(decision.get("text"), "decision"),
                "topic": decision.get("topic"),
                "start_seconds": start_of(decision, "decision"),
            }
        )
    for item in answer.get("action_items", []):
        owner = item.get("owner")
        if owner is not None:
            fits = [a for a in attendees if fold(a) == fold(owner)] or [a for a in attendees if name_matches(owner, a)]
            if len(fits) != 1:
                raise LLMError(f"action item owner {owner!r} is not an attendee")
            owner = fits[0]
        due = item.get("due")
        if due is not None and not (isinstance(due, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", due)):
            raise LLMError(f"due date {due!r} is not YYYY-MM-DD")
        out["action_items"].append(
            {
                "owner": owner,
                "text": _text(item.get("text"), "action item"),
                "due": due,
                "topic": item.get("topic"),
                "start_seconds": start_of(item, "action item"),
            }
        )
    for ballot in answer.get("ballots", []):
        found = ballot_ids(written(_text(ballot.get("id"), "ballot id")))
        if not found or found[0][0] not in transcript_ballots:
            raise LLMError(f"ballot {ballot.get('id')!r} is not said in the transcript")
        out["ballots"].append({"id": found[0][0], "note": ballot.get("note")})
    return out


def improve(utterances, fallback: dict) -> dict | None:
    """The rule-based ``fallback`` with topics, decisions, action items and ballots written by the LLM,
    or None when the endpoint fails or its answer does not check out."""
    attendees = [a["name"] for a in fallback["attendees"]]
    system = PROMPT.replace("{date}", str(fallback["meeting"].get("date") or "unknown")).replace("{attendees}", "; ".join(attendees))
    starts = {float(u.start) for u in utterances}
    said = {b for u in utterances for b, _ in ballot_ids(written(u.text))}
    merged: dict[str, list] = {field: [] for field in LIST_FIELDS}
    try:
        for chunk in _chunks(utterances, int(os.environ.get("DRAFT_LLM_CHUNK_CHARS", "12000"))):
            part = validate(_ask(system, chunk), starts=starts, attendees=attendees, transcript_ballots=said)
            for field in LIST_FIELDS:
                merged[field].extend(part[field])
    except LLMError as error:
        log.warning("LLM draft rejected, keeping the rule-based draft: %s", error)
        return None
    ballots: dict[str, dict] = {}
    for ballot in merged["ballots"]:
        ballots.setdefault(ballot["id"], ballot)
    merged["ballots"] = list(ballots.values())
    return {**fallback, **merged}
