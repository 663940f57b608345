"""People, places and organisations: given names with cues, workplaces, and the statistical NER."""

import pytest
import spacy

from rules.detection.findings import Label
from rules.detection.recognizer import Context
from rules.detection.recognizers.entities import GivenNames, NerEntities, Workplaces


def found(rule, text, doc=None):
    return [(text[f.start : f.end], f.label) for f in sorted(rule.analyze(Context(text, doc)), key=lambda f: f.start)]


@pytest.fixture(scope="module")
def names():
    return GivenNames()


@pytest.fixture(scope="module")
def workplaces():
    return Workplaces()


# fmt: off
NAME_HITS = [
    ("saw jess from group today",          ["jess"]),
    ("I talked to Jess about it",          ["Jess"]),
    ("jess said it gets easier",           ["jess"]),
    ("my sponsor bill told me to call",    ["bill"]),
    ("went with sarah and mike",           ["sarah", "mike"]),
    ("my name is grace",                   ["grace"]),
    ("my name is krithika and I'm new",    ["krithika"]),   # any name a member gives
    ("thanks Hendo for the chat",          ["Hendo"]),      # someone addressed by name
    ("hey jess, missed you",               ["jess"]),
    ("Ann is one of the kindest",          ["Ann"]),        # sentence-initial, but a verb follows
    ("Lauren you should see this",         ["Lauren"]),     # spoken to at the start of a sentence
    ("Kelsey, your hair looks great",      ["Kelsey"]),
    ("freddie laughs at everything",       ["freddie"]),
    ("trump is on tv again",               ["trump"]),      # public figures in any case (kept at score 0)
    ("that moment lil wayne gets on",      ["lil wayne"]),
    ("loved Ed Sheeran's set",             ["Ed Sheeran"]),  # the possessive stays out
]
NAME_TRAPS = [
    "I will pay the bill tomorrow",        # words that are also names need a relation cue
    "there is hope and grace in this",
    "Mark my words",                       # sentence-initial capital proves nothing
    "may the force be with you",
    "jess",                                # a bare lower-case name with no cue
    "hey Everyone, thanks All",            # greetings addressed to nobody in particular
    "my name is not important",
    "The Trump Tower is tall",             # a one-word public figure inside a longer name
    "Grant you that",                      # a sentence-initial name with no cue after it
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), NAME_HITS)
def test_given_names_found_with_cues(names, text, expected):
    """Given names are found mid-sentence with a capital, or in lower case with a cue around them."""
    assert [detail for detail, _ in found(names, text)] == expected


@pytest.mark.parametrize("text", NAME_TRAPS)
def test_name_like_words_without_cues_are_left_alone(names, text):
    """Everyday words that are also names, sentence-initial capitals and bare names are not reported."""
    assert found(names, text) == []


# fmt: off
WORK_HITS = [
    ("I work at Oakwood Bakery now",                   ["Oakwood Bakery"]),
    ("she works at walmart on weekends",               ["walmart"]),
    ("my kid's school is Lincoln Elementary",          ["Lincoln Elementary"]),
    ("he was at St Mary's Hospital for a week",        ["St Mary's Hospital"]),
    ("we go to Grace Baptist Church",                  ["Grace Baptist Church"]),
]
WORK_TRAPS = [
    "I work at a bank",          # a kind of place, not a particular one
    "she works at the hospital",
    "I work at home these days",
    "work is hard right now",
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), WORK_HITS)
def test_workplaces_and_institutions_are_found(workplaces, text, expected):
    """An organisation after a workplace cue, or an institution named in full, is an ORG."""
    assert [detail for detail, label in found(workplaces, text) if label is Label.ORG] == expected


@pytest.mark.parametrize("text", WORK_TRAPS)
def test_generic_workplaces_are_not_reported(workplaces, text):
    """'A bank' or 'the hospital' after a workplace cue names no particular place."""
    assert found(workplaces, text) == []


def test_ner_maps_spacy_labels_and_marks_full_names_direct():
    """The NER rule reports PERSON/GPE/ORG as ours, marks a full name as direct, and ignores other labels."""
    nlp = spacy.blank("en")
    doc = nlp("Jess Smith moved to Leeds in March")
    doc.ents = [
        spacy.tokens.Span(doc, 0, 2, label="PERSON"),
        spacy.tokens.Span(doc, 4, 5, label="GPE"),
        spacy.tokens.Span(doc, 6, 7, label="DATE"),
    ]
    findings = list(NerEntities().analyze(Context(doc.text, doc)))
    assert [(doc.text[f.start : f.end], f.label, f.direct) for f in findings] == [
        ("Jess Smith", Label.PERSON, True),
        ("Leeds", Label.LOCATION, False),
    ]


def test_ner_rule_needs_no_model():
    """Without a spaCy doc the NER rule simply reports nothing."""
    assert list(NerEntities().analyze(Context("Jess Smith"))) == []
