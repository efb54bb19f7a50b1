"""Step 3: each field of the form from the labelled cues: minute taker, antitrust statement, approvals of
earlier minutes, ballots, decisions, action items, next meeting, adjournment. Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from minutes.names import fold

from .cues import Cue, content_words, shorten, tidy
from .people import Roster
from .phases import Segment
from .spoken import ballot_ids, find_date


@dataclass
class Context:
    cues: list[Cue]
    segments: list[Segment]
    roster: Roster
    chair: str | None
    meeting_date: dt.date | None

    def segment_of(self, cue: Cue) -> Segment:
        return self.segments[cue.segment]

    def topic_title(self, cue: Cue) -> str | None:
        segment = self.segment_of(cue)
        return segment.title if segment.kind in ("topic", "other_business", "approvals") else None

    def person(self, mention: str | None) -> str | None:
        """Full name for a name said aloud; an unknown single name is kept as said ('Trev')."""
        if not mention:
            return None
        return self.roster.canonical(mention, everyone=True)


def _sentences_with_cues(cues: list[Cue]):
    for cue in cues:
        for sentence in cue.sentences:
            yield cue, sentence


def _date_str(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# -- minute taker and antitrust -----------------------------------------------------------------

_TAKER_ASK = re.compile(r"\bminute[- ]?taker\b|\btak(?:e|ing) (?:the )?(?:minutes|notes)\b|\bscribe\b|\bvolunteer(?:ed)? to take\b", re.I)
_TAKER_SELF = re.compile(r"\bI(?:'ll| will| can|'m happy to| am happy to)(?: \w+)? take (?:the )?(?:minutes|notes|them|it)\b", re.I)
_YES = re.compile(r"^\W*(?:yes|yeah|yep|sure|ok|okay|of course|happy to|no problem|I can|I'll|I will)\b", re.I)


def minute_taker(ctx: Context) -> str | None:
    for i, cue in enumerate(ctx.cues):
        if not _TAKER_ASK.search(cue.text):
            continue
        if _TAKER_SELF.search(cue.text) and cue.speaker:
            return cue.speaker
        for reply in ctx.cues[i + 1 : i + 5]:
            if reply.speaker and reply.speaker != cue.speaker and (_TAKER_SELF.search(reply.text) or _YES.match(reply.text)):
                if _TAKER_SELF.search(reply.text) or re.search(r"\btake\b", reply.text, re.I):
                    return reply.speaker
    return None


_ANTITRUST = re.compile(r"\banti-?trust\b|\bnote well\b|\bcompetition law\b", re.I)
_STATEMENT = re.compile(
    r"\bpricing\b|\bprices\b|\bboycott|\ballocat\w+ (?:customers|markets|territories)|\bcounsel\b|\bcompetitors\b", re.I
)


def antitrust(ctx: Context) -> dict:
    for i, cue in enumerate(ctx.cues):
        if not _ANTITRUST.search(cue.text):
            continue
        for later in ctx.cues[i : i + 8]:
            if _STATEMENT.search(later.text) and later.speaker:
                return {"read": True, "read_by": later.speaker}
        return {"read": True, "read_by": cue.speaker if re.search(r"\b(?:let me|I'll|I will) read\b", cue.text, re.I) else None}
    return {"read": False, "read_by": None}


# -- approvals of earlier minutes ---------------------------------------------------------------

_APPROVED = re.compile(
    r"\b(?:are|is|stand|be|been|now) (?:hereby )?approved\b|\bapproved (?:as|without|with)\b|\bminutes (?:are |were )?approved\b", re.I
)
_DEFERRED = re.compile(r"\b(?:defer|deferred|postpone|postponed|hold off|table|tabled|push)\b[^.]*\b(?:approv|minutes|next)", re.I)
_CHANGED = re.compile(
    r"\bapproved with (?:the |some |those |these |a few )?(?:changes|corrections|amendments|edits)\b|\bas (?:amended|corrected)\b", re.I
)


def approvals(ctx: Context) -> list[dict]:
    found = []
    for segment in ctx.segments:
        cues = segment.cues if segment.kind == "approvals" else [c for c in segment.cues if re.search(r"\bminutes\b", c.text, re.I)]
        if not cues:
            continue
        said = " ".join(c.text for c in cues)
        for cue in cues:
            outcome = None
            if _DEFERRED.search(cue.text) and re.search(r"\bminutes|approv", cue.text, re.I):
                outcome = "deferred"
            elif _APPROVED.search(cue.text) and (segment.kind == "approvals" or re.search(r"\bminutes\b", cue.text, re.I)):
                outcome = "approved_with_changes" if _CHANGED.search(cue.text) else "approved"
            if not outcome:
                continue
            date = find_date(cue.text, ctx.meeting_date, future=False) or find_date(said, ctx.meeting_date, future=False)
            of = date[0] if date else None
            if any(a["meeting_date"] == _date_str(of) for a in found):
                continue
            found.append({"meeting_date": _date_str(of), "outcome": outcome, "note": None, "start_seconds": cue.start})
            break
    return found


def approval_decision(approval: dict) -> dict:
    day = dt.date.fromisoformat(approval["meeting_date"]) if approval.get("meeting_date") else None
    of = f"the {day:%B} {day.day}, {day.year} meeting" if day else "the previous meeting"
    words = {"approved": "approved", "approved_with_changes": "approved with changes", "deferred": "deferred"}[approval["outcome"]]
    return {"text": f"Minutes of {of} {words}", "topic": None, "start_seconds": approval["start_seconds"]}


# -- ballots ------------------------------------------------------------------------------------

_STATUS = re.compile(
    r"\b(?:in|into|entered|entering|starts?|started) (?:the )?(discussion|voting|review|IPR review) period\b|\bin (voting|discussion)\b",
    re.I,
)


def ballots(ctx: Context) -> list[dict]:
    found: dict[str, dict] = {}
    for _cue, sentence in _sentences_with_cues(ctx.cues):
        for ballot, offset in ballot_ids(sentence):
            entry = found.setdefault(ballot, {"id": ballot, "note": None})
            after = sentence[offset:].split(",", 1)
            if entry["note"] is None and len(after) == 2:
                described = re.match(r"\s*(?:the |a )?([a-z][^,.;?]{3,80})", after[1])
                if described and not re.search(
                    r"\b(?:which|that|so|and then|but|I|we|it|is|are|was|were|has|have|had|nobody|anybody|\w+ed)\b", described.group(1)
                ):
                    entry["note"] = tidy(described.group(1))
            status = _STATUS.search(sentence)
            if status and "period" not in (entry["note"] or ""):
                what = next(g for g in status.groups() if g)
                entry["note"] = "; ".join(filter(None, [entry["note"], f"in {what.lower()} period"]))
    return list(found.values())


def segment_ballot(segment: Segment) -> str | None:
    ids = [b for b, _ in ballot_ids(segment.title)] or [b for c in segment.cues for b, _ in ballot_ids(c.text)]
    return ids[0] if ids and len(set(ids)) == 1 else (ids[0] if ids and ballot_ids(segment.title) else None)


# -- decisions ----------------------------------------------------------------------------------

_CALL = re.compile(
    r"\bany objections?\b|\b(?:does|do) (?:anyone|anybody) object\b"
    r"|\b(?:is )?(?:every(?:body|one)|everyone) (?:okay|ok|fine|happy|good) with (?:that|this)\b"
    r"|\bare we (?:all )?agreed\b|\bcan we agree\b|\ball in favou?r\b|\bany concerns with\b|\bdoes that work for every(?:one|body)\b",
    re.I,
)
_MARKER = re.compile(
    r"\b(?:hearing (?:none|no objections?|nothing)|no objections?|sounds like (?:general |we have )?(?:agreement|consensus)|"
    r"(?:we have |general |there's )?consensus|it's agreed|so agreed|(?:that's|it's) decided)\b[,.]?\s*",
    re.I,
)
_PROPOSAL = re.compile(
    r"\b(?:I'd suggest|I suggest|I propose|I'd propose|my suggestion would be|I'd recommend|I recommend)\b(?: that)?\s*(?P<what>.+)", re.I
)
_ENDORSE = re.compile(
    r"\b(?:I'll endorse|I will endorse|I can endorse|I'd be happy to endorse|I'm happy to endorse|I am happy to endorse|"
    r"consider this my endorsement|I endorse|I'll be the second endorser|I'll be an endorser|I'll second)\b",
    re.I,
)
_PROCEDURE = re.compile(r"\bagenda\b|\bminutes\b|\broll ?call\b", re.I)


def _as_decision(text: str) -> str:
    """'we'll go with crypto library' -> 'Go with crypto library'; 'we need X' stays a sentence."""
    text = tidy(text)
    text = re.sub(r"^(?:so |then )?we(?:'ll| will| shall)\s+", "", text, flags=re.I)
    text = re.sub(r"^(?:so |then )?we\s+(?!need|should|have|must|can|could|would|might|are|were|agree|don't|do not)", "", text, flags=re.I)
    text = re.sub(r"^(?:I'd suggest|I suggest|I propose) (?:that )?we\s+", "", text, flags=re.I)
    return shorten(text[:1].upper() + text[1:], 26)


