"""Transcription benchmark: prints numbers, asserts nothing. Run from the repository root:

    .venv/bin/python bench/transcribe_bench.py                  # 10-minute file + a 60-minute file, all of it
    .venv/bin/python bench/transcribe_bench.py --long-windows 1  # 60 minutes extrapolated from 1 window per process
    .venv/bin/python bench/transcribe_bench.py --skip-long       # only the 10-minute measurements

Speech is synthesised with espeak-ng (one voice per speaker) from the real-meeting transcripts in
../shared/eval/transcripts, encoded as AAC in MP4 like a WebEx recording, and cached under var/bench.
It measures (a) transcribe_path against bare faster-whisper on the same file with the same options,
(b) wall time for 60 minutes with one process and with two processes splitting the windows, (c) peak RSS
per worker process, (d) WER of base and tiny.en against the script. The machine's cores may be shared:
baselines are measured in the same run, interleaved with what they are compared to.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ctranslate2  # noqa: E402
import numpy as np  # noqa: E402

from tests.transcription.audio_fixtures import RATE, speak, write_encoded  # noqa: E402
from transcription import asr  # noqa: E402

TRANSCRIPTS = ROOT.parent / "shared" / "eval" / "transcripts"
WORK = ROOT / "var" / "bench"
CUE_SPEAKER = (re.compile(r"^<v\s+([^>]+)>(.*?)(?:</v>)?$"), re.compile(r"^([^:<>]{2,60}):\s+(.*)$"))
TIMING = re.compile(r"-->")
# Whisper falls back to sampling at higher temperatures on hard passages: seed it so both sides of a
# comparison decode the same way.
SEED = 1


def script_lines(directory: Path) -> list[tuple[str, str]]:
    """(speaker, text) cues of every .vtt in the folder, in file order."""
    lines = []
    for path in sorted(directory.glob("*.vtt")):
        for block in path.read_text(encoding="utf-8-sig").split("\n\n"):
            rows = block.strip().splitlines()
            timing = next((i for i, row in enumerate(rows) if TIMING.search(row)), None)
            if timing is None:
                continue
            payload = " ".join(rows[timing + 1 :]).strip()
            for pattern in CUE_SPEAKER:
                match = pattern.match(payload)
                if match:
                    speaker, text = match.group(1).strip(), re.sub(r"<[^>]+>", "", match.group(2)).strip()
                    break
            else:
                speaker, text = "unknown", re.sub(r"<[^>]+>", "", payload)
            if text:
                lines.append((f"{path.stem}:{speaker}", text))
    return lines


def synthesise(path: Path, lines: list[tuple[str, str]], seconds: float) -> str:
    """Speak lines (cycling through them) until ``seconds`` of audio; write an M4A and return the script text."""
    from tests.transcription.audio_fixtures import VOICES

    text_path = path.with_suffix(".txt")
    if path.exists() and text_path.exists():
        return text_path.read_text()
    voices: dict[str, str] = {}
    pieces, spoken, total = [], [], 0
    gap = np.zeros(int(0.6 * RATE), dtype=np.float32)
    index = 0
    while True:
        speaker, text = lines[index % len(lines)]
        index += 1
        audio = speak(text, voice=voices.setdefault(speaker, VOICES[len(voices) % len(VOICES)]))
        if (total + len(audio) + len(gap)) / RATE > seconds:
            break
        pieces += [audio, gap]
        spoken.append(text)
        total += len(audio) + len(gap)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_encoded(path, np.concatenate(pieces), container="mp4", codec="aac", rate=RATE)
    text_path.write_text("\n".join(spoken))
    return text_path.read_text()


def normalise(text: str) -> list[str]:
    text = text.lower().replace("-", " ").replace("/", " ")
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, word in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, other in enumerate(hyp, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
        previous = current
    return previous[-1] / max(1, len(ref))


def vocabulary(lines: list[tuple[str, str]]) -> list[str]:
    """What the worker would pass: the group's people (speaker names) and organizations/ballot ids seen in the script."""
    names = list(dict.fromkeys(speaker.split(":", 1)[1] for speaker, _ in lines if not speaker.endswith(":unknown")))
    ids = list(dict.fromkeys(re.findall(r"\b(?:SC|CSC|BR|NS|SMC)-?\d+\b", " ".join(text for _, text in lines))))
    return names + ids


def config_for(model: str, threads: int, device: str = "cpu") -> asr.AsrConfig:
    compute = "int8" if device == "cpu" else "int8_float16"
    cache = Path(os.environ.get("WHISPER_CACHE_DIR", ROOT / "var" / "whisper"))
    return asr.AsrConfig(model=model, cpu_threads=threads, device=device, compute_type=compute, cache_dir=cache)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- one worker process (run as a child so its peak RSS and load time are its own) -------------------


