"""The optional LLM backend against a fake OpenAI-compatible server started in the test."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from transcription.draft import build_form, draft_form
from transcription.transcripts import Utterance

UTTERANCES = [
    Utterance("Dean Coclin", 3.0, 8.0, "Next item is CSC twenty-five, the signing service ballot. Bruce?"),
    Utterance("Bruce Morton", 9.5, 15.0, "I'll send the new draft to the list by Friday."),
    Utterance("Dean Coclin", 16.0, 20.0, "Great. Our next meeting is March twenty-eighth."),
]

GOOD = {
    "topics": [{"title": "CSC-25 signing service ballot", "summary": ["New draft coming"], "start_seconds": 3.0}],
    "decisions": [],
    "action_items": [
        {"owner": "Bruce", "text": "Send the new draft to the list", "due": "2024-03-15", "topic": None, "start_seconds": 9.5}
    ],
    "ballots": [{"id": "CSC-25", "note": "Signing service"}],
}


class FakeLLM(BaseHTTPRequestHandler):
    answers: list = []
    requests: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        answer = FakeLLM.answers.pop(0) if FakeLLM.answers else GOOD
        if answer == "error":
            self.send_response(500)
            self.end_headers()
            return
        content = answer if isinstance(answer, str) else "```json\n" + json.dumps(answer) + "\n```"
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    FakeLLM.answers, FakeLLM.requests = [], []
    monkeypatch.setenv("DRAFT_LLM_URL", f"http://127.0.0.1:{server.server_port}/v1/chat/completions")
    monkeypatch.setenv("DRAFT_LLM_MODEL", "test-model")
    monkeypatch.setenv("DRAFT_LLM_API_KEY", "secret")
    monkeypatch.setenv("DRAFT_LLM_TIMEOUT", "5")
    yield FakeLLM
    server.shutdown()
    server.server_close()


def draft():
    return draft_form(UTTERANCES, meeting_date=dt.date(2024, 3, 14))


def test_without_configuration_the_rule_based_draft_is_used(monkeypatch):
    monkeypatch.delenv("DRAFT_LLM_URL", raising=False)
    assert draft() == build_form(UTTERANCES, meeting_date=dt.date(2024, 3, 14))


def test_a_valid_answer_replaces_topics_decisions_actions_and_ballots(endpoint):
    form = draft()
    assert form["topics"] == GOOD["topics"]
    # The owner is written as the attendee's full name.
    assert form["action_items"][0]["owner"] == "Bruce Morton"
    assert form["ballots"] == [{"id": "CSC-25", "note": "Signing service"}]
    # What the rules found stays: attendees, next meeting.
    assert form["next_meeting"] == "2024-03-28"
    request = endpoint.requests[0]
    assert request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "test-model"
    assert "[9.500] Bruce Morton: I'll send the new draft" in request["body"]["messages"][1]["content"]


def test_transcript_is_sent_in_chunks_and_answers_merged(endpoint, monkeypatch):
    monkeypatch.setenv("DRAFT_LLM_CHUNK_CHARS", "80")
    endpoint.answers = [GOOD, {"topics": [], "decisions": [], "action_items": [], "ballots": [{"id": "CSC 25"}]}, GOOD]
    form = draft()
    assert len(endpoint.requests) == 3
    assert form["ballots"] == [{"id": "CSC-25", "note": "Signing service"}]


@pytest.mark.parametrize(
    "answer",
    [
        {**GOOD, "action_items": [{**GOOD["action_items"][0], "owner": "Tim Hollebeek"}]},  # not an attendee
        {**GOOD, "topics": [{**GOOD["topics"][0], "start_seconds": 4.2}]},  # no cue starts there
        {**GOOD, "ballots": [{"id": "SC-99"}]},  # never said
        {**GOOD, "action_items": [{**GOOD["action_items"][0], "due": "Friday"}]},
        {**GOOD, "topics": [{**GOOD["topics"][0], "summary": ["a", "b", "c", "d", "e"]}]},
        "Sorry, I cannot help with that.",
        "error",
    ],
    ids=["owner", "evidence", "ballot", "due", "too-long", "not-json", "http-500"],
)
def test_an_answer_that_does_not_check_out_falls_back_to_the_rules(endpoint, answer):
    endpoint.answers = [answer]
    assert draft() == build_form(UTTERANCES, meeting_date=dt.date(2024, 3, 14))


def test_an_unreachable_endpoint_falls_back(monkeypatch):
    monkeypatch.setenv("DRAFT_LLM_URL", "http://127.0.0.1:9/v1/chat/completions")
    monkeypatch.setenv("DRAFT_LLM_MODEL", "m")
    monkeypatch.setenv("DRAFT_LLM_TIMEOUT", "2")
    assert draft() == build_form(UTTERANCES, meeting_date=dt.date(2024, 3, 14))