def _substantive(text: str, minimum: int = 3) -> bool:
    return len(content_words(text)) >= minimum and not text.rstrip().endswith("?") and not re.match(r"\W*go ahead\b", text, re.I)


def _clause_after_marker(cue: Cue) -> str | None:
    for n, sentence in enumerate(cue.sentences):
        match = _MARKER.search(sentence)
        if not match:
            continue
        rest = sentence[match.end() :]
        if not _substantive(rest) and n + 1 < len(cue.sentences):
            rest = cue.sentences[n + 1]
        if not _substantive(rest) and match.start() > 0:
            # "Okay, consensus, ninety minutes it is."
            before = sentence[: match.start()]
            rest = before if _substantive(before, 2) else rest
        return rest if _substantive(rest, 2) else None
    return None


def _restatement(cue: Cue) -> str | None:
    """The chair's summary after asking for objections: 'Okay, so the June 2nd meeting is cancelled'."""
    for sentence in cue.sentences:
        if sentence.rstrip().endswith("?") or _CALL.search(sentence):
            continue
        stripped = re.sub(r"^(?:(?:okay|ok|alright|all right|good|great|right)[,.]?\s+)*", "", sentence, flags=re.I)
        if re.match(r"(?:so\b|we\b|we'll\b|then\b)", stripped, re.I) and _substantive(stripped, 4):
            return stripped
    return None


