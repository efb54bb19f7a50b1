"""Speech synthesised at test time with espeak-ng, so no recording is committed.

Used by the tests and by bench/transcribe_bench.py. Everything returns 16 kHz mono float32 arrays or
writes files through PyAV, which is what the application decodes with.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

RATE = 16_000
ESPEAK = shutil.which("espeak-ng")
# Distinct enough that a meeting sounds like several people; all are in espeak-ng's default data.
VOICES = ("en-us", "en-gb-x-rp+f3", "en-us+m3", "en-gb+f2", "en-us+m7", "en-gb-scotland+f4")


def require_espeak() -> None:
    """Skip the calling test where espeak-ng is missing; in CI it must be there (.ci/run installs it)."""
    import pytest

    if ESPEAK:
        return
    if os.environ.get("CI"):
        pytest.fail("espeak-ng is not installed: .ci/run must apt-get install espeak-ng for the speech tests")
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng): speech-to-text tests skipped")


def speak(text: str, *, voice: str = "en-us", words_per_minute: int = 160) -> np.ndarray:
    """One utterance as 16 kHz mono float32."""
    if not ESPEAK:
        raise RuntimeError("espeak-ng is not installed")
    wav = subprocess.run(
        [ESPEAK, "-v", voice, "-s", str(words_per_minute), "--stdout", text], check=True, capture_output=True, timeout=120
    ).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        rate = reader.getframerate()
        # espeak-ng streams a WAV whose header claims a huge length: read what is there.
        frames = reader.readframes(10**9)
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    if rate == RATE:
        return samples
    positions = np.arange(int(len(samples) * RATE / rate)) * (rate / RATE)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


@dataclass(frozen=True)
class Line:
    speaker: str
    text: str
    start: float = 0.0
    end: float = 0.0


def speak_script(lines: list[tuple[str, str]], *, gap_seconds: float = 0.7, lead_seconds: float = 0.5) -> tuple[np.ndarray, list[Line]]:
    """Speak (speaker, text) lines, one voice per speaker, with a pause between them; returns the audio and timed lines."""
    voices: dict[str, str] = {}
    pieces = [np.zeros(int(lead_seconds * RATE), dtype=np.float32)]
    gap = np.zeros(int(gap_seconds * RATE), dtype=np.float32)
    position = lead_seconds
    timed = []
    for speaker, text in lines:
        voice = voices.setdefault(speaker, VOICES[len(voices) % len(VOICES)])
        audio = speak(text, voice=voice)
        timed.append(Line(speaker, text, round(position, 2), round(position + len(audio) / RATE, 2)))
        pieces += [audio, gap]
        position += (len(audio) + len(gap)) / RATE
    return np.concatenate(pieces), timed


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.float32)


def write_wav(path: Path, audio: np.ndarray, *, rate: int = RATE) -> Path:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return path


def write_encoded(path: Path, audio: np.ndarray, *, container: str, codec: str, rate: int = 48_000) -> Path:
    """Encode mono audio with PyAV, e.g. ("mp4", "aac"), ("webm", "libopus"), ("ogg", "libopus"), ("mp3", "libmp3lame")."""
    frame = av.AudioFrame.from_ndarray((np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = RATE
    with av.open(str(path), "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(
            format=stream.codec_context.codec.audio_formats[0].name,
            layout="mono",
            rate=rate,
            frame_size=stream.codec_context.frame_size or None,
        )
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(chunk):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    return path
