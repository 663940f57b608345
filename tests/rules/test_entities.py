"""People, places and organisations: given names with cues, workplaces, and the statistical NER."""

import pytest
import spacy

from rules.detection.findings import Label
from rules.detection.recognizer import Context
from rules.detection.recognizers.entities import CompanyNames, GivenNames, NerEntities, PlaceNames, Workplaces


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
# Function words are never names in lower case, whatever cue comes before them.
FUNCTION_WORD_TRAPS = [
    "call me on 07700 900123",
    "call me back when you can",
    "see you at the meeting",
    "me and him went for coffee",
    "so are we",
    "i will be there",
    "may i ask something",
    "will do, thanks",
    "hope so",
    "there's a grace period",
    "the rent rose to 900",
    "bill me later",
    "my sponsor will call me tonight",     # a relation right before a modal is not a name
    "thanks So much",                      # a capitalised function word after a greeting
    "May I ask something",
    "Hope is my anchor",
]
FUNCTION_WORD_NAMES = [
    ("Will is my sponsor",                 ["Will"]),      # capitalised, and only a person is someone's sponsor
    ("call me Will",                       ["Will"]),      # capitalised, after "call me"
    ("my sponsor Will called",             ["Will"]),
    ("Rose told me to come back",          ["Rose"]),
]
# fmt: on


@pytest.mark.parametrize("text", FUNCTION_WORD_TRAPS)
def test_function_words_are_never_names_in_lower_case(names, text):
    """'on', 'so', 'will', 'may' are not people, even after 'call me', a relation or a greeting."""
    assert found(names, text) == []


