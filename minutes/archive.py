"""The Forum website's minutes posts (Hugo: YAML front matter, then Markdown) read into the structured
minutes form (shared/schemas/minutes.schema.json). Pure: no database.

Posts were written over the years by many hands, so the reader works on an outline rather than on a
fixed layout: Markdown headings, bold lead-ins ("**Attendees:** ...") and title-like list items all open
sections; each section is then recognised by its title (roll call, antitrust statement, approval of
minutes, next call, ...) or taken as a discussion topic. Facts that are written in running text (who
read the antitrust statement, who took minutes, "X will ...") are found sentence by sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from .names import fold, name_matches, org_key

SCHEMA_VERSION = 1


class ArchiveError(ValueError):
    """A post that cannot be read: the message says why."""


# -- working groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupInfo:
    name: str
    slug: str
    short_name: str
    ballot_prefix: str
    tags: tuple[str, ...]
    # Folded phrases that name the group in a post's title or tags, most specific first.
    keys: tuple[str, ...]


GROUPS = (
    GroupInfo("Code Signing Certificate Working Group", "cscwg", "CSCWG", "CSC", ("Code Signing",), ("code signing", "cscwg")),
    GroupInfo("S/MIME Certificate Working Group", "smcwg", "SMCWG", "SMC", ("S/MIME",), ("s mime", "smcwg", "smime")),
    GroupInfo("Network Security Working Group", "netsec", "NetSec", "NS", ("Network Security",), ("network security", "netsec", "net sec")),
    GroupInfo(
        "Server Certificate Working Group",
        "scwg",
        "SCWG",
        "SC",
        ("Server Certificates",),
        ("server certificate", "servercert", "scwg", "validation sc", "validation subcommittee"),
    ),
    GroupInfo("Forum", "forum", "Forum", "FORUM", ("Forum",), ("ca browser forum", "ca b forum", "forum")),
)


def group_of(title: str, tags: list[str] | tuple[str, ...] = ()) -> GroupInfo | None:
    """The working group a post belongs to: named in the title first, else in the tags."""
    folded_title = f" {fold(title)} "
    for group in GROUPS:
        if any(f" {key} " in folded_title for key in group.keys):
            return group
    folded_tags = [f" {fold(tag)} " for tag in tags]
    for group in GROUPS:
        if any(f" {key} " in tag for key in group.keys for tag in folded_tags):
            return group
    return None


# -- dates ---------------------------------------------------------------------------------------

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
DATE_PATTERNS = [
    re.compile(r"(?P<year>(?:19|20)\d\d)[-/](?P<mon>\d{1,2})[-/](?P<day>\d{1,2})\b"),
    re.compile(rf"(?i)\b{_MONTH}[\s-]+{_DAY}\b(?:,?\s*{_YEAR})?"),
    re.compile(rf"(?i)\b{_DAY}(?:\s+of)?[\s-]+{_MONTH}(?:,?\s*{_YEAR})?"),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    day: dt.date | None  # None when the year is missing and no reference date was given
    month: int
    dom: int
    year: int | None


def date_mentions(text: str) -> list[DateMention]:
    """Dates written in ``text`` ('2024/01/11', 'March 12, 2025', 'Jan 16th', '20 July', '4-August')."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            groups = m.groupdict()
            month = int(groups["mon"]) if groups.get("mon") else MONTHS[groups["month"].lower()[:3]]
            dom = int(groups["day"])
            year = int(groups["year"]) if groups.get("year") else None
            if not 1 <= month <= 12 or not 1 <= dom <= 31:
                continue
            day = None
            if year is not None:
                try:
                    day = dt.date(year, month, dom)
                except ValueError:
                    continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), day, month, dom, year))
    return sorted(found, key=lambda d: d.start)


def _resolve(mention: DateMention, reference: dt.date | None, *, after: bool) -> dt.date | None:
    """A date without a year, placed in the year that puts it just after (or before) ``reference``."""
    if mention.day is not None:
        return mention.day
    if reference is None:
        return None
    for year in (reference.year, reference.year + 1) if after else (reference.year, reference.year - 1):
        try:
            day = dt.date(year, mention.month, mention.dom)
        except ValueError:
            continue
        if (day > reference) if after else (day < reference):
            return day
    return None


def first_date(text: str, reference: dt.date | None = None, *, after: bool = True) -> dt.date | None:
    for mention in date_mentions(text):
        day = _resolve(mention, reference, after=after)
        if day is not None:
            return day
    return None


# -- the outline ---------------------------------------------------------------------------------

_md = MarkdownIt("commonmark").enable("table").enable("strikethrough")


@dataclass
class Unit:
    """One block of the post: a heading, a paragraph or a list item (its first paragraph)."""

    kind: str  # heading | para | item
    text: str
    level: int = 0  # heading level
    depth: int = 0  # list nesting, 0 outside lists
    ordered: bool = False
    lead: str = ""  # bold (or italic) text that opens the block
    rest: str = ""  # the text after ``lead``
    children: int = 0  # nested list items under an item
    strong: bool = False  # the lead-in is bold (italic lead-ins do not open sections)


def _inline_text(token) -> tuple[str, str, str, bool]:
    """(plain text, bold or italic lead-in, text after the lead-in, whether the lead-in is bold) of an
    inline token."""
    parts: list[str] = []
    lead: list[str] = []
    state = "start"  # start -> lead -> after
    strong = False
    for child in token.children or []:
        kind = child.type
        if kind in ("strong_open", "em_open"):
            if state == "start" and not "".join(parts).strip():
                state = "lead"
            if state == "lead" and kind == "strong_open":
                strong = True
            continue
        if kind in ("strong_close", "em_close"):
            if state == "lead":
                state = "after"
            continue
        if kind in ("softbreak", "hardbreak"):
            text = "\n"
        elif kind in ("text", "code_inline"):
            text = child.content
        elif kind == "image":
            text = child.content
        else:
            continue
        parts.append(text)
        if state == "lead":
            lead.append(text)
    plain = "".join(parts)
    lead_text = "".join(lead).strip()
    if state == "lead" or not lead_text:
        # The whole block is bold, or nothing is.
        whole = state == "lead" and lead_text == plain.strip()
        return plain, (lead_text if whole else ""), "", strong and whole
    rest = plain.strip()[len(lead_text) :] if plain.strip().startswith(lead_text) else plain
    return plain, lead_text, rest, strong


def outline(body: str) -> list[Unit]:
    """The post's blocks in order. Lines written as bullets without Markdown list syntax ('•', 'o')
    become items of their own."""
    # "1.      **Straw Poll**": many spaces after a list marker would make an indented code block.
    body = re.sub(r"(?m)^([ \t]*(?:\d{1,2}[.)]|[-*+]))[ \t]{2,}(?=\S)", r"\1 ", body)
    tokens = _md.parse(body)
    units: list[Unit] = []
    depth = 0
    ordered_stack: list[bool] = []
    in_item_first: list[bool] = []
    pending_heading: int | None = None
    item_stack: list[Unit | None] = []
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            ordered_stack.append(kind == "ordered_list_open")
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordered_stack.pop()
            depth -= 1
        elif kind == "list_item_open":
            in_item_first.append(True)
            item_stack.append(None)
        elif kind == "list_item_close":
            in_item_first.pop()
            item_stack.pop()
        elif kind == "heading_open":
            pending_heading = int(token.tag[1])
        elif kind == "inline":
            plain, lead, rest, strong = _inline_text(token)
            if pending_heading is not None:
                units.append(Unit("heading", _clean(plain), level=pending_heading))
                continue
            if depth and in_item_first and in_item_first[-1]:
                in_item_first[-1] = False
                unit = Unit(
                    "item", _clean(plain), depth=depth, ordered=ordered_stack[-1], lead=_clean(lead), rest=_clean(rest), strong=strong
                )
                for holder in item_stack[:-1]:
                    if holder is not None:
                        holder.children += 1
                item_stack[-1] = unit
                units.append(unit)
                continue
            units.extend(_paragraph_units(plain, lead, rest, depth, strong))
        elif kind == "heading_close":
            pending_heading = None
        elif kind in ("fence", "code_block"):
            units.extend(_paragraph_units(token.content, "", "", depth))
    return [u for u in units if u.text or u.kind == "heading"]


_BULLET_LINE = re.compile(r"^\s*(?:[•◦▪●]|o\t|o\s{2,}|\*(?=\S))\s*")


def _paragraph_units(plain: str, lead: str, rest: str, depth: int, strong: bool = False) -> list[Unit]:
    lines = plain.split("\n")
    if len(lines) > 1 and sum(bool(_BULLET_LINE.match(line)) for line in lines) >= 2:
        units = []
        for line in lines:
            if _BULLET_LINE.match(line):
                units.append(Unit("item", _clean(_BULLET_LINE.sub("", line, count=1)), depth=depth + 1))
            elif line.strip():
                units.append(Unit("para", _clean(line), depth=depth))
        return units
    if _BULLET_LINE.match(plain) and not lead:
        return [Unit("item", _clean(_BULLET_LINE.sub("", plain, count=1)), depth=depth + 1)]
    return [Unit("para", _clean(plain), depth=depth, lead=_clean(lead), rest=_clean(rest), strong=strong)]


