"""Sniffing uploads and decoding recordings: formats, transcripts and bad files (no model is loaded)."""

import io
import zipfile

import numpy as np
import pytest

from tests.transcription.audio_fixtures import RATE, require_espeak, silence, speak, write_encoded, write_wav
from transcription import asr
from transcription.audio import FileKind, sniff_bytes


@pytest.fixture(scope="module")
def phrase():
    require_espeak()
    return np.concatenate([silence(0.3), speak("Welcome to the server certificate working group."), silence(0.3)])


def config(tmp_path, **overrides):
    return asr.AsrConfig(model="tiny.en", cache_dir=tmp_path / "whisper", **overrides)


@pytest.mark.parametrize(
    ("container", "codec", "name", "sniffed"),
    [
        ("mp4", "aac", "meeting.m4a", "mp4"),
        ("webm", "libopus", "meeting.webm", "webm"),
        ("ogg", "libopus", "meeting.ogg", "ogg"),
        ("mp3", "libmp3lame", "meeting.mp3", "mp3"),
    ],
)
def test_recording_formats_decode_to_16khz_mono(phrase, tmp_path, container, codec, name, sniffed):
    path = write_encoded(tmp_path / name, phrase, container=container, codec=codec)

    assert asr.sniff_path(path) == asr.Sniffed(FileKind.MEDIA, sniffed)
    audio = asr.decode_path(path)

    assert audio.dtype == np.float32 and audio.ndim == 1
    assert len(audio) / RATE == pytest.approx(len(phrase) / RATE, abs=0.15)
    assert np.max(np.abs(audio)) > 0.05


def test_wav_decodes_to_the_same_samples(phrase, tmp_path):
    audio = asr.decode_path(write_wav(tmp_path / "meeting.wav", phrase))

    assert len(audio) == len(phrase)
    assert np.max(np.abs(audio - phrase)) < 1e-3


def test_sniffing_ignores_the_extension(phrase, tmp_path):
    path = write_wav(tmp_path / "notes.txt", phrase)

    assert asr.sniff_path(path).kind == FileKind.MEDIA
    assert len(asr.decode_path(path)) == len(phrase)


