"""Step 2: who chairs, and where the agenda moves on. Cues are labelled with a phase (opening, roll_call,
antitrust, agenda, approvals, minute_taker, topic, other_business) and the segment they belong to. Pure."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .cues import Cue, content_words, tidy

_MARKERS = (
    r"(?:(?:okay|ok|alright|all right|right|so|great|good|thanks(?: \w+)?|thank you(?: \w+)?|perfect|and|then|well|now|"
    r"moving on|let's move on|let's get started|let's start)[,.!]?\s+)*"
)
_TRANSITIONS = [
    re.compile(
        rf"^{_MARKERS}(?:the |our )?(?:next|first|main|final|second|third) (?:item|topic|agenda item|thing|one|order of business|point)"
        r"(?: on (?:the|our) agenda)?(?: today)?(?: is| will be|,|:|\.|$)\s*(?P<title>.*)$",
        re.I,
    ),
    re.compile(rf"^{_MARKERS}next(?: up)?(?: is|,|:)\s*(?P<title>.+)$", re.I),
    re.compile(rf"^{_MARKERS}(?:let's )?(?:move|moving) on(?: to)?[,.:]?\s*(?P<title>.*)$", re.I),
    re.compile(rf"^{_MARKERS}(?:let me start with|let's start with|we'll start with|starting with) (?P<title>.+)$", re.I),
    re.compile(rf"^{_MARKERS}(?P<title>(?:any )?other business\b.*)$", re.I),
]
# "Alright, validation subcommittee update. Corey, I think you're up."
_BARE_TITLE = re.compile(rf"^{_MARKERS}(?P<title>[^?]{{3,70}})$", re.I)
_LED_TITLE = re.compile(r"^(?:(?:okay|ok|alright|all right|right|so|then|now|and now|next)[,.!]?\s+)+(?P<title>[^?]{3,70})$", re.I)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|i|i'm|i'll|i'd|we|we're|we'll|you|you're|it|it's|they|he|she|let|let's|have|has|had|do|does|did|"
    r"can|could|will|would|should|must|see|think|get|go|going|got|this|that|there|here|me|my|our|your|thanks|thank|bye|hear|sounds?|"
    r"hearing|no|none|nothing|any|anything|okay|yes|yeah|sorry|good|great)\b",
    re.I,
)
_TOPIC_WORDS = re.compile(
    r"\b(?:updates?|status|reports?|business|ballots?|roll ?call|agenda|minutes|antitrust|discussion|proposals?)\b", re.I
)
_HANDOVER = re.compile(
    rf"^(?:{_MARKERS})?[A-Z][\w'-]+(?: [A-Z][\w'-]+)?(?:,| -)? (?:you want to|do you want to|would you|could you|can you|I think you're up|"
    r"you're up|over to you|the floor is yours|go ahead|please)|^[A-Z][\w'-]+(?: [A-Z][\w'-]+)?\?$"
)

PHASE_PATTERNS = [
    ("roll_call", re.compile(r"\broll ?call\b|\battendance\b|\bintroductions?\b", re.I)),
    ("antitrust", re.compile(r"\banti-?trust\b|\bnote well\b", re.I)),
    ("minute_taker", re.compile(r"\bminute[- ]?taker\b|\btak(?:e|ing) (?:the )?minutes\b", re.I)),
    ("agenda", re.compile(r"^(?:(?:a |the )?review(?:ing)?(?: of)? )?(?:the )?agenda(?: review| bashing)?$", re.I)),
    ("approvals", re.compile(r"\bminutes\b", re.I)),
    ("other_business", re.compile(r"\bother business\b|\bAOB\b", re.I)),
]
PROCEDURAL = {"opening", "roll_call", "antitrust", "minute_taker", "agenda", "approvals"}


@dataclass
class Segment:
    index: int
    kind: str
    title: str
    start: float
    cues: list[Cue] = field(default_factory=list)
    lead: str | None = None  # who was handed the item ("Ian, you want to take us through it?")


def _strip_title(title: str) -> str:
    title = re.split(r"[.?!]\s", title + " ")[0].strip()
    title = re.split(r",\s*(?:which|that|who|where|it's|so|and I|I think|if)\b|\s+which is\b", title)[0]
    title = re.sub(r"[,\s]+(?:[A-Z][a-z]+)\?$", "", title)  # ", Bruce?"
    title = re.sub(r"^(?:is|will be|,|:)\s*", "", title.strip())
    title = tidy(title)
    title = re.sub(r"^(?:the|a|an)\s+", "", title, flags=re.I)
    return title[:1].upper() + title[1:]


def transition(sentences: list[str], position: int) -> str | None:
    """The new item's title when ``sentences[position]`` moves the agenda on ('' when the title is
    not said), else None."""
    sentence = sentences[position].strip()
    for pattern in _TRANSITIONS:
        match = pattern.match(sentence)
        if match:
            said = match.group("title")
            title = _strip_title(said)
            if not title and position + 1 < len(sentences):
                following = sentences[position + 1].strip()
                bare = _BARE_TITLE.match(following)
                if bare and len(bare.group("title").split()) <= 8 and not _VERBISH.search(bare.group("title")):
                    title = _strip_title(bare.group("title"))
            if title.endswith("?") or _VERBISH.match(title):
                # "First thing, we need a minute taker": no title, but the kind of business is said.
                title = next((kind.replace("_", " ").capitalize() for kind, p in PHASE_PATTERNS if p.search(said)), "")
            return title
    bare = _LED_TITLE.match(sentence) if position == 0 else None
    if bare and sentence.endswith(".") and not _VERBISH.search(bare.group("title")) and 1 <= len(bare.group("title").split()) <= 8:
        handed = any(_HANDOVER.search(s.strip()) for s in sentences[position + 1 : position + 3])
        if _TOPIC_WORDS.search(bare.group("title")) or handed:
            return _strip_title(bare.group("title"))
    return None


def find_chair(cues: list[Cue], known_chairs: list[str]) -> str | None:
    """The person running the call: who moves the agenda on, says they run the call, or opens it."""
    score: Counter[str] = Counter()
    for cue in cues:
        if not cue.speaker:
            continue
        for i in range(len(cue.sentences)):
            if transition(cue.sentences, i) is not None:
                score[cue.speaker] += 3
        if re.search(r"\bI(?:'ll| will) be (?:running|chairing)\b|\bI'm (?:running|chairing)\b", cue.text, re.I):
            score[cue.speaker] += 10
    first = next((c.speaker for c in cues if c.speaker), None)
    if first:
        score[first] += 1
    for name in known_chairs:
        if name in score:
            score[name] += 2
    return score.most_common(1)[0][0] if score else None


def _kind(title: str) -> str:
    for kind, pattern in PHASE_PATTERNS:
        if pattern.search(title):
            return kind
    return "topic"


def _handed_to(cue: Cue) -> str | None:
    for sentence in cue.sentences:
        match = re.match(
            r"^(?:\w+,\s+)?(?P<name>[A-Z][a-z]+)(?:,| -)?\s+"
            r"(?:you want|do you want|would you|could you|can you|I think you're up|you're up)",
            sentence,
        )
        if match:
            return match.group("name")
        match = re.fullmatch(r"(?P<name>[A-Z][a-z]+)\?", sentence.strip())
        if match:
            return match.group("name")
    return None


def segment(cues: list[Cue], chair: str | None) -> list[Segment]:
    """Split the meeting where the chair moves the agenda on; label each cue's phase."""
    segments = [Segment(index=0, kind="opening", title="Opening", start=cues[0].start if cues else 0.0)]
    for cue in cues:
        title = None
        if cue.speaker == chair or chair is None:
            for i in range(len(cue.sentences)):
                found = transition(cue.sentences, i)
                if found is not None and (title is None or (not title and found)):
                    title = found
        if title is not None:
            kind = _kind(title) if title else "topic"
            if kind == "topic" and not title:
                title = "Discussion"
            # "Moving on." then "So the main item is CSC-6" in one breath is one item.
            current = segments[-1]
            if kind == current.kind == "other_business":
                segments[-1].cues.append(cue)
                cue.segment, cue.phase = current.index, current.kind
                continue
            if current.cues and not (len(current.cues) == 1 and current.cues[0].speaker == cue.speaker and current.title == "Discussion"):
                segments.append(
                    Segment(index=len(segments), kind=kind, title=title or kind.replace("_", " ").capitalize(), start=cue.start)
                )
            else:
                current.kind, current.title, current.start = kind, title or current.title, cue.start
            segments[-1].lead = _handed_to(cue)
        segments[-1].cues.append(cue)
        cue.segment = segments[-1].index
        cue.phase = segments[-1].kind
    if len(segments) == 1 and segments[0].cues:
        # No agenda was called (an informal call, or speech-to-text without the chair's cues): the
        # whole meeting is one discussion rather than an opening.
        only = segments[0]
        only.kind, only.title = "topic", "Discussion"
        for cue in only.cues:
            cue.phase = "topic"
    # Procedural business said before the first item ("Let me start with the antitrust statement")
    # or anywhere ("I'll hand over to Dean for the roll call") is labelled by what the cue says.
    for cue in cues:
        if cue.phase in ("opening", "topic", "other_business"):
            for kind in ("roll_call", "antitrust"):
                pattern = dict(PHASE_PATTERNS)[kind]
                if pattern.search(cue.text) and len(content_words(cue.text)) < 25 and cue.phase == "opening":
                    cue.phase = kind
    return segments