_SPACES = re.compile(r"[ ]{2,}")


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\t", " ")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return text.strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- sections ------------------------------------------------------------------------------------

PSEUDO_LEVEL = 7  # bold lead-ins and title-like items open sections below any real heading


@dataclass
class Section:
    title: str
    level: int
    units: list[Unit] = field(default_factory=list)  # content, in order
    children: list[Section] = field(default_factory=list)
    kind: str = "topic"

    def text_units(self) -> list[Unit]:
        return [u for u in self.units if u.kind != "heading"]

    def all_units(self) -> list[Unit]:
        out = list(self.text_units())
        for child in self.children:
            out.append(Unit("para", child.title))
            out.extend(child.all_units())
        return out


_NUMBERING = re.compile(r"^(?:\d{1,2}[.)]|[a-z][.)]|[ivx]{1,4}[.)])\s*", re.I)


def _strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


def _tidy_title(text: str) -> str:
    text = _strip_numbering(_one_line(text))
    text = re.sub(r"^\*+|\*+$", "", text).strip()
    return text.rstrip(":–—-").strip()


SECTION_KINDS = [
    # (kind, pattern on the folded title); the first match wins.
    ("decision_list", r"^decisions?(?: made)?$"),
    ("action_list", r"^action items?$|^actions$"),
    ("ballot_list", r"^ballots mentioned$"),
    ("next", r"^(?:next (?:call|meeting|teleconference|scheduled meeting)|next call)\b"),
    ("adjourn", r"^(?:meeting )?(?:adjourn|adjourned|meeting was closed|close of meeting)"),
    ("attendees", r"^(?:attendees|attendance|present|participants|roll call|attendance \w+)\b"),
    ("antitrust", r"(?:anti ?trust|note ?well|compliance statement)"),
    ("minute_taker", r"^(?:assign )?minute ?taker|^minutes? (?:taken|prepared) by"),
    (
        "approval",
        r"(?:approv\w* (?:of )?(?:the )?(?:prior |previous |last )?(?:meeting )?minutes|minutes approval|^meeting minutes$"
        r"|approval of minutes|prior meeting minutes)",
    ),
    ("agenda", r"^(?:review (?:of )?(?:the )?agenda|agenda(?: review)?|review agenda)$"),
    ("opening", r"^(?:opening procedures|introductory|opening)\b"),
    ("aob", r"^(?:any )?other (?:business|items|topics)|^aob\b|^any other business"),
]
CONTAINER_TITLES = re.compile(
    r"^(?:minutes|discussion|discussions|notes|discussion topics|agenda items?|minutes of \w+|meeting minutes of \w+)$"
)


def section_kind(title: str) -> str:
    folded = fold(_tidy_title(title))
    for kind, pattern in SECTION_KINDS:
        if re.search(pattern, folded):
            return kind
    if CONTAINER_TITLES.match(folded):
        return "container"
    return "topic"


# -- names in running text ------------------------------------------------------------------------


class People:
    """The attendees of one post, for turning 'Dean', 'Tim H.' or 'Corey B.' into full names."""

    def __init__(self, names: list[str]):
        self.names = names
        self.by_key = {fold(name): name for name in names}
        words = [fold(name).split() for name in names]
        self.known_words = {w[0] for w in words if w} | {w[-1] for w in words if w}
        self._full: dict[str, str | None] = {}

    def full(self, short: str | None) -> str | None:
        if not short:
            return None
        if short not in self._full:
            self._full[short] = self._resolve(short)
        return self._full[short]

    def _resolve(self, short: str) -> str | None:
        short = _one_line(short).strip(" .,;:")
        short = re.sub(r"\s*\([^)]*\)$", "", short).strip()
        if not short:
            return None
        key = fold(short)
        if key in self.by_key:
            return self.by_key[key]
        fits = [n for n in self.names if name_matches(short, n)]
        if len(fits) == 1:
            return fits[0]
        return short

    def first_names(self) -> set[str]:
        return self.known_words


_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’\-][^\W\d_]+)*\.?"
PERSON = rf"(?:{_NAME_WORD})(?:\s+(?:{_NAME_WORD}|van|de|von|del|da)){{0,3}}"
# Patterns tried on every sentence of a post, compiled once.
_SUBJECT = re.compile(rf"^(?P<who>{PERSON})\b")
_NEXT_TAKER = re.compile(rf"(?i)minute[\s-]?taker for the next (?:call|meeting) (?:will be|is)\s+(?P<who>{PERSON})")
_TASK_VERBS = (
    r"(?:will(?: also)?|to|agreed to|agrees to|agree to|volunteered to|offered to|plans? to|planning to|is going to|"
    r"takes? (?:an )?action to|intends? to|intended to|(?:has|have) (?:an )?action(?: item)? to|(?:is|are) to|will be)"
)
_OWNERS_AND_TASK = re.compile(
    rf"(?:^|[,;]\s+|\band\s+|\bbut\s+)(?P<who>{PERSON}(?:\s*(?:,|and|&)\s*{PERSON})*)\s+(?:\([^)]*\)\s+)?"
    rf"(?:(?:is|are)\s+\w+ing\s+.*?\s+and\s+)?{_TASK_VERBS}\s+(?P<verb>[\w-]+)(?P<rest>.*)$"
)
_BUT_WILL = re.compile(rf"^(?P<who>{PERSON})\b.*?\b(?:but|and) will\s+(?P<verb>[\w-]+)(?P<rest>.*)$")


def _looks_like_person(text: str, people: People) -> bool:
    words = fold(text).split()
    if not words or len(words) > 4:
        return False
    known = people.first_names()
    return words[0] in known or (len(words) >= 2 and words[-1] in known)


# -- attendees -----------------------------------------------------------------------------------

_CAPS_NOISE = re.compile(r"\(?\b[A-Z]{2,}(?:[ \t]+[A-Z]{2,}){2,}\b\)?")
_SEPARATOR = re.compile(r"\s+[–—-]+\s+|\s+[–—]|[–—]\s+")


def _split_outside_parens(text: str) -> list[str]:
    items, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char in ",;\n" and depth == 0:
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return items


def _attendee(item: str) -> dict | None:
    item = _one_line(item).strip(" .,;*_")
    item = re.sub(r"^(?:and|&)\s+", "", item)
    if not item:
        return None
    name, org = item, None
    sep = _SEPARATOR.search(item)
    if sep:
        name, org = item[: sep.start()], item[sep.end() :]
    elif item.endswith(")"):
        depth = 0
        for index in range(len(item) - 1, -1, -1):
            if item[index] == ")":
                depth += 1
            elif item[index] == "(":
                depth -= 1
                if depth == 0:
                    name, org = item[:index], item[index + 1 : -1]
                    break
    elif "(" in item and ")" not in item[item.index("(") :]:
        name, org = item.split("(", 1)
    name = _one_line(name).strip(" .,-–")
    if org is not None:
        org = _one_line(org).strip(" .,")
        if org.startswith("(") and org.endswith(")"):
            org = org[1:-1].strip()
        org = org or None
    if not _valid_name(name):
        return None
    return {"name": name, "organization": org}


_NOT_NAME_WORDS = {
    "the",
    "was",
    "were",
    "is",
    "are",
    "read",
    "taken",
    "per",
    "above",
    "none",
    "no",
    "call",
    "roll",
    "attendance",
    "minutes",
    "meeting",
    "members",
    "member",
    "new",
    "agenda",
    "completed",
    "by",
    "see",
    "list",
    "statement",
    "who",
    "all",
    "present",
    "attendees",
    "tbd",
    "in",
    "room",
    "from",
    "sign",
    "up",
    "sheet",
}


def _valid_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or any(ch.isdigit() or ch in ":;!?" for ch in name):
        return False
    if not (words[0][0].isupper() or words[0][0] in "ÁÉÍÓÚÑÖÜ"):
        return False
    if any(w.lower().strip(".,") in _NOT_NAME_WORDS for w in words):
        return False
    return len(name) <= 60


def attendees_from_text(text: str, known_organizations: tuple[str, ...] = ()) -> list[dict]:
    """'Name (Org), Name – Org, Name' (or one per line) as attendee rows."""
    text = _CAPS_NOISE.sub(" ", text)
    items = _split_outside_parens(text)
    rows = [_attendee(item) for item in items]
    rows = [r for r in rows if r]
    # "Corey Bonnell DigiCert": an organization written without a separator, known from the others.
    orgs = {org_key(name): name for name in known_organizations}
    orgs.update({org_key(r["organization"]): r["organization"] for r in rows if r["organization"]})
    for row in rows:
        words = row["name"].split()
        if row["organization"] is None and len(words) >= 3:
            last = words[-1]
            # A known organization, or a word no name is written as ("DigiCert", "HARICA").
            if org_key(last) in orgs or re.fullmatch(r"[A-Z][a-z]+[A-Z]\w*|[A-Z]{3,}", last):
                row["name"], row["organization"] = " ".join(words[:-1]), orgs.get(org_key(last), last)
    return rows