def _object_of_call(cue: Cue) -> str | None:
    match = re.search(r"\bany objections? to (?P<what>[^?.]+)", cue.text, re.I)
    return match.group("what") if match and _substantive(match.group("what"), 2) else None


def _recent_proposal(ctx: Context, index: int, segment: int) -> str | None:
    for cue in reversed(ctx.cues[max(0, index - 8) : index + 1]):
        if cue.segment != segment:
            continue
        for sentence in reversed(cue.sentences):
            match = _PROPOSAL.search(sentence)
            if match and _substantive(match.group("what")):
                return match.group("what")
    return None


def decisions(ctx: Context) -> list[dict]:
    found: list[dict] = []
    used: set[int] = set()
    consumed: set[int] = set()  # each call for objections settles one decision

    def add(text: str, cue: Cue) -> None:
        if _PROCEDURE.search(text) and re.search(r"\b(?:approved|accepted|no changes)\b", text, re.I):
            return
        text = _as_decision(text)
        words = set(content_words(text))
        for other in found:
            theirs = set(content_words(other["text"]))
            if words and len(words & theirs) / len(words | theirs) > 0.5:
                return
        found.append({"text": text, "topic": ctx.topic_title(cue), "start_seconds": cue.start})
        used.add(cue.index)

    for i, cue in enumerate(ctx.cues):
        if cue.phase in ("opening", "roll_call", "antitrust", "agenda", "minute_taker", "approvals"):
            continue
        # Someone commits their organization to a ballot.
        for sentence in cue.sentences:
            if _ENDORSE.search(sentence) and not sentence.rstrip().endswith("?") and not re.search(r"\b(?:not|n't|if)\b", sentence, re.I):
                segment = ctx.segment_of(cue)
                ballot = next((b for b, _ in ballot_ids(cue.text)), None) or segment_ballot(segment)
                title = (
                    segment.title if len(segment.title) < 2 or segment.title[1].isupper() else segment.title[0].lower() + segment.title[1:]
                )
                what = ballot or (f"the {title}" if title.lower().endswith("ballot") else f"the ballot on {title}")
                add(f"{cue.speaker or 'A member'} endorses {what}", cue)
                break
        if cue.index in used or cue.speaker != ctx.chair and ctx.chair:
            continue
        called = next(
            (c for c in ctx.cues[max(0, i - 4) : i + 1] if _CALL.search(c.text) and c.segment == cue.segment and c.index not in consumed),
            None,
        )
        marker = _clause_after_marker(cue) if _MARKER.search(cue.text) else None
        going_with = re.search(r"\bwe(?:'ll| will) go with (?P<what>[^.?!]+)", cue.text, re.I)
        text = None
        if marker or going_with:
            text = marker or f"go with {going_with.group('what')}"
            if len(content_words(text)) < 4:
                text = (
                    _recent_proposal(ctx, called.index if called else cue.index, cue.segment)
                    or (called and _object_of_call(called))
                    or text
                )
        elif called and called is not cue:
            text = _restatement(cue)
        elif called is cue:
            # "I think we'd scope it to code signing timestamping. Everybody okay with that? Okay."
            before = re.split(r"[.?!]\s", cue.text[: _CALL.search(cue.text).start()].strip())
            candidate = before[-2] if len(before) > 1 and not before[-1].strip() else before[-1]
            after = cue.text[_CALL.search(cue.text).end() :]
            if _substantive(candidate, 4) and re.search(r"\b(?:okay|agreed|good)\b", after, re.I):
                text = candidate
        if text and called:
            consumed.add(called.index)
        if not text:
            continue
        add(text, cue)
        # "And I think we should discuss this ... at the F2F": the chair's next words carry on the decision.
        if i + 1 < len(ctx.cues):
            following = ctx.cues[i + 1]
            carries_on = re.match(
                r"^\W*(?:and |so |also )?(?:I think )?we (?:should|will|'ll)\b", following.sentences[0] if following.sentences else "", re.I
            )
            if following.speaker == cue.speaker and carries_on and "?" not in following.text:
                add(re.sub(r"^\W*and\s+(?:I think\s+)?", "", following.text, flags=re.I), following)
    return found


