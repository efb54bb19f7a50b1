"""Step 0: utterances -> cues with written-form text split into sentences, and the text helpers the
other steps share. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minutes.names import fold

from .spoken import normalise_numbers, write_ballot_ids

# Words that carry no content for salience or for telling whether a clause says anything.
STOP = set(
    """a an the and or but if of to in on at for from by with without into onto over under about as is are was were be been being
    this that these those it its he she they them his her their we us our you your i me my will would shall should can could may
    might must do does did done not no yes so than then there here what which who whom when where why how all any some each also
    just very more most other such only own same too up down out off again further once have has had having one two three per via
    get got let lets okay ok yeah yep um uh like i'm i'll i'd i've we're we'll we've you're you'll it's that's there's don't didn't
    doesn't isn't won't can't let's right well sure really actually think guess mean know thing things something anything
    everything everybody anybody somebody people going go want see look maybe lot bit kind sort quite pretty still already
    thanks thank great good fine alright hi hello bye""".split()
)

_FILLER = re.compile(r"\b(?:uh+|um+|erm|er|ah|hmm+|you know|i mean|sort of|kind of|basically|honestly|actually|just)\b,?\s*", re.I)
_LEAD = re.compile(
    r"^(?:(?:okay|ok|alright|all right|right|so|yeah|yes|yep|well|and|but|oh|now|great|good|sure|perfect|anyway|also|then|i think|"
    r"i believe|i guess|i'd say|i'd just add|just|actually|basically|honestly|correct|exactly|agreed|mm|hm)\b[,.!]?\s+)+",
    re.I,
)
_FRAMING = re.compile(
    r"^(?:(?:and )?(?:just )?(?:to remind (?:people|everyone|everybody)|for (?:everyone's|everybody's) awareness|as a reminder|"
    r"for what it's worth|to be honest|off the top of my head|from (?:the|our) [\w.-]+(?: [\w.-]+)? (?:side|perspective)|"
    r"(?:first|second|third|next|last) one|for now|in general|the thing is|my gut is|specifically|obviously)\b,?\s*)+",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])")
_REPEAT = re.compile(r"\b(\w+)(?:,?\s+\1\b)+", re.I)


@dataclass
class Cue:
    index: int
    speaker: str | None
    start: float
    text: str  # written form: digits, ballot ids, no annotation marks
    sentences: list[str] = field(default_factory=list)
    phase: str = "opening"
    segment: int = -1


def written(text: str) -> str:
    return write_ballot_ids(normalise_numbers(text))


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def make_cues(utterances) -> list[Cue]:
    """Cues in written form. A cue that carries on the same speaker's unfinished sentence ('..., and
    signing services' split over two cues) joins the cue it continues; its evidence starts there."""
    merged: list[tuple[str | None, float, str]] = []
    for u in utterances:
        text = u.text.strip()
        if not text:
            continue
        if merged and merged[-1][0] == u.speaker and not re.search(r"[.?!]['\"]?$", merged[-1][2]):
            speaker, start, before = merged[-1]
            merged[-1] = (speaker, start, f"{before} {text}")
            continue
        merged.append((u.speaker, float(u.start), text))
    cues = []
    for i, (speaker, start, raw) in enumerate(merged):
        text = written(raw)
        cues.append(Cue(index=i, speaker=speaker, start=start, text=text, sentences=split_sentences(text)))
    return cues


def content_words(text: str) -> list[str]:
    return [w for w in fold(text).split() if len(w) > 2 and w not in STOP and not w.isdigit() or (w.isdigit() and len(w) > 1)]


def tidy(text: str) -> str:
    """A spoken sentence as a minute taker would write it: no filler, no false starts, no leading
    discourse markers, a capital first letter and no trailing punctuation."""
    text = _FILLER.sub("", text)
    text = _REPEAT.sub(r"\1", text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;")
    previous = None
    while previous != text:
        previous = text
        text = _LEAD.sub("", text).strip(" ,;")
        text = _FRAMING.sub("", text).strip(" ,;")
    text = text.rstrip(" .!;,")
    return text[:1].upper() + text[1:] if text else text


VERB_HINT = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|should|must|may|might|do|does|did|need|needs|want|wants|"
    r"'s|'re|'ll|'ve|goes|go|gets|get|makes|make|takes|take|says|say|seems|looks|covers|means|works|agree|agrees|support|supports)\b"
    r"|\b\w{3,}ed\b|\b\w{3,}ing\b|\b(?:spent|went|made|took|sent|said|got|put|set|found|left|met|saw|began|kept)\b|n't\b",
    re.I,
)


def shorten(text: str, limit: int = 22) -> str:
    """Cut a long sentence at the last clause boundary that leaves a whole clause within ``limit`` words."""
    words = text.split()
    if len(words) <= limit:
        return text
    best = None
    for match in re.finditer(r", (?:because|so|and then|which|but|and|since|though|as|where|if|when)\b|; | because | since ", text):
        head = text[: match.start()]
        if 5 <= len(head.split()) <= limit and VERB_HINT.search(head):
            best = head
    if best:
        return best
    return " ".join(words[:limit]).rstrip(",;") + "…"
