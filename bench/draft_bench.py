"""Drafting time for a 60-minute transcript, built by repeating the development transcripts in
../shared/eval/transcripts with their times shifted. Target: <= 2 s.

    .venv/bin/python bench/draft_bench.py [--minutes 60] [--repeat 3]
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")

import django  # noqa: E402

django.setup()

from transcription.draft import build_form  # noqa: E402
from transcription.transcripts import Utterance, read_transcript  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "transcripts"


def long_meeting(minutes: float) -> list[Utterance]:
    sources = [read_transcript(p) for p in sorted(DEV_SET.glob("*.vtt"))]
    if not sources:
        sys.exit(f"no transcripts in {DEV_SET}")
    out: list[Utterance] = []
    offset = 0.0
    while offset < minutes * 60:
        for utterances in sources:
            out += [Utterance(u.speaker, u.start + offset, u.end + offset, u.text) for u in utterances]
            offset += utterances[-1].end + 5
            if offset >= minutes * 60:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    for path in sorted(DEV_SET.glob("*.vtt")):
        read_transcript(path)
    parse_seconds = time.perf_counter() - started

    utterances = long_meeting(args.minutes)
    words = sum(len(u.text.split()) for u in utterances)
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        form = build_form(utterances, meeting_date=dt.date(2024, 1, 11))
        times.append(time.perf_counter() - started)
    print(f"transcript: {utterances[-1].end / 60:.1f} min, {len(utterances)} cues, {words} words")
    print(f"parse 6 dev VTT files: {parse_seconds:.3f} s")
    print(f"draft (build_form), best of {args.repeat}: {min(times):.3f} s; mean {sum(times) / len(times):.3f} s (target <= 2 s)")
    print(f"draft: {len(form['topics'])} topics, {len(form['decisions'])} decisions, {len(form['action_items'])} action items")


if __name__ == "__main__":
    main()