@pytest.mark.parametrize(
    ("head", "kind", "fmt"),
    [
        (b'WEBVTT\n\n1 "Dean Coclin" (3824629292)\n00:00:03.400 --> 00:00:11.661\nDean Coclin: Okay.\n', FileKind.TRANSCRIPT, "vtt"),
        ("\ufeffWEBVTT\n\n00:00:03.000 --> 00:00:08.847\n<v Jos Purvis>Good morning</v>\n".encode(), FileKind.TRANSCRIPT, "vtt"),
        (b"1\r\n00:00:01,000 --> 00:00:04,000\r\nGood morning.\r\n\r\n2\r\n", FileKind.TRANSCRIPT, "srt"),
        (b"Dean Coclin: Good morning everyone.\nBruce Morton: Hi Dean.\n", FileKind.TRANSCRIPT, "text"),
        ("Ren\u00e9 Sch\u00f6nfeld: caf\u00e9".encode("utf-16"), FileKind.TRANSCRIPT, "text"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", FileKind.MEDIA, "wav"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", FileKind.MEDIA, "mp4"),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81", FileKind.MEDIA, "webm"),
        (b"OggS\x00\x02\x00\x00", FileKind.MEDIA, "ogg"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", FileKind.MEDIA, "mp3"),
        (b"\xff\xfb\x90\x64\x00\x00", FileKind.MEDIA, "mp3"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", FileKind.UNKNOWN, ""),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n\x00", FileKind.UNKNOWN, ""),
        (b"", FileKind.EMPTY, ""),
        (b"  \n\n", FileKind.EMPTY, ""),
    ],
)
def test_sniff_bytes_tells_media_from_transcripts(head, kind, fmt):
    assert sniff_bytes(head, complete=True) == asr.Sniffed(kind, fmt)


def test_sniff_file_reads_only_the_head_and_rewinds():
    class CountingFile(io.BytesIO):
        read_sizes: list[int] = []

        def read(self, size=-1):
            self.read_sizes.append(size)
            return super().read(size)

    upload = CountingFile(b"WEBVTT\n\n" + b"00:00:01.000 --> 00:00:02.000\nHello.\n\n" * 100_000)
    upload.seek(0)

    assert asr.sniff_file(upload).is_transcript
    assert upload.tell() == 0
    assert upload.read_sizes == [8193]


def test_a_multibyte_character_cut_by_the_head_is_still_text():
    head = ("WEBVTT\n\n" + "\u00e9" * 5000).encode()[:8191]
    assert head.decode("utf-8", errors="replace").endswith("\ufffd")

    assert sniff_bytes(head).is_transcript


def test_random_bytes_named_mp4_are_not_an_audio_file(tmp_path):
    path = tmp_path / "recording.mp4"
    path.write_bytes(bytes([0x00]) + np.random.default_rng(7).bytes(64_000))

    with pytest.raises(asr.NotMediaError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert caught.value.user_message == "not an audio or video file"


def test_zip_named_wav_is_not_an_audio_file(tmp_path):
    path = tmp_path / "recording.wav"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("minutes.txt", "Good morning everyone. " * 200)

    assert asr.sniff_path(path).kind == FileKind.UNKNOWN
    with pytest.raises(asr.NotMediaError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert caught.value.user_message == "not an audio or video file"


def test_empty_file_is_refused_as_empty(tmp_path):
    path = tmp_path / "recording.m4a"
    path.write_bytes(b"")

    with pytest.raises(asr.NotMediaError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert "empty" in caught.value.user_message and "not an audio or video file" in caught.value.user_message


def test_transcript_given_as_recording_says_so(tmp_path):
    path = tmp_path / "meeting.mp4"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n")

    with pytest.raises(asr.IsTranscriptError):
        asr.transcribe_path(path, config=config(tmp_path))


def test_silent_wav_is_no_speech_found(tmp_path):
    path = write_wav(tmp_path / "silence.wav", silence(5.0))

    with pytest.raises(asr.NoSpeechError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert caught.value.user_message == "no speech found"


def test_zero_length_audio_is_no_speech_found(tmp_path):
    path = write_wav(tmp_path / "zero.wav", silence(0.0))

    with pytest.raises(asr.NoSpeechError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert caught.value.user_message == "no speech found"


def test_video_without_sound_track_is_no_speech_found(tmp_path):
    import av

    path = tmp_path / "screen.webm"
    with av.open(str(path), "w", format="webm") as output:
        stream = output.add_stream("libvpx", rate=5)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), dtype=np.uint8), format="rgb24")
            frame.pts = index
            output.mux(stream.encode(frame))
        output.mux(stream.encode(None))

    with pytest.raises(asr.NoSpeechError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert caught.value.user_message.startswith("no speech found")


@pytest.mark.parametrize(
    ("container", "codec", "name"), [("mp4", "aac", "cut.m4a"), ("webm", "libopus", "cut.webm"), ("wav", None, "cut.wav")]
)
def test_truncated_recording_is_refused_as_damaged(phrase, tmp_path, container, codec, name):
    long_phrase = np.concatenate([phrase] * 3)
    whole = tmp_path / f"whole-{name}"
    if codec:
        write_encoded(whole, long_phrase, container=container, codec=codec)
    else:
        write_wav(whole, long_phrase)
    data = whole.read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])

    with pytest.raises(asr.DamagedMediaError) as caught:
        asr.transcribe_path(path, config=config(tmp_path))

    assert caught.value.user_message == "the file is truncated or damaged"


def test_file_over_the_upload_limit_is_refused_before_decoding(phrase, tmp_path):
    path = write_wav(tmp_path / "meeting.wav", phrase)

    with pytest.raises(asr.FileTooLargeError) as caught:
        asr.transcribe_path(path, config=config(tmp_path, max_bytes=1000))

    assert "too large" in caught.value.user_message
