"""Speech to text: a recording in, timed segments out, with faster-whisper on the CPU (or a GPU).

The file is decoded once, then transcribed in windows of at most ``WHISPER_WINDOW_SECONDS`` (10 minutes
by default): one faster-whisper call over an hour peaked at 3.7 GB of memory; ten-minute windows with the
block-wise feature extractor below peak at about 0.7 GB with base (bench/README.md). Each window is cut
at the quietest moment near its end so no word is split, and its offset is added back to the times of its
segments.

Settings (read with ``getattr(settings, NAME, default)``): WHISPER_MODEL (``base`` | ``tiny.en`` | a path
to a CTranslate2 Whisper folder), WHISPER_DEVICE (cpu | cuda | auto), WHISPER_COMPUTE_TYPE, WHISPER_BEAM_SIZE,
WHISPER_CPU_THREADS, WHISPER_HOTWORDS (``auto``: on except for tiny models), WHISPER_WINDOW_SECONDS,
WHISPER_LANGUAGE, WHISPER_VAD_FILTER, WHISPER_CACHE_DIR (default VAR_DIR/whisper), UPLOAD_MAX_BYTES.

Errors: ``audio.MediaError`` subclasses for a file that cannot be transcribed (permanent: fail the job and
show ``user_message``), ``whisper_models.ModelError`` for a misconfigured model (operator's problem).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from .audio import (
    SAMPLE_RATE,
    DamagedMediaError,
    FileKind,
    FileTooLargeError,
    IsTranscriptError,
    MediaError,
    NoSpeechError,
    NotMediaError,
    Sniffed,
    decode_path,
    probe_duration,
    sniff_bytes,
    sniff_file,
    sniff_path,
)
from .whisper_models import ModelError, ModelIntegrityError, ModelUnavailableError, ResolvedModel, resolve_model

__all__ = [
    "AsrConfig",
    "DamagedMediaError",
    "FileKind",
    "FileTooLargeError",
    "IsTranscriptError",
    "MediaError",
    "ModelError",
    "ModelIntegrityError",
    "ModelUnavailableError",
    "NoSpeechError",
    "NotMediaError",
    "Progress",
    "Segment",
    "WindowDone",
    "Sniffed",
    "decode_path",
    "hotwords_text",
    "load_model",
    "sniff_bytes",
    "sniff_file",
    "sniff_path",
    "split_windows",
    "transcribe_audio",
    "transcribe_path",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str, float, float], None]
"""progress(stage, done_seconds, total_seconds); stage is "decoding" or "transcribing". It may raise to cancel."""
WindowDone = Callable[[int, float, float, list["Segment"]], None]
"""on_window(index, start_seconds, end_seconds, segments) after each window is transcribed."""

# Within a window, report progress at most this often (in seconds of audio) so the job row is not
# written for every segment.
PROGRESS_STEP_SECONDS = 30.0
# A window ends in the quietest half second within this many seconds before its limit.
CUT_SEARCH_SECONDS = 15.0
CUT_FRAME_SECONDS = 0.05
CUT_QUIET_SECONDS = 0.5
# Hotwords share Whisper's 448-token context with the previous window's text (up to 223 tokens) and the
# text being written: 176 tokens of names left so little room that base dropped a third of the words
# (WER 54%), while 34-72 tokens were harmless. The first terms of the vocabulary win.
HOTWORDS_MAX_TOKENS = 48


@dataclass(frozen=True, slots=True)
class Segment:
    start: float  # seconds from the beginning of the file
    end: float
    text: str


def _parse_hotwords(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"", "auto"}:
        return None
    return text in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class AsrConfig:
    model: str = "base"
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int = 5
    cpu_threads: int = 1
    hotwords: bool | None = None  # None: on unless the model is tiny-sized
    window_seconds: float = 600.0
    language: str | None = "en"
    vad_filter: bool = True
    cache_dir: Path | None = None  # where split models are joined; None: VAR_DIR/whisper
    max_bytes: int = 1024**3

    @classmethod
    def from_settings(cls, settings: Any = None, **overrides: Any) -> AsrConfig:
        """Read a Django settings object (or anything with the same attributes); keyword arguments win."""
        if settings is None:
            from django.conf import settings
        var_dir = getattr(settings, "VAR_DIR", None)
        cache_dir = getattr(settings, "WHISPER_CACHE_DIR", None) or (Path(var_dir) / "whisper" if var_dir else None)
        config = cls(
            model=str(getattr(settings, "WHISPER_MODEL", cls.model) or cls.model),
            device=str(getattr(settings, "WHISPER_DEVICE", cls.device)),
            compute_type=str(getattr(settings, "WHISPER_COMPUTE_TYPE", cls.compute_type)),
            beam_size=int(getattr(settings, "WHISPER_BEAM_SIZE", cls.beam_size)),
            cpu_threads=int(getattr(settings, "WHISPER_CPU_THREADS", cls.cpu_threads)),
            hotwords=_parse_hotwords(getattr(settings, "WHISPER_HOTWORDS", None)),
            window_seconds=float(getattr(settings, "WHISPER_WINDOW_SECONDS", cls.window_seconds)),
            language=getattr(settings, "WHISPER_LANGUAGE", cls.language) or None,
            vad_filter=bool(getattr(settings, "WHISPER_VAD_FILTER", cls.vad_filter)),
            cache_dir=Path(cache_dir) if cache_dir else None,
            max_bytes=int(getattr(settings, "UPLOAD_MAX_BYTES", cls.max_bytes)),
        )
        return replace(config, **overrides)

    def resolved_cache_dir(self) -> Path:
        if self.cache_dir is not None:
            return self.cache_dir
        from django.conf import settings

        return Path(settings.VAR_DIR) / "whisper"

    def transcribe_options(
        self, *, small_model: bool, vocabulary: Iterable[str] = (), count_tokens: Callable[[str], int] | None = None
    ) -> dict[str, Any]:
        """Keyword arguments for ``WhisperModel.transcribe`` (the benchmark passes the same ones to bare faster-whisper)."""
        hotwords_on = (not small_model) if self.hotwords is None else self.hotwords
        return {
            "language": self.language,
            "beam_size": self.beam_size,
            "vad_filter": self.vad_filter,
            # The default VAD cut-off (2 s of silence) keeps turn-taking pauses inside one chunk.
            "vad_parameters": {"min_silence_duration_ms": 2000, "speech_pad_ms": 400} if self.vad_filter else None,
            "hotwords": (hotwords_text(vocabulary, count_tokens=count_tokens) or None) if hotwords_on else None,
        }


def hotwords_text(
    vocabulary: Iterable[str], *, count_tokens: Callable[[str], int] | None = None, max_tokens: int = HOTWORDS_MAX_TOKENS
) -> str:
    """Names, organizations and ballot ids as one hint string, deduplicated, in order, within ``max_tokens``.

    ``count_tokens`` is the model's tokenizer; without one, three characters count as a token (names and
    ids tokenize densely).
    """
    count = count_tokens or (lambda text: -(-len(text) // 3))
    seen: set[str] = set()
    terms: list[str] = []
    for raw in vocabulary:
        term = " ".join(str(raw).split())
        if not term or term.lower() in seen:
            continue
        if count(", ".join([*terms, term])) > max_tokens:
            break
        seen.add(term.lower())
        terms.append(term)
    return ", ".join(terms)


class BlockFeatureExtractor:
    """faster-whisper's log-Mel features, computed 30 s at a time; wraps the model's own extractor.

    The stock extractor takes the STFT of a whole window at once in complex128: about 500 MB of
    temporaries for ten minutes, which alone would break the 1 GB-per-worker budget. Frames only depend
    on their own 400 samples, so computing them in blocks from the same padded signal gives the same
    frames; the clamp against the global maximum is applied once at the end, as the stock code does.
    (A wrapper rather than a subclass so that importing this module does not load faster-whisper.)
    """

    block_frames = 3000  # 30 s of 10 ms frames

    def __init__(self, stock: Any):
        self._stock = stock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stock, name)

    def __call__(self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None) -> np.ndarray:
        stock = self._stock
        if chunk_length is not None:
            stock.n_samples = chunk_length * stock.sampling_rate
            stock.nb_max_frames = stock.n_samples // stock.hop_length
        waveform = np.asarray(waveform, dtype=np.float32)
        if padding:
            waveform = np.pad(waveform, (0, padding))
        n_fft, hop = stock.n_fft, stock.hop_length
        padded = np.pad(waveform, (n_fft // 2, n_fft // 2), mode="reflect")
        window = np.hanning(n_fft + 1)[:-1].astype("float32")
        frames = 1 + (len(padded) - n_fft) // hop - 1  # the stock code drops the last frame
        log_spec = np.empty((stock.mel_filters.shape[0], frames), dtype=np.float32)
        for first in range(0, frames, self.block_frames):
            last = min(first + self.block_frames, frames)
            block = padded[first * hop : (last - 1) * hop + n_fft]
            stft = stock.stft(block, n_fft, hop, window=window, center=False, return_complex=True).astype("complex64")
            mel = stock.mel_filters @ (np.abs(stft) ** 2)
            log_spec[:, first:last] = np.log10(np.clip(mel, a_min=1e-10, a_max=None))
        np.maximum(log_spec, log_spec.max() - 8.0, out=log_spec)
        log_spec += 4.0
        log_spec /= 4.0
        return log_spec


_model_lock = threading.Lock()
_models: dict[tuple, Any] = {}


def load_model(config: AsrConfig) -> tuple[Any, ResolvedModel]:
    """The faster-whisper model for ``config``, loaded once per process (a worker reuses it across jobs)."""
    resolved = resolve_model(config.model, cache_dir=config.resolved_cache_dir())
    key = (str(resolved.path), config.device, config.compute_type, config.cpu_threads)
    with _model_lock:
        if key not in _models:
            from faster_whisper import WhisperModel

            started = time.monotonic()
            _models.clear()  # one model per process: a worker that switches models should not hold two
            model = WhisperModel(
                str(resolved.path),
                device=config.device,
                compute_type=config.compute_type,
                cpu_threads=config.cpu_threads,
                num_workers=1,
                local_files_only=True,
            )
            model.feature_extractor = BlockFeatureExtractor(model.feature_extractor)
            _models[key] = model
            logger.info(
                "Loaded Whisper model %s on %s/%s in %.1f s", resolved, config.device, config.compute_type, time.monotonic() - started
            )
        return _models[key], resolved


def token_counter(model: Any) -> Callable[[str], int]:
    """Count tokens as faster-whisper will when it puts the hotwords in the prompt."""
    return lambda text: len(model.hf_tokenizer.encode(" " + text, add_special_tokens=False).ids)


def split_windows(audio: np.ndarray, window_seconds: float) -> list[tuple[int, int]]:
    """Cut ``audio`` into [start, end) sample ranges of at most ``window_seconds``.

    Each cut falls in the quietest half second of the last 15 s before the limit, so a word is not split
    between two windows (the VAD then sees a pause, not half a syllable).
    """
    total = len(audio)
    limit = max(int(window_seconds * SAMPLE_RATE), SAMPLE_RATE)
    frame = int(CUT_FRAME_SECONDS * SAMPLE_RATE)
    search = min(int(CUT_SEARCH_SECONDS * SAMPLE_RATE), limit // 2)
    smooth = max(1, round(CUT_QUIET_SECONDS / CUT_FRAME_SECONDS))
    windows = []
    start = 0
    while total - start > limit:
        region_start = start + limit - search
        region = audio[region_start : start + limit]
        frames = len(region) // frame
        energy = np.square(region[: frames * frame].reshape(frames, frame), dtype=np.float32).mean(axis=1)
        # Mean energy of each run of `smooth` frames: the quietest run is a pause, not a gap between syllables.
        runs = np.convolve(energy, np.ones(smooth, dtype=np.float32) / smooth, mode="valid") if frames >= smooth else energy
        # The latest of the quietest runs keeps windows as long as allowed; cut in its middle.
        quietest = len(runs) - 1 - int(np.argmin(runs[::-1]))
        end = region_start + (quietest * frame) + min(smooth, frames) * frame // 2
        windows.append((start, end))
        start = end
    if total > start:
        windows.append((start, total))
    return windows


def transcribe_audio(
    audio: np.ndarray,
    *,
    config: AsrConfig,
    vocabulary: Iterable[str] = (),
    progress: Progress | None = None,
    on_window: WindowDone | None = None,
    resume_after: float = 0.0,
    windows: Sequence[tuple[int, int]] | None = None,
) -> list[Segment]:
    """Transcribe decoded audio (16 kHz mono float32) window by window; see ``transcribe_path``.

    ``windows`` restricts the work to some of ``split_windows``' ranges (to share one file between
    processes); their segments come back with times relative to the whole file.
    """
    model, resolved = load_model(config)
    options = config.transcribe_options(small_model=resolved.small, vocabulary=vocabulary, count_tokens=token_counter(model))
    windows = list(windows) if windows is not None else split_windows(audio, config.window_seconds)
    total_seconds = sum(end - start for start, end in windows) / SAMPLE_RATE
    done_seconds = 0.0
    segments: list[Segment] = []
    for index, (start, end) in enumerate(windows):
        offset, length = start / SAMPLE_RATE, (end - start) / SAMPLE_RATE
        if offset + length <= resume_after:
            done_seconds += length
            continue
        reported = done_seconds
        found = []
        pieces, _info = model.transcribe(audio[start:end], **options)
        for piece in pieces:
            text = piece.text.strip()
            if text:
                found.append(Segment(start=round(offset + piece.start, 2), end=round(offset + min(piece.end, length), 2), text=text))
            position = done_seconds + min(piece.end, length)
            if progress and position - reported >= PROGRESS_STEP_SECONDS:
                progress("transcribing", position, total_seconds)
                reported = position
        done_seconds += length
        segments += found
        if on_window:
            on_window(index, offset, offset + length, found)
        if progress:
            progress("transcribing", done_seconds, total_seconds)
    if not segments and not resume_after:
        raise NoSpeechError("the model recognised no words")
    return segments


def transcribe_path(
    path: str | Path,
    *,
    config: AsrConfig | Any = None,
    vocabulary: Iterable[str] = (),
    progress: Progress | None = None,
    on_window: WindowDone | None = None,
    resume_after: float = 0.0,
) -> list[Segment]:
    """Sniff, decode once and transcribe a recording; times are seconds from the start of the file.

    ``config`` is an AsrConfig, or a settings-like object read by ``AsrConfig.from_settings`` (None: Django
    settings). ``vocabulary`` (people, organizations, ballot ids) becomes Whisper hotwords where the
    configuration enables them. ``on_window(index, start_s, end_s, segments)`` runs after each window so a
    worker can save its segments as it goes; a retry passes the end of the last saved window as
    ``resume_after`` and gets only the later windows' segments (windows are cut the same way every time).

    Raises a MediaError subclass for a file that cannot be transcribed (NotMediaError, IsTranscriptError,
    DamagedMediaError, NoSpeechError when nothing was recognised, FileTooLargeError) and ModelError for a
    model that is missing or fails its checksum.
    """
    if not isinstance(config, AsrConfig):
        config = AsrConfig.from_settings(config)
    path = Path(path)
    size = path.stat().st_size
    if size > config.max_bytes:
        raise FileTooLargeError(
            f"{size:,} bytes", user_message=f"the file is too large ({size / 1e6:,.0f} MB; the limit is {config.max_bytes / 1e6:,.0f} MB)"
        )
    started = time.monotonic()
    if progress:
        progress("decoding", 0.0, probe_duration(path) or 0.0)
    audio = decode_path(path)
    total_seconds = len(audio) / SAMPLE_RATE
    logger.info("Decoded %s: %.0f s of audio in %.1f s", path.name, total_seconds, time.monotonic() - started)
    if progress:
        progress("decoding", total_seconds, total_seconds)
    return transcribe_audio(audio, config=config, vocabulary=vocabulary, progress=progress, on_window=on_window, resume_after=resume_after)