@pytest.mark.parametrize(("text", "expected"), FUNCTION_WORD_NAMES)
def test_capitalised_name_like_function_words_count_with_a_strong_cue(names, text, expected):
    """A capitalised 'Will' or 'Rose' is a name after 'call me' or a relation, or before 'is my sponsor'."""
    assert [detail for detail, _ in found(names, text)] == expected


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
    # whoever's subject: the cue alone makes the following name a workplace
    ("my friend Jess works at Tesco",                  ["Tesco"]),
    ("Jess works at tesco",                            ["tesco"]),     # lower case after a named subject
    ("my mum worked for Leeds City Council",           ["Leeds City Council"]),
    ("he's working at Amazon now",                     ["Amazon"]),
    ("got a job at Greggs last week",                  ["Greggs"]),
    ("my new job at pret is ok",                       ["pret"]),
    ("she's employed by Serco",                        ["Serco"]),
    ("she's a nurse at Leeds General",                 ["Leeds General"]),
    ("Jess is a cleaner at Asda",                      ["Asda"]),
    ("he teaches at Parkside",                         ["Parkside"]),
    ("my son goes to Parkside school",                 ["Parkside school"]),
    ("I work at the Tesco on Kirkstall Road",          ["Tesco"]),
]
WORK_TRAPS = [
    "I work at a bank",          # a kind of place, not a particular one
    "she works at the hospital",
    "I work at home these days",
    "work is hard right now",
    "she works at night",
    "I can work at home",
    "keep working at it",
    "at work today it was rough",
    "that works for me",
    "meditation worked for years",
    "it works at first then fades",
    "keep working at recovery",          # a bare verb takes a lower-case name only after a person
    "working at getting better",
    "what worked for Jess was walking",  # someone worked for a person, not a workplace
    "he goes to high school",
    "she went to Catholic school",       # a kind of school, capitalised
    "did a great job at the meeting",
    "he was a mess at the party",
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


def _doc_with(text, *ents):
    nlp = spacy.blank("en")
    doc = nlp(text)
    doc.ents = [doc.char_span(text.index(said), text.index(said) + len(said), label=label) for said, label in ents]
    return doc


# fmt: off
NER_AFTER_CUE = [
    ("my friend Jess works at Tesco",          ("Tesco", "GPE"),          ["Tesco"]),
    ("she works at the Co-op in Leeds",        ("Co-op", "FAC"),          ["Co-op"]),
    ("Jess works at tesco extra",              ("tesco extra", "LOC"),    ["tesco extra"]),  # the NER's span
    ("works at Jimmy's",                       ("Jimmy", "PERSON"),       ["Jimmy"]),      # after "at", a place
]
# fmt: on


@pytest.mark.parametrize(("text", "ent", "expected"), NER_AFTER_CUE)
def test_a_named_entity_after_a_workplace_cue_is_the_workplace(workplaces, text, ent, expected):
    """Whatever the NER called it, the entity right after 'works at' is reported as an ORG on the NER's span."""
    assert [detail for detail, label in found(workplaces, text, _doc_with(text, ent)) if label is Label.ORG] == expected


def test_a_person_after_works_for_stays_a_person(workplaces):
    """'works for Sam' names an employer who is a person: not relabelled as a workplace."""
    text = "she works for Sam"
    assert found(workplaces, text, _doc_with(text, ("Sam", "PERSON"))) == []


def test_ner_rule_needs_no_model():
    """Without a spaCy doc the NER rule simply reports nothing."""
    assert list(NerEntities().analyze(Context("Jess Smith"))) == []


# The NER's places and organisations are checked: products, everyday words and given names are not places or orgs.
# fmt: off
NER_PLACE_OR_ORG = [
    # (text, the NER's entity, what is reported)
    ("moved to Leeds last year",                 ("Leeds", "GPE"),        [("Leeds", Label.LOCATION)]),
    ("she works for the NHS",                    ("NHS", "ORG"),          [("NHS", Label.ORG)]),       # public name
    ("we came from the US",                      ("US", "GPE"),           [("US", Label.LOCATION)]),   # a place
    ("CA meetings help",                         ("CA", "ORG"),           [("CA", Label.ORG)]),        # public name
    ("my mum worked for Acme",                   ("Acme", "ORG"),         [("Acme", Label.ORG)]),
    ("Emily was so mean to me",                  ("Emily", "ORG"),        [("Emily", Label.PERSON)]),  # a given name
    ("Austin is lovely in spring",               ("Austin", "GPE"),       [("Austin", Label.LOCATION)]),  # a place too
    ("Sydney was hot",                           ("Sydney", "GPE"),       [("Sydney", Label.LOCATION)]),
    ("my doctor upped my Xanax",                 ("Xanax", "ORG"),        []),                         # a medicine
    ("had covid last month",                     ("covid", "ORG"),        []),
    ("been playing Minecraft all day",           ("Minecraft", "ORG"),    []),                         # a game
    ("this makes me EXTREMELY uncomfortable",    ("EXTREMELY", "ORG"),    []),                         # shouting
    ("smooth AF",                                ("AF", "ORG"),           []),
    ("OMG that was close",                       ("OMG", "ORG"),          []),
    ("hit the like button",                      ("button", "GPE"),       []),                         # lower case
    ("Button Moon was on tv",                    ("Button Moon", "ORG"),  [("Button Moon", Label.ORG)]),  # a name
    ("ask Tesco about it",                       ("Tesco", "ORG"),        [("Tesco", Label.ORG)]),
    ("my NHS number is 943 476 5919",            ("NHS", "ORG"),          []),                         # ID scheme
    ("IBAN GB82 WEST 1234 5698 7654 32",         ("IBAN", "ORG"),         []),
    ("SSN: 078-05-1120",                         ("SSN", "ORG"),          []),
    ("what's your NHS no. again",                ("NHS", "ORG"),          []),
    ("the NHS saved my life",                    ("NHS", "ORG"),          [("NHS", Label.ORG)]),       # the body
    ("the NHS in 2020 was stretched",            ("NHS", "ORG"),          [("NHS", Label.ORG)]),
]
# fmt: on


@pytest.mark.parametrize(("text", "ent", "expected"), NER_PLACE_OR_ORG)
def test_ner_places_and_organisations_are_checked(text, ent, expected):
    """A product, a lone everyday word, a given name or an ID scheme before its number is not an NER place or org."""
    findings = NerEntities().analyze(Context(text, _doc_with(text, ent)))
    assert [(text[f.start : f.end], f.label) for f in findings] == expected


@pytest.fixture(scope="module")
def places():
    return PlaceNames()


# fmt: off
PLACE_HITS = [
    ("moving to texas next month",             ["texas"]),
    ("i'm from the philippines",               ["philippines"]),   # "the" left out
    ("we're in WI now",                        ["WI"]),            # a state code after a cue
    ("live in nyc with my sister",             ["nyc"]),
    ("just got back from New   York",          ["New   York"]),
    ("a trip to Turkey",                       ["Turkey"]),        # a word that is a place when capitalised
    ("she's from Jordan originally",           ["Jordan"]),        # a given name that is a place, after "from"
    ("visiting leeds and then to manchester",  ["leeds", "manchester"]),
    ("he lives in new south wales",            ["new south wales"]),
    ("drove up from cali",                     ["cali"]),
]
PLACE_TRAPS = [
    "in turkey season",                        # lower case: the bird
    "talk to Jordan about it",                 # a name after "to"
    "talk to us",                              # "us" only as "US"
    "in IN",                                   # state codes that are words
    "see you in ME",
    "bring it to CA",                          # Cocaine Anonymous, or California: left to the NER
    "texas hold'em is fun",                    # no place cue
    "in georgiana's house",                    # part of a longer word
    "to china cabinets",                       # lower case: the crockery
    "I'm in recovery",
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), PLACE_HITS)
def test_known_places_after_a_cue_are_found(places, text, expected):
    """Countries, states and large cities after "in", "from", "to"…, in any case, are LOCATIONs."""
    assert found(places, text) == [(e, Label.LOCATION) for e in expected]


@pytest.mark.parametrize("text", PLACE_TRAPS)
def test_place_traps(places, text):
    """Words that are places only when capitalised, names after "to", ambiguous state codes: not reported."""
    assert found(places, text) == []


@pytest.fixture(scope="module")
def companies():
    return CompanyNames()


# fmt: off
COMPANY_HITS = [
    ("I work for Acme Ltd now",                ["Acme Ltd"]),
    ("Smith & Sons LLC sent a letter",         ["Smith & Sons LLC"]),
    ("Dunder Mifflin Inc. is hiring",          ["Dunder Mifflin Inc"]),
    ("shares in Initech Corp fell",            ["Initech Corp"]),
]
COMPANY_TRAPS = [
    "limited time only",
    "a Limited edition print",                 # no name before the form
    "The Limited",                             # a function word is not a name
    "I Limited my screen time",
    "inc is short for incorporated",
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), COMPANY_HITS)
def test_companies_with_a_legal_form_are_found(companies, text, expected):
    """A capitalised name followed by Ltd, Inc, LLC, Corp… is an ORG."""
    assert found(companies, text) == [(e, Label.ORG) for e in expected]


@pytest.mark.parametrize("text", COMPANY_TRAPS)
def test_company_traps(companies, text):
    """A legal form with no capitalised name before it, or lower-case words, is not a company."""
    assert found(companies, text) == []