def child(args: argparse.Namespace) -> None:
    started = time.monotonic()
    config = config_for(args.model, args.threads, args.device)
    asr.load_model(config)
    loaded = time.monotonic()
    audio = asr.decode_path(args.child)
    decoded = time.monotonic()
    windows = asr.split_windows(audio, config.window_seconds)
    mine = [windows[int(i)] for i in args.windows.split(",")] if args.windows else windows
    if args.limit:
        mine = mine[: args.limit]
    window_seconds, window_cpu, texts = [], [], []
    for window in mine:
        begin, begin_cpu = time.monotonic(), cpu_seconds()
        try:
            texts += [s.text for s in asr.transcribe_audio(audio, config=config, windows=[window], vocabulary=args.vocab.split("|"))]
        except asr.NoSpeechError:
            pass
        window_seconds.append(time.monotonic() - begin)
        window_cpu.append(cpu_seconds() - begin_cpu)
    result = {
        "load_s": loaded - started,
        "decode_s": decoded - loaded,
        "windows_total": len(windows),
        "audio_s": len(audio) / RATE,
        "window_audio_s": [(end - start) / RATE for start, end in mine],
        "window_wall_s": window_seconds,
        "window_cpu_s": window_cpu,
        "wall_s": time.monotonic() - started,
        "peak_rss_mb": peak_rss_mb(),
        "text": " ".join(texts),
    }
    print(json.dumps(result))


def run_children(
    file: Path, model: str, groups: list[str | None], *, threads: int, vocab: list[str], limit: int, device: str
) -> tuple[float, list]:
    command = [sys.executable, __file__, "--child", str(file), "--model", model, "--threads", str(threads), "--device", device]
    command += ["--vocab", "|".join(vocab), "--limit", str(limit)]
    started = time.monotonic()
    runs = [command + (["--windows", group] if group is not None else []) for group in groups]
    processes = [subprocess.Popen(run, stdout=subprocess.PIPE, text=True) for run in runs]
    results = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    return time.monotonic() - started, results


# --- the measurements -------------------------------------------------------------------------------


def bare_faster_whisper(model, path: Path, options: dict) -> tuple[float, str]:
    from faster_whisper import decode_audio

    ctranslate2.set_random_seed(SEED)
    started = time.monotonic()
    segments, _info = model.transcribe(decode_audio(str(path)), **options)
    text = " ".join(s.text.strip() for s in segments)
    return time.monotonic() - started, text


def ours(path: Path, config: asr.AsrConfig, vocab: list[str]) -> tuple[float, str]:
    ctranslate2.set_random_seed(SEED)
    started = time.monotonic()
    segments = asr.transcribe_path(path, config=config, vocabulary=vocab)
    return time.monotonic() - started, " ".join(s.text for s in segments)


def short_file(args, lines, vocab) -> None:
    path = WORK / f"meeting-{args.short_minutes}min.m4a"
    script = synthesise(path, lines, args.short_minutes * 60)
    audio_s = len(asr.decode_path(path)) / RATE
    print(f"\n== {path.name}: {audio_s / 60:.1f} min of synthesised speech, {len(normalise(script))} words")

    config = config_for("base", args.threads, args.device)
    model, resolved = asr.load_model(config)
    options = config.transcribe_options(small_model=resolved.small, vocabulary=vocab, count_tokens=asr.token_counter(model))
    asr.transcribe_audio(asr.decode_path(path)[: 30 * RATE], config=config, vocabulary=vocab)  # warm-up: first-call allocations
    bare_times, our_times = [], []
    for round_ in range(args.repeat):
        pair = [("bare", lambda: bare_faster_whisper(model, path, options)), ("ours", lambda: ours(path, config, vocab))]
        if round_ % 2:
            pair.reverse()
        for name, run in pair:
            seconds, text = run()
            (bare_times if name == "bare" else our_times).append(seconds)
            if name == "ours":
                base_text = text
            else:
                bare_text = text
    ratio = sum(our_times) / sum(bare_times)
    print(f"(a) overhead, base, {args.threads} thread(s), hotwords on, {args.repeat} interleaved run(s) each:")
    print(f"    bare faster-whisper (decode_audio + transcribe): {', '.join(f'{t:.1f}' for t in bare_times)} s")
    print(f"    transcribe_path (sniff + decode + windows):      {', '.join(f'{t:.1f}' for t in our_times)} s")
    print(f"    ratio ours/bare = {ratio:.3f} (target <= 1.05); real-time factor {min(our_times) / audio_s:.3f}")
    print(f"    same text as bare (same samples, same seed): {base_text.split() == bare_text.split()}")

    print("(d) WER against the espeak-ng script (normalised: lower case, no punctuation):")
    print(f"    base, hotwords on:   {wer(script, base_text):.1%}")
    if args.wer_variants:
        seconds, text = ours(path, replace(config, hotwords=False), vocab)
        print(f"    base, hotwords off:  {wer(script, text):.1%} ({seconds:.0f} s)")
    tiny = config_for("tiny.en", args.threads, args.device)
    seconds, text = ours(path, tiny, vocab)
    print(f"    tiny.en (hotwords off by default): {wer(script, text):.1%} ({seconds:.0f} s, RTF {seconds / audio_s:.3f})")
    if args.wer_variants:
        seconds, text = ours(path, replace(tiny, hotwords=True), vocab)
        print(f"    tiny.en, hotwords forced on: {wer(script, text):.1%} ({seconds:.0f} s)")


