"""The Forum website's post format: YAML front matter, then Markdown. Written from the structured form
in a group's house style; ``minutes.archive`` reads every post this module writes back into the same
form (decisions, action items and ballots are written as explicit, labelled lists for that reason)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import frontmatter

OUTCOME_WORDS = {
    "approved": "approved",
    "approved_with_changes": "approved with changes",
    "deferred": "deferred",
}


@dataclass(frozen=True)
class BodyStyle:
    """The visible habits of a group's posts, taken from its latest imported post (``archive.body_style``)."""

    attendees_heading: str = "Attendees"
    attendee: str = "{name} – {org}"  # or "{name} ({org})", "{name} - ({org})"
    attendees_as_list: bool = False
    heading_level: int = 2  # of "Attendees" and "Minutes"; topics one deeper
    bullet: str = "-"


HOUSE_STYLE = BodyStyle()


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def _long_date(value: str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f"{day:%B} {day.day}, {day.year}"


_LEADING_MARKUP = re.compile(r"^(\s*)([#>+*-]|\d{1,3}[.)])(?=\s|$)")


def _escape(text: str) -> str:
    """Plain text that Markdown reads back as the same plain text."""
    text = " ".join(text.split())
    text = re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)
    return _LEADING_MARKUP.sub(lambda m: m[1] + "\\" + m[2] if not m[2][0].isdigit() else m[1] + m[2][:-1] + "\\" + m[2][-1], text)


def _attendee(row: dict, style: BodyStyle) -> str:
    name, org = _escape(row["name"]), row.get("organization")
    if not org:
        return name
    org = _escape(org)
    if "," in org and "({org})" not in style.attendee:
        org = f"({org})"  # keeps the comma inside the organization when the list is read back
    return style.attendee.format(name=name, org=org)


def form_to_markdown_body(form: dict[str, Any], *, style: BodyStyle = HOUSE_STYLE) -> str:
    h = "#" * style.heading_level
    sub = "#" * (style.heading_level + 1)
    b = style.bullet
    info = form.get("meeting") or {}
    lines: list[str] = []
    if info.get("date"):
        lines += [f"Date: {_long_date(info['date'])}", ""]
    lines += [f"{h} {style.attendees_heading}", ""]
    attendees = [_attendee(a, style) for a in form.get("attendees") or []]
    if not attendees:
        lines.append("None recorded.")
    elif style.attendees_as_list:
        lines += [f"{b} {a}" for a in attendees]
    else:
        lines.append(", ".join(attendees))
    lines += ["", f"{h} Minutes", ""]
    if info.get("kind") == "face-to-face":
        where = f" in {info['location']}" if info.get("location") else ""
        number = f" F2F {info['f2f_number']}" if info.get("f2f_number") else ""
        lines += [f"Face-to-face meeting{number}{where}.", ""]
    if form.get("chair"):
        lines += [f"Chair: {_escape(form['chair'])}", ""]
    if form.get("minute_taker"):
        lines += [f"Minute taker: {_escape(form['minute_taker'])}", ""]
    antitrust = form.get("antitrust_statement") or {}
    if antitrust.get("read"):
        reader = antitrust.get("read_by")
        lines += [f"Antitrust statement: read by {_escape(reader)}." if reader else "Antitrust statement: read.", ""]
    for approval in form.get("minutes_approvals") or []:
        of = f"the {_long_date(approval['meeting_date'])} meeting" if approval.get("meeting_date") else "the previous meeting"
        text = f"Minutes of {of}: {OUTCOME_WORDS[approval['outcome']]}."
        if approval.get("note"):
            text += f" {_sentence(_escape(approval['note']))}"
        lines += [f"{sub} Approval of minutes", "", text, ""]

    decisions_by_topic: dict[str | None, list[dict]] = {}
    for decision in form.get("decisions") or []:
        decisions_by_topic.setdefault(decision.get("topic"), []).append(decision)
    actions_by_topic: dict[str | None, list[dict]] = {}
    for item in form.get("action_items") or []:
        actions_by_topic.setdefault(item.get("topic"), []).append(item)

    def action_line(item: dict) -> str:
        meta = [_escape(item["owner"])] if item.get("owner") else []
        if item.get("due"):
            meta.append(f"due {_long_date(item['due'])}")
        label = f"ACTION ({', '.join(meta)}):" if meta else "ACTION:"
        return f"{b} {label} {_escape(item['text'])}"

    topic_titles = set()
    for topic in form.get("topics") or []:
        topic_titles.add(topic["title"])
        lines += [f"{sub} {_escape(topic['title'])}", ""]
        points = [_escape(point) for point in topic.get("summary") or [] if point.strip()]
        if _is_heading_word(topic["title"]):
            # Notes kept under a plain "Minutes" heading are paragraphs, as in the posts they came from.
            for point in points:
                lines += [point, ""]
        else:
            lines += [f"{b} {point}" for point in points]
        lines += [f"{b} DECISION: {_escape(d['text'])}" for d in decisions_by_topic.get(topic["title"], [])]
        lines += [action_line(i) for i in actions_by_topic.get(topic["title"], [])]
        lines.append("")

    loose_decisions = [d for t, ds in decisions_by_topic.items() if t not in topic_titles for d in ds]
    lines += [f"{sub} Decisions", ""] + ([f"{b} {_escape(d['text'])}" for d in loose_decisions] or ["None."]) + [""]
    loose_actions = [i for t, items in actions_by_topic.items() if t not in topic_titles for i in items]
    lines += [f"{sub} Action items", ""] + ([action_line(i) for i in loose_actions] or ["None."]) + [""]
    if form.get("ballots"):
        lines += [f"{sub} Ballots mentioned", ""]
        lines += [f"{b} {_escape(x['id'])}" + (f": {_escape(x['note'])}" if x.get("note") else "") for x in form["ballots"]]
        lines.append("")
    if form.get("next_meeting"):
        lines += [f"{sub} Next meeting", "", f"{_long_date(form['next_meeting'])}.", ""]
    if form.get("adjourned"):
        lines += ["Meeting adjourned.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _is_heading_word(title: str) -> bool:
    return title.strip().lower() in ("minutes", "discussion", "notes", "any other business", "other business", "other items")


def form_to_post(
    form: dict[str, Any],
    *,
    date: dt.date | dt.datetime,
    author: str = "",
    tags: list[str] | None = None,
    body: str | None = None,
    style: BodyStyle = HOUSE_STYLE,
    extra: dict[str, Any] | None = None,
) -> str:
    """A complete post: front matter keys ``title``, ``date``, ``author``, ``tags`` (then ``extra``),
    then ``body``, or the form written in ``style``."""
    metadata: dict[str, Any] = {"title": form["meeting"]["title"], "date": date}
    if author:
        metadata["author"] = author
    metadata["tags"] = list(tags or [])
    metadata.update(extra or {})
    text = body if body is not None else form_to_markdown_body(form, style=style)
    post = frontmatter.Post(text, **metadata)
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n"
