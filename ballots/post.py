"""The Forum's ballot posts (YAML front matter + Markdown) read into the structured ballot form
(shared/schemas/ballot.schema.json). Pure: no ORM. ``ballots.services.ballot_save_form`` stores the form.

Posts write votes in several ways, all handled here:
- labelled lists per class: "24 Yes votes: A, B", "- **3 Issuers voting NO:** A", "CAs voting in favor (7): ...",
  "Three Browsers voted against: ...", "Votes in Favor: (10) ...", "Against: None";
- Markdown tables with a row per class and Yes / No / Abstain columns, including tables whose cells lost
  their separators ("Certum (Asseco)DigiCertEntrust...") or use spaces between names;
- results stated as "the ballot has passed" or only as "This requirement was MET / NOT MET" statements.
Names that ran together are split against the organization names already known (``known_names``).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import frontmatter
from dateutil import parser as date_parser

from .tally import CONSUMERS, ISSUERS

CHOICES = ("yes", "no", "abstain")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
NUMBER_WORDS["none"] = 0

CLASS_WORDS = {
    ISSUERS: {"issuer", "issuers", "ca", "cas"},
    CONSUMERS: {"consumer", "consumers", "browser", "browsers"},
}
# The whole vocabulary of a vote label such as "Three CAs voted in favor" or "0 Issuers ABSTAIN".
LABEL_WORDS = (
    {"certificate", "member", "members", "votes", "vote", "voting", "voted", "in", "favor", "favour", "yes", "no"}
    | {"opposed", "against", "abstain", "abstained", "abstaining", "abstention", "abstentions", "by", "the"}
    | CLASS_WORDS[ISSUERS]
    | CLASS_WORDS[CONSUMERS]
    | set(NUMBER_WORDS)
)
STOP_RE = re.compile(
    r"(?i)^(?:#+\s*)?(?:purpose of (?:the )?ballot|ballot (?:text|contents?)\b|[-—–\s]*motion begins|motion\s*$|overview\s*$)"
    r"|\b(?:is|been|was) proposed by\b|^proposed by\b"
)
LIST_MARK_RE = re.compile(r"^\s*(?:[-–—•*+]|\d+[.)])\s+")
EXPLICIT_RESULT_RE = re.compile(
    r"(?i)\b(?:the|this)\s+ballot(?:\s+[A-Z]+[-\s]?\d+(?:\s*v\d+)?)?\s+(?:has\s+)?(?:been\s+)?(passed|passes|failed|fails)\b"
)
VERSION_RE = re.compile(r"(?i)(?:\bv\.?\s*|\(v)(\d+)\)?")


@dataclass
class ParsedPost:
    form: dict[str, Any]
    prefix: str | None
    tags: list[str]
    counts: dict[str, dict[str, int]]
    quorum_required: int | None
    post_date: dt.datetime | None
    body: str
    has_votes: bool
    problems: list[str] = field(default_factory=list)
    listed_names: list[str] = field(default_factory=list)  # names from labelled lists: good evidence for splitting others


# -- text -----------------------------------------------------------------------------------------


def plain_text(markdown: str) -> str:
    """Markdown without emphasis, escapes or link targets: what a reader sees, line by line."""
    text = markdown.replace("\u00a0", " ").replace("\r", "")
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("*", "")
    text = re.sub(r"(?<![\w])_+|_+(?![\w])", "", text)
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))


def _paragraphs(text: str) -> str:
    """Lines of a paragraph joined, so sentences wrapped by the mail archive read as one."""
    return "\n\n".join(re.sub(r"\s*\n\s*", " ", p) for p in re.split(r"\n\s*\n", text))


# -- identifier and title -------------------------------------------------------------------------

ID_RE = re.compile(r"(?i)\bballot[\s:-]*(?:(?P<prefix>[A-Z][A-Z/]*?)[\s-]*)?0*(?P<num>\d+)(?:\s*v\.?\s*(?P<ver>\d+)\b)?")
BARE_ID_RE = re.compile(r"^(?P<prefix>[A-Z][A-Z]+)[\s-]*0*(?P<num>\d+)(?:\s*v\.?\s*(?P<ver>\d+)\b)?")


def parse_identifier(title: str, filename: str = "") -> tuple[str | None, str | None, str | None, str]:
    """(identifier, prefix, version, title without the identifier) from a post title like
    'Ballot CSC-7v2: Update to merge ...' or 'Ballot 185 – Limiting ...'."""
    for source in (title, filename.replace("_", " ")):
        m = ID_RE.search(source) or BARE_ID_RE.search(source)
        if m:
            break
    else:
        return None, None, None, title.strip()
    prefix = m.group("prefix").upper() if m.group("prefix") else None
    number = int(m.group("num"))
    identifier = f"{prefix}-{number}" if prefix else f"Ballot {number}"
    version = m.group("ver")
    rest = (title[: m.start()] + " " + title[m.end() :]) if source is title else title
    rest = rest.strip(" -–—:,")
    trailing = re.search(r"\s*(?:\(v(\d+)\)|\bv(\d+))\s*$", rest)
    if trailing:
        version = version or trailing.group(1) or trailing.group(2)
        rest = rest[: trailing.start()]
    return identifier, prefix, f"v{version}" if version else None, rest.strip()


# -- organization names that ran together --------------------------------------------------------


def split_names(text: str, known: Iterable[str]) -> list[str]:
    """Split 'Certum (Asseco)DigiCertEntrustE-TUGRA' or 'DigiCert Entrust GlobalSign' into names, preferring
    known names and as few unknown characters as possible (an unknown stretch becomes one name)."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    lowered = text.lower()
    # The whole text is not evidence for itself (an earlier import may have stored it unsplit).
    vocabulary = {name.lower() for name in known if len(name) >= 2} - {lowered}
    lengths = sorted({len(name) for name in vocabulary}, reverse=True)
    n = len(text)
    # best[i] = (unknown chars, segments, split points) for text[i:]
    best: list[tuple[int, int, list[tuple[int, int]]] | None] = [None] * (n + 1)
    best[n] = (0, 0, [])
    for i in range(n - 1, -1, -1):
        if text[i] == " ":
            best[i] = best[i + 1]
            continue
        options = []
        for length in lengths:
            j = i + length
            if j <= n and lowered[i:j] in vocabulary and best[j] is not None:
                cost, segs, cuts = best[j]
                options.append((cost, segs + 1, [(i, j)] + cuts))
        for j in range(i + 1, n + 1):
            if text[j - 1] == " " or best[j] is None or lowered[i:j] in vocabulary:
                continue
            cost, segs, cuts = best[j]
            options.append((cost + (j - i) + 1, segs + 1, [(i, j)] + cuts))
        best[i] = min(options, key=lambda o: (o[0], o[1])) if options else None
    return [text[a:b].strip() for a, b in best[0][2]] if best[0] else [text]


