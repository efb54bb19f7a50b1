"""Speech to text on speech synthesised with espeak-ng, with the small tiny.en model (about 3 s a run)."""

import re

import numpy as np
import pytest

from tests.transcription.audio_fixtures import RATE, require_espeak, silence, speak_script, write_wav
from transcription import asr

LINES = [
    ("Dean", "Good morning everyone. Welcome to the code signing working group."),
    ("Ian", "Thank you Dean. First item is the antitrust statement, and then the agenda."),
    ("Dean", "The ballot about key protection is ready. We need two endorsers by Friday."),
    ("Ian", "I will send the draft to the mailing list tomorrow."),
]
# One word per line that tiny.en reliably gets from espeak-ng's voices.
KEYWORDS = ["morning", "agenda", "friday", "tomorrow"]
VOCABULARY = ["Dean Coclin", "Ian McMillan", "CSC-25", "DigiCert", "Sectigo", "key protection"]


def tiny_config(tmp_path, **overrides) -> asr.AsrConfig:
    return asr.AsrConfig(model="tiny.en", cache_dir=tmp_path / "whisper", **overrides)


@pytest.fixture(scope="module")
def meeting_clip(tmp_path_factory):
    require_espeak()
    audio, timed = speak_script(LINES)
    path = write_wav(tmp_path_factory.mktemp("clip") / "meeting.wav", audio)
    return path, timed


@pytest.fixture(scope="module")
def default_run(meeting_clip, tmp_path_factory):
    """tiny.en with its default settings (hotwords off) and a vocabulary, as the worker calls it."""
    path, timed = meeting_clip
    calls = []
    config = asr.AsrConfig(model="tiny.en", cache_dir=tmp_path_factory.mktemp("whisper"))
    segments = asr.transcribe_path(path, config=config, vocabulary=VOCABULARY, progress=lambda *args: calls.append(args))
    return segments, timed, calls


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def segment_with(segments, word):
    return next(s for s in segments if word in words(s.text))


def test_two_voices_come_through_with_their_times(default_run):
    segments, timed, _calls = default_run

    heard = words(" ".join(s.text for s in segments))
    assert set(KEYWORDS) <= heard
    for line, keyword in zip(timed, KEYWORDS, strict=True):
        segment = segment_with(segments, keyword)
        # Segment times come from Whisper's 1 s-ish timestamp tokens: within a second and a half of the line.
        assert segment.start <= line.end + 1.5 and segment.end >= line.start - 1.5, (keyword, segment, line)
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
    assert all(s.end > s.start for s in segments)
    assert segments[-1].end <= timed[-1].end + 1.5


def test_tiny_en_ignores_the_vocabulary_and_drops_no_speech(default_run):
    # Hotwords made tiny.en drop whole passages (WER 45%), so they default to off for it; every line
    # must still produce its own segment rather than one merged or missing passage.
    segments, timed, _calls = default_run

    assert len(segments) >= len(timed) - 1
    for line, keyword in zip(timed, KEYWORDS, strict=True):
        assert any(keyword in words(s.text) for s in segments if s.start <= line.end + 1.5), line
    assert asr.AsrConfig(model="tiny.en").transcribe_options(small_model=True, vocabulary=VOCABULARY)["hotwords"] is None


def test_progress_reports_decoding_then_transcribed_seconds(default_run, meeting_clip):
    _segments, timed, calls = default_run

    assert calls[0][0] == "decoding"
    stage, done, total = calls[-1]
    assert stage == "transcribing"
    assert done == total == pytest.approx(timed[-1].end + 0.7, abs=0.1)


def test_windows_add_their_offsets_back(meeting_clip, tmp_path):
    path, timed = meeting_clip
    calls = []

    saved = []

    segments = asr.transcribe_path(
        path,
        config=tiny_config(tmp_path, window_seconds=8),
        progress=lambda *args: calls.append(args),
        on_window=lambda *args: saved.append(args),
    )

    transcribing = [call for call in calls if call[0] == "transcribing"]
    assert len(transcribing) >= 3  # one report per window: a 20.5 s clip in windows of at most 8 s
    done = [call[1] for call in transcribing]
    assert done == sorted(done) and done[-1] == transcribing[-1][2]
    heard = words(" ".join(s.text for s in segments))
    assert {"morning", "friday", "tomorrow"} <= heard
    # Without the offsets every segment would start within the first 8 seconds.
    last = segment_with(segments, "tomorrow")
    assert timed[3].start - 1.5 <= last.start <= timed[3].end
    assert segment_with(segments, "friday").start >= 8.0
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
    assert [index for index, *_ in saved] == list(range(len(transcribing)))
    assert [segment for *_, found in saved for segment in found] == segments
    assert all(start <= s.start and s.end <= end for _, start, end, found in saved for s in found)


def test_a_retry_resumes_after_the_last_saved_window(meeting_clip, tmp_path):
    path, timed = meeting_clip
    windows = asr.split_windows(asr.decode_path(path), 8)
    saved_until = windows[-2][1] / RATE  # a previous attempt saved every window but the last
    calls = []

    segments = asr.transcribe_path(
        path, config=tiny_config(tmp_path, window_seconds=8), resume_after=saved_until, progress=lambda *a: calls.append(a)
    )

    assert segments and all(s.start >= saved_until for s in segments)
    heard = words(" ".join(s.text for s in segments))
    assert "tomorrow" in heard and not heard & {"morning", "agenda", "friday"}
    assert [call[1] for call in calls if call[0] == "transcribing"] == [pytest.approx(len(asr.decode_path(path)) / RATE)]


def test_window_cuts_fall_in_pauses():
    tone = 0.3 * np.sin(np.linspace(0, 2 * np.pi * 220 * 10, 10 * RATE, dtype=np.float32))
    audio = np.concatenate([tone, silence(1.0), tone, silence(1.0), tone])  # speech-like blocks at 0-10, 11-21, 22-32 s

    windows = asr.split_windows(audio, window_seconds=15)

    assert windows[0][0] == 0 and windows[-1][1] == len(audio)
    assert all(a[1] == b[0] for a, b in zip(windows, windows[1:], strict=False))
    assert all(end - start <= 15 * RATE for start, end in windows)
    cuts = [end / RATE for _start, end in windows[:-1]]
    assert len(cuts) == 2
    assert 10.0 < cuts[0] < 11.0 and 21.0 < cuts[1] < 22.0


def test_noise_without_speech_is_no_speech_found(tmp_path):
    rng = np.random.default_rng(5)
    path = write_wav(tmp_path / "hiss.wav", (0.01 * rng.standard_normal(4 * RATE)).astype(np.float32))

    with pytest.raises(asr.NoSpeechError) as caught:
        asr.transcribe_path(path, config=tiny_config(tmp_path))

    assert caught.value.user_message == "no speech found"


def test_block_features_match_faster_whisper_features():
    # The block-wise extractor keeps a 10-minute window within the memory budget; it must give the model
    # exactly what faster-whisper's own extractor would (this also catches a faster-whisper upgrade that
    # changes the features).
    from faster_whisper.feature_extractor import FeatureExtractor

    signal = (0.1 * np.random.default_rng(3).standard_normal(95 * RATE + 123)).astype(np.float32)
    signal[20 * RATE : 40 * RATE] *= 20  # a loud passage sets the global maximum the quiet ones are clamped against

    stock = FeatureExtractor()(signal)
    blocks = asr.BlockFeatureExtractor(FeatureExtractor())(signal)

    assert blocks.shape == stock.shape and blocks.dtype == stock.dtype
    assert np.abs(blocks - stock).max() < 1e-5
