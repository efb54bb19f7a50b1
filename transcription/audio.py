"""Sniffing uploads and decoding recordings to 16 kHz mono float32 with PyAV (no system ffmpeg).

Sniffing looks at the first bytes only, never the extension, so it can run on an upload before it is
stored. Decoding reads the file once; failures become ``MediaError`` subclasses whose ``user_message``
can be shown to the person who uploaded the file.
"""

from __future__ import annotations

import codecs
import gc
import re
import struct
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

SAMPLE_RATE = 16_000
SNIFF_BYTES = 8192
# Peak amplitude below which a recording is treated as digital silence (about -80 dBFS).
SILENCE_PEAK = 1e-4
# A container that states its length exactly but decodes this much shorter was cut off.
TRUNCATION_TOLERANCE_SECONDS = 2.0
TRUNCATION_TOLERANCE_RATIO = 0.02
# Formats whose stated duration comes from an index rather than a bitrate guess, so a shortfall
# really means missing data (an MP3's guess can be off by half for variable bitrates).
# The decode buffer is sized from the stated duration up to this; longer files grow it as they go.
MAX_PREALLOCATE_SECONDS = 4 * 3600
EXACT_DURATION_FORMATS = {"mov", "mp4", "m4a", "3gp", "matroska", "webm"}


class MediaError(Exception):
    """The file cannot be transcribed; ``user_message`` says why in words an uploader understands."""

    user_message = "the file could not be read"

    def __init__(self, detail: str = "", *, user_message: str | None = None):
        if user_message:
            self.user_message = user_message
        self.detail = detail
        super().__init__(f"{self.user_message}: {detail}" if detail else self.user_message)


class NotMediaError(MediaError):
    user_message = "not an audio or video file"


class IsTranscriptError(NotMediaError):
    user_message = "this is a transcript, not an audio or video file"


class DamagedMediaError(MediaError):
    user_message = "the file is truncated or damaged"


class NoSpeechError(MediaError):
    user_message = "no speech found"


class FileTooLargeError(MediaError):
    user_message = "the file is too large"


class FileKind(StrEnum):
    MEDIA = "media"
    TRANSCRIPT = "transcript"
    EMPTY = "empty"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Sniffed:
    kind: FileKind
    format: str  # "mp4", "webm", "wav", "mp3", ..., "vtt", "srt", "text", or "" when unknown/empty

    @property
    def is_media(self) -> bool:
        return self.kind == FileKind.MEDIA

    @property
    def is_transcript(self) -> bool:
        return self.kind == FileKind.TRANSCRIPT


_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot"}
_SRT_TIMING = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.MULTILINE)


def _mpeg_audio_sync(head: bytes, offset: int = 0) -> bool:
    """An MPEG audio (MP3/MP2) or ADTS AAC frame header at ``offset``, with legal field values."""
    if len(head) < offset + 4 or head[offset] != 0xFF or head[offset + 1] & 0xE0 != 0xE0:
        return False
    version = (head[offset + 1] >> 3) & 0b11
    layer = (head[offset + 1] >> 1) & 0b11
    if layer == 0b00:  # ADTS (AAC) uses layer 0 with version bits 0b10/0b11
        return version in (0b10, 0b11) and (head[offset + 2] >> 2) & 0b1111 < 13
    bitrate = head[offset + 2] >> 4
    rate = (head[offset + 2] >> 2) & 0b11
    return version != 0b01 and bitrate not in (0, 0b1111) and rate != 0b11


