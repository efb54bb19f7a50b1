"""Audio path quality: speak dev-set transcripts with espeak-ng (one voice per speaker), run the whole
pipeline (decode → faster-whisper → drafter) and score the draft next to the transcript-input draft.

    .venv/bin/python bench/audio_draft_bench.py [--model base] [--files 2] [--out DIR]

Prints one row per file (audio vs transcript score) and writes the drafts to --out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")


def main() -> int:
    import django

    django.setup()
    from tests.transcription.audio_fixtures import speak_script, write_wav
    from transcription.asr import AsrConfig, transcribe_path
    from transcription.draft import build_form
    from transcription.transcripts import Utterance, read_transcript

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="base")
    parser.add_argument("--files", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="audio-drafts-")))
    args = parser.parse_args()

    spec = importlib.util.spec_from_file_location("score_minutes", SHARED / "eval" / "score_minutes.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    folder = SHARED / "eval" / "transcripts"
    config = AsrConfig.from_settings(model=args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"model={args.model}  drafts in {args.out}")
    print(f"{'file':<60} {'minutes':>7} {'asr s':>7} {'audio':>6} {'text':>6}")
    for vtt in sorted(folder.glob("*.vtt"))[: args.files]:
        gold = json.loads(vtt.with_suffix(".json").read_text())
        day = dt.date.fromisoformat(gold["meeting"]["date"]) if gold["meeting"].get("date") else None
        utterances = read_transcript(vtt)
        lines = [(u.speaker or "?", u.text) for u in utterances]
        audio, _timed = speak_script(lines, gap_seconds=0.4)
        wav = write_wav(args.out / f"{vtt.stem}.wav", audio)
        started = time.monotonic()
        segments = transcribe_path(wav, config=config)
        asr_seconds = time.monotonic() - started
        spoken = [Utterance(speaker=None, start=s.start, end=s.end, text=s.text) for s in segments]
        from_audio = build_form(spoken, meeting_date=day, working_group=gold["meeting"].get("working_group"))
        from_text = build_form(utterances, meeting_date=day, working_group=gold["meeting"].get("working_group"))
        (args.out / f"{vtt.stem}.json").write_text(json.dumps(from_audio, indent=2))
        words = scorer.transcript_word_count(vtt)
        a = scorer.score(gold, from_audio, words)
        t = scorer.score(gold, from_text, words)
        name = re.sub(r"-minutes-of-the", "", vtt.stem)[:60]
        print(f"{name:<60} {len(audio) / 16000 / 60:>7.1f} {asr_seconds:>7.0f} {a['overall']:>6.3f} {t['overall']:>6.3f}")
        print("   audio fields: " + ", ".join(f"{k}={v:.2f}" for k, v in a.items() if k != "overall"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