def long_file(args, lines, vocab) -> None:
    path = WORK / f"meeting-{args.long_minutes}min.m4a"
    started = time.monotonic()
    script = synthesise(path, lines, args.long_minutes * 60)
    print(f"\n== {path.name}: synthesised/cached in {time.monotonic() - started:.0f} s, {len(normalise(script))} words")
    limit = args.long_windows
    how = "all windows" if not limit else f"first {limit} window(s) per process, extrapolated"
    print(f"(b, c) base, {args.threads} thread(s) per process, 10-minute windows, {how}; wall includes model load and decoding")

    wall, (single,) = run_children(path, "base", [None], threads=args.threads, vocab=vocab, limit=limit, device=args.device)
    report("1 process ", wall, [single], limit)
    n = single["windows_total"]
    halves = [",".join(str(i) for i in range(n) if i % 2 == k) for k in (0, 1)]
    halves = [half for half in halves if half]
    wall, pair = run_children(path, "base", halves, threads=args.threads, vocab=vocab, limit=limit, device=args.device)
    report("2 processes", wall, pair, limit)


def report(label: str, wall: float, results: list, limit: int) -> None:
    audio = sum(sum(r["window_audio_s"]) for r in results)
    if limit:
        # Per-window cost measured under the same contention, scaled to every window a process would own.
        estimates = []
        for r in results:
            per_audio_second = sum(r["window_wall_s"]) / sum(r["window_audio_s"])
            estimates.append(r["load_s"] + r["decode_s"] + per_audio_second * r["audio_s"] / len(results))
        wall = max(estimates)
        # The same from CPU time: what the wall time would be with a free core per process.
        free = max(
            r["load_s"] + r["decode_s"] + sum(r["window_cpu_s"]) / sum(r["window_audio_s"]) * r["audio_s"] / len(results) for r in results
        )
        audio = results[0]["audio_s"]
    rss = ", ".join(f"{r['peak_rss_mb']:.0f}" for r in results)
    windows = ", ".join(f"{w:.0f}" for r in results for w in r["window_wall_s"])
    cpu = ", ".join(f"{w:.0f}" for r in results for w in r["window_cpu_s"])
    print(
        f"    {label}: wall {wall / 60:.2f} min{' (extrapolated)' if limit else ''} for {audio / 60:.0f} min of audio "
        f"(target <= 7.5); load {results[0]['load_s']:.1f} s, decode {results[0]['decode_s']:.1f} s; "
        f"window wall times {windows} s (CPU {cpu} s); peak RSS per process {rss} MB (target <= 1024)"
    )
    if limit:
        print(f"      with a free core per process (from CPU time): {free / 60:.2f} min")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short-minutes", type=int, default=10)
    parser.add_argument("--long-minutes", type=int, default=60)
    parser.add_argument("--long-windows", type=int, default=0, help="transcribe only this many windows per process and extrapolate")
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--skip-short", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="interleaved runs of bare vs ours on the short file")
    parser.add_argument("--wer-variants", action="store_true", help="also WER with hotwords flipped (two more runs)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--transcripts", type=Path, default=TRANSCRIPTS)
    # internal: one worker process
    parser.add_argument("--child", type=Path)
    parser.add_argument("--model", default="base")
    parser.add_argument("--windows", default="")
    parser.add_argument("--vocab", default="")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    lines = script_lines(args.transcripts)
    vocab = vocabulary(lines)
    print(
        f"transcription benchmark: {os.cpu_count()} CPU(s), device {args.device}; {len(lines)} script lines, {len(vocab)} vocabulary terms"
    )
    if not args.skip_short:
        short_file(args, lines, vocab)
    if not args.skip_long:
        long_file(args, lines, vocab)


if __name__ == "__main__":
    main()