def _without_full_stop(name: str) -> str:
    name = name.strip()
    # "SecureTrust." ends a sentence; "Actalis S.p.A." ends an abbreviation.
    if name.endswith(".") and "." not in name.split()[-1][:-1]:
        name = name[:-1].strip()
    return name


def _split_list(rest: str) -> list[str]:
    rest = rest.strip()
    if not _without_full_stop(rest) or _without_full_stop(rest).lower() in ("none", "n/a", "-", "—"):
        return []
    return [name for name in (_without_full_stop(part) for part in rest.split(",")) if name]


# -- votes ----------------------------------------------------------------------------------------


def _class_of(words: list[str]) -> str | None:
    found = {cls for cls, vocab in CLASS_WORDS.items() if any(w in vocab for w in words)}
    return found.pop() if len(found) == 1 else None


def _choice_of(words: list[str]) -> str | None:
    if any(w.startswith("abstain") or w.startswith("abstention") for w in words):
        return "abstain"
    if any(w in ("no", "opposed", "against") for w in words):
        return "no"
    if "yes" in words or "favor" in words or "favour" in words:
        return "yes"
    return None


def _vote_label(label: str) -> tuple[list[str], int | None] | None:
    """The words of a vote label and the count it states, or None when the text is not a vote label."""
    if "%" in label or len(label) > 60:
        return None
    count = None
    paren = re.search(r"\((\d+)\)", label)
    if paren:
        count = int(paren.group(1))
        label = label[: paren.start()] + label[paren.end() :]
    words = re.findall(r"[a-z]+|\d+", label.lower())
    if not words or any(w not in LABEL_WORDS and not w.isdigit() for w in words):
        return None
    if count is None and (words[0].isdigit() or words[0] in NUMBER_WORDS):
        count = int(words[0]) if words[0].isdigit() else NUMBER_WORDS[words[0]]
    return words, count


