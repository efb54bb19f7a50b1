import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ballots import demo as ballots_demo
from ballots.models import Ballot, Endorsement, F2FMeeting, Goal
from minutes import demo
from minutes.models import Meeting, Membership, Organization, Person, Role, WorkingGroup
from minutes.services import meeting_save_form

DEMO_PASSWORD = "demo"


class Command(BaseCommand):
    help = "Load the demo data (the CSCWG meeting of 2022-02-10 and the meetings around it). Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        orgs = {}
        for name, member_class, aliases in demo.ORGANIZATIONS:
            orgs[name], new = Organization.objects.get_or_create(
                name=name, defaults={"member_class": member_class, "aliases": aliases}
            )
            created += new
        people = {}
        for full_name, org, aliases in demo.PEOPLE:
            people[full_name], new = Person.objects.get_or_create(
                full_name=full_name, organization=orgs[org], defaults={"aliases": aliases}
            )
            created += new
        groups = {}
        for name, slug, short, prefix, tz, tags in demo.GROUPS:
            groups[slug], new = WorkingGroup.objects.get_or_create(
                slug=slug, defaults={"name": name, "short_name": short, "ballot_prefix": prefix, "time_zone": tz, "tags": tags}
            )
            created += new
        cscwg = groups["cscwg"]
        for org in orgs.values():
            if org.member_class != "interested_party":
                created += Membership.objects.get_or_create(
                    group=cscwg, organization=org, defaults={"voting_class": org.member_class}
                )[1]
        for name in demo.CSCWG_MEMBERS + list(demo.CSCWG_ROLES):
            kind = demo.CSCWG_ROLES.get(name, Role.Kind.MEMBER)
            created += Role.objects.get_or_create(person=people[name], group=cscwg, defaults={"kind": kind})[1]

        for form, slug, at, tz, status, body in demo.MEETINGS:
            group = groups[slug]
            day = dt.date.fromisoformat(form["meeting"]["date"])
            if Meeting.objects.on_date(group, day).filter(title=form["meeting"]["title"]).exists():
                continue
            starts_at = dt.datetime.combine(day, dt.time.fromisoformat(at), tzinfo=zoneinfo.ZoneInfo(tz))
            author = "Corey Bonnell" if form is demo.SEED_FORM else ""
            meeting_save_form(
                group=group, form=form, starts_at=starts_at, time_zone=tz, minutes_status=status, body=body, author=author
            )
            created += 1
        created += self._upcoming_meeting(cscwg, people)
        created += self._ballots_and_f2f(cscwg, people, orgs)
        created += ballots_demo.load()
        created += self._users(people)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({created} new records)."))

    def _upcoming_meeting(self, group, people) -> int:
        if Meeting.objects.filter(group=group).upcoming().exists():
            return 0
        tz = zoneinfo.ZoneInfo(group.time_zone)
        today = timezone.localdate(timezone=tz)
        next_thursday = today + dt.timedelta(days=(3 - today.weekday()) % 7 or 7)
        Meeting.objects.create(
            group=group,
            title=f"{next_thursday} Code Signing Certificate Working Group teleconference",
            starts_at=dt.datetime.combine(next_thursday, dt.time(11, 0), tzinfo=tz),
            time_zone=group.time_zone,
            chair=people["Dean Coclin"],
            minute_taker=people["Chris Kemmerer"],
        )
        return 1

    def _ballots_and_f2f(self, group, people, orgs) -> int:
        created = 0
        csc6 = Ballot.objects.get(identifier="CSC-6")
        if not csc6.title:
            csc6.title = "Subscriber Private Key Protection"
            csc6.proposer = people["Ian McMillan"]
            csc6.status = Ballot.Status.DISCUSSION
            csc6.save()
        for order, name in enumerate(["Tim Hollebeek", "Bruce Morton"]):
            person = people[name]
            created += Endorsement.objects.get_or_create(
                ballot=csc6, person=person, defaults={"organization": person.organization, "order": order}
            )[1]
        f2f, new = F2FMeeting.objects.get_or_create(
            number=55,
            defaults={
                "title": "F2F 55 (virtual)",
                "starts_on": dt.date(2022, 2, 22),
                "ends_on": dt.date(2022, 2, 24),
                "location": "Virtual",
            },
        )
        created += new
        session = Meeting.objects.filter(group=group, f2f_number=55).first()
        if session:
            f2f.sessions.add(session)
        for title, status in demo.F2F55_GOALS:
            goal, new = Goal.objects.get_or_create(
                group=group, f2f=f2f, title=title, defaults={"status": status, "year": 2022}
            )
            created += new
            if new and title == "Subscriber key protection":
                goal.owner = people["Ian McMillan"]
                goal.save(update_fields=["owner"])
                goal.ballots.add(csc6)
        return created

    def _users(self, people) -> int:
        created = 0
        User = get_user_model()
        for username, person_name in demo.DEMO_USERS.items():
            user, new = User.objects.get_or_create(
                username=username, defaults={"is_staff": person_name is None, "is_superuser": person_name is None}
            )
            if new:
                user.set_password(DEMO_PASSWORD)
                user.save()
                created += 1
            if person_name and people[person_name].user_id is None:
                Person.objects.filter(pk=people[person_name].pk).update(user=user)
        return created
