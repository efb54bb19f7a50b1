"""Meeting transcripts (WebVTT, SRT, plain text) -> utterances (speaker, start, end, text).

Speaker labels come in the styles the Forum's meeting tools write:

- WebEx: a cue id ``12 "Full Name" (3824629292)`` and a text ``Full Name: words``
- Teams: ``<v Full Name>words</v>``
- Zoom: ``Full Name: words`` with no cue id

Plain text is one utterance per line, ``Full Name: words`` or bare words, optionally led by a time
(``[00:01:02]`` or ``00:01:02``); lines without a time get one estimated from the words before them.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError


class TranscriptError(ValueError):
    """A transcript file that cannot be read; the message says what is wrong in words a user understands."""


@dataclass(frozen=True)
class Utterance:
    speaker: str | None
    start: float
    end: float
    text: str


TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".txt")
# Plain text has no times; this speaking rate turns word counts into plausible offsets.
WORDS_PER_SECOND = 140 / 60

_WEBEX_ID = re.compile(r'^\s*\d+\s+"(?P<name>[^"]+)"')
# A label is a short run of name-like words before a colon; "Note: ..." or "Re: ..." are kept as text
# unless they match the cue's WebEx name, so prose with a colon is not mistaken for a speaker.
_LABEL = re.compile(r"^(?P<name>[^\W\d_][\w.'’\- ]{0,60}?)\s*:\s+(?P<text>.*)$", re.S)
_TIMING = re.compile(r"(\d{1,2}:)?\d{1,2}:\d{2}([.,]\d{1,3})?")
_ANNOTATION = re.compile(r"\{[^}]*\}|\[(?:inaudible|crosstalk|silence|music|pause)[^\]]*\]", re.I)
_PLAIN_TIME = re.compile(r"^\[?(?P<t>(\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]?\s+(?P<rest>.*)$")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _clean(text: str) -> str:
    text = _ANNOTATION.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _looks_like_name(label: str) -> bool:
    words = label.split()
    return 1 <= len(words) <= 5 and all(w[0].isupper() for w in words if w[0].isalpha())


def _split_label(text: str, hinted: str | None) -> tuple[str | None, str]:
    match = _LABEL.match(text)
    if not match:
        return hinted, text
    name = match.group("name").strip()
    if (hinted and name == hinted) or (not hinted and _looks_like_name(name)):
        return name, match.group("text")
    return hinted, text


def _from_captions(captions, source: str) -> list[Utterance]:
    utterances = []
    for number, caption in enumerate(captions, start=1):
        start, end = _seconds(caption.start), _seconds(caption.end)
        if end < start:
            raise TranscriptError(f"{source}: cue {number} ends ({caption.end}) before it starts ({caption.start}).")
        hinted = None
        if caption.identifier:
            webex = _WEBEX_ID.match(caption.identifier)
            hinted = webex.group("name").strip() if webex else None
        if caption.voice:
            speaker, text = caption.voice.strip(), caption.text
        else:
            speaker, text = _split_label(caption.text.replace("\n", " "), hinted)
        text = _clean(text)
        if text:
            utterances.append(Utterance(speaker=speaker, start=start, end=end, text=text))
    return utterances


def _parse_captions(text: str, fmt: str, source: str) -> list[Utterance]:
    try:
        document = webvtt.from_buffer(io.StringIO(text), format=fmt)
    except (MalformedFileError, MalformedCaptionError) as error:
        kind = "WebVTT" if fmt == "vtt" else "SRT"
        raise TranscriptError(f"{source}: not a readable {kind} file ({error}).") from None
    captions = list(document.captions)
    # webvtt-py skips cues whose timing line it cannot read instead of failing: count them ourselves.
    timing_lines = [line for line in text.splitlines() if "-->" in line]
    if len(captions) < len(timing_lines):
        bad = next((line for line in timing_lines if not all(_TIMING.fullmatch(p.strip().split()[0]) for p in line.split("-->"))), "")
        raise TranscriptError(f"{source}: a cue timing cannot be read: {bad.strip()!r}.")
    utterances = _from_captions(captions, source)
    if not utterances:
        raise TranscriptError(f"{source}: the file holds no spoken text.")
    return utterances


def _parse_plain(text: str, source: str) -> list[Utterance]:
    utterances: list[Utterance] = []
    clock = 0.0
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        stamped = _PLAIN_TIME.match(line)
        start = clock
        if stamped:
            start, line = _seconds(stamped.group("t")), stamped.group("rest")
        speaker, words = _split_label(line, None)
        words = _clean(words)
        if not words:
            continue
        duration = len(words.split()) / WORDS_PER_SECOND
        utterances.append(Utterance(speaker=speaker, start=round(start, 3), end=round(start + duration, 3), text=words))
        clock = start + duration
    if not utterances:
        raise TranscriptError(f"{source}: the file holds no spoken text.")
    return utterances


def sniff_format(text: str, name: str = "") -> str:
    """'vtt', 'srt' or 'txt', from the content first and the file name second."""
    head = text.lstrip("\ufeff").lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    if re.match(r"^\d+\s*\n\s*\d{1,2}:\d{2}:\d{2},\d{3}\s*-->", head):
        return "srt"
    suffix = Path(name).suffix.lower()
    if suffix == ".vtt":
        return "vtt"
    if suffix == ".srt" or "-->" in head[:500]:
        return "srt"
    return "txt"


def parse_transcript(text: str, *, name: str = "transcript") -> list[Utterance]:
    """Utterances of a transcript given as text; ``name`` (a file name) helps guess the format and
    appears in error messages. Raises TranscriptError when the text cannot be read."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise TranscriptError(f"{name}: the file is empty.")
    fmt = sniff_format(text, name)
    if fmt == "vtt" and not text.lstrip().startswith("WEBVTT"):
        raise TranscriptError(f"{name}: a WebVTT file must start with the line 'WEBVTT'.")
    if fmt in ("vtt", "srt"):
        return _parse_captions(text, fmt, name)
    return _parse_plain(text, name)


# About 12 hours of speech: a longer "transcript" is not one meeting and would tie a worker up.
MAX_TRANSCRIPT_BYTES = 8 * 1024 * 1024


def read_transcript(path: str | Path, *, name: str | None = None) -> list[Utterance]:
    """Utterances of the transcript file at ``path`` (UTF-8; other bytes are replaced). ``name`` is
    the file's name as the user knows it, for messages (default: the stored file's name)."""
    path = Path(path)
    name = name or path.name
    try:
        if path.stat().st_size > MAX_TRANSCRIPT_BYTES:
            raise TranscriptError(f"{name}: the transcript is too long for one meeting (over {MAX_TRANSCRIPT_BYTES // 2**20} MB of text).")
        raw = path.read_bytes()
    except OSError as error:
        raise TranscriptError(f"{name}: cannot be read ({error.strerror}).") from None
    if b"\x00" in raw[:4096]:
        raise TranscriptError(f"{name}: not a text transcript (it looks like a binary file).")
    return parse_transcript(raw.decode("utf-8", errors="replace"), name=name)
