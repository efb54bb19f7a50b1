"""Spoken forms -> written forms: numbers, ballot ids, dates resolved against the meeting date. Pure."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
UNITS = {w: i for i, w in enumerate(_UNITS.split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_ORD_UNITS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
_ORD_UNITS += "fifteenth sixteenth seventeenth eighteenth nineteenth"
ORD_UNITS = {w: i for i, w in enumerate(_ORD_UNITS.split())}
ORD_TENS = {
    w: 10 * i for i, w in enumerate("_ _ twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()) if w != "_"
}
NUMBER_WORDS = set(UNITS) | set(TENS) | set(ORD_UNITS) | set(ORD_TENS) | {"hundred", "thousand"}

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
)
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

# Ballot id prefixes as the groups write them, with the digits each pads to.
BALLOT_PREFIXES = {"CSC": 1, "SC": 1, "SMC": 2, "NS": 3, "FORUM": 1}
_PREFIX_RE = "|".join(sorted(BALLOT_PREFIXES, key=len, reverse=True))

_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*|\S")


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _parse_group(words: list[str]) -> tuple[int, bool, int] | None:
    """(value, is_ordinal, words used) of the longest number at the start of ``words``, below 10,000:
    [N thousand] [N hundred] [and] [tens] [unit], an ordinal word ending it."""
    total, part, last, used = 0, 0, None, 0
    for i, word in enumerate(words):
        w = word.lower()
        ordinal = w in ORD_UNITS or w in ORD_TENS
        if w in UNITS or w in ORD_UNITS:
            value = UNITS.get(w, ORD_UNITS.get(w))
            if last not in (None, "hundred", "thousand", "and") and not (last == "tens" and value < 10):
                break
            part += value
            last = "unit" if value < 10 else "teen"
        elif w in TENS or w in ORD_TENS:
            if last not in (None, "hundred", "thousand", "and"):
                break
            part += TENS.get(w, ORD_TENS.get(w))
            last = "tens"
        elif w == "hundred" and last in ("unit", "teen") and part < 20:
            part *= 100
            last = "hundred"
        elif w == "thousand" and last is not None and last != "and" and 0 < part < 1000 and not total:
            total, part = part * 1000, 0
            last = "thousand"
        elif w == "and" and last in ("hundred", "thousand") and i + 1 < len(words) and words[i + 1].lower() in NUMBER_WORDS:
            last = "and"
            continue
        else:
            break
        used = i + 1
        if ordinal:
            return total + part, True, used
    if not used:
        return None
    return total + part, False, used


def _number_runs(tokens: list[str]):
    """Yield (start, end, text) for runs of number words, years ('twenty twenty-two') and decimals."""
    i = 0
    while i < len(tokens):
        parts = tokens[i].split("-")
        if parts[0].lower() not in NUMBER_WORDS:
            i += 1
            continue
        # A hyphenated token such as "twenty-second" is spread into its words for parsing.
        flat, owner = [], []
        j = i
        while j < len(tokens) and (all(p.lower() in NUMBER_WORDS for p in tokens[j].split("-")) or tokens[j].lower() == "and"):
            for p in tokens[j].split("-"):
                flat.append(p)
                owner.append(j)
            j += 1
        parsed = _parse_group(flat)
        if parsed is None:
            i += 1
            continue
        value, ordinal, used = parsed
        end = owner[used - 1] + 1
        rest = flat[used:]
        text = f"{value}{_ordinal_suffix(value) if ordinal else ''}"
        kind = "ordinal" if ordinal else "cardinal"
        # "twenty twenty-two", "nineteen ninety-nine": a year spoken as two pairs.
        if not ordinal and value in (19, 20) and rest:
            second = _parse_group(rest)
            if second and not second[1] and second[0] < 100:
                end = owner[used + second[2] - 1] + 1
                text, kind = f"{value * 100 + second[0]}", "year"
        elif not ordinal and value >= 2000 and value < 2100:
            kind = "year"
        # "two point eight", "sixteen point three point two"
        while (
            kind in ("cardinal", "decimal")
            and end + 1 < len(tokens)
            and tokens[end].lower() == "point"
            and tokens[end + 1].lower() in UNITS
        ):
            text += f".{UNITS[tokens[end + 1].lower()]}"
            end += 2
            kind = "decimal"
        yield i, end, text, value, kind
        i = end


_BALLOT_CONTEXT = re.compile(rf"^(?:{_PREFIX_RE})$", re.I)
_DATE_CONTEXT = re.compile(rf"^{MONTH_RE}$", re.I)


def normalise_numbers(text: str) -> str:
    """Spoken numbers written as digits where a reader expects digits: ballot numbers ('CSC six' ->
    'CSC 6'), dates ('May fifth', 'the first of February'), years, ordinals and numbers from ten up,
    decimals ('two point eight'). Small numbers in prose ('one more', 'two endorsers') stay words."""
    tokens = _TOKEN.findall(text)
    if not any(t.split("-")[0].lower() in NUMBER_WORDS for t in tokens):
        return text
    replacements = []
    for start, end, digits, value, kind in _number_runs(tokens):
        before = tokens[start - 1] if start else ""
        after = tokens[end] if end < len(tokens) else ""
        after2 = tokens[end + 1] if end + 1 < len(tokens) else ""
        near_month = (
            bool(_DATE_CONTEXT.match(before)) or (after.lower() == "of" and _DATE_CONTEXT.match(after2)) or bool(_DATE_CONTEXT.match(after))
        )
        if kind in ("year", "decimal") or _BALLOT_CONTEXT.match(before) or near_month or value >= 10:
            if kind == "ordinal" and value < 10 and not near_month:
                continue
            replacements.append((start, end, digits))
    if not replacements:
        return text
    # Rebuild by walking the original string so spacing and punctuation survive.
    spans = []
    pos = 0
    for token in tokens:
        found = text.index(token, pos)
        spans.append((found, found + len(token)))
        pos = found + len(token)
    out, last = [], 0
    for start, end, digits in replacements:
        out.append(text[last : spans[start][0]])
        out.append(digits)
        last = spans[end - 1][1]
    out.append(text[last:])
    text = "".join(out)
    # "ten fifteen AM" -> "10:15 AM"; "RFC thirty-six forty-seven" -> "RFC 3647"
    text = re.sub(r"\b(\d{1,2}) (\d{2})(\s?[AaPp]\.?[Mm]\b)", r"\1:\2\3", text)
    return re.sub(r"\b(RFC) (\d{2}) (\d{2})\b", r"\1 \2\3", text)


_BALLOT = re.compile(rf"\b(?P<prefix>{_PREFIX_RE})[\s\-_]?0*(?P<number>\d{{1,3}})\b(?!\.\d)", re.I)
_OLD_BALLOT = re.compile(r"\bBallot\s+(?P<number>\d{2,3})\b(?!\.\d)")


def ballot_ids(text: str) -> list[tuple[str, int]]:
    """Ballot ids in already-normalised text with their character offsets: ('CSC-25', 14)."""
    found = []
    for match in _BALLOT.finditer(text):
        prefix = match.group("prefix").upper()
        if prefix != "FORUM" and match.group("prefix") != prefix:
            continue  # "sc" or "ns" in lower case is a word, not a ballot prefix
        found.append((f"{prefix}-{int(match.group('number')):0{BALLOT_PREFIXES[prefix]}d}", match.start()))
    for match in _OLD_BALLOT.finditer(text):
        found.append((f"Ballot {int(match.group('number'))}", match.start()))
    return sorted(found, key=lambda item: item[1])


def write_ballot_ids(text: str) -> str:
    """'CSC 21' -> 'CSC-21' in normalised text."""

    def repl(match):
        prefix = match.group("prefix")
        if prefix != prefix.upper() and prefix.upper() != "FORUM":
            return match.group(0)
        return f"{prefix.upper()}-{int(match.group('number')):0{BALLOT_PREFIXES[prefix.upper()]}d}"

    return _BALLOT.sub(repl, text)


# -- dates -------------------------------------------------------------------------------------

_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_MONTH_DAY = re.compile(rf"\b(?P<month>{MONTH_RE})\.?\s+(?:the\s+)?{_DAY}\b{_YEAR}", re.I)
_DAY_MONTH = re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?(?P<month>{MONTH_RE})\b{_YEAR}", re.I)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_WEEKDAY = re.compile(r"\b(?P<which>this|next|coming)?\s*(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_DAY_ONLY = re.compile(r"\bthe\s+(?P<day>\d{1,2})(?:st|nd|rd|th)\b", re.I)
_END_OF = re.compile(rf"\bend of (?:the |this )?(?P<what>week|month|{MONTH_RE})\b", re.I)
_RELATIVE = re.compile(r"\b(?P<what>tomorrow|in (?P<n>two|three|four|\d) weeks)\b", re.I)


def _pick_year(month: int, day: int, anchor: dt.date, future: bool) -> dt.date | None:
    options = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            options.append(dt.date(year, month, day))
        except ValueError:
            continue
    if future:
        later = [d for d in options if d >= anchor]
        return min(later) if later else None
    earlier = [d for d in options if d < anchor]
    return max(earlier) if earlier else None


def find_date(text: str, anchor: dt.date | None, *, future: bool = True) -> tuple[dt.date, int] | None:
    """The first date said in ``text`` (normalised) and its offset, resolved against the meeting date
    ``anchor``: the nearest such day on or after it when ``future``, else the nearest before it.
    Weekdays, 'end of the week/month' and day-of-month ordinals need ``anchor``."""
    hits: list[tuple[int, dt.date]] = []
    for match in _ISO.finditer(text):
        try:
            hits.append((match.start(), dt.date(int(match["year"]), int(match["month"]), int(match["day"]))))
        except ValueError:
            pass
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(text):
            month, day = MONTHS[match["month"].lower().rstrip(".")], int(match["day"])
            if match["year"]:
                try:
                    hits.append((match.start(), dt.date(int(match["year"]), month, day)))
                except ValueError:
                    pass
            elif anchor:
                picked = _pick_year(month, day, anchor, future)
                if picked:
                    hits.append((match.start(), picked))
    if anchor:
        taken = [start for start, _ in hits]
        for match in _WEEKDAY.finditer(text):
            target = WEEKDAYS[match["weekday"].lower()]
            if match["which"] and match["which"].lower() == "next":
                monday = anchor + dt.timedelta(days=7 - anchor.weekday())
                day = monday + dt.timedelta(days=target)
            else:
                day = anchor + dt.timedelta(days=(target - anchor.weekday()) % 7 or (7 if future else 0))
            hits.append((match.start(), day))
        for match in _END_OF.finditer(text):
            what = match["what"].lower()
            if what == "week":
                day = anchor + dt.timedelta(days=(4 - anchor.weekday()) % 7)
            elif what == "month":
                day = anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
            else:
                month = MONTHS[what.rstrip(".")]
                year = anchor.year if month >= anchor.month else anchor.year + 1
                day = dt.date(year, month, calendar.monthrange(year, month)[1])
            hits.append((match.start(), day))
        for match in _RELATIVE.finditer(text):
            if match["what"].lower() == "tomorrow":
                hits.append((match.start(), anchor + dt.timedelta(days=1)))
            else:
                n = match["n"]
                weeks = int(n) if n.isdigit() else UNITS[n.lower()]
                hits.append((match.start(), anchor + dt.timedelta(weeks=weeks)))
        for match in _DAY_ONLY.finditer(text):
            if any(abs(match.start() - t) < 12 for t in taken):
                continue
            day_number = int(match["day"])
            day = anchor
            for _ in range(62):
                day += dt.timedelta(days=1)
                if day.day == day_number:
                    hits.append((match.start(), day))
                    break
    if not hits:
        return None
    start, day = min(hits, key=lambda h: h[0])
    return day, start
