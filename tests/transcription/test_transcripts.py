import pytest

from transcription.transcripts import TranscriptError, Utterance, parse_transcript, read_transcript

WEBEX = """WEBVTT

1 "Dean Coclin" (3824629292)
00:00:03.400 --> 00:00:11.661
Dean Coclin: Okay, let's get going.

2 "Corey Bonnell" (2920304281)
00:00:12.303 --> 00:00:17.036
Corey Bonnell: Note: I'm on a new headset {PAUSE 2} today.
"""

TEAMS = """WEBVTT

00:00:01.800 --> 00:00:06.845
<v Dean Coclin>Hi everybody.</v>

00:00:07.707 --> 00:00:11.000
<v Tomas Gustavsson>Hi, this is Tomas
from PrimeKey.</v>
"""

ZOOM = """WEBVTT

00:01:04.100 --> 00:01:06.352
Bruce Morton: Good morning.

00:01:06.397 --> 00:01:11.722
the ballot is final: no changes.
"""

SRT = """1
00:00:01,000 --> 00:00:02,500
Iñigo Barreira: Hello.

2
00:00:03,000 --> 00:00:04,000
<v Ian McMillan>Hi</v>
"""


def test_webex_takes_the_speaker_from_the_cue_id_and_strips_the_label():
    utterances = parse_transcript(WEBEX, name="call.vtt")
    assert utterances == [
        Utterance("Dean Coclin", 3.4, 11.661, "Okay, let's get going."),
        Utterance("Corey Bonnell", 12.303, 17.036, "Note: I'm on a new headset today."),
    ]


def test_teams_voice_spans_give_the_speaker_and_join_lines():
    utterances = parse_transcript(TEAMS, name="call.vtt")
    assert [(u.speaker, u.start, u.text) for u in utterances] == [
        ("Dean Coclin", 1.8, "Hi everybody."),
        ("Tomas Gustavsson", 7.707, "Hi, this is Tomas from PrimeKey."),
    ]


def test_zoom_labels_are_speakers_but_prose_with_a_colon_is_not():
    utterances = parse_transcript(ZOOM, name="call.vtt")
    assert [(u.speaker, u.start, u.text) for u in utterances] == [
        ("Bruce Morton", 64.1, "Good morning."),
        (None, 66.397, "the ballot is final: no changes."),
    ]


def test_srt_with_labels_and_voices():
    utterances = parse_transcript(SRT, name="call.srt")
    assert [(u.speaker, u.start, u.end, u.text) for u in utterances] == [
        ("Iñigo Barreira", 1.0, 2.5, "Hello."),
        ("Ian McMillan", 3.0, 4.0, "Hi"),
    ]


def test_plain_text_with_and_without_times():
    text = "[00:00:05] Dean Coclin: Welcome everyone.\nCorey Bonnell: Thanks Dean, happy to be here today.\n\nno label here\n"
    utterances = parse_transcript(text, name="notes.txt")
    assert [u.speaker for u in utterances] == ["Dean Coclin", "Corey Bonnell", None]
    assert utterances[0].start == 5.0
    # Lines without a time follow the one before at a speaking pace.
    assert utterances[0].start < utterances[1].start < utterances[2].start


def test_format_is_sniffed_from_content_not_the_name():
    assert parse_transcript(WEBEX, name="upload.txt")[0].speaker == "Dean Coclin"
    assert parse_transcript(SRT, name="upload.bin")[0].start == 1.0


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        ("", "a.vtt", "the file is empty"),
        ("   \n", "a.txt", "the file is empty"),
        ("00:00:01.000 --> 00:00:02.000\nhi\n", "a.vtt", "must start with the line 'WEBVTT'"),
        ("WEBVTT\n\n00:00:01.000 --> soon\nhi\n", "a.vtt", "cue timing cannot be read"),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nhi\n", "a.vtt", "ends (00:00:01.000) before it starts"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{PAUSE 2}\n", "a.vtt", "holds no spoken text"),
    ],
)
def test_malformed_transcripts_raise_a_readable_value_error(text, name, message):
    with pytest.raises(TranscriptError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        parse_transcript(text, name=name)
    assert isinstance(error.value, ValueError)
    assert name in str(error.value)


def test_binary_and_missing_files_are_refused(tmp_path):
    binary = tmp_path / "clip.vtt"
    binary.write_bytes(b"\x00\x01\x02RIFF")
    with pytest.raises(TranscriptError, match="not a text transcript"):
        read_transcript(binary)
    with pytest.raises(TranscriptError, match="cannot be read"):
        read_transcript(tmp_path / "missing.vtt")


def test_read_transcript_reads_a_file(tmp_path):
    path = tmp_path / "call.vtt"
    path.write_text(TEAMS, encoding="utf-8")
    assert read_transcript(path)[1].speaker == "Tomas Gustavsson"
