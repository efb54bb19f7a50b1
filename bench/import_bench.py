"""Import throughput: the 60 corpus minutes posts repeated to 1,000 distinct posts, read and stored in a
fresh SQLite database (or DATABASE_URL). Prints posts per second for reading alone and for the whole
import. Target: 1,000 posts in 20 s or less.

    .venv/bin/python bench/import_bench.py [--posts 1000] [--corpus DIR]

Repeats are made distinct in memory by moving every year written in the post by 28 years per round,
which keeps weekdays and leap days where they were.
"""

from __future__ import annotations

import argparse
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
    from django.db import connection, transaction

    from minutes import matching
    from minutes.archive import posts_read
    from minutes.management.commands.import_minutes import post_import, read_in_background, stored_organization_names

    call_command("migrate", verbosity=0)
    batch = posts(args.corpus, args.posts)

    start, cpu = time.perf_counter(), time.process_time()
    for _ in posts_read(batch, stored_organization_names()):
        pass
    read, read_cpu = time.perf_counter() - start, time.process_time() - cpu

    background = read_in_background(len(batch)) and not args.one_process
    start, cpu = time.perf_counter(), time.process_time()
    statuses: dict[str, int] = {}
    storing = 0.0
    with matching.directory_scope() as directory:
        for archived in posts_read(batch, stored_organization_names(), background=background):
            begun = time.perf_counter()
            with transaction.atomic():
                status = post_import(archived=archived, directory=directory).status
            storing += time.perf_counter() - begun
            statuses[status] = statuses.get(status, 0) + 1
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu

    n = len(batch)
    print(f"posts: {n} ({', '.join(f'{v} {k}' for k, v in sorted(statuses.items()))})")
    # CPU time of this process too: on a shared machine the wall clock also counts other people's work.
    print(f"read only:    {read:6.2f} s  {n / read:7.1f} posts/s   (CPU {read_cpu:6.2f} s, {n / read_cpu:7.1f} posts/s)")
    print(f"storing only: {storing:6.2f} s  {n / storing:7.1f} posts/s   (the import's time in post_import)")
    print(
        f"full import:  {total:6.2f} s  {n / total:7.1f} posts/s   (CPU of this process {total_cpu:6.2f} s;"
        f" reading {'in a background process' if background else 'in this process'})"
        f"  target: {n} posts in <= {20 * n / 1000:.0f} s"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, database {connection.vendor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
