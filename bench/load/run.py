"""Load test: gunicorn (2 sync workers) on 127.0.0.1, 50 concurrent users from a second process.

    .venv/bin/python bench/load/seed.py                     # once, on the database in DATABASE_URL
    .venv/bin/python bench/load/run.py                      # 120 s in all, split evenly over the targets
    .venv/bin/python bench/load/run.py --shell              # the same, with the shell of a logged-in page
    .venv/bin/python bench/load/run.py --smoke 10           # the 10-second run CI does (one mixed phase)

Each target (the framework floor, with --shell the shell of a logged-in page, then each page and API
list) gets its own phase of seconds ÷ targets, in which all users request only that target: mixing them
would make every latency the same queueing delay and hide what each page costs. A phase stops at its
time or at --max-requests, whichever comes first; a user starts no request that would, at the mean
latency so far, end after the phase.
Users log in as ``load-member`` (a session for pages, a token for the API). For each target it
prints requests, throughput, p50/p95 latency, errors, p95 ÷ the floor's p95 (target ≤ 2, 0 errors) and
with --shell p95 ÷ the shell's p95 (session, user and base.html: the least a logged-in page costs).

The server runs with DEBUG off, persistent database connections (DATABASE_CONN_MAX_AGE=60) and no access
log, like production behind a TLS proxy; only the loopback interface is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


# ---- the client (runs in its own process: python run.py --client < config.json) ----


async def _request(port: int, raw: bytes, timeout: float) -> int:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, port), timeout)
    try:
        writer.write(raw)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout)  # the server closes after each response
    finally:
        writer.close()
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


def _raw(port: int, target: dict) -> bytes:
    head = [f"GET {target['path']} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close", "Accept: */*"]
    head += [f"{k}: {v}" for k, v in target.get("headers", {}).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode()


async def _phase(port: int, targets: list[dict], *, users: int, seconds: float, max_requests: int, timeout: float) -> list[dict]:
    """All users for ``seconds``; with several targets, each user cycles through them (mixed load)."""
    raws = [_raw(port, t) for t in targets]
    latencies: list[list[float]] = [[] for _ in targets]
    errors: list[dict[str, int]] = [{} for _ in targets]
    done: list[float] = []
    issued = 0
    deadline = time.perf_counter() + seconds

    async def user() -> None:
        nonlocal issued
        # A user starts a request only if, at the mean latency so far, it ends within the phase: the
        # phase then ends near its deadline instead of draining a queue of requests past it.
        while issued < max_requests and time.perf_counter() + (sum(done) / len(done) if done else 0) < deadline:
            i = issued % len(targets)  # round robin over all users: every target gets its share
            issued += 1
            started = time.perf_counter()
            try:
                status = await _request(port, raws[i], timeout)
            except (OSError, IndexError, ValueError) as exc:
                errors[i][type(exc).__name__] = errors[i].get(type(exc).__name__, 0) + 1
                continue
            done.append(time.perf_counter() - started)
            if status == 200:
                latencies[i].append(done[-1])
            else:
                errors[i][f"HTTP {status}"] = errors[i].get(f"HTTP {status}", 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(users)))
    elapsed = time.perf_counter() - started

    def pct(values: list[float], p: float) -> float | None:
        return round(values[min(int(p * len(values)), len(values) - 1)] * 1000, 1) if values else None

    results = []
    for target, lat, err in zip(targets, latencies, errors, strict=True):
        lat.sort()
        results.append(
            {
                "name": target["name"],
                "path": target["path"],
                "requests": len(lat) + sum(err.values()),
                "ok": len(lat),
                "errors": sum(err.values()),
                "error_kinds": err,
                "seconds": round(elapsed, 2),
                "rps": round(len(lat) / elapsed, 1) if elapsed else 0.0,
                "p50_ms": pct(lat, 0.50),
                "p95_ms": pct(lat, 0.95),
            }
        )
    return results


async def _client(config: dict) -> list[dict]:
    port, timeout, targets = config["port"], config["timeout"], config["targets"]
    for target in targets:
        # Warm each target once per worker (templates, first queries) before measuring.
        await _phase(port, [target], users=2, seconds=30, max_requests=2, timeout=timeout)
    if config["mixed"]:
        total = config["max_requests"] * len(targets)
        return await _phase(port, targets, users=config["users"], seconds=config["seconds"], max_requests=total, timeout=timeout)
    results = []
    for target in targets:
        phase_seconds = config["seconds"] / len(targets)
        results += await _phase(
            port, [target], users=config["users"], seconds=phase_seconds, max_requests=config["max_requests"], timeout=timeout
        )
    return results


# ---- the driver: targets from the database, the server, the report ----


def _targets(*, shell: bool = False) -> list[dict]:
    """Paths and credentials for the seeded data, as ``load-member``; ``shell``: with the logged-in shell."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    from bench.load.seed import PREFIX
    from minutes.models import Meeting, WorkingGroup

    user = get_user_model().objects.select_related("person").get(username=f"{PREFIX}member")
    group = WorkingGroup.objects.filter(slug__startswith=PREFIX).order_by("slug").first()
    meeting = Meeting.objects.filter(group=group, minutes__status="final").order_by("-starts_at").first()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    token, _ = Token.objects.get_or_create(user=user)
    page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    api = {"Authorization": f"Token {token.key}", "Accept": "application/json"}
    # The shell of any logged-in page: session, user, base.html. A reference, not a target: no page undercuts it.
    shell_target = [{"name": "shell (session+base)", "path": "/__floor__/session/", "headers": page}] if shell else []
    return [
        {"name": "floor (bare view)", "path": "/__floor__/", "headers": page},
        *shell_target,
        {"name": "meeting list", "path": f"/groups/{group.slug}/", "headers": page},
        {"name": "meeting page", "path": f"/meetings/{meeting.pk}/", "headers": page},
        # /me/action-items/ redirects here; measuring the page itself, not a 302.
        {"name": "my action items", "path": f"/people/{user.person.pk}/action-items/", "headers": page},
        {"name": "ballot board", "path": "/ballots/", "headers": page},
        {"name": "API meetings", "path": "/api/meetings/", "headers": api},
        {"name": "API action items", "path": "/api/action-items/", "headers": api},
        {"name": "API ballots", "path": "/api/ballots/", "headers": api},
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


SERVER_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": HOST,
    # Production sits behind a TLS proxy; the benchmark speaks plain HTTP on loopback.
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
}


