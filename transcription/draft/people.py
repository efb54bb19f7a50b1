"""Step 1: people. Speaker labels are normalised against the group's known people; attendees come from
speaker labels, self-introductions and the roll call, never from a name merely mentioned. Pure."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from minutes.names import fold, name_matches, org_key

from .cues import Cue


@dataclass(frozen=True)
class KnownPerson:
    name: str
    organization: str | None = None
    aliases: tuple[str, ...] = ()
    chair: bool = False


@dataclass
class Roster:
    """Everyone the draft may name: attendees (in order of first appearance) with organizations, and
    people only mentioned (absent colleagues), who can own an action item but are not attendees."""

    attendees: dict[str, str | None] = field(default_factory=dict)
    known: list[KnownPerson] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)
    organizations: set[str] = field(default_factory=set)

    def add(self, name: str, organization: str | None = None) -> str:
        name = self.canonical(name) or name
        if name not in self.attendees or (organization and not self.attendees[name]):
            self.attendees[name] = organization or self.attendees.get(name) or self._known_org(name)
        return name

    def _known_org(self, name: str) -> str | None:
        for person in self.known:
            if fold(person.name) == fold(name):
                return person.organization
        return None

    def canonical(self, mention: str | None, *, everyone: bool = False) -> str | None:
        """The full name ``mention`` ('Bruce', 'Tim H', 'Iñigo Barreira') refers to, or None when
        nobody or several people fit. Attendees first, then known and mentioned people."""
        if not mention or not mention.strip():
            return None
        mention = re.sub(r"-(?:san|sama|kun)$", "", mention.strip(), flags=re.I)
        pools = [list(self.attendees)]
        if everyone:
            pools += [[p.name for p in self.known], sorted(self.mentioned)]
        key = fold(mention)
        for pool in pools:
            exact = [n for n in pool if fold(n) == key]
            exact += [p.name for p in self.known if p.name in pool and any(fold(a) == key for a in p.aliases)]
            fits = exact[:1] or [n for n in pool if name_matches(mention, n)]
            if len(fits) == 1:
                return self._as_known(fits[0]) if everyone else fits[0]
            if len(fits) > 1:
                return None
        if everyone and len(mention.split()) >= 2:
            close = _close_spelling(mention, self.known)
            return close.name if close else None
        return None

    def _as_known(self, name: str) -> str:
        """The known person a name said aloud stands for when speech-to-text misspelt it ('Marie Lopez' for
        Maria Lopez); else the name as it is."""
        if name in self.mentioned and not any(fold(p.name) == fold(name) for p in self.known):
            close = _close_spelling(name, self.known)
            if close:
                return close.name
        return name


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


def _close_spelling(label: str, known: list[KnownPerson]) -> KnownPerson | None:
    """The one known person whose name is a close spelling of ``label`` (word order swapped, a letter or two off)."""
    scored = sorted(
        ((max(_similar(label, p.name), _similar(" ".join(reversed(label.split())), p.name)), p) for p in known), key=lambda x: -x[0]
    )
    if scored and scored[0][0] >= 0.85 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 0.05):
        return scored[0][1]
    return None


def match_known(label: str, known: list[KnownPerson]) -> KnownPerson | None:
    """The known person a speaker label names: exact or alias, a short form that fits one person,
    or a close spelling (transcription tools misspell names)."""
    key = fold(label)
    for person in known:
        if fold(person.name) == key or any(fold(a) == key for a in person.aliases):
            return person
    fits = [p for p in known if name_matches(label, p.name)]
    if len(fits) == 1:
        return fits[0]
    # Word order swapped ("Inaba Atsushi") or a misspelling ("Dimitri Zacharopolous").
    return _close_spelling(label, known)


def normalise_speakers(cues: list[Cue], known: list[KnownPerson]) -> None:
    """Rewrite speaker labels to one spelling per person: the known person's name where one fits,
    else the first spelling seen (so 'Iñigo Barreira' and 'Inigo Barreira' are one speaker)."""
    seen: dict[str, str] = {}
    for cue in cues:
        if not cue.speaker:
            continue
        key = fold(cue.speaker)
        if key not in seen:
            person = match_known(cue.speaker, known) if known else None
            seen[key] = person.name if person else cue.speaker.strip()
        cue.speaker = seen[key]


# -- names said aloud -------------------------------------------------------------------------

_PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "di", "la", "le", "bin", "al", "dos", "du"}
_ORG_WORDS = set(
    """systems services trust authority inc corp corporation group software technologies technology management security registry
    foundation labs solutions networks bank agency limited ltd gmbh llc ag sa bv international global digital certificate certificates
    forum working committee subcommittee ballot ballots minutes call meeting team company""".split()
)
_NOT_NAMES = set(
    """i i'm i'll i'd okay ok yes no hi hello thanks thank good great next then and so but let myself also here present sorry
    alright right well sure everyone everybody anybody anyone morning afternoon evening welcome""".split()
)
_NAME_WORD = r"(?:Mc|Mac|O'|O’|D')?[A-ZÀ-Þ][a-zà-ÿ'’]+(?:-[A-Za-zà-ÿ]+)?"
_NAME_RUN = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:{'|'.join(_PARTICLES)})\s+)?{_NAME_WORD}){{0,3}}")
_INTRO_ORG = re.compile(
    r"^\s*(?:,\s*(?:and\s+)?|\s+(?:from|with|for|at|of|representing)\s+)(?P<org>(?:[^,.!?;]|\.(?=\w))+?)"
    r"(?=\s*(?:[,!?;]|\.(?!\w)|$| here\b| present\b| and\b))"
)
_NOT_ORG = re.compile(
    r"\b(?:i|i'm|you|we|he|she|it|they|me|is|are|was|have|has|did|do|think|just|since|the call|this|that|sounds|good|morning|happy|"
    r"same|ha|thanks|thank|yes|no|okay|sorry|welcome|hello|hi|bye|great|sure)\b",
    re.I,
)
_ORG_TAIL = re.compile(r"\b(?:here|present|hello|hi|as well|also|too|speaking|good morning|i'm here|on the line)\b.*$", re.I)

ROLL_CALL = re.compile(
    r"\broll ?call\b|\battendance\b|\bparticipant list\b|\bwho(?:'s| is) on\b|\bwho we(?:'ve got| have)\b|\bsay (?:your|their) names?\b"
    r"|\bintroduce (?:yourselves|themselves)\b|\bname and company\b|\bgo around\b|\bwho I have\b",
    re.I,
)
_ANSWER = re.compile(r"^(?:\W*(?:yes|yep|yeah|here|present|hello|hi|morning|good morning|i'm here|on the line|this is)\b)", re.I)


def _trim_run(run: str) -> str:
    words = run.split()
    while len(words) > 1 and words[0].lower() in _NOT_NAMES:
        words.pop(0)
    return " ".join(words)


def _is_person_like(run: str) -> bool:
    words = run.split()
    if not 2 <= len(words) <= 4:
        return False
    lowered = [w.lower() for w in words]
    if lowered[0] in _NOT_NAMES or lowered[0] in _PARTICLES or any(w in _ORG_WORDS for w in lowered):
        return False
    plain = [re.sub(r"^(?:Mc|Mac|O'|O’|D')", "", w) for w in words]
    return not any(sum(ch.isupper() for ch in w) > 1 and "-" not in w for w in plain)


def clean_org(text: str) -> str | None:
    text = re.sub(r"^(?:also|and|the)\s+", "", text.strip(), flags=re.I).strip()
    text = _ORG_TAIL.sub("", text).strip(" ,.-")
    if not text or len(text.split()) > 6 or text.lower() in _NOT_NAMES or _NOT_ORG.search(text):
        return None
    if not all(any(ch.isupper() or ch.isdigit() for ch in w) or w.lower() in ("of", "and", "&", "de", "du", "für") for w in text.split()):
        return None
    return text


def _org_after(text: str, end: int) -> tuple[str | None, int]:
    """The organization said right after a name (", DigiCert", " from HARICA") and where it ends."""
    match = _INTRO_ORG.match(text[end:])
    if not match:
        return None, end
    return clean_org(match.group("org")), end + match.end("org")


def roll_call_cues(cues: list[Cue], *, opening: bool = True) -> set[int]:
    """Indexes of cues that are roll call: self-introductions before the first agenda item (with
    ``opening``), and the cues after a roll-call prompt while they stay short answers or lists of names."""
    chosen: set[int] = set()
    for cue in cues:
        if opening and cue.phase == "opening":
            chosen.add(cue.index)
    for cue in cues:
        if not ROLL_CALL.search(cue.text):
            continue
        chosen.add(cue.index)
        for later in cues[cue.index + 1 : cue.index + 80]:
            words = len(later.text.split())
            names = len([r for r in _NAME_RUN.findall(later.text) if _is_person_like(r)])
            if later.segment != cue.segment:
                break
            if words <= 15 or names >= 2:
                chosen.add(later.index)
            else:
                break
    return chosen


def build_roster(cues: list[Cue], known: list[KnownPerson]) -> Roster:
    roster = Roster(known=list(known))
    for cue in cues:
        if cue.speaker:
            roster.add(cue.speaker)
    # Self-introductions first ("Hi, this is Tomas from PrimeKey"): what people say of themselves wins.
    for cue in cues:
        if not cue.speaker or roster.attendees.get(cue.speaker) or len(cue.text.split()) > 25:
            continue
        for part in (cue.speaker, cue.speaker.split()[-1], cue.speaker.split()[0]):
            found = re.search(rf"\b{re.escape(part)}\b", cue.text)
            if found:
                org, _ = _org_after(cue.text, found.end())
                if org and roster.canonical(org):
                    continue
                if org and org_key(org) != org_key(cue.speaker):
                    roster.add(cue.speaker, org)
                    break
    in_roll_call = roll_call_cues(cues)
    company = None  # the company the chair just called, when the roll goes "by company"
    for cue in cues:
        if cue.index not in in_roll_call:
            continue
        text = cue.text
        # The roll "by company": the chair calls "Dark Matter?" and whoever answers is from there; or
        # says "DigiCert. I have Shelley Brewer, ..." and the names that follow are.
        sentences = re.split(r"(?<=[.?])\s+", text)
        for position, sentence in enumerate(sentences):
            prompt = re.fullmatch(r"\W*(?:and\s+)?(?:the\s+)?(?P<org>[A-Z][\w.&/ -]{1,40}?)(?P<end>[?.])\s*", sentence)
            if not prompt or len(sentence.split()) > 4 or roster.canonical(prompt.group("org")) or not clean_org(prompt.group("org")):
                continue
            if prompt.group("end") == "?" or any(roster.canonical(r) for s in sentences[position + 1 :] for r in _NAME_RUN.findall(s)):
                company = clean_org(prompt.group("org"))
        if company is None and len(text.split()) > 15:
            company = None
        named_here = []
        skip_until = 0
        for match in _NAME_RUN.finditer(text):
            if match.start() < skip_until:
                continue  # the organization of the name before it ("Adam Jones, Microsoft")
            run = _trim_run(match.group(0))
            org, org_end = _org_after(text, match.end())
            if org and roster.canonical(org):
                org = None  # "Doug Beattie, Patrick Nohe, and ...": a list of names, not a name and its company
            who = roster.canonical(run)
            if who is None and _is_person_like(run) and run not in roster.organizations and (org or "," in text or " and " in text):
                who = roster.add(run)
            if who is None:
                continue
            if org:
                skip_until = org_end
            named_here.append((who, org, match.start(), org_end if org else match.end()))
        # "Anna Weinberg and Clint Wilson for Apple": a trailing organization covers the names listed
        # right before it.
        pending = []
        last_end = None
        for who, org, begin, finish in named_here:
            if last_end is not None and not re.fullmatch(r"\s*(?:,|and|, and)\s*", text[last_end:begin]):
                for name in pending:
                    if company and not roster.attendees.get(name):
                        roster.add(name, company)
                pending = []
            last_end = finish
            pending.append(who)
            if org:
                for name in pending:
                    roster.add(name, org)
                    roster.organizations.add(org)
                pending = []
        for name in pending:
            if company and not roster.attendees.get(name):
                roster.add(name, company)
        if cue.speaker and not named_here and _ANSWER.match(text) and company and not roster.attendees.get(cue.speaker):
            roster.add(cue.speaker, company)
    _collect_mentions(cues, roster)
    return roster


def _collect_mentions(cues: list[Cue], roster: Roster) -> None:
    """Full names said anywhere ('feedback that Tim Hollebeek sent') become people who may own an
    action item; they are not attendees."""
    for cue in cues:
        for match in _NAME_RUN.finditer(cue.text):
            name = _trim_run(match.group(0))
            if _is_person_like(name) and name not in roster.organizations and not roster.canonical(name):
                roster.mentioned.add(name)