# -- action items -------------------------------------------------------------------------------

_SKIP_PHASES = ("opening", "roll_call", "antitrust", "agenda", "minute_taker")
_NOT_TASKS = set(
    """be try join come hear see say tell talk keep give hand read wait mute unmute admit bet guess take let start just stop
    leave drop pass note repeat share defer move""".split()
)
_TASK_VERBS = set(
    """send circulate draft prepare update review write post share ask contact reach follow check create submit propose present
    schedule organize organise set look investigate fix add remove push publish upload file open provide coordinate work help
    assist clean run compile collect put get reply respond forward summarize summarise raise bring email call confirm find""".split()
)
_COMMIT = re.compile(
    r"\b(?:I'll|I will|I'm going to|I am going to|I'm happy to|I am happy to|I'd be happy to|I offer to|I volunteer to|I can)"
    r"\s+(?:also\s+|just\s+|definitely\s+|certainly\s+|then\s+|probably\s+|go ahead and\s+)*(?P<rest>(?!go ahead\b).+)",
    re.I,
)
_JOINT = re.compile(r"\b(?P<other>[A-Z][\w-]+) and I (?:will|'ll|are going to|can) (?P<rest>.+)")
_THIRD = re.compile(
    r"\b(?P<name>(?!(?:And|So|Then|Okay|But|Now|Also|Yes|Yeah|Well|Maybe|Someone|Somebody|Everyone|Nobody|It|That|This|There)\b)"
    r"[A-Z][a-z][\w-]*(?: [A-Z][\w-]+)?|[Hh]e|[Ss]he)(?: says)?"
    r"(?: (?:will|is going to|has agreed to|agreed to|volunteered to|offered to)|'ll)"
    r" (?P<rest>(?P<verb>\w+).*)"
)
_REQUEST = re.compile(
    r"^(?:(?:okay|ok|so|and|alright)[,.]?\s+)*(?P<name>[A-Z][a-z][\w-]*)(?: [A-Z][\w-]+)?,\s*(?:(?:so|and)\s+)?"
    r"(?:(?:can|could|would|will) you take an action to|"
    r"can you|could you|would you|will you|you'll|you can|I was hoping you could|please|would you mind)\s+(?P<rest>.+)",
    re.I,
)
_HANDOVER = re.compile(
    r"\b(?:take us through|walk us through|give (?:us )?(?:an |the |that )?(?:update|status|overview)|read the|take (?:the )?minutes"
    r"|hear me|go ahead|you're there|introduce)\b",
    re.I,
)
_ACCEPT = re.compile(r"^\W*(?:yes|yeah|yep|sure|will do|of course|ok|okay|absolutely|happy to|no problem|I can|I'll|I will)\b", re.I)
_REFUSE = re.compile(
    r"^\W*(?:no\b(?! problem)|sorry|unfortunately|I can't|I cannot|I won't|I'm not able|I am not able|not me\b|I'd rather not)", re.I
)
_TOO = re.compile(r"\b(?:as well|too|also)\b", re.I)
# "take an action to ...": what follows is the task ("Bruce, please take an action to update the wiki").
_ACTION_PHRASE = re.compile(r"^(?:please\s+)?(?:take|have|get) (?:an|the|one|another) action(?: item)?(?: to| on)?\s+", re.I)
_FIRST_PERSON = re.compile(r"^\W*(?:(?:and|so|then)\s+)?I(?:'ll| will| can|'m going to| am going to)\b", re.I)
_ASKED_FOR_ACTION = re.compile(r"\btake (?:an|the|one|another) action\b", re.I)
_NAME = r"[A-Z][a-z][\w'-]*(?: [A-Z][\w'-]+)?"
# An action said as the minutes would write it, owner first or after "for": "Action item for Helen Clark:
# ask the other group ...", "Action: Bruce to send the slides", "Bruce has an action to update the wiki".
_ASSIGNED = re.compile(
    rf"^(?i:(?:(?:okay|ok|so|and|alright|also|then|next|one more)[,.]?\s+)*(?:(?:an?|the|one|another|new|next)\s+)?action(?: item)?)"
    rf"(?:(?:\s+(?i:is))?\s+(?i:for|on)\s+(?P<name>{_NAME})(?:\s*[:,;.\u2013-]\s*|\s+(?i:to)\s+)|\s*[:,.]?\s+(?P<name2>{_NAME})\s+(?i:to)\s+)(?P<rest>.*)"
)
_HAS_ACTION = re.compile(
    rf"\b(?P<name>(?!(?:And|So|Then|Okay|But|Now|Also|Yes|Yeah|Well|It|That|This|There|Everyone|Nobody)\b){_NAME})"
    r" (?i:has|takes|took|gets|got) (?i:an|the|one|another) (?i:action)(?: (?i:item))? (?i:to|on) (?P<rest>.+)"
)