# -- sentences -----------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])|\n+")


def sentences(text: str) -> list[str]:
    out = []
    for part in _SENTENCE_END.split(text):
        part = part.strip(" -–•*")
        if part:
            out.append(part)
    return out


# -- the reader ----------------------------------------------------------------------------------


@dataclass
class Archived:
    """One post read: the structured form plus what is needed to store and publish it again."""

    form: dict[str, Any]
    group: GroupInfo | None
    metadata: dict[str, Any]
    body: str
    posted: dt.date | dt.datetime | None
    author: str
    warnings: list[str] = field(default_factory=list)
    front_matter: str = ""  # the YAML as written, so that publishing can give it back unchanged


FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?P<yaml>.*?\n)---[ \t]*\n", re.DOTALL)


def post_parse(raw: bytes | str, *, known_organizations: tuple[str, ...] = ()) -> Archived:
    """Read one post. Raises ArchiveError with a reason for posts that cannot be read.
    ``known_organizations`` helps split 'Corey Bonnell DigiCert' written without a separator."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ArchiveError(f"not UTF-8 text (byte {exc.start})") from None
    text = raw.replace("\r\n", "\n")
    if not text.lstrip().startswith("---"):
        raise ArchiveError("no YAML front matter")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "bad YAML"
        raise ArchiveError(f"bad YAML front matter: {reason}") from None
    metadata = dict(post.metadata)
    title = metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ArchiveError("no title in the front matter")
    title = _one_line(title)
    tags = [str(t) for t in metadata.get("tags") or [] if t] if isinstance(metadata.get("tags"), list) else []
    posted = metadata.get("date")
    if isinstance(posted, str):
        try:
            posted = dt.datetime.fromisoformat(posted)
        except ValueError:
            posted = None
    if not isinstance(posted, (dt.date, dt.datetime)):
        posted = None
    author = metadata.get("author") if isinstance(metadata.get("author"), str) else ""
    group = group_of(title, tags)
    form, warnings = body_parse(post.content, title=title, tags=tags, posted=posted, group=group, known_organizations=known_organizations)
    match = FRONT_MATTER.match(text)
    return Archived(
        form=form,
        group=group,
        metadata=metadata,
        body=post.content,
        posted=posted,
        author=author or "",
        warnings=warnings,
        front_matter=match.group("yaml") if match else "",
    )


class OrganizationNames:
    """The organizations known while a batch of posts is read: those stored when it started, and those
    named by the posts read before (as the import creates them). Helps ``attendees_from_text`` split
    'Corey Bonnell DigiCert'. Depends only on the stored names and on the order of the posts, so reading
    the batch in another process gives the same result as reading it in this one."""

    def __init__(self, names: tuple[str, ...] | list[str] = (), aliases: tuple[str, ...] | list[str] = ()):
        self.names: list[str] = []
        self.keys: set[str] = {k for k in map(org_key, aliases) if k}
        for name in names:
            self._add(name)

    def _add(self, name: str) -> None:
        key = org_key(name)
        if key and key not in self.keys:
            self.keys.add(key)
            self.names.append(name)

    def learn(self, archived: Archived) -> None:
        for row in archived.form.get("attendees") or []:
            if row.get("organization"):
                self._add(" ".join(row["organization"].split()))

    def __call__(self) -> tuple[str, ...]:
        return tuple(self.names)


def _read_one(source: bytes | str | Path, known: OrganizationNames) -> Archived | ArchiveError:
    try:
        raw = Path(source).read_bytes() if isinstance(source, Path) else source
        archived = post_parse(raw, known_organizations=known())
    except ArchiveError as exc:
        return exc
    except OSError as exc:
        return ArchiveError(f"cannot be read: {exc.strerror or exc}")
    known.learn(archived)
    return archived


_worker_known: OrganizationNames | None = None


def _worker_start(known: OrganizationNames) -> None:
    global _worker_known
    _worker_known = known


def _worker_read(source: bytes | str | Path) -> Archived | ArchiveError:
    assert _worker_known is not None
    return _read_one(source, _worker_known)


def posts_read(
    sources: Iterable[bytes | str | Path], known: OrganizationNames, *, background: bool = False, ahead: int = 32
) -> Iterator[Archived | ArchiveError]:
    """Read posts (files, or their text) in order: each is an ``Archived``, or the ``ArchiveError``
    saying why it cannot be read. With ``background``, one other process reads up to ``ahead`` posts
    ahead while the caller stores the previous ones (reading is CPU work that needs no database: on a
    machine with two cores an import takes about as long as its slower half). Same results either way."""
    if not background:
        for source in sources:
            yield _read_one(source, known)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    items = iter(sources)
    pending: deque = deque()  # (source, future), in order
    # "fork": the reader is a copy of this process that only parses (it never touches the database handles it
    # inherits, and leaves with os._exit). "spawn" would run the caller's main script again in the reader,
    # which a script without an `if __name__ == "__main__"` guard does not survive.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_worker_start, initargs=(known,))
    except (OSError, NotImplementedError):  # no processes here (a sandbox): read in this one
        yield from posts_read(items, known)
        return

    def take() -> Archived | ArchiveError:
        result = pending[0][1].result()
        pending.popleft()
        return _learn(known, result)

    with pool:
        try:
            for source in items:
                pending.append((source, None))
                pending[-1] = (source, pool.submit(_worker_read, source))
                if len(pending) >= ahead:
                    yield take()
            while pending:
                yield take()
        except BrokenProcessPool:
            # The reader died (killed, out of memory): read what it had not given back, and the rest, here.
            # ``known`` holds what the posts given back so far taught, as the reader's copy did.
            rest = [source for source, _ in pending]
            pending.clear()
            yield from posts_read([*rest, *items], known)
        finally:
            for _, future in pending:
                if future is not None:
                    future.cancel()


def _learn(known: OrganizationNames, result: Archived | ArchiveError) -> Archived | ArchiveError:
    if isinstance(result, Archived):
        known.learn(result)  # the caller's copy follows the reader's
    return result


def body_parse(
    body: str,
    *,
    title: str,
    tags: list[str] | tuple[str, ...] = (),
    posted: dt.date | dt.datetime | None = None,
    group: GroupInfo | None = None,
    known_organizations: tuple[str, ...] = (),
) -> tuple[dict[str, Any], list[str]]:
    """The structured form of a post's Markdown body; ``title`` and ``tags`` come from its front matter."""
    reader = _Reader(
        body, title=title, tags=list(tags), posted=posted, group=group or group_of(title, tags), known_organizations=known_organizations
    )
    return reader.form(), reader.warnings


@dataclass
class _Topic:
    title: str
    points: list[str]
    units: list[Unit]
    presenter: str | None = None


