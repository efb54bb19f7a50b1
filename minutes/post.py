"""The Forum website's post format: YAML front matter, then Markdown. Written from the structured form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import frontmatter

OUTCOME_WORDS = {
    "approved": "approved",
    "approved_with_changes": "approved with changes",
    "deferred": "deferred",
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _long_date(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f"{day:%B} {day.day}, {day.year}"


def form_to_markdown_body(form: dict[str, Any]) -> str:
    lines: list[str] = ["## Attendees", ""]
    attendees = [
        f"{a['name']} – {a['organization']}" if a.get("organization") else a["name"] for a in form.get("attendees") or []
    ]
    lines += [", ".join(attendees) if attendees else "None recorded.", "", "## Minutes", ""]
    if form.get("chair"):
        lines += [f"Chair: {form['chair']}", ""]
    if form.get("minute_taker"):
        lines += [f"Minute taker: {form['minute_taker']}", ""]
    antitrust = form.get("antitrust_statement") or {}
    if antitrust.get("read"):
        reader = antitrust.get("read_by")
        lines += [f"Antitrust statement: read by {reader}." if reader else "Antitrust statement: read.", ""]
    for approval in form.get("minutes_approvals") or []:
        of = f"the {_long_date(approval['meeting_date'])} meeting" if approval.get("meeting_date") else "the previous meeting"
        text = f"Minutes of {of}: {OUTCOME_WORDS[approval['outcome']]}."
        if approval.get("note"):
            text += f" {_sentence(approval['note'])}"
        lines += [text, ""]

    decisions_by_topic: dict[str | None, list[dict]] = {}
    for decision in form.get("decisions") or []:
        decisions_by_topic.setdefault(decision.get("topic"), []).append(decision)
    actions_by_topic: dict[str | None, list[dict]] = {}
    for item in form.get("action_items") or []:
        actions_by_topic.setdefault(item.get("topic"), []).append(item)

    def action_line(item: dict) -> str:
        owner = f"{item['owner']}: " if item.get("owner") else ""
        due = f" (due {_long_date(item['due'])})" if item.get("due") else ""
        return f"- ACTION: {owner}{item['text'].rstrip('.')}{due}"

    topic_titles = set()
    for topic in form.get("topics") or []:
        topic_titles.add(topic["title"])
        lines += [f"### {topic['title']}", ""]
        lines += [f"- {point}" for point in topic.get("summary") or []]
        lines += [f"- DECISION: {d['text']}" for d in decisions_by_topic.get(topic["title"], [])]
        lines += [action_line(i) for i in actions_by_topic.get(topic["title"], [])]
        lines.append("")

    loose_decisions = [d for t, ds in decisions_by_topic.items() if t not in topic_titles for d in ds]
    if loose_decisions:
        lines += ["### Decisions", ""] + [f"- {d['text']}" for d in loose_decisions] + [""]
    loose_actions = [i for t, items in actions_by_topic.items() if t not in topic_titles for i in items]
    if loose_actions:
        lines += ["### Action items", ""] + [action_line(i) for i in loose_actions] + [""]
    if form.get("ballots"):
        lines += ["### Ballots", ""]
        lines += [f"- {b['id']}" + (f": {b['note']}" if b.get("note") else "") for b in form["ballots"]]
        lines.append("")
    if form.get("next_meeting"):
        lines += [f"Next meeting: {_long_date(form['next_meeting'])}.", ""]
    if form.get("adjourned"):
        lines += ["Meeting adjourned.", ""]
    return "\n".join(lines).rstrip() + "\n"


def form_to_post(form: dict[str, Any], *, date: dt.date | dt.datetime, author: str = "", tags: list[str] | None = None) -> str:
    """A complete post: front matter keys ``title``, ``date``, ``author``, ``tags``, then the body."""
    metadata: dict[str, Any] = {"title": form["meeting"]["title"], "date": date}
    if author:
        metadata["author"] = author
    metadata["tags"] = list(tags or [])
    post = frontmatter.Post(form_to_markdown_body(form), **metadata)
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n"