def _first_verb(rest: str) -> str:
    words = re.findall(r"[A-Za-z']+", rest.lower())
    return words[0] if words else ""


def _commitment_text(sentence: str, rest: str, ctx: Context, cue: Cue, *, resolve: bool = True) -> str:
    text = _ACTION_PHRASE.sub("", rest.strip())
    # "The minutes from that call, I'll get them out": the pronoun stands for the phrase before it.
    head = re.match(r"^(?P<np>[^,]{4,60}),\s*I(?:'ll| will)\b", sentence)
    if head and re.search(r"\b(?:them|it)\b", text) and not re.match(r"(?:so|and|okay|yes|yeah)\b", head.group("np"), re.I):
        np = head.group("np").strip()
        text = re.sub(r"\b(?:them|it)\b", np[0].lower() + np[1:], text, count=1)
    # "Once the feedback is addressed, I'll push it out": keep the condition.
    lead = re.match(r"^(?:so\s+)?(?P<cond>(?:once|when|after|as soon as|before)\b[^,]{3,60}),\s*I(?:'ll| will)\b", sentence, re.I)
    if lead:
        text = f"{text.rstrip('.')} {lead.group('cond').lower()}"
    text = re.sub(r",?\s*(?:and then|so that|so|because|but|which)\b.*$", "", text) if len(text.split()) > 8 else text
    text = re.sub(r"\b(?:then|just|also|definitely)\b\s*", "", text).strip()
    # "Corey, I'll work with you ...": 'you' is the person addressed.
    vocative = re.match(r"^(?:(?:okay|ok|so|and|alright)[,.]?\s+)*(?P<name>[A-Z][a-z]+),", sentence)
    if vocative and ctx.person(vocative.group("name")):
        text = re.sub(r"\byou\b", vocative.group("name"), text)
    segment = ctx.segment_of(cue)
    ballot = segment_ballot(segment)
    if ballot:
        text = re.sub(r"\bthe ballot\b", f"the {ballot} ballot", text, count=1)
    # "I'll send out more information on that": say what 'that' was.
    if (
        resolve
        and re.search(r"\b(?:on|about|with|for) (?:that|this|it)$|\b(?:do|send) (?:that|it|this)$", text.rstrip("."))
        and len(content_words(text)) < 4
    ):
        earlier = [s for s in cue.sentences if s != sentence and cue.sentences.index(s) < cue.sentences.index(sentence)]
        previous = ctx.cues[cue.index - 1] if cue.index else None
        if not earlier and previous is not None and previous.speaker == cue.speaker:
            earlier = previous.sentences
        if earlier and len(content_words(earlier[-1])) >= 4:
            text = f"{text.rstrip('.')} ({shorten(tidy(earlier[-1]), 16)})"
    return tidy(text)