def _empty_votes() -> dict[str, dict[str, list[str]]]:
    return {cls: {choice: [] for choice in CHOICES} for cls in (ISSUERS, CONSUMERS)}


def _parse_vote_lines(lines: list[str]) -> tuple[dict, dict, bool]:
    votes = _empty_votes()
    stated: dict[str, dict[str, int | None]] = {cls: dict.fromkeys(CHOICES) for cls in (ISSUERS, CONSUMERS)}
    seen: set[tuple[str, str]] = set()
    found = False
    current: str | None = None
    for raw in lines:
        line = LIST_MARK_RE.sub("", raw).strip()
        if not line or "|" in line:
            continue
        label, colon, rest = line.partition(":")
        label_lower = label.lower()
        if re.search(r"\bvotes? total\b|\bvoting by\b|\bvotes? by\b", label_lower) or (
            not colon and _class_of(re.findall(r"[a-z]+", label_lower)) and _choice_of(re.findall(r"[a-z]+", label_lower)) is None
            and len(label) < 40
        ):
            cls = _class_of(re.findall(r"[a-z]+", label_lower))
            current = cls or current
            continue
        parsed = _vote_label(label)
        if parsed is None:
            continue
        words, count = parsed
        choice = _choice_of(words)
        current = _class_of(words) or current
        if choice is None or current is None or (current, choice) in seen:
            continue
        if not colon and count is None:
            continue
        rest = rest.strip()
        lead = re.match(r"\((\d+)\)\s*", rest)
        if lead:
            count = count if count is not None else int(lead.group(1))
            rest = rest[lead.end() :]
        seen.add((current, choice))
        votes[current][choice] = _split_list(rest)
        stated[current][choice] = count
        found = True
    return votes, stated, found


def _parse_vote_table(text: str, known: Iterable[str]) -> tuple[dict, bool]:
    cells = [c.strip() for c in text.split("|")]
    cells = [c for c in cells if not re.fullmatch(r":?-{3,}:?", c)]
    header = [c.lower() for c in cells if c.lower() in CHOICES]
    order = header[:3] if sorted(header[:3]) == sorted(CHOICES) else list(CHOICES)
    votes = _empty_votes()
    found = False
    label_words = {"certificate", "member", "members"} | CLASS_WORDS[ISSUERS] | CLASS_WORDS[CONSUMERS]
    index = 0
    while index < len(cells):
        words = re.findall(r"[a-z]+", cells[index].lower())
        cls = _class_of(words) if words and len(words) <= 3 and all(w in label_words for w in words) else None
        if cls is None:
            index += 1
            continue
        for choice, value in zip(order, cells[index + 1 : index + 4], strict=False):
            if "," in value:
                names = _split_list(value)
            elif "\n" in value.strip():
                names = [line.strip() for line in value.strip().split("\n") if line.strip()]
            else:
                names = split_names(value, known)
            votes[cls][choice] = names
            found = found or bool(names)
        index += 4
    return votes, found