def _server_env() -> None:
    """Set in this process too, so that the session it signs is valid in the server's workers."""
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("SECRET_KEY", "load-test-only-not-a-secret-" + "x" * 32)
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")


def _start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"{HOST}:{port}", "--chdir", str(ROOT)]
    cmd += ["--timeout", "60", "--log-level", "warning", "bench.load.floor_wsgi:application"]
    server = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start listening within 60 s")


def _report(results: list[dict], *, users: int, workers: int, mixed: bool) -> str:
    floor = results[0]["p95_ms"] or None
    shell = next((r["p95_ms"] for r in results if r["path"] == "/__floor__/session/"), None)
    from django.conf import settings

    lines = [
        f"{users} users, gunicorn {workers} sync workers, {HOST}, page cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        + ("one mixed phase (latencies are mostly shared queueing)" if mixed else "one phase per target"),
        f"{'target':<22} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6} {'p95/floor':>9} {'p95/shell':>9}",
    ]
    for r in results:
        ratio = f"{r['p95_ms'] / floor:.2f}" if floor and r["p95_ms"] is not None else "-"
        to_shell = f"{r['p95_ms'] / shell:.2f}" if shell and r["p95_ms"] is not None else "-"
        kinds = f"  {r['error_kinds']}" if r["errors"] else ""
        p50, p95 = r["p50_ms"] or "-", r["p95_ms"] or "-"
        lines.append(f"{r['name']:<22} {r['requests']:>8} {r['rps']:>7} {p50:>8} {p95:>8} {r['errors']:>6} {ratio:>9} {to_shell:>9}{kinds}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120, help="total measured time, split over the targets (default 120)")
    parser.add_argument("--smoke", type=float, metavar="SECONDS", help="short run, e.g. --smoke 10 (same as --seconds)")
    parser.add_argument("--mixed", action="store_true", help="one phase, each user cycling through the targets (implied by --smoke)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=20000, help="per target (default 20000)")
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--shell", action="store_true", help="also measure the shell of a logged-in page (session, user, base.html)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.client:
        json.dump(asyncio.run(_client(json.load(sys.stdin))), sys.stdout)
        return

    sys.path.insert(0, str(ROOT))
    _server_env()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")
    import django

    django.setup()
    from django.db import connection

    targets = _targets(shell=args.shell)
    connection.close()
    seconds = args.smoke or args.seconds
    config = {
        "targets": targets,
        "users": args.users,
        "seconds": seconds,
        # A smoke run is too short for a phase per target: one mixed phase checks every target for errors.
        "mixed": args.mixed or bool(args.smoke),
        "max_requests": args.max_requests,
        "timeout": args.timeout,
        "port": _free_port(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "gunicorn.log"
        server = _start_server(config["port"], args.workers, log)
        try:
            client = subprocess.run(
                [sys.executable, __file__, "--client"], input=json.dumps(config), capture_output=True, text=True, check=False
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
        if client.returncode != 0:
            raise SystemExit(f"client failed:\n{client.stderr[-3000:]}")
        results = json.loads(client.stdout)
        server_log = log.read_text()
    print(_report(results, users=args.users, workers=args.workers, mixed=config["mixed"]))
    if server_log.strip():
        print("gunicorn log (tail):\n" + server_log[-2000:])
    if args.json:
        summary = {"users": args.users, "workers": args.workers, "mixed": config["mixed"], "results": results}
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