def _antecedent(ctx: Context, cue: Cue, upto: str) -> str | None:
    """Who 'he' or 'she' is: the last person named by this speaker just before."""
    texts = [c.text for c in ctx.cues[max(0, cue.index - 2) : cue.index] if c.speaker == cue.speaker] + [upto]
    for text in reversed(texts):
        for match in reversed(
            list(
                re.finditer(
                    r"\b(?:from|to|with|ask|asked|tell|told|emailed|email from|by)\s+(?P<n>[A-Z][a-z]+)\b"
                    r"|(?P<m>[A-Z][a-z]+) (?:says|said|is|was|wrote)\b",
                    text,
                )
            )
        ):
            name = match.group("n") or match.group("m")
            if name not in ("I", "It", "He", "She", "The", "This", "That"):
                return ctx.person(name) or name
    return None


def _sentence_after(ctx: Context, cue: Cue, n: int) -> tuple[tuple[int, int], str] | None:
    """The sentence said right after sentence ``n`` of ``cue`` (in it, or the next cue's first), with its place."""
    if n + 1 < len(cue.sentences):
        return (cue.index, n + 1), cue.sentences[n + 1]
    following = next((c for c in ctx.cues[cue.index + 1 :] if c.sentences), None)
    return ((following.index, 0), following.sentences[0]) if following else None