def _fill_missing_commas(names: list[str], want: int, known: Iterable[str]) -> list[str]:
    """'Buypass Chunghwa Telecom' is two names when the post counts one more vote than it lists and both
    parts are known names."""
    known = list(known)
    vocabulary = {k.lower() for k in known}
    result = []
    for name in names:
        parts = split_names(name, known)
        if len(result) + len(parts) + (len(names) - len(result) - 1) <= want and len(parts) > 1 and all(
            p.lower() in vocabulary for p in parts
        ):
            result.extend(parts)
        else:
            result.append(name)
    return result


# -- dates ----------------------------------------------------------------------------------------


def parse_when(text: str | None, *, year: int | None = None) -> dt.datetime | None:
    """A date and time as posts write them ('17-January 2020 09:00 Eastern', '2022-01-10 15:00:00 UTC',
    'October 14, 2020 at 11:00 am Eastern Time'); UTC unless the text names US Eastern time."""
    if not text:
        return None
    zone = NEW_YORK if re.search(r"(?i)\beastern\b|\bE[SD]T\b", text) else dt.UTC
    cleaned = re.sub(r"(?i)\b([01]\d|2[0-3])([0-5]\d)(?=\s*(?:utc|gmt)\b)", r"\1:\2", text)  # "2359 UTC on January 1"
    cleaned = re.sub(r"(?i)\b(?:not before|eastern|time|\(us\)|us|utc|gmt|e[sd]t|at|on)\b|[()]", " ", cleaned)
    cleaned = re.sub(r"(?i)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", " ", cleaned)
    if not re.search(r"\d", cleaned):
        return None
    try:
        moment = date_parser.parse(cleaned, fuzzy=True, default=dt.datetime(year or 2000, 1, 1))
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


DATE_TEXT = r"(\d{4}-\d{2}-\d{2}|[A-Z][a-z]+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"


def _periods(lines: list[str], year: int | None) -> dict[str, dict[str, str | None]]:
    periods: dict[str, dict[str, str | None]] = {}
    context = None
    pending_cells: list[str] = []
    for index, line in enumerate(lines):
        marker = re.match(r"(?i)^(?:#+\s*)?(discussion|review period:?\s*$|vote for approval|voting period)", line)
        if marker:
            context = "voting_period" if re.match(r"(?i)vot", marker.group(1)) else "discussion_period"
            periods.setdefault(context, {"start": None, "end": None})
            if line.rstrip().endswith("|") and "start" not in line.lower():
                pending_cells = [c.strip(" |") for c in lines[index + 1 : index + 3]]
                for key, value in zip(("start", "end"), pending_cells, strict=False):
                    moment = parse_when(value, year=year)
                    if moment and not periods[context][key]:
                        periods[context][key] = moment.isoformat()
                continue
        if context is None:
            continue
        for m in re.finditer(r"(?i)\b(start|end)(?:\s+time)?\s*:\s*(.+?)(?=\b(?:start|end)(?:\s+time)?\s*:|$)", line):
            moment = parse_when(m.group(2), year=year)
            key = m.group(1).lower()
            if moment and not periods[context][key]:
                periods[context][key] = moment.isoformat()
    return {k: v for k, v in periods.items() if v["start"] or v["end"]}


def _ipr_review(plain: str, guideline_type: str, year: int | None) -> dict[str, str | None] | None:
    start = re.search(r"(?i)start of (?:the )?review period:\s*(.+)", plain)
    end = re.search(r"(?i)end of (?:the )?review period:\s*(.+)", plain)
    ends_at = re.search(r"(?i)review period ends at\s+(.+?)(?:\.\s|\.$|$)", plain, re.M)
    ended_on = re.search(r"(?i)review period ended on\s+" + DATE_TEXT, plain)
    days = re.search(r"(?i)\b(30|60)[- ]day\b|review period of (30|60) days", plain)
    kind = f"{days.group(1) or days.group(2)}-day" if days else {"maintenance": "30-day", "new": "60-day"}.get(guideline_type)
    if not (start or end or ends_at or ended_on or days or re.search(r"(?i)\bIP(?:R| Rights) review", plain)):
        return None
    end_text = (end and end.group(1)) or (ends_at and ends_at.group(1)) or (ended_on and ended_on.group(1))
    start_at, end_at = parse_when(start and start.group(1), year=year), parse_when(end_text, year=year)
    return {
        "kind": kind,
        "start": start_at.isoformat() if start_at else None,
        "end": end_at.isoformat() if end_at else None,
    }