def _media_format(head: bytes) -> str:
    if len(head) >= 12 and head[4:8] in _MP4_BOXES:
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"  # Matroska/WebM
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"riff\x2e\x91\xcf\x11"):
        return "w64"
    if head.startswith(b"fLaC"):
        return "flac"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if head.startswith(b"caff"):
        return "caf"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b".snd"):
        return "au"
    if head.startswith(b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
        return "asf"  # WMA/WMV
    if head.startswith(b"FLV\x01"):
        return "flv"
    if head.startswith(b"\x00\x00\x01\xba"):
        return "mpeg-ps"
    if len(head) > 376 and head[0] == head[188] == head[376] == 0x47:
        return "mpeg-ts"
    if head.startswith(b"ID3") or _mpeg_audio_sync(head):
        return "mp3"  # or another MPEG audio / ADTS stream: PyAV tells them apart
    return ""


def _decode_text(head: bytes, *, complete: bool) -> str | None:
    """The head as text if it looks like a text file; a multi-byte character cut at the end is allowed."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head, chosen = head[len(bom) :], encoding
            break
    else:
        chosen = "utf-8"
    decoder = codecs.getincrementaldecoder(chosen)(errors="strict")
    try:
        text = decoder.decode(head, final=complete)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return text if control <= len(text) * 0.01 else None


def sniff_bytes(head: bytes, *, complete: bool = False) -> Sniffed:
    """Classify a file from its first bytes; ``complete`` says ``head`` is the whole file."""
    if not head:
        return Sniffed(FileKind.EMPTY, "")
    # A UTF-16 byte-order mark (FF FE) also looks like an MPEG audio frame header.
    has_bom = head.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    media = "" if has_bom else _media_format(head)
    if media:
        return Sniffed(FileKind.MEDIA, media)
    text = _decode_text(head, complete=complete)
    if text is None:
        return Sniffed(FileKind.UNKNOWN, "")
    stripped = text.lstrip()
    if not stripped:
        return Sniffed(FileKind.EMPTY, "")
    if stripped.startswith("WEBVTT"):
        return Sniffed(FileKind.TRANSCRIPT, "vtt")
    if _SRT_TIMING.match(stripped):
        return Sniffed(FileKind.TRANSCRIPT, "srt")
    return Sniffed(FileKind.TRANSCRIPT, "text")


def sniff_file(fileobj: BinaryIO) -> Sniffed:
    """Sniff an open binary file (an upload) and put its position back where it was."""
    position = fileobj.tell()
    head = fileobj.read(SNIFF_BYTES + 1)
    fileobj.seek(position)
    return sniff_bytes(head[:SNIFF_BYTES], complete=len(head) <= SNIFF_BYTES)


def sniff_path(path: str | Path) -> Sniffed:
    with open(path, "rb") as handle:
        return sniff_file(handle)


def _wav_data_shortfall(path: Path) -> int:
    """Bytes missing from a RIFF/WAVE file's data chunk according to its header (0 when unknown)."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return 0
    size = path.stat().st_size
    offset = 12
    while offset + 8 <= len(head):
        chunk_id, chunk_size = head[offset : offset + 4], struct.unpack("<I", head[offset + 4 : offset + 8])[0]
        if chunk_id == b"data":
            # Streaming writers leave 0 or 0xFFFFFFFF as a placeholder: no claim to check.
            if chunk_size in (0, 0xFFFFFFFF):
                return 0
            return max(0, offset + 8 + chunk_size - size)
        offset += 8 + chunk_size + (chunk_size & 1)
    return 0


def probe_duration(path: str | Path) -> float | None:
    """The duration the container states, in seconds, without decoding (None when it does not say)."""
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration:
                return container.duration / av.time_base
    except av.error.FFmpegError:
        return None
    return None


def decode_path(path: str | Path) -> np.ndarray:
    """Decode the first audio track to 16 kHz mono float32, checking that the whole file was readable.

    Raises NotMediaError, DamagedMediaError or NoSpeechError (no audio track, zero length, digital
    silence). Memory: the result, 230 MB for an hour.
    """
    path = Path(path)
    sniffed = sniff_path(path)
    if sniffed.kind == FileKind.EMPTY:
        raise NotMediaError("the file is empty", user_message="the file is empty: not an audio or video file")
    if sniffed.kind == FileKind.TRANSCRIPT:
        raise IsTranscriptError(f"looks like a {sniffed.format} transcript")
    if sniffed.kind == FileKind.UNKNOWN:
        raise NotMediaError("unrecognised content")
    missing = _wav_data_shortfall(path) if sniffed.format == "wav" else 0
    if missing:
        raise DamagedMediaError(f"the WAV header promises {missing:,} more bytes than the file holds")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except av.error.FFmpegError as error:
        # The first bytes said media, so a file PyAV cannot open is a broken one (e.g. an MP4 cut
        # before its index).
        raise DamagedMediaError(str(error)) from None
    with container:
        if not container.streams.audio:
            raise NoSpeechError("the file has no audio track", user_message="no speech found: the file has no sound track")
        stream = container.streams.audio[0]
        declared = container.duration / av.time_base if container.duration else None
        audio = _decode_stream(container, stream, expected_seconds=declared)
        exact = bool(EXACT_DURATION_FORMATS & set(container.format.name.split(",")))
    decoded = len(audio) / SAMPLE_RATE
    if exact and declared and declared - decoded > max(TRUNCATION_TOLERANCE_SECONDS, declared * TRUNCATION_TOLERANCE_RATIO):
        raise DamagedMediaError(f"only {decoded:.0f} s of the stated {declared:.0f} s could be decoded")
    if not len(audio):
        raise NoSpeechError("the audio track is empty")
    if float(np.max(np.abs(audio))) < SILENCE_PEAK:
        raise NoSpeechError("the audio is silent")
    return audio


def _decode_stream(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream, *, expected_seconds: float | None
) -> np.ndarray:
    # Written straight into one buffer sized from the stated duration: collecting blocks and joining them
    # doubled the peak (an hour is 230 MB of float32). Pages past the end are never touched, so a
    # generous guess costs address space, not memory.
    capacity = int((min(expected_seconds or 600.0, MAX_PREALLOCATE_SECONDS) + 5.0) * SAMPLE_RATE)
    audio = np.empty(capacity, dtype=np.float32)
    length = 0
    decoded_any = False
    bad_packets = 0
    # 16-bit like faster-whisper's decode_audio, so both give the model the same samples.
    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)

    def take(frames) -> None:
        nonlocal audio, length
        for frame in frames:
            samples = frame.to_ndarray().reshape(-1)
            if length + len(samples) > len(audio):
                grown = np.empty(max(len(audio) * 3 // 2, length + len(samples)), dtype=np.float32)
                grown[:length] = audio[:length]
                audio = grown
            np.divide(samples, 32768.0, out=audio[length : length + len(samples)], casting="unsafe")
            length += len(samples)

    try:
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                # A corrupt packet loses a few milliseconds; real damage shows up as a shortfall in decode_path.
                bad_packets += 1
                continue
            for frame in frames:
                decoded_any = True
                frame.pts = None  # let the resampler accept gaps and overlaps
                take(resampler.resample(frame))
        take(resampler.resample(None))
    except av.error.FFmpegError as error:
        raise DamagedMediaError(str(error)) from None
    finally:
        # PyAV's resampler graph is freed only by a collection (faster-whisper issue 390).
        del resampler
        gc.collect()
    if not decoded_any and bad_packets:
        raise DamagedMediaError(f"none of {bad_packets} audio packets could be decoded")
    return audio[:length]
