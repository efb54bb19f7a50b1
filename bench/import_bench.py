"""Import throughput: the 60 corpus minutes posts repeated to 1,000 distinct posts, written to a folder
and imported with `manage.py import_minutes FOLDER` into a fresh SQLite database (or DATABASE_URL), as a
user would. Prints posts per second for reading alone and for the whole import. Target: 1,000 posts in
20 s or less.

    .venv/bin/python bench/import_bench.py [--posts 1000] [--corpus DIR] [--one-process] [--again]

Repeats are made distinct by moving every year written in the post by 28 years per round, which keeps
weekdays and leap days where they were. --one-process reads the posts in the importing process instead
of a background one; --again imports the same folder a second time (every post unchanged).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "cabforum" / "minutes"


def posts(corpus: Path, count: int) -> list[bytes]:
    originals = [p.read_text(encoding="utf-8") for p in sorted(corpus.iterdir()) if p.is_file() and p.suffix in ("", ".md")]
    out = []
    round_ = 0
    while len(out) < count:
        shift = 28 * round_
        for text in originals:
            if len(out) == count:
                break
            moved = re.sub(r"(?<!\d)((?:19|20)\d\d)(?!\d)", lambda m, shift=shift: str(int(m[1]) + shift), text) if shift else text
            out.append(moved.encode("utf-8"))
        round_ += 1
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--one-process", action="store_true", help="read and store in this process (no background reader)")
    parser.add_argument("--again", action="store_true", help="then import the same files again (all unchanged)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="import-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from minutes.archive import posts_read
    from minutes.management.commands import import_minutes
    from minutes.models import Meeting

    call_command("migrate", verbosity=0)
    batch = posts(args.corpus, args.posts)
    folder = Path(tempfile.mkdtemp(prefix="import-bench-posts-"))
    for number, raw in enumerate(batch):
        (folder / f"post-{number:05d}.md").write_bytes(raw)
    n = len(batch)

    start, cpu = time.perf_counter(), time.process_time()
    for _ in posts_read(batch, import_minutes.stored_organization_names()):
        pass
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"posts: {n}, {sum(map(len, batch)) / n / 1024:.1f} KiB on average")
    print(f"read only:        {read:6.2f} s  {n / read:7.1f} posts/s   (CPU {read_cpu:6.2f} s)")

    if args.one_process:
        import_minutes.BACKGROUND_READ_FROM = sys.maxsize
    how = "reading in this process" if args.one_process else "reading in a background process"
    runs = [("import (new)", "created"), ("import again", "unchanged")] if args.again else [("import (new)", "created")]
    for label, expected in runs:
        out = io.StringIO()
        start, cpu = time.perf_counter(), time.process_time()
        call_command("import_minutes", str(folder), stdout=out, stderr=out)
        total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
        summary = next((line for line in out.getvalue().splitlines() if line.startswith("Meetings:")), "?")
        print(
            f"{label + ':':17} {total:6.2f} s  {n / total:7.1f} posts/s   (CPU of this process {total_cpu:6.2f} s; {how})"
            f"  target: {n} posts in <= {20 * n / 1000:.0f} s"
        )
        print(f"                  {summary}")
        if f"{n} {expected}" not in summary:
            print(f"unexpected result: {out.getvalue()[-2000:]}", file=sys.stderr)
            return 1
    print(f"meetings stored: {Meeting.objects.count()}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} after the run, database {connection.vendor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