class _Reader:
    def __init__(self, body, *, title, tags, posted, group, known_organizations=()):
        self.body = body
        self.known_organizations = tuple(known_organizations)
        self.title = title
        self.tags = tags
        self.group = group
        self.warnings: list[str] = []
        self.units = outline(body)
        posted_day = posted.date() if isinstance(posted, dt.datetime) else posted
        self.date = self._meeting_date(posted_day)
        self.attendees = self._attendees()
        self.people = People([a["name"] for a in self.attendees])
        self._sentences = None
        self._section_topic: dict[int, _Topic] = {}
        self.root = self._sections()

    # -- meeting ---------------------------------------------------------------------------------

    def _meeting_date(self, posted: dt.date | None) -> dt.date | None:
        in_title = None
        m = re.match(r"\s*((?:19|20)\d\d)-(\d\d)-(\d\d)", self.title)
        if m:
            in_title = dt.date(int(m[1]), int(m[2]), int(m[3]))
        # A dated line at the top of the body ("March 12, 2025", "**Date:** May 29, 2025") is the
        # minutes' own statement of the day; titles are sometimes copied from the previous post.
        for unit in self.units[:8]:
            text = unit.text
            if len(text.split()) > 10 or unit.kind == "item" or re.search(r"(?i)\b(?:approved|was|were|next|prior|previous|last)\b", text):
                continue
            mentions = [d for d in date_mentions(text) if d.day is not None]
            if mentions:
                return mentions[0].day
        if in_title:
            return in_title
        reference = posted
        session = re.search(r"\(([^()]*\d[^()]*)\)\s*$", self.title)
        year = re.search(r"\b((?:19|20)\d\d)\b", self.title)
        if session and year:
            day = first_date(f"{session[1]} {year[1]}")
            if day:
                return day
        mentions = date_mentions(self.title)
        for mention in mentions:
            if mention.day:
                return mention.day
        return reference

    def meeting(self) -> dict[str, Any]:
        folded = fold(self.title) + " " + " ".join(fold(t) for t in self.tags)
        f2f = bool(re.search(r"\b(?:f2f|face to face)\b", folded))
        number = None
        if f2f:
            m = re.search(r"(?i)\bF2F\s*#?\s*(\d{1,3})\b", self.title) or re.search(r"(?i)\bF2F[\s_#-]*(\d{2,3})\b", self.body)
            number = int(m[1]) if m else None
        location = None
        m = re.search(r"\bin ([A-Z][A-Za-z .]*?(?:, [A-Z][A-Za-z .]*?)*)(?=,?\s+\d|\s+[–-]\s|\s*$)", self.title)
        if f2f and m:
            location = m[1].strip()
        return {
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "working_group": self.group.name if self.group else None,
            "kind": "face-to-face" if f2f else "teleconference",
            "f2f_number": number,
            "location": location,
        }

    # -- attendees -------------------------------------------------------------------------------

    _LABEL = re.compile(
        r"^(?:attendees|attendance|present|participants|roll call|members present|in attendance)\b[^:]{0,40}?(?::|[–—-]\s)",
        re.I,
    )

    def _attendees(self) -> list[dict]:
        rows: list[dict] = []
        units = self.units
        self.name_units: set[int] = set()  # blocks that are attendee lists, not minutes
        index = 0
        while index < len(units):
            unit = units[index]
            heading = (
                unit.kind == "heading"
                or (unit.lead and not unit.rest)
                or (unit.kind == "para" and len(unit.text) < 60 and unit.text.rstrip().endswith(":"))
            )
            label_text = _tidy_title(unit.lead or unit.text) if heading else ""
            if heading and section_kind(label_text) == "attendees":
                if unit.kind != "heading":
                    self.name_units.add(index)
                index += 1
                while index < len(units) and not self._opens_section(units[index]):
                    found = self._names_in(units[index].text, units[index].kind == "item")
                    if not found and (rows or units[index].kind == "para"):
                        break
                    rows.extend(found)
                    self.name_units.add(index)
                    index += 1
                continue
            text = unit.text
            m = self._LABEL.match(_strip_numbering(text))
            if m and unit.kind != "heading":
                found = self._names_in(_strip_numbering(text)[m.end() :], False)
                if found:
                    rows.extend(found)
                    if unit.kind == "para" or len(found) > 2:
                        self.name_units.add(index)
            index += 1
        seen: set[str] = set()
        unique = []
        for row in rows:
            key = fold(row["name"])
            if key and key not in seen:
                seen.add(key)
                unique.append(row)
        return unique

    def _opens_section(self, unit: Unit) -> bool:
        return unit.kind == "heading" or (bool(unit.lead) and len(unit.lead.split()) <= 12)

    def _names_in(self, text: str, single: bool) -> list[dict]:
        m = self._LABEL.match(text)
        if m:
            text = text[m.end() :]
        rows = attendees_from_text(text, self.known_organizations)
        if single:
            return rows[:1] if len(rows) == 1 or len(text) < 80 else rows
        # A sentence is not a list of names: most items of a real list are names.
        items = [i for i in _split_outside_parens(_CAPS_NOISE.sub(" ", text)) if i.strip(" .")]
        if not items or len(rows) < max(1, 0.6 * len(items)):
            return []
        return rows

    # -- outline into sections -------------------------------------------------------------------

    def _title_like(self, unit: Unit) -> bool:
        text = _strip_numbering(unit.text)
        if "\n" in text.strip():
            return False
        bare = re.sub(r"\([^)]*\)", "", text).strip()
        words = bare.split()
        if not 1 <= len(words) <= 12 or bare.endswith((",", ";")) or (bare.endswith(".") and not unit.children):
            return False
        if re.search(r"(?i)\b(?:was|were|is|are|has|have|had|approved|read|will|would|should|can|could|did|does)\b", bare) and not re.match(
            r"(?i)^(?:next (?:call|meeting)|ballot)", bare
        ):
            return False
        if not (text[0].isupper() or text[0].isdigit()):
            return False
        first = words[0].lower().strip(":,")
        if first in _SENTENCE_STARTS:
            return False
        head = re.split(r"\s*[:–—]\s*|\s+-\s+", bare, maxsplit=1)[0]
        if _looks_like_person(head, self.people) and (":" in bare or re.search(r"\s[–—-]\s", bare) or len(words) > len(head.split())):
            return False
        if len(words) >= 2 and _looks_like_person(" ".join(words[:2]), self.people) and len(words) > 3:
            return False
        if len(words) > 8 and not re.search(r"(?i)\b(ballot|presentation|proposal|update|discussion|status|review)\b", bare):
            return False
        return True

    def _split_lead(self, unit: Unit) -> tuple[str, str] | None:
        """'Title – content' or 'Title: content' written in one block."""
        if unit.lead and len(unit.lead.split()) <= 12 and unit.rest:
            return unit.lead, unit.rest.lstrip(":–—- ").strip()
        text = _strip_numbering(unit.text)
        m = re.match(r"^(.{3,90}?)(?:\s*[:]\s+|\s+[–—-]+\s+)(.+)$", text, re.S)
        if not m:
            return None
        head, rest = m[1].strip(), m[2].strip()
        if len(rest.split()) < 8 or _looks_like_person(head, self.people):
            return None
        if len(head.split()) < 2 and not re.search(r"\d", head):
            return None
        fake = Unit("para", head)
        if not self._title_like(fake):
            return None
        return head, rest

    def _sections(self) -> Section:
        root = Section(self.title, 0, kind="container")
        stack = [root]

        def open_section(title: str, level: int) -> Section:
            while stack[-1].level >= level:
                stack.pop()
            section = Section(_tidy_title(title), level)
            section.kind = section_kind(section.title)
            stack[-1].children.append(section)
            stack.append(section)
            return section

        units = self.units
        # Flat lists decide per item whether it opens a section: only when the list mixes short
        # titles with longer content items.
        titles = self._list_titles(units)
        for index, unit in enumerate(units):
            if index in self.name_units:
                continue
            if unit.kind == "heading":
                open_section(unit.text, unit.level)
                continue
            inside_topic = (
                stack[-1].level < PSEUDO_LEVEL and stack[-1].kind == "topic" and not self._names_the_meeting(stack[-1].title)
            ) or stack[-1].kind in ("decision_list", "action_list", "ballot_list", "next")
            rest = unit.rest.lstrip(":–—-* ").strip()
            label = (
                bool(rest)
                and len(rest.split()) <= 6
                and (unit.lead.rstrip().endswith(":") or section_kind(unit.lead) != "topic")
                and not (unit.kind == "item" and unit.ordered)
            )
            if (
                unit.depth <= 1
                and unit.strong
                and unit.lead
                and len(unit.lead.split()) <= 12
                and not unit.lead.endswith(".")
                and not label
                and not inside_topic
            ):
                section = open_section(unit.lead, PSEUDO_LEVEL)
                if rest:
                    section.units.append(Unit("para", rest, depth=unit.depth))
                continue
            if index in titles and not inside_topic:
                split = self._split_lead(unit)
                if split:
                    section = open_section(split[0], PSEUDO_LEVEL + 1)
                    section.units.append(Unit("para", split[1], depth=unit.depth))
                else:
                    open_section(unit.text, PSEUDO_LEVEL + 1)
                continue
            stack[-1].units.append(unit)
        return root

    def _list_titles(self, units: list[Unit]) -> set[int]:
        """Indexes of top-level list items (or one-line paragraphs inside a run of them) that open
        sections: a title-like item followed by content, or an item written 'Title – content'."""
        titles: set[int] = set()
        top = [i for i, u in enumerate(units) if u.kind == "item" and u.depth == 1 and i not in self.name_units]
        if not top:
            return titles
        for i in top:
            unit = units[i]
            nxt = units[i + 1] if i + 1 < len(units) else None
            has_children = unit.children > 0 or (
                nxt is not None and (nxt.depth > 1 or (nxt.kind == "para" and nxt.depth == 0 and not nxt.lead))
            )
            if self._title_like(unit):
                followed_by_content = False
                for later in units[i + 1 : i + 4]:
                    if later.kind == "heading":
                        break
                    if later.depth > 1 or not self._title_like(later):
                        followed_by_content = True
                        break
                if has_children or followed_by_content:
                    titles.add(i)
            elif self._split_lead(unit):
                titles.add(i)
        # Consecutive titles: the later ones are content of the first ("Subject Name stability",
        # "Email from new interested party").
        merged = set()
        for i in sorted(titles):
            prev = i - 1
            if prev in titles and prev not in merged and units[i].children == 0 and not self._split_lead(units[i]):
                if units[prev].children == 0:
                    merged.add(i)
        return titles - merged

    # -- facts -----------------------------------------------------------------------------------

    def _all_sections(self) -> list[Section]:
        out = []

        def walk(section):
            for child in section.children:
                out.append(child)
                walk(child)

        walk(self.root)
        return out

    def _sentences_with_context(self):
        """(section, sentence) for every sentence of the body, headings included as sentences. A
        section inside an approval or next-call section counts as that section."""
        if self._sentences is not None:
            return self._sentences
        out = []

        def walk(section, owner):
            owner = owner or (section if section.kind in ("approval", "next", "antitrust", "minute_taker") else None)
            here = owner or section
            out.append((here, section.title))
            for unit in section.text_units():
                for sentence in sentences(unit.text):
                    out.append((here, sentence))
            for child in section.children:
                walk(child, owner)

        walk(self.root, None)
        self._sentences = out
        return out

    def minute_taker(self) -> str | None:
        patterns = [
            r"(?i)^(?:\*\*)?minute[\s-]?taker(?:\(s\))?\s*(?:\*\*)?\s*[:–-]?\s*(?P<who>[^.;]+?)\.?$",
            r"(?i)^minutes\s*:\s*(?P<who>[A-Z][^.;:]*?)$",
            r"(?i)\bminutes (?:were |are )?(?:taken|prepared|recorded) by:?\s*(?P<who>[^.;,]+)",
            r"(?i)^prepared by:?\s*(?P<who>[^.;,]+)",
            r"(?i)^note taker:\s*(?P<who>[^.;,]+)",
            rf"^(?P<who>{PERSON}) (?:will take|took|is taking|volunteered to take|agreed to take|was taking) (?:the )?minutes",
            rf"^(?P<who>{PERSON})\s+[“\"]?volunteered[”\"]?.*\bas minute[\s-]?taker",
        ]
        for section, sentence in self._sentences_with_context():
            lowered = sentence.lower()
            if section.kind != "minute_taker" and not any(w in lowered for w in ("minute", "prepared", "note taker")):
                continue
            if re.search(r"(?i)\bnext (?:call|meeting)\b|\bnext minute|minute[\s-]taker[’']s note", sentence):
                continue
            plain = re.sub(r"\s*\([^)]*\)", "", sentence).strip()
            for pattern in patterns:
                m = re.search(pattern, plain)
                if m:
                    who = self._names_of(m["who"])
                    if who:
                        return who
            if section.kind == "minute_taker" and sentence != section.title:
                who = self._names_of(sentence)
                if who:
                    return who
        return None

    def _names_of(self, text: str) -> str | None:
        """A person's name (or 'A/B') written in ``text``, made full from the attendee list."""
        text = re.sub(r"\s*\([^)]*\)", "", _one_line(text)).strip(" .:*")
        parts = [p.strip() for p in re.split(r"\s*/\s*|\s+and\s+|\s*&\s*", text) if p.strip()]
        if not parts or len(parts) > 3:
            return None
        out = []
        for part in parts:
            if not re.fullmatch(PERSON, part) and not _looks_like_person(part, self.people):
                return None
            out.append(self.people.full(part))
        return "/".join(out)

    _ANTITRUST = re.compile(r"(?i)anti[\s-]?trust|note[\s-]?well|compliance statement|antitrust policy")

    def antitrust(self) -> dict[str, Any]:
        read, reader = False, None
        for section, sentence in self._sentences_with_context():
            about = self._ANTITRUST.search(sentence)
            in_section = section.kind == "antitrust"
            if not about and not in_section:
                continue
            if about and re.search(r"(?i)\bnot read\b|\bwas not\b", sentence):
                continue
            if about or (in_section and sentence != section.title):
                read = True
            if reader:
                continue
            candidates = [
                (rf"^(?P<who>{PERSON})\s+(?:read|reminded|recited|presented|gave)\b", False),
                (rf"(?i)\b(?:read|completed|given|presented)\s+by\s+(?P<who>{PERSON})", True),
                (rf"(?:Statement|Well|statement|well|reminder)\s*[-–—:]+\s*(?P<who>{PERSON})\s*$", True),
            ]
            for pattern, named in candidates:
                m = re.search(pattern, sentence.strip())
                # After "read by" any full name will do; a sentence's first words must be an attendee.
                full_name = named and re.fullmatch(rf"(?:{_NAME_WORD})\s+(?:{_NAME_WORD})", m["who"]) if m else False
                if m and (_looks_like_person(m["who"], self.people) or full_name):
                    reader = self.people.full(m["who"])
                    break
        return {"read": read, "read_by": reader}

    def chair(self) -> str | None:
        patterns = [
            rf"(?i)^(?:meeting )?chair(?:ed by)?\s*[:–-]\s*(?P<who>{PERSON})",
            rf"(?i)^opening procedures\s*[-–—:]+\s*(?P<who>{PERSON})\s*$",
            rf"^(?P<who>{PERSON}) chaired\b",
        ]
        for _, sentence in self._sentences_with_context():
            lowered = sentence.lower()
            if "chair" not in lowered and "opening" not in lowered:
                continue
            for pattern in patterns:
                m = re.search(pattern, sentence.strip())
                if m and _looks_like_person(m["who"], self.people):
                    return self.people.full(m["who"])
        return None

    def approvals(self) -> list[dict]:
        """Minutes acted on: in an approval section its whole text is one statement (the date may be
        in one sentence and the outcome in the next); elsewhere, sentence by sentence."""
        out: list[dict] = []
        statements: list[tuple[Section, str]] = []
        for section in self._all_sections():
            if section.kind == "approval":
                text = " ".join(u.text for u in section.all_units())
                statements.append((section, f"{section.title}. {text}" if text else section.title))
        for section, sentence in self._sentences_with_context():
            if section.kind in ("decision_list", "action_list", "ballot_list"):
                continue
            if section.kind != "approval" and sentence != section.title:
                statements.append((section, sentence))
            elif (
                section.kind != "approval" and sentence == section.title and re.search(r"(?i)minutes.*approved|approved.*minutes", sentence)
            ):
                statements.append((section, sentence))
        for section, statement in statements:
            text = fold(statement)
            if "minute" not in text:
                continue
            if re.search(r"\b(?:no minutes to approve|nothing to approve|no meeting minutes to approve)\b", text):
                continue
            if re.match(r"(?:these are the|the following minutes)\b", text):
                continue
            outcome = self._approval_outcome(text)
            if outcome is None:
                continue
            if section.kind != "approval" and (
                re.search(r"minute ?taker|take minutes|taking minutes|took minutes", text)
                or not re.search(
                    r"\bminutes? (?:of|from|for)\b|\bminutes? (?:were|was|are|is|approved|accepted)"
                    r"|\b(?:approv\w*|accepted) (?:the )?minutes\b"
                    r"|\bmeeting minutes\b|minutes approv",
                    text,
                )
            ):
                continue
            dates = self._approval_dates(statement)
            whole = section.kind == "approval"
            for day in dates or [None]:
                row = {"meeting_date": day.isoformat() if day else None, "outcome": outcome, "note": None}
                if day is not None and any(r["meeting_date"] == row["meeting_date"] for r, _ in out):
                    continue
                # Two undated approvals are two only when each has a section of its own.
                if day is None and any(r["meeting_date"] is None and r["outcome"] == outcome and not (w and whole) for r, w in out):
                    continue
                out.append((row, whole))
        return [row for row, _ in out]

    @staticmethod
    def _approval_outcome(text: str) -> str | None:
        if re.search(
            r"\b(?:defer\w*|postpone\w*|not approved|pending|not available|will be considered|were just distributed|"
            r"more time to review|not yet)\b",
            text,
        ):
            return "deferred"
        if re.search(r"\bapproved? with (?:minor )?(?:changes|corrections|edits|amendments)\b", text) and "without" not in text:
            return "approved_with_changes"
        if re.search(r"\b(?:approved|accepted|adopted|no objection\w*)\b", text):
            return "approved"
        return None

    def _approval_dates(self, statement: str) -> list[dt.date]:
        # "sent out on 2024/01/12" is when the draft went out, not the meeting.
        cleaned = re.sub(
            r"(?i)\b(?:sent(?: out)?|distributed|circulated|provided(?: for review)?|ends?|ending)\s+(?:on\s+)?\S+(?:\s+\S+){0,2}",
            " ",
            statement,
        )
        days = []
        for mention in date_mentions(cleaned):
            day = _resolve(mention, self.date, after=False)
            if day and (self.date is None or day < self.date) and day not in days:
                days.append(day)
        return days

    def next_meeting(self) -> str | None:
        best: tuple[int, dt.date] | None = None
        for section, sentence in self._sentences_with_context():
            rank = None
            if section.kind != "next" and "next" not in sentence.lower():
                continue
            if section.kind == "next":
                rank = 0 if sentence != section.title else 1
            elif re.search(r"(?i)\bnext (?:call|meeting|teleconference)\b|\bnext scheduled meeting\b", sentence):
                rank = 2 if section.kind in ("adjourn", "aob", "container", "agenda") or section is self.root else 3
            if rank is None:
                continue
            if re.search(r"(?i)minute[\s-]?taker", sentence):
                continue
            tail = sentence
            m = re.search(r"(?i)\bnext (?:call|meeting|teleconference|scheduled meeting)\b", sentence)
            if m:
                tail = sentence[m.start() :]
            day = first_date(tail, self.date, after=True)
            if day and (self.date is None or day > self.date) and (best is None or rank < best[0]):
                best = (rank, day)
        return best[1].isoformat() if best else None

    def adjourned(self) -> bool:
        return bool(re.search(r"(?i)(?<![a-z])adjourn|\bmeeting (?:was )?closed\b", self.body))

    def ballots(self) -> list[dict]:
        out: dict[str, dict] = {}
        text = self.title + "\n" + self.body
        pattern = re.compile(
            r"(?<![A-Za-z0-9])(CSC|SMC|SC|NS|FORUM)[\s_-]?0*(\d{1,3})(?![\d.])(?:v\d+)?(?![A-Za-z0-9])|\b[Bb]allot\s+#?(\d{1,3})\b"
        )
        for m in pattern.finditer(text):
            if m[1]:
                if m[1] == "SC" and text[max(0, m.start() - 1) : m.start()] in ("-", "/"):
                    continue
                identifier = f"{m[1]}-{int(m[2])}"
            else:
                identifier = f"Ballot {int(m[3])}"
            if identifier in out:
                continue
            note = self._ballot_note(text[m.end() : m.end() + 120])
            out[identifier] = {"id": identifier, "note": note}
        return list(out.values())

    @staticmethod
    def _ballot_note(after: str) -> str | None:
        m = re.match(r"\s*(?:\(|[:–—-]\s*)([^()\n:–—]{3,80}?)(?:\)|\s[–—-]\s|\n|\.|$)", after)
        if not m:
            return None
        note = m[1].strip(" _*")
        return note if note and note[0].isupper() else None

    # -- topics, decisions, actions --------------------------------------------------------------

    def topics(self) -> list[_Topic]:
        topics: list[_Topic] = []

        def visit(section: Section):
            kind = section.kind
            content = section.text_units()
            own = [
                u
                for u in content
                if self._substantive([u]) and not self._procedural_text(u.text) and not (u.lead and len(u.rest.split()) <= 6)
            ]
            own_words = sum(len(u.text.split()) for u in own)
            pseudo_children = any(child.level >= PSEUDO_LEVEL for child in section.children)
            if kind == "topic" and (
                self._names_the_meeting(section.title)
                or (section.children and own_words < 15 and (pseudo_children or section.level >= PSEUDO_LEVEL))
            ):
                kind = "container"
            if kind == "topic":
                if (content or section.children) and not self._skipped(section):
                    topics.append(self._topic(section.title, section))
                return
            if kind == "aob":
                nested = [u for u in content if u.kind == "item" and u.children and self._title_like(u)]
                if section.children and not own:
                    for child in section.children:
                        visit(child)
                elif nested:
                    topics.extend(self._item_topics(content))
                elif self._substantive(section.all_units()) and not self._skipped(section):
                    topics.append(self._topic(section.title, section))
                return
            if kind == "container":
                if own:
                    topics.extend(self._loose_topics(section, own))
            elif kind in ("agenda", "opening", "attendees"):
                loose = [u for u in own if len(u.text.split()) >= 12]
                if loose:
                    topics.extend(self._loose_topics(section, loose, split=True))
            for child in section.children:
                visit(child)

        visit(self.root)
        return topics

    def _item_topics(self, units: list[Unit]) -> list[_Topic]:
        """List items with sub-items, each a topic ('Other business' holding two subjects)."""
        out: list[_Topic] = []
        current: list[Unit] = []
        for unit in units:
            if unit.kind == "item" and unit.children and self._title_like(unit):
                if current:
                    out.append(self._topic(current[0].text, Section(current[0].text, PSEUDO_LEVEL, units=current[1:])))
                current = [unit]
            elif current:
                current.append(unit)
        if current:
            out.append(self._topic(current[0].text, Section(current[0].text, PSEUDO_LEVEL, units=current[1:])))
        return out

    def _names_the_meeting(self, title: str) -> bool:
        """A heading that restates the post ('NetSec Working Group – March 1, 2022', 'Minutes of SMCWG')."""
        folded = fold(title)
        if any(
            d.day == self.date or (d.day is None and self.date and (d.month, d.dom) == (self.date.month, self.date.day))
            for d in date_mentions(title)
        ):
            return True
        if re.search(r"\b(?:minutes|meeting) of\b|\bmeeting minutes\b|\bwg meeting\b", folded):
            return True
        return bool(self.group) and folded in (fold(self.group.name), fold(self.group.short_name))

    def _skipped(self, section: Section) -> bool:
        text = fold(" ".join(u.text for u in section.all_units()))
        if not text:
            return False
        if len(text.split()) <= 12 and re.search(
            r"\b(?:no (?:further )?updates?|nothing to report|skipped|no discussion|not discussed|none|no progress)\b", text
        ):
            return True
        return False

    def _substantive(self, units: list[Unit]) -> bool:
        words = sum(len(u.text.split()) for u in units)
        text = fold(" ".join(u.text for u in units))
        if not text or re.fullmatch(
            r"(?:none|no other business\w*|nothing|n a|no|no other business (?:was )?(?:discussed|raised)"
            r"|no additional items were raised|there was no other business)",
            text,
        ):
            return False
        if (
            re.match(r"^(?:none|no other business|there was no other business|no other business items were discussed)\b", text)
            and words < 8
        ):
            return False
        return words >= 4

    def _procedural_text(self, text: str) -> bool:
        folded = fold(text)
        if re.match(
            r"(?:chair|minute taker|date|next (?:call|meeting)|face to face meeting|presentation by|none)\b", folded
        ) or _EXPLICIT.match(text):
            return True
        if self._ANTITRUST.search(text):
            return True
        if re.search(
            r"\bminutes?\b.*\b(?:approv|defer|accepted)|\b(?:approv\w*|accepted) (?:of )?(?:the )?minutes"
            r"|minute ?taker|took minutes|taking minutes|prepared by",
            folded,
        ):
            return True
        if re.search(r"\b(?:roll call|attendance|agenda)\b", folded) and len(folded.split()) < 14:
            return True
        if re.search(r"\bnext (?:call|meeting)\b|adjourn", folded) and len(folded.split()) < 14:
            return True
        if re.match(r"^(?:these are the|the following minutes)", folded):
            return True
        if not date_mentions(text) == [] and len(folded.split()) <= 6:
            return True
        return False

    def _loose_topics(self, section: Section, units: list[Unit], split: bool = False) -> list[_Topic]:
        """Paragraphs straight under 'Minutes' or 'Discussion': one topic per subject, paragraphs
        that continue the previous one ("See ...", a list after a colon, shared terms) joined."""
        if not split and (fold(section.title) in ("minutes", "") or section is self.root or self._names_the_meeting(section.title)):
            # Loose notes among procedural ones read as one topic.
            groups = [units]
        else:
            groups = []
            for unit in units:
                if groups and self._continues(groups[-1], unit):
                    groups[-1].append(unit)
                else:
                    groups.append([unit])
        out = []
        for group in groups:
            if group is units and len(groups) == 1 and not split:
                title = "Minutes" if section is self.root or self._names_the_meeting(section.title) else section.title
            else:
                title = _short_title(group[0].text)
            holder = Section(title, PSEUDO_LEVEL, units=group)
            out.append(self._topic(title, holder))
        if len(out) == 1 and not split:
            self._section_topic[id(section)] = out[0]
        return out

    def _continues(self, group: list[Unit], unit: Unit) -> bool:
        last = group[-1]
        if last.text.rstrip().endswith(":") or unit.kind == "item" or last.kind == "item" and unit.depth > 0:
            return True
        if re.match(r"(?i)^(?:see |https?://|\(|also\b|this\b|these\b|it\b|they\b|he\b|she\b)", unit.text):
            return True
        previous = set().union(*(_terms(u.text) for u in group))
        shared = previous & _terms(unit.text)
        return len(shared) >= 2

    def _topic(self, title: str, section: Section) -> _Topic:
        units = section.all_units()
        points = []
        presenter = None
        for unit in units:
            text = _one_line(unit.text)
            if _EXPLICIT.match(text):
                continue
            m = re.match(rf"(?i)^(?:update |report |presentation )?(?:given|presented|provided) by:?\s*(?P<who>{PERSON})", text)
            if m:
                presenter = self.people.full(m["who"])
            m = re.match(rf"^(?P<who>{PERSON}) (?:gave|provided|presented) the (?:update|report)", text)
            if m:
                presenter = self.people.full(m["who"])
            if text:
                points.append(text)
        m = re.search(rf"(?i)(?:update|report)?\s*(?:given|presented) by\s+(?P<who>{PERSON})\s*$", title)
        if m:
            presenter = self.people.full(m["who"])
            title = title[: m.start()].strip() or title
        topic = _Topic(title=_tidy_title(title) or "Discussion", points=points, units=units, presenter=presenter)
        self._section_topic[id(section)] = topic
        return topic

    def decisions_and_actions(self, topics: list[_Topic]) -> tuple[list[dict], list[dict]]:
        """Decisions and action items from every sentence outside the attendee list and the
        procedural sections, each linked to the topic it was said under."""
        unit_topic = {id(u): t for t in topics for u in t.units}
        decisions: list[dict] = []
        actions: list[dict] = []
        skip = {"attendees", "antitrust", "adjourn", "next", "ballot_list"}
        procedural = {"approval", "agenda", "minute_taker", "opening"}
        previous = ""
        pairs = self._units_with_sections()
        kinds = {section.kind for section, _ in pairs} | {s.kind for s in self._all_sections()}
        explicit_decisions = "decision_list" in kinds or any(re.match(r"DECISION:", u.text) for _, u in pairs)
        explicit_actions = "action_list" in kinds or any(re.match(r"ACTION\b", u.text) for _, u in pairs)
        for section, unit in pairs:
            if explicit_decisions or explicit_actions:
                found = self._explicit(section, unit)
                if found and found[0] == "decision" and explicit_decisions:
                    decisions.append(found[1])
                elif found and found[0] == "action" and explicit_actions:
                    actions.append(found[1])
                if explicit_decisions and explicit_actions:
                    continue
            if section.kind in ("decision_list", "action_list"):
                continue
            if section.kind in skip or unit.kind == "heading":
                continue
            topic = unit_topic.get(id(unit))
            title = topic.title if topic else None
            presenter = topic.presenter if topic else None
            last_person = presenter
            for sentence in sentences(unit.text):
                subject = self._subject(sentence)
                if subject:
                    last_person = subject
                decision = None if section.kind in procedural or explicit_decisions else _decision_text(sentence, previous)
                previous = sentence
                if decision and not any(d["text"] == decision for d in decisions):
                    decisions.append({"text": decision, "topic": title})
                for owner, text in [] if explicit_actions else self._actions_in(sentence, last_person, presenter):
                    text = text[:1].upper() + text[1:]
                    if not any(a["text"] == text and a["owner"] == owner for a in actions):
                        actions.append({"owner": owner, "text": text, "due": None, "topic": title})
        return decisions, actions

    def _explicit(self, section: Section, unit: Unit) -> tuple[str, dict] | None:
        """A decision or action item written as such: under a 'Decisions' or 'Action items' heading,
        or labelled 'DECISION:' / 'ACTION (owner, due date):' in a topic."""
        text = _one_line(unit.text)
        topic = self._section_topic.get(id(section))
        title = topic.title if topic else None
        m = re.match(r"DECISION:\s*(?P<text>.+)$", text)
        if m:
            return "decision", {"text": m["text"], "topic": title}
        m = re.match(r"ACTION(?:\s*\((?P<meta>[^)]*)\))?:\s*(?P<text>.+)$", text)
        if m:
            owner, due = None, None
            for part in (m["meta"] or "").split(","):
                part = part.strip()
                if part.lower().startswith("due "):
                    due = first_date(part[4:])
                elif part and owner is None:
                    owner = self.people.full(part)
            return "action", {"owner": owner, "text": m["text"], "due": due.isoformat() if due else None, "topic": title}
        if unit.kind != "item":
            return None
        if section.kind == "decision_list":
            return "decision", {"text": text, "topic": None}
        if section.kind == "action_list":
            owners, task = self._owners_and_task(text)
            return "action", {"owner": owners[0] if owners else None, "text": task or text, "due": None, "topic": None}
        return None

    def _units_with_sections(self):
        out = []

        def walk(section, owner):
            owner = owner or (section if section.kind != "topic" and section.kind != "container" else None)
            for unit in section.text_units():
                out.append((owner or section, unit))
            for child in section.children:
                walk(child, owner)

        walk(self.root, None)
        return out

    def _subject(self, sentence: str) -> str | None:
        m = _SUBJECT.match(sentence)
        if m and _looks_like_person(m["who"], self.people):
            return self.people.full(m["who"])
        return None

    def _actions_in(self, sentence: str, last_person: str | None, presenter: str | None) -> list[tuple[str | None, str]]:
        text = _one_line(sentence).strip(" .")
        m = re.match(r"(?i)^(?:action(?: item)?s?|ai|follow[\s-]?up|next steps?)\s*[:–-]\s*(?P<rest>.+)$", text)
        if m:
            rest = m["rest"]
            owners, body = self._owners_and_task(rest)
            return [(o, body) for o in owners] if owners else [(None, rest)]
        m = _NEXT_TAKER.search(text)
        if m and _looks_like_person(m["who"], self.people):
            return [(self.people.full(m["who"]), "Be minute taker for the next call")]
        if re.search(
            r"(?i)\bnext (?:call|meeting) will\b|\bwill take place\b|\bwill be held\b|\bwill be (?:a|an|the|good|great|helpful|useful)\b",
            text,
        ):
            return []
        owners, body = self._owners_and_task(text)
        if owners and body:
            return [(o, body) for o in owners]
        # "He will ...", "Will do ...": the last person named, or the one giving the update.
        m = re.match(
            r"(?i)^(?:(?P<pron>he|she)\s+)?(?:will|plans to|is going to|agreed to|offered to|intends to|intended to)"
            r"\s+(?P<verb>[\w-]+)(?P<rest>.*)$",
            text,
        )
        if m and m["verb"].lower() in ACTION_VERBS:
            owner = last_person if m["pron"] else presenter
            return [(owner, (m["verb"] + m["rest"]).strip())]
        m = re.search(r"(?i)\b(?P<pron>he|she) (?:will|intends to|intended to|plans to|is going to)\s+(?P<verb>[\w-]+)(?P<rest>.*)$", text)
        if m and m["verb"].lower() in ACTION_VERBS and last_person:
            return [(last_person, (m["verb"] + m["rest"]).strip())]
        m = re.match(
            r"(?i)^(?:the )?(?:group|wg|working group|members|everyone|all|we)\s+(?:to|will|should|need to)"
            r"\s+(?P<verb>[\w-]+)(?P<rest>.*)$",
            text,
        )
        if m and m["verb"].lower() in ACTION_VERBS:
            return [(None, (m["verb"] + m["rest"]).strip())]
        # "Minutes will be sent out", "A redline will be proposed", "Discussion ... will continue".
        m = re.search(
            r"(?i)^(?P<subject>[^,;:]{3,80}?)\s+will\s+(?:be\s+(?P<done>[\w-]+ed|sent|done|taken|made|put|set|brought)|(?P<verb>continue|resume))\b",
            text,
        )
        if m and not re.match(
            r"(?i)^(?:it|this|that|there|they|we|you|i|the next|next|voting|the vote|the meeting|the call)\b", m["subject"]
        ):
            done = (m["done"] or "").lower()
            if m["verb"] or _PARTICIPLES.get(done) or done[:-2] in ACTION_VERBS or done[:-1] in ACTION_VERBS:
                return [(None, text)]
        return []

    def _owners_and_task(self, text: str) -> tuple[list[str], str]:
        for m in _OWNERS_AND_TASK.finditer(text):
            if m["verb"].lower() not in ACTION_VERBS:
                continue
            owners = [self.people.full(p) for p in re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", m["who"]) if _looks_like_person(p, self.people)]
            if owners:
                return owners, (m["verb"] + m["rest"]).strip(" .")
        # "Ian thinks ..., but will go back and look at it"
        m = _BUT_WILL.match(text)
        if m and m["verb"].lower() in ACTION_VERBS and _looks_like_person(m["who"], self.people):
            return [self.people.full(m["who"])], (m["verb"] + m["rest"]).strip(" .")
        return [], ""

    # -- the form --------------------------------------------------------------------------------

    def form(self) -> dict[str, Any]:
        topics = self.topics()
        decisions, actions = self.decisions_and_actions(topics)
        if not self.attendees:
            self.warnings.append("no attendee list found")
        if self.date is None:
            self.warnings.append("no meeting date found")
        if self.group is None:
            self.warnings.append("no working group named in the title or tags")
        return {
            "schema_version": SCHEMA_VERSION,
            "meeting": self.meeting(),
            "attendees": self.attendees,
            "chair": self.chair(),
            "minute_taker": self.minute_taker(),
            "antitrust_statement": self.antitrust(),
            "minutes_approvals": self.approvals(),
            "topics": [{"title": t.title[:300], "summary": t.points} for t in topics],
            "decisions": decisions,
            "action_items": actions,
            "ballots": self.ballots(),
            "next_meeting": self.next_meeting(),
            "adjourned": self.adjourned(),
        }


_SENTENCE_STARTS = {
    "will",
    "we",
    "they",
    "he",
    "she",
    "it",
    "there",
    "this",
    "that",
    "these",
    "those",
    "no",
    "need",
    "plan",
    "planned",
    "agreed",
    "approved",
    "confirmed",
    "currently",
    "most",
    "some",
    "noted",
    "can",
    "should",
    "could",
    "would",
    "if",
    "when",
    "also",
    "still",
    "working",
    "in",
    "on",
    "at",
    "the",
    "a",
    "an",
    "and",
    "but",
    "so",
    "our",
    "their",
    "his",
    "her",
    "as",
    "per",
    "after",
    "before",
    "i",
    "you",
    "what",
    "why",
    "how",
    "yes",
    "none",
    "tbd",
    "possibly",
    "maybe",
    "remove",
    "removed",
    "added",
    "to",
    "for",
    "with",
    "from",
    "all",
}

ACTION_VERBS = {
    "send",
    "circulate",
    "draft",
    "propose",
    "update",
    "review",
    "prepare",
    "submit",
    "follow",
    "reach",
    "contact",
    "look",
    "create",
    "present",
    "publish",
    "share",
    "discuss",
    "continue",
    "start",
    "work",
    "provide",
    "add",
    "check",
    "confirm",
    "distribute",
    "redistribute",
    "re-distribute",
    "endorse",
    "post",
    "write",
    "investigate",
    "coordinate",
    "schedule",
    "organize",
    "take",
    "lead",
    "bring",
    "raise",
    "ask",
    "make",
    "move",
    "open",
    "file",
    "fix",
    "clarify",
    "address",
    "pick",
    "try",
    "resurface",
    "help",
    "assist",
    "finish",
    "complete",
    "compile",
    "run",
    "talk",
    "get",
    "set",
    "put",
    "consider",
    "facilitate",
    "respond",
    "reply",
    "invite",
    "merge",
    "edit",
    "revise",
    "revert",
    "give",
    "go",
    "process",
    "combine",
    "map",
    "find",
    "request",
    "seek",
    "notify",
    "inform",
    "report",
    "record",
    "register",
    "be",
    "plan",
    "cancel",
    "drive",
    "own",
    "handle",
    "approve",
    "vote",
}


_EXPLICIT = re.compile(r"(?:DECISION:|ACTION(?:\s*\([^)]*\))?:)")

_PARTICIPLES = {"sent": "send", "done": "do", "taken": "take", "made": "make", "put": "put", "set": "set", "brought": "bring"}


def _terms(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) >= 5 and w not in _COMMON_TERMS}