def _assigned(ctx: Context, cue: Cue, n: int, sentence: str) -> tuple[str, str, str] | None:
    """(owner, task, sentence with its date) for an action said with its owner ('Action item for Helen
    Clark: ask ...', 'Bruce has an action to ...'); the task may be the next sentence ('Action for Bruce.
    Send the slides to the list.')."""
    match = _ASSIGNED.match(sentence) or _HAS_ACTION.search(sentence)
    if not match:
        return None
    owner = ctx.person(match.group("name") or match.groupdict().get("name2"))
    rest, said = re.sub(r"^(?:is )?to\s+", "", match.group("rest").strip(), flags=re.I), sentence
    if owner and not rest:
        after = _sentence_after(ctx, cue, n)
        rest, said = (after[1], f"{sentence} {after[1]}") if after else ("", sentence)
    return (owner, rest, said) if owner and rest else None


def action_items(ctx: Context) -> list[dict]:
    items: list[dict] = []
    # Without speaker labels, the sentence that accepts a request is taken to be the addressee's, so
    # "Yes, I will send it by Friday" after "Maria, can you take an action to ...?" is Maria's.
    answered: dict[tuple[int, int], str] = {}
    for i, cue in enumerate(ctx.cues):
        if cue.phase in _SKIP_PHASES:
            continue
        for n, sentence in enumerate(cue.sentences):
            if re.match(r"\W*if\b", sentence, re.I) or _ENDORSE.search(sentence) or _TAKER_SELF.search(sentence):
                continue
            owners: list[str | None] = []
            text = ""
            assigned = _assigned(ctx, cue, n, sentence)
            if assigned:
                owner, rest, said = assigned
                items.append(_item(ctx, cue, said, owner, _commitment_text(sentence, rest, ctx, cue)))
                continue
            joint = _JOINT.search(sentence)
            request = _REQUEST.match(sentence)
            commit = _COMMIT.search(sentence)
            third = _THIRD.search(sentence)
            if joint and cue.speaker and ctx.person(joint.group("other")):
                other = ctx.person(joint.group("other"))
                text = _commitment_text(sentence, joint.group("rest"), ctx, cue)
                items.append(_item(ctx, cue, sentence, cue.speaker, f"{text} (with {other.split()[0]})"))
                items.append(_item(ctx, cue, sentence, other, f"{text} (with {cue.speaker.split()[0]})"))
                continue
            if request and not _HANDOVER.search(sentence):
                addressee = ctx.person(request.group("name"))
                # "take an action to" assigns the task: it stands unless the addressee declines.
                explicit = bool(_ASKED_FOR_ACTION.search(sentence))
                if cue.speaker:
                    replies = [c for c in ctx.cues[i + 1 : i + 4] if c.speaker == addressee]
                    reply = (None, replies[0].text) if replies else None
                else:
                    reply = _sentence_after(ctx, cue, n)
                accepted = bool(reply and _ACCEPT.match(reply[1]) and not _REFUSE.match(reply[1]))
                declined = bool(reply and _REFUSE.match(reply[1]))
                if addressee and addressee != cue.speaker and (accepted or (explicit and not declined)):
                    text = _commitment_text(sentence, request.group("rest").rstrip("?"), ctx, cue)
                    owners = [addressee]
                    if accepted and not cue.speaker:
                        answered[reply[0]] = addressee
                        # "Yeah, I can do that. I'll go back through the ballots ...": the task follows the yes.
                        after = _sentence_after(ctx, ctx.cues[reply[0][0]], reply[0][1])
                        if len(content_words(reply[1])) < 3 and after and _FIRST_PERSON.match(after[1]):
                            answered[after[0]] = addressee
            elif commit and not sentence.rstrip().endswith("?"):
                task = _ACTION_PHRASE.sub("", commit.group("rest"))
                verb = _first_verb(task)
                is_can = re.match(r"I can\b", commit.group(0), re.I)
                if verb in _NOT_TASKS or (is_can and verb not in _TASK_VERBS | {"do", "take"}):
                    continue
                if is_can and verb in ("do", "take") and not _was_asked(ctx, cue):
                    continue
                speaker = cue.speaker or answered.get((cue.index, n))
                # An answer is the same task as its request ('Yes, I'll do that' says nothing more): the two merge.
                text = _commitment_text(sentence, commit.group("rest"), ctx, cue, resolve=speaker == cue.speaker)
                if _TOO.search(sentence) and len(content_words(text)) < 3:
                    previous = next((it for it in reversed(items) if it["topic"] == ctx.topic_title(cue) and it["owner"] != speaker), None)
                    if previous:
                        text = previous["text"]
                owners = [speaker]  # None without speaker labels (unless it answers a request): the reviewer assigns it
            elif third and third.group("verb").lower() in _TASK_VERBS | {"have", "take"}:
                name = third.group("name")
                said_before = cue.text[: cue.text.find(sentence)] + sentence[: third.start()]
                owner = _antecedent(ctx, cue, said_before) if name.lower() in ("he", "she") else ctx.person(name)
                if owner and owner != cue.speaker and fold(owner) not in ("it", "that", "this"):
                    text = _commitment_text(sentence, third.group("rest"), ctx, cue)
                    owners = [owner]
            if not owners or len(content_words(text)) < 2:
                continue
            for owner in owners:
                items.append(_item(ctx, cue, sentence, owner, text))
    return _merge(items)


