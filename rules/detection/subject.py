"""Whom a detail is about: the author ("my number", "I work at") or someone else ("Jess from group", "his address").

A detail about someone else weighs more: its owner never chose to share it. The cue is the nearest pronoun,
possessive or person's name before the detail in the same clause; a person's name is about someone else unless the
author is introducing themselves ("my name is Sam", "I'm Sam").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rules.detection.findings import Finding, Label, Subject

__all__ = ["subject_of"]

# How far back (characters) a cue may be, within the same clause.
WINDOW = 48

_SELF = r"my|mine|me|i|i'm|im|i've|ive|i'd|myself|our|ours|us|we|we're"
_OTHER = (
    r"his|her|hers|him|he|he's|she|she's|their|theirs|them|they|they're|your|yours|you|you're|u|ur"
    r"|sponsor's|friend's|mom's|mum's|dad's|wife's|husband's|partner's|boss's|sister's|brother's|son's|daughter's"
    r"|(?!(?:it|that|what|let|here|there|who|where|how|when|she|he)'s)[a-z]+'s"
)
# "my son", "our sponsor": a possessive the author uses for someone else.
_RELATIONS = (
    r"son|sons|daughter|daughters|kid|kids|child|children|baby|wife|husband|partner|ex|girlfriend|boyfriend"
    r"|fiance|fiancee|mom|mum|mother|dad|father|parents|brother|sister|sibling|cousin|aunt|uncle|nan|nana|grandma"
    r"|grandpa|grandmother|grandfather|niece|nephew|friend|friends|bestie|mate|sponsor|sponsee|boss|coworker"
    r"|colleague|neighbour|neighbor|roommate|flatmate|landlord|therapist|counsellor|counselor|doctor|nurse"
)
_CUE = re.compile(
    rf"(?<![\w'])(?P<relation>(?:my|our)\s+(?:{_RELATIONS}))(?![\w'])"
    rf"|(?<![\w'])(?P<self>{_SELF})(?![\w'])"
    rf"|(?<![\w'])(?P<other>{_OTHER})(?![\w'])",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[.!?;\n]|\b(?:but|and then|because)\b", re.IGNORECASE)
_SELF_INTRO = re.compile(r"(?:\bmy name(?:'s| is)|\bi'm|\bi am|\bim|\bcall me|\bthis is)\s+$", re.IGNORECASE)


def subject_of(text: str, finding: Finding, others: Sequence[Finding] = ()) -> Subject:
    """Decide whom `finding` (with offsets into `text`) is about, from the words just before it.

    Args:
        text: the text the offsets refer to.
        finding: the detail in question.
        others: the message's other findings; words inside them ("St Mary's") are not cues.
    """
    window_start = max(0, finding.start - WINDOW)
    before = text[window_start : finding.start]
    if finding.label is Label.PERSON:
        return Subject.SELF if _SELF_INTRO.search(before) else Subject.OTHER
    breaks = list(_CLAUSE_BREAK.finditer(before))
    offset = breaks[-1].end() if breaks else 0
    cues = [
        cue
        for cue in _CUE.finditer(before, offset)
        if not any(o.start <= window_start + cue.start() < o.end for o in others)
    ]
    # A person named earlier in the clause is a cue too: "Jess works at Tesco" is about Jess.
    named = [
        o
        for o in others
        if o.label is Label.PERSON and o.score > 0 and window_start + offset <= o.start and o.end <= finding.start
    ]
    person = max(named, key=lambda o: o.end, default=None)
    if not cues and person is None:
        return Subject.UNKNOWN
    if person is not None and (not cues or person.end > window_start + cues[-1].end()):
        introduced = _SELF_INTRO.search(text[max(0, person.start - WINDOW) : person.start])
        return Subject.SELF if introduced else Subject.OTHER
    return Subject.SELF if cues[-1].group("self") else Subject.OTHER