def _effective_date(plain: str) -> str | None:
    for pattern in (
        r"effective date (?:being|is|of)\s+" + DATE_TEXT,
        r"becomes? effective\b[^.\n]*?\bon\s+" + DATE_TEXT,
        r"term commencing on\s+" + DATE_TEXT,
    ):
        m = re.search("(?i)" + pattern, plain)
        if m:
            moment = parse_when(m.group(1))
            if moment:
                return moment.date().isoformat()
    return None


# -- people ---------------------------------------------------------------------------------------

ROLE_WORDS = {"chair", "chairs", "vice", "vice-chair", "member", "representatives", "representative"}


def _person(text: str) -> dict[str, str | None] | None:
    m = re.match(r"(?s)(?P<name>.+?)\s+of\s+(?P<org>.+)$", text.strip())
    name_text, org = (m.group("name"), m.group("org")) if m else (text, None)
    tokens = name_text.split()
    run: list[str] = []
    for token in reversed(tokens):
        if not token[:1].isupper() or token.lower().strip(",") in ROLE_WORDS or len(run) == 4:
            break
        run.insert(0, token)
    name = " ".join(run).strip(" ,")
    if not name:
        return None
    org = org.strip().rstrip(".").strip() if org else None
    return {"name": name, "organization": org or None}


def _proposal(plain: str) -> tuple[dict | None, list[dict]]:
    text = _paragraphs(plain)
    end = r"(?=\.(?:\s|$)|:|\s+to\s+[a-z]|\n|$)"
    m = re.search(r"(?is)\bproposed by\s+(?P<proposer>.+?)\s*,?\s+and\s+endorsed by\s+(?P<endorsers>.+?)" + end, text)
    if m is None:
        m = re.search(r"(?is)\bproposed by\s+(?P<proposer>.+?)" + end, text)
        return (_person(m.group("proposer")) if m else None), []
    endorser_text = re.sub(r"(?i)^.*?\(listed in alphabetical order\)\s*", "", m.group("endorsers"))
    parts = re.split(r"\s*,?\s+and\s+|\s*,\s*(?=(?:[A-Z][\w'’.-]*\s+){1,4}of\s)", endorser_text)
    endorsers = [p for p in (_person(part) for part in parts if part.strip()) if p]
    return _person(m.group("proposer")), endorsers


# -- result ---------------------------------------------------------------------------------------


def published_result(plain: str) -> tuple[str | None, bool]:
    """(passed | failed | None, stated explicitly?) as the post announces it."""
    m = EXPLICIT_RESULT_RE.search(plain)
    if m:
        return ("passed" if m.group(1).lower().startswith("pass") else "failed"), True
    statements = re.findall(r"(?i)\b(not\s+met|met)\b", plain)
    if statements:
        return ("failed" if any(s.lower().startswith("not") for s in statements) else "passed"), False
    if re.search(r"(?i)final documents|no (?:ipr )?exclusion notices were filed|cleared the ip rights review", plain):
        return "passed", False
    return None, False


# -- the post -------------------------------------------------------------------------------------