_COMMON_TERMS = {
    "about",
    "would",
    "should",
    "could",
    "there",
    "their",
    "which",
    "where",
    "these",
    "those",
    "other",
    "noted",
    "asked",
    "said",
    "discussed",
    "discussion",
    "group",
    "meeting",
    "stephen",
    "pointed",
    "being",
    "because",
    "might",
    "members",
    "certificate",
    "certificates",
    "ballot",
    "issues",
    "issue",
    "further",
    "question",
    "questions",
}


def _short_title(text: str) -> str:
    first = sentences(text)[0] if sentences(text) else text
    first = _one_line(first).rstrip(".:")
    words = first.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


_DECISION = re.compile(
    r"(?i)(?:\b(?:it was|it['’]s|it is|was|generally|general|group|wg|all|everyone|members|there(?: is|was|['’]s)?)"
    r"\s+(?:\w+\s+)?agree[ds]?\b|"
    r"^agreed\b|\bthe group agrees\b|there (?:is|was|['’]s|seems to be|seemed to be) (?:\w+ )?agreement\b|^(?:general )?agreement\b|"
    r"\bconsensus\b|\b(?:it was |we )?decided\b|\bdecision (?:was|is) (?:made|taken)|"
    r"^no objections?\b|no objections? (?:was|were) raised|there (?:were|was) no objections?|without objections?|unanimously|"
    r"final outcome|motion passed|"
    r"(?:ballot|it|csc-?\d+|sc-?\d+|smc-?\d+)\b[^.]*\b(?:has |have |was |were )?(?:passed|been approved)\b|[–—-]\s*passed\b|"
    r"(?:was|were|is|are|has been|have been) (?:postponed|deferred|moved (?:forward )?to|cancell?ed|confirmed|adopted|elected|set to)\b|"
    r"\bwill be cancell?ed\b|effective date (?:is |was )?set\b|\bwill defer\b|added as an? (?:endorser|interested party|member)|"
    r"^confirmed\b|\b(?:wg|group) confirmed\b|request approved|application was approved|status [^.]* was approved)"
)
_NOT_DECISION = re.compile(
    r"(?i)\bno (?:conclusion|consensus|decision)|\bnot (?:agreed|decided)|\?$|\bif (?:there is|we)\b|\bwhether\b|make a decision|"
    r"\bno definitive\b|\bsubscriber agreement\b|\bagreement (?:with|of) (?:the )?(?:subscriber|customer)"
)