def _was_asked(ctx: Context, cue: Cue) -> bool:
    """Whether the cue answers a request ('Bruce, I was hoping you could ...' -> 'Yeah, I can do that')."""
    first = cue.speaker.split()[0] if cue.speaker else ""
    return any(first and first in c.text and c.speaker != cue.speaker for c in ctx.cues[max(0, cue.index - 2) : cue.index])


def _due(ctx: Context, sentence: str) -> str | None:
    due = find_date(sentence, ctx.meeting_date, future=True) if ctx.meeting_date else find_date(sentence, None)
    return _date_str(due[0]) if due else None


def _item(ctx: Context, cue: Cue, sentence: str, owner: str | None, text: str) -> dict:
    return {
        "owner": owner,
        "text": shorten(text, 24),
        "due": _due(ctx, sentence),
        "topic": ctx.topic_title(cue),
        "start_seconds": cue.start,
    }


def _merge(items: list[dict]) -> list[dict]:
    """One item per owner and topic: the same person committing twice on one item is one task."""
    merged: list[dict] = []
    for item in items:
        same = next((m for m in merged if item["owner"] and m["owner"] == item["owner"] and m["topic"] == item["topic"]), None)
        if same is None:
            merged.append(dict(item))
            continue
        if len(content_words(item["text"])) > len(content_words(same["text"])):
            same["text"] = item["text"]
        same["due"] = same["due"] or item["due"]
    return merged


# -- next meeting and close ---------------------------------------------------------------------

_NEXT = re.compile(r"\bnext (?:meeting|call|teleconference|session|telecon)\b(?P<rest>[^.?!]*)", re.I)


def next_meeting(ctx: Context) -> str | None:
    for cue in reversed(ctx.cues):
        for match in _NEXT.finditer(cue.text):
            rest = match.group("rest")
            if re.search(r"\bcancel", rest, re.I):
                continue
            found = find_date(rest, ctx.meeting_date, future=True)
            if found and (ctx.meeting_date is None or found[0] > ctx.meeting_date):
                return found[0].isoformat()
    return None


def adjourned(ctx: Context) -> bool:
    tail = ctx.cues[-max(3, len(ctx.cues) // 10) :]
    return any(
        re.search(r"\badjourn|\bmeeting is (?:over|closed)\b|\bthat's it for today\b|\bend the (?:meeting|call)\b", c.text, re.I)
        for c in tail
    )
