"""Step 4: 1-4 short extractive points per topic. Sentences are scored by how specific they are to the
topic (words frequent here and rare elsewhere), who says them and what they carry (numbers, dates,
ballot ids, names); small talk, questions and back-channel are never candidates. Pure."""

from __future__ import annotations

import math
import re
from collections import Counter

from .cues import VERB_HINT, Cue, content_words, shorten, tidy
from .phases import Segment, transition

_SMALL_TALK = re.compile(
    r"\b(?:hear me|can you hear|you're (?:on )?mute|on mute|unmute|my screen|see my screen|sharing|audio|headset|echo|connection|"
    r"weather|snow|raining|happy new year|good morning|good afternoon|bye|thanks|thank you|sorry|dial-in|joined|joining|"
    r"the recording|the link|browser cache|let me know when|not on the call|on the call today|make it today|couldn't make it|"
    r"can't make it|not able to make it|ready to start|get started)\b",
    re.I,
)
_HEDGE = re.compile(r"\b(?:I think|I guess|maybe|probably|I'm not sure|I don't know|I'd have to|I mean|not sure)\b", re.I)
_SPECIFIC = re.compile(
    r"\d|\b[A-Z]{2,}\b|\b(?:effective|deadline|endorse|quorum|vote|voting|ballot|period|published|approved|agreed)\w*", re.I
)
_PRONOUN_START = re.compile(r"^(?:it|it's|that|that's|this|they|them|those|these|he|she|there|for them|for that|which)\b", re.I)
_FIRST_PERSON = {"I'm": "is", "I've": "has", "I'd": "would", "I'll": "will", "I": ""}


def _third_person(text: str, speaker: str | None) -> str:
    """'I'd encourage everybody ...' -> 'Chris would encourage everybody ...' at the start of a point."""
    if not speaker:
        return text
    first = speaker.split()[0]
    match = re.match(r"^(I'm|I've|I'd|I'll|I)\b\s*", text)
    if not match:
        return text
    verb = _FIRST_PERSON[match.group(1)]
    rest = text[match.end() :]
    if match.group(1) == "I":
        rest = re.sub(r"^([a-z']+)\b", _conjugate, rest)
    return " ".join(filter(None, [first, verb, rest]))


def _conjugate(match: re.Match) -> str:
    word = match.group(1)
    irregular = {
        "am": "is",
        "was": "was",
        "have": "has",
        "do": "does",
        "don't": "doesn't",
        "go": "goes",
        "can": "can",
        "could": "could",
        "would": "would",
        "should": "should",
        "will": "will",
        "might": "might",
        "must": "must",
        "may": "may",
        "also": "also",
        "just": "just",
        "really": "really",
        "still": "still",
        "already": "already",
        "didn't": "didn't",
        "wasn't": "wasn't",
    }
    if word in irregular:
        return irregular[word]
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def candidates(segment: Segment) -> list[tuple[Cue, str]]:
    found = []
    for cue in segment.cues:
        for n, sentence in enumerate(cue.sentences):
            if transition(cue.sentences, n) is not None and cue is segment.cues[0]:
                continue
            if sentence.rstrip().endswith("?") or _SMALL_TALK.search(sentence):
                continue
            if len(content_words(sentence)) < 3 or len(sentence.split()) < 6:
                continue
            if cue.phase == "roll_call":
                continue
            found.append((cue, sentence))
    return found


def summarise(segments: list[Segment], budgets: dict[int, int], exclude: set[str]) -> dict[int, list[tuple[float, str, float]]]:
    """For each segment index in ``budgets``, up to that many points as (start, text, score), in the order
    they were said. ``exclude`` holds sentences already used as decisions or action items."""
    document_frequency: Counter[str] = Counter()
    for segment in segments:
        document_frequency.update(set(content_words(" ".join(c.text for c in segment.cues))))
    n_segments = max(1, len(segments))
    excluded = [set(content_words(text)) for text in exclude]
    points: dict[int, list[tuple[float, str, float]]] = {}
    for segment in segments:
        budget = budgets.get(segment.index, 0)
        if not budget:
            continue
        pool = candidates(segment)
        frequency = Counter(w for cue in segment.cues for w in content_words(cue.text))
        title_words = set(content_words(segment.title))
        speakers = Counter(c.speaker for c in segment.cues for _ in c.text.split())
        presenter = next((s for s, _ in speakers.most_common(2) if s), None)
        scored = []
        for position, (cue, sentence) in enumerate(pool):
            words = content_words(sentence)
            unique = set(words)
            weight = sum(frequency[w] * math.log(1 + n_segments / document_frequency[w]) for w in unique)
            score = weight / (len(words) ** 0.5 + 1)
            score *= (
                1.25 if cue.speaker in (presenter, segment.lead) or (segment.lead and cue.speaker and segment.lead in cue.speaker) else 1.0
            )
            score *= 1.2 if _SPECIFIC.search(sentence) else 1.0
            score *= 1.15 if unique & title_words else 1.0
            score *= 0.75 if _HEDGE.search(sentence) else 1.0
            score *= 1.1 if position < 3 else 1.0
            score *= 0.6 if _PRONOUN_START.match(tidy(sentence)) else 1.0
            score *= 0.5 if not VERB_HINT.search(sentence) else 1.0
            if any(len(unique & e) / max(1, len(unique)) > 0.5 for e in excluded):
                score *= 0.3
            scored.append((score, cue, sentence))
        chosen: list[tuple[float, Cue, str]] = []
        for score, cue, sentence in sorted(scored, key=lambda s: -s[0]):
            if len(chosen) >= budget:
                break
            words = set(content_words(sentence))
            if any(len(words & set(content_words(s))) / max(1, len(words | set(content_words(s)))) > 0.35 for _, _, s in chosen):
                continue
            chosen.append((score, cue, sentence))
        chosen.sort(key=lambda s: s[1].start)
        points[segment.index] = [
            (cue.start, shorten(_third_person(tidy(sentence), cue.speaker), 18), score) for score, cue, sentence in chosen
        ]
    return points