# Every alternative of _DECISION contains one of these (case folded): a sentence without any cannot match,
# and checking them is much cheaper than trying the pattern at every position of every sentence.
_DECISION_WORDS = (
    "agree", "consensus", "decided", "decision", "objection", "unanimous", "outcome", "passed", "approved", "postponed",
    "defer", "moved", "cancel", "confirmed", "adopted", "elected", "set", "added",
)


def _decision_text(sentence: str, previous: str = "") -> str | None:
    text = _one_line(sentence).strip(" .")
    folded_text = text.casefold()
    if not any(word in folded_text for word in _DECISION_WORDS):
        return None
    if not _DECISION.search(text) or _NOT_DECISION.search(text):
        return None
    if len(text.split()) < 4 and previous:
        # "Dean moves to cancel the call on Jun 1st. No objections."
        text = f"{_one_line(previous).strip(' .')}. {text}"
    if len(text.split()) < 3:
        return None
    folded = fold(text)
    if "minute" in folded and ("approv" in folded or "defer" in folded):
        return None
    return text


# -- style ---------------------------------------------------------------------------------------


def body_style(body: str):
    """The visible habits of a post (attendee heading and format, heading level, bullet), so that
    minutes written in the app can be published the way the group writes its posts."""
    from .post import HOUSE_STYLE, BodyStyle

    units = outline(body)
    heading, level, as_list, pattern = HOUSE_STYLE.attendees_heading, HOUSE_STYLE.heading_level, False, HOUSE_STYLE.attendee
    for index, unit in enumerate(units):
        if unit.kind == "heading" and section_kind(unit.text) == "attendees":
            heading, level = _tidy_title(unit.text), max(2, min(unit.level, 3))
            following = units[index + 1] if index + 1 < len(units) else None
            if following is not None:
                as_list = following.kind == "item"
                pattern = _attendee_pattern(following.text)
            break
    bullets = re.findall(r"(?m)^([-*+])\s", body)
    bullet = max(set(bullets), key=bullets.count) if bullets else HOUSE_STYLE.bullet
    return BodyStyle(attendees_heading=heading, attendee=pattern, attendees_as_list=as_list, heading_level=level, bullet=bullet)


