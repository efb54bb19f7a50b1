"""A fixed cast (chair, minute taker, member, observer, outsider, staff) around one small group."""

import datetime as dt
import os
import signal
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection

from cscwg.celery import app as celery_app
from minutes.models import Meeting, Minutes, Organization, Person, Role, WorkingGroup

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in-process unless a test starts a real worker (see tests/transcription/test_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def make_user(username: str, *, person: Person | None = None, is_staff: bool = False):
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=is_staff)
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def make_meeting(group: WorkingGroup, day: dt.date, *, status: str | None = Minutes.Status.DRAFT, **fields) -> Meeting:
    meeting = Meeting.objects.create(
        group=group,
        title=fields.pop("title", f"{day} meeting of {group.short_name}"),
        starts_at=dt.datetime.combine(day, dt.time(11, 0), tzinfo=NEW_YORK),
        time_zone="America/New_York",
        **fields,
    )
    if status:
        circulated = None if status == Minutes.Status.DRAFT else meeting.starts_at
        Minutes.objects.create(meeting=meeting, status=status, circulated_at=circulated, body="Draft text")
    return meeting


@pytest.fixture
def group(db):
    return WorkingGroup.objects.create(name="Code Signing Certificate Working Group", slug="cscwg", short_name="CSCWG")


@pytest.fixture
def other_group(db):
    return WorkingGroup.objects.create(name="Server Certificate Working Group", slug="scwg", short_name="SCWG")


@pytest.fixture
def org(db):
    return Organization.objects.create(name="Example CA", member_class="certificate_issuer")


@pytest.fixture
def cast(group, other_group, org):
    """{role name: user} for chair, taker, member, observer, outsider (member of another group), staff."""
    people = {}
    for name, kind, in_group in [
        ("chair", Role.Kind.CHAIR, group),
        ("taker", Role.Kind.MEMBER, group),
        ("member", Role.Kind.MEMBER, group),
        ("observer", Role.Kind.OBSERVER, group),
        ("outsider", Role.Kind.MEMBER, other_group),
    ]:
        person = Person.objects.create(full_name=f"{name.title()} Person", organization=org)
        Role.objects.create(person=person, group=in_group, kind=kind)
        people[name] = make_user(name, person=person)
    people["staff"] = make_user("staff", is_staff=True)
    return people


@pytest.fixture
def draft_meeting(group, cast):
    """A meeting of ``group`` whose minutes are a draft taken by the ``taker``."""
    return make_meeting(group, dt.date(2024, 1, 11), minute_taker=cast["taker"].person)


@pytest.fixture
def final_meeting(group, cast):
    return make_meeting(group, dt.date(2023, 12, 14), status=Minutes.Status.FINAL, minute_taker=cast["taker"].person)


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=open("/dev/null", "w"))


ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    """The test database as a DATABASE_URL, for processes started by a test (worker, web server)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start real `celery worker` processes on the test database and the same broker (the VAR_DIR folder by
    default, Redis when CELERY_BROKER_URL is set): ``start_worker({"ENV": "value"})`` returns the process.
    All are stopped afterwards (those a test killed are left as they are), their logs printed."""
    celery_app.conf.task_always_eager = False
    started = []

    def start(env_overrides: dict[str, str] | None = None) -> subprocess.Popen:
        number = len(started) + 1
        env = {**os.environ, "DATABASE_URL": database_url(), "VAR_DIR": django_settings.VAR_DIR.as_posix(), **(env_overrides or {})}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright in this process only
        log = open(tmp_path / f"worker-{number}.log", "w+")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cscwg", "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip",
             "--without-mingle", f"--hostname=worker{number}@%h"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((proc, log))
        return proc

    try:
        yield start
    finally:
        for number, (proc, log) in enumerate(started, 1):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.seek(0)
            print(f"-- worker {number} (exit {proc.returncode}) --\n" + log.read()[-3000:])
            log.close()


@pytest.fixture
def worker(start_worker):
    """A real `celery worker` process (see ``start_worker``); stopped afterwards, its log printed."""
    return start_worker()
