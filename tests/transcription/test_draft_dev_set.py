"""Quality guard: the rule-based builder on the development transcripts in ../shared/eval/transcripts,
scored by the shared scorer. Fails when the mean overall score drops below 0.75."""

import datetime as dt
import importlib.util
import json
from pathlib import Path

import pytest

from transcription.draft import build_form
from transcription.transcripts import read_transcript

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEV_SET = SHARED / "eval" / "transcripts"
SCORER = SHARED / "eval" / "score_minutes.py"

pytestmark = pytest.mark.skipif(
    not (DEV_SET.is_dir() and SCORER.is_file()), reason=f"the shared evaluation set is not beside the repository ({DEV_SET})"
)


def _scorer():
    spec = importlib.util.spec_from_file_location("score_minutes", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_set_scores_stay_above_the_floor():
    scorer = _scorer()
    rows = {}
    for transcript in sorted(DEV_SET.glob("*.vtt")):
        gold = json.loads(transcript.with_suffix(".json").read_text(encoding="utf-8"))
        # The meeting date is what a draft made from a meeting's page knows; nothing else comes from the reference.
        date = dt.date.fromisoformat(gold["meeting"]["date"]) if gold["meeting"].get("date") else None
        form = build_form(read_transcript(transcript), meeting_date=date)
        json.dumps(form)  # the form is plain JSON
        rows[transcript.stem] = scorer.score(gold, form, scorer.transcript_word_count(transcript))
    assert len(rows) >= 6
    mean = {key: sum(r[key] for r in rows.values()) / len(rows) for key in ("overall", "compression", "attendees_f1")}
    worst = min(rows.items(), key=lambda item: item[1]["overall"])
    assert mean["overall"] >= 0.75, f"mean overall {mean['overall']:.3f}; worst {worst[0]}: {worst[1]}"
    assert mean["compression"] <= 0.20, f"drafts too long: compression {mean['compression']:.3f}"
    assert mean["attendees_f1"] >= 0.9