def _attendee_pattern(text: str) -> str:
    first = _split_outside_parens(text)[0]
    m = re.search(r"\s([–—-])\s+\(", first)
    if m:
        return "{name} " + m[1] + " ({org})"
    m = re.search(r"\s([–—-])\s", first)
    if m:
        return "{name} " + m[1] + " {org}"
    if "(" in first:
        return "{name} ({org})"
    return "{name} – {org}"


# -- comparing forms -----------------------------------------------------------------------------


def forms_match(parsed: dict[str, Any], stored: dict[str, Any], *, person=None, organization=None) -> bool:
    """Whether ``stored`` (read back from the records) says what ``parsed`` (read from a post) says.
    Names compare as the records compare them: case, accents and spacing aside, and through
    ``person``/``organization``, which give a name's stored spelling; an attendee's organization
    left out of the post matches any; 'A/B' counts as A, as the records keep one person."""
    return _form_key(parsed, person, organization, loose_orgs=True) == _form_key(stored, None, None, loose_orgs=False) and _orgs_match(
        parsed, stored, person, organization
    )


def _form_key(form: dict[str, Any], person, organization, *, loose_orgs: bool) -> dict[str, Any]:
    def who(name):
        if not name:
            return None
        name = str(name).split("/")[0].strip()
        return fold(person(name) if person else name)

    meeting = form.get("meeting") or {}
    antitrust = form.get("antitrust_statement") or {}
    kind = meeting.get("kind") or "teleconference"
    return {
        "meeting": (
            meeting.get("title"),
            meeting.get("date"),
            kind,
            meeting.get("f2f_number") if kind == "face-to-face" else None,
            meeting.get("location") or None,
        ),
        "attendees": sorted({who(a["name"]) for a in form.get("attendees") or []} - {None}),
        "chair": who(form.get("chair")),
        "minute_taker": who(form.get("minute_taker")),
        "antitrust": (bool(antitrust.get("read")), who(antitrust.get("read_by")) if antitrust.get("read") else None),
        "approvals": sorted((a.get("meeting_date") or "", a["outcome"], a.get("note") or "") for a in form.get("minutes_approvals") or []),
        "topics": [(t["title"], [p for p in t.get("summary") or [] if p.strip()]) for t in form.get("topics") or []],
        "decisions": sorted((d["text"], d.get("topic") or "") for d in form.get("decisions") or []),
        "actions": sorted(
            (who(a.get("owner")) or "", a["text"], a.get("due") or "", a.get("topic") or "") for a in form.get("action_items") or []
        ),
        "ballots": sorted({b["id"] for b in form.get("ballots") or []}),
        "next_meeting": form.get("next_meeting") or None,
        "adjourned": bool(form.get("adjourned")),
    }


def _orgs_match(parsed, stored, person, organization) -> bool:
    stored_orgs = {fold(a["name"]): org_key(a.get("organization")) for a in stored.get("attendees") or []}
    for row in parsed.get("attendees") or []:
        if not row.get("organization"):
            continue
        name = fold(person(row["name"]) if person else row["name"])
        org = org_key(organization(row["organization"]) if organization else row["organization"])
        if stored_orgs.get(name, org) != org:
            return False
    return True