def parse_post(text: str, *, filename: str = "", known_names: Iterable[str] = (), prefixes: Iterable[str] = ()) -> ParsedPost:
    """The ballot form of one post. ``known_names``: organization names to split run-together names with;
    ``prefixes``: the groups' ballot prefixes, so that 'CSCWG-2' is read as CSC-2."""
    post = frontmatter.loads(text)
    title = str(post.get("title") or "")
    tags = [str(t) for t in post.get("tags") or []]
    raw_date = post.get("date")
    post_date = raw_date if isinstance(raw_date, dt.datetime) else parse_when(str(raw_date)) if raw_date else None
    if isinstance(raw_date, dt.date) and not isinstance(raw_date, dt.datetime):
        post_date = dt.datetime.combine(raw_date, dt.time(), tzinfo=dt.UTC)
    if post_date is not None and post_date.tzinfo is None:
        post_date = post_date.replace(tzinfo=dt.UTC)
    year = post_date.year if post_date else None
    identifier, prefix, version, short_title = parse_identifier(title, filename)
    prefixes = {p.upper() for p in prefixes if p}
    if prefix and prefix not in prefixes and prefix.endswith("WG") and prefix[:-2] in prefixes:
        identifier = identifier.replace(prefix, prefix[:-2], 1)
        prefix = prefix[:-2]
    plain = plain_text(post.content)
    lines = plain.split("\n")
    stop = next((i for i, line in enumerate(lines) if STOP_RE.search(line)), len(lines))
    results = lines[:stop]
    known = list(known_names)
    problems: list[str] = []

    # Votes: labelled lists, else a table in the results part.
    votes, stated, found = _parse_vote_lines(results)
    listed = [name for cls in votes.values() for names in cls.values() for name in names]
    if not found:
        table_lines = [i for i, line in enumerate(results) if "|" in line]
        if table_lines:
            votes, found = _parse_vote_table("\n".join(results[table_lines[0] : table_lines[-1] + 1]), known)
    counts: dict[str, dict[str, int]] = {}
    for cls in (ISSUERS, CONSUMERS):
        counts[cls] = {}
        for choice in CHOICES:
            names, said = votes[cls][choice], stated[cls][choice]
            if said is not None and said > len(names) and names:
                votes[cls][choice] = names = _fill_missing_commas(names, said, known + listed)
            if said is not None and said != len(names):
                problems.append(f"{cls} {choice}: the post states {said} but names {len(names)}")
            counts[cls][choice] = said if said is not None else len(names)

    kind = "guideline"
    if re.search(r"(?i)(?<![-\w])election of\b|\bhereby elected\b", title + "\n" + plain):
        kind = "election"
    elif re.search(
        r"(?i)does not propose a final|did not propose final|does not involve ipr|not a final (?:maintenance )?guideline", plain
    ) or re.search(r"(?i)\b(charter|membership|bylaws|working group)\b", title):
        kind = "other"
    guideline_type = ""
    if kind == "guideline":
        if re.search(r"(?i)\b60[- ]day", plain):
            guideline_type = "new"
        elif re.search(r"(?i)final maintenance guideline|\b30[- ]day|review period of 30 days|redline", plain):
            guideline_type = "maintenance"
        elif re.search(r"(?i)final guideline", plain):
            guideline_type = "new"

    proposer, endorsers = _proposal(plain)
    result, _explicit = published_result(plain)
    quorum = re.search(r"(?i)\bquorum\s+was\s+(\d+)", plain)
    periods = _periods(lines, year)
    form = {
        "schema_version": 1,
        "id": identifier,
        "version": version,
        "title": short_title,
        "working_group": None,
        "kind": kind,
        "proposer": proposer,
        "endorsers": endorsers,
        "discussion_period": periods.get("discussion_period"),
        "voting_period": periods.get("voting_period"),
        "votes": votes,
        "result": {"outcome": None},
        "published_result": result,
        "ipr_review": _ipr_review(plain, guideline_type, year) if kind == "guideline" else None,
        "effective_date": _effective_date(plain),
    }
    return ParsedPost(
        form=form,
        prefix=prefix,
        tags=tags,
        counts=counts,
        quorum_required=int(quorum.group(1)) if quorum else None,
        post_date=post_date,
        body=post.content.strip(),
        has_votes=found,
        problems=problems,
        listed_names=listed,
    )


