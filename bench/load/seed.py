"""Seed the database named by DATABASE_URL with load-test data (bulk inserts, a few seconds).

    .venv/bin/python bench/load/seed.py            # 20 groups, 2,000 meetings, 40,000 attendance rows,
                                                   # 20,000 action items, 500 ballots; does nothing if already seeded
    .venv/bin/python bench/load/seed.py --reset    # delete the load-test rows first, then seed again

Everything it creates is recognisable (groups ``load-NN``, organizations and people ``Load ...``, users
``load-<role>`` with password ``load``), so --reset removes only what it made. The users are linked to
people with a role in the first group: chair, taker (member role; minute taker of its meetings), member,
observer; ``load-staff`` is staff. ``load-member`` owns a share of the open action items, so "my action
items" has several pages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscwg.settings")
    import django

    django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from ballots.models import Ballot  # noqa: E402
from minutes.models import (  # noqa: E402
    ActionItem,
    Attendance,
    Meeting,
    MemberClass,
    Minutes,
    Organization,
    Person,
    Role,
    WorkingGroup,
)

PREFIX = "load-"
PEOPLE = 60  # pool that attendance and action items draw from
ORGANIZATIONS = 15
ROLES = {"chair": Role.Kind.CHAIR, "taker": Role.Kind.MEMBER, "member": Role.Kind.MEMBER, "observer": Role.Kind.OBSERVER}
PASSWORD = "load"
BATCH = 2000
START = dt.datetime(2018, 1, 4, 16, 0, tzinfo=dt.UTC)


def is_seeded() -> bool:
    return WorkingGroup.objects.filter(slug__startswith=PREFIX).exists()


@transaction.atomic
def reset() -> None:
    groups = WorkingGroup.objects.filter(slug__startswith=PREFIX)
    Ballot.objects.filter(group__in=groups).delete()
    Meeting.objects.filter(group__in=groups).delete()  # cascades to minutes, attendance, action items
    Role.objects.filter(group__in=groups).delete()
    groups.delete()
    get_user_model().objects.filter(username__startswith=PREFIX).delete()
    Person.objects.filter(full_name__startswith="Load ").delete()
    Organization.objects.filter(name__startswith="Load ").delete()


@transaction.atomic
def seed(*, groups: int = 20, meetings: int = 2000, attendance: int = 40000, action_items: int = 20000, ballots: int = 500) -> dict:
    """Create the rows; ``meetings``, ``attendance``, ``action_items`` and ``ballots`` are totals spread
    evenly over the groups and meetings. Returns {"group": first group slug, "member": member user's person pk}."""
    classes = [MemberClass.CERTIFICATE_ISSUER, MemberClass.CERTIFICATE_CONSUMER, MemberClass.INTERESTED_PARTY]
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Load Org {i:02d}", member_class=classes[i % len(classes)]) for i in range(ORGANIZATIONS)
    )
    people = Person.objects.bulk_create(Person(full_name=f"Load Person {i:03d}", organization=orgs[i % len(orgs)]) for i in range(PEOPLE))
    wgs = WorkingGroup.objects.bulk_create(
        WorkingGroup(name=f"Load Working Group {i:02d}", slug=f"{PREFIX}{i:02d}", short_name=f"LWG{i:02d}", ballot_prefix=f"L{i:02d}")
        for i in range(groups)
    )

    User = get_user_model()
    password = make_password(PASSWORD)
    users = {}
    for i, (role, kind) in enumerate(ROLES.items()):
        users[role] = User.objects.create(username=f"{PREFIX}{role}", password=password)
        people[i].user = users[role]
        people[i].save(update_fields=["user"])
        Role.objects.create(person=people[i], group=wgs[0], kind=kind)
    User.objects.create(username=f"{PREFIX}staff", password=password, is_staff=True)
    chair, taker, member = people[0], people[1], people[2]

    per_group = max(meetings // groups, 1)
    rows = []
    for g, wg in enumerate(wgs):
        for n in range(per_group):
            rows.append(
                Meeting(
                    group=wg,
                    title=f"{wg.short_name} teleconference {n + 1}",
                    starts_at=START + dt.timedelta(days=14 * n, hours=g),
                    chair=chair,
                    minute_taker=taker,
                    adjourned=True,
                )
            )
    all_meetings = Meeting.objects.bulk_create(rows, batch_size=BATCH)
    now = START + dt.timedelta(days=14 * per_group)
    Minutes.objects.bulk_create(
        (
            # Most minutes are final (public); every tenth is still a draft, as on a live desk.
            Minutes(meeting=m, body=f"Minutes of {m.title}.", status="draft")
            if i % 10 == 0
            else Minutes(meeting=m, body=f"Minutes of {m.title}.", status="final", circulated_at=m.starts_at, finalized_at=now)
            for i, m in enumerate(all_meetings)
        ),
        batch_size=BATCH,
    )

    per_meeting = min(attendance // len(all_meetings), PEOPLE)
    Attendance.objects.bulk_create(
        (
            Attendance(meeting=m, person=people[(i + k) % PEOPLE], organization=people[(i + k) % PEOPLE].organization, order=k)
            for i, m in enumerate(all_meetings)
            for k in range(per_meeting)
        ),
        batch_size=BATCH,
    )

    items_per_meeting = max(action_items // len(all_meetings), 1)
    items = []
    for i, m in enumerate(all_meetings):
        for k in range(items_per_meeting):
            n = i * items_per_meeting + k
            # One item in 40 belongs to load-member; one in 3 is still open.
            owner = member if n % 40 == 0 else people[n % PEOPLE]
            done = n % 3 != 0
            items.append(
                ActionItem(
                    meeting=m,
                    owner=owner,
                    text=f"Action {n}: follow up on item {k + 1} of {m.title}",
                    due=(m.starts_at + dt.timedelta(days=14)).date(),
                    status="done" if done else "open",
                    closed_at=m.starts_at + dt.timedelta(days=10) if done else None,
                    order=k,
                )
            )
    ActionItem.objects.bulk_create(items, batch_size=BATCH)

    per_group_ballots = max(ballots // groups, 1)
    statuses = ["draft", "discussion", "voting", "passed", "passed", "failed", "withdrawn"]
    rows = []
    for wg in wgs:
        for n in range(per_group_ballots):
            status = statuses[n % len(statuses)]
            started = START + dt.timedelta(days=20 * n)
            closed = status in ("passed", "failed", "withdrawn")
            rows.append(
                Ballot(
                    identifier=f"{wg.ballot_prefix}-{n + 1}",
                    title=f"Ballot {n + 1} of {wg.short_name}",
                    group=wg,
                    status=status,
                    proposer=people[n % PEOPLE],
                    summary="Load-test ballot.",
                    discussion_started_at=started if status != "draft" else None,
                    voting_started_at=started + dt.timedelta(days=7) if status in ("voting", "passed", "failed") else None,
                    voting_ends_at=started + dt.timedelta(days=14) if status in ("voting", "passed", "failed") else None,
                    closed_at=started + dt.timedelta(days=14) if closed else None,
                )
            )
    Ballot.objects.bulk_create(rows, batch_size=BATCH)
    return {"group": wgs[0].slug, "member": member.pk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="delete the load-test rows first")
    args = parser.parse_args()
    if args.reset:
        reset()
    elif is_seeded():
        print("Already seeded (groups load-NN exist); --reset to seed again.")
        return
    started = time.perf_counter()
    seed()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather within a minute: plans as on a database in service.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    counts = {
        "groups": WorkingGroup.objects.filter(slug__startswith=PREFIX).count(),
        "meetings": Meeting.objects.filter(group__slug__startswith=PREFIX).count(),
        "attendance": Attendance.objects.filter(meeting__group__slug__startswith=PREFIX).count(),
        "action items": ActionItem.objects.filter(meeting__group__slug__startswith=PREFIX).count(),
        "ballots": Ballot.objects.filter(group__slug__startswith=PREFIX).count(),
    }
    print(f"Seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
