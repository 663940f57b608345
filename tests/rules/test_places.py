"""The address rules report street lines, PO boxes and postcodes, and leave counts, pages, steps and songs alone."""

import pytest

from rules.detection.findings import Label, Subject
from rules.detection.recognizer import Context
from rules.detection.recognizers.places import place_rules


@pytest.fixture(scope="module")
def rules():
    return place_rules()


def found(rules, text):
    """The outermost findings of all address rules, as (matched text, rule name), in text order."""
    ctx = Context(text)
    findings = [f for rule in rules for f in rule.analyze(ctx)]
    outer = [
        f
        for f in findings
        if not any(g is not f and g.start <= f.start and f.end <= g.end and g.length > f.length for g in findings)
    ]
    return sorted({(text[f.start : f.end], f.rule.rsplit(".v", 1)[0]) for f in outer}, key=lambda s: text.index(s[0]))


# fmt: off
HITS = [
    # text                                                       expected (span, rule)
    ("I live at 42 Oak Street",                                  [("42 Oak Street", "street_address")]),
    ("it's 1600 Pennsylvania Ave NW, Washington, DC 20500",      [("1600 Pennsylvania Ave NW, Washington, DC 20500", "street_address")]),
    ("12B Elm Rd is the blue house",                             [("12B Elm Rd", "street_address")]),
    ("Apt 4, 221 Baker Street",                                  [("Apt 4, 221 Baker Street", "street_address")]),
    ("221B Baker Street, London NW1 6XE",                        [("221B Baker Street, London NW1 6XE", "street_address")]),
    ("unit 5/12 George St, Sydney NSW 2000",                     [("unit 5/12 George St, Sydney NSW 2000", "street_address")]),
    ("come over, 17 maple ave",                                  [("17 maple ave", "street_address")]),
    ("she lives at 5 maple drive now",                           [("5 maple drive", "street_address")]),
    ("meet me at 350 W 42nd St",                                 [("350 W 42nd St", "street_address")]),
    ("he moved to 18 Church Lane, apt 3",                        [("18 Church Lane, apt 3", "street_address")]),
    ("we're at 7 Rosemary Close now",                            [("7 Rosemary Close", "street_address")]),
    ("123 Main St, Toronto, ON M5V 2T6",                         [("123 Main St, Toronto, ON M5V 2T6", "street_address")]),
    ("send it to PO Box 1234 please",                            [("PO Box 1234", "po_box")]),
    ("P.O. Box 55, or GPO Box 9",                                [("P.O. Box 55", "po_box"), ("GPO Box 9", "po_box")]),
    ("I'm in apt 4B if you knock",                               [("apt 4B", "apartment_number")]),
    ("Flat 3 is mine",                                           [("Flat 3", "apartment_number")]),
    ("Springfield, IL 62704",                                    [("IL 62704", "us_zip")]),
    ("texas 75001-1234 is where",                                [("texas 75001-1234", "us_zip")]),
    ("we're in Perth WA 6000",                                   [("Perth WA 6000", "au_postcode")]),
    ("my zip is 90210",                                          [("90210", "postcode_cue")]),
    ("postcode: 2000",                                           [("2000", "postcode_cue")]),
    ("SW1A 1AA",                                                 [("SW1A 1AA", "uk_postcode")]),
    ("M1 1AE and B33 8TH",                                       [("M1 1AE", "uk_postcode"), ("B33 8TH", "uk_postcode")]),
    ("mine is sw1a 1aa lol",                                     [("sw1a 1aa", "uk_postcode")]),
    ("my postcode is SE15",                                      [("SE15", "uk_postcode")]),
    ("I live in LS6 now",                                        [("LS6", "uk_postcode")]),
    ("K1A 0B1",                                                  [("K1A 0B1", "ca_postcode")]),
    ("postal code m5v2t6",                                       [("m5v2t6", "ca_postcode")]),
    ("Hauptstraße 12 and Kerkstraat 5",                          [("Hauptstraße 12", "eu_street"), ("Kerkstraat 5", "eu_street")]),
    ("Storgatan 3, Vesterbrogade 12b",                           [("Storgatan 3", "eu_street"), ("Vesterbrogade 12b", "eu_street")]),
    ("Karl-Marx-Str. 5",                                         [("Karl-Marx-Str. 5", "eu_street")]),
    ("Karl-Marx-Straße 5, 10243 Berlin",                         [("Karl-Marx-Straße 5, 10243 Berlin", "eu_street")]),
    ("12 rue de la Paix",                                        [("12 rue de la Paix", "eu_street")]),
    ("5 Boulevard Haussmann, 2 place de la Concorde",            [("5 Boulevard Haussmann", "eu_street"), ("2 place de la Concorde", "eu_street")]),
    ("Calle Mayor 5 y Via Roma 10",                              [("Calle Mayor 5", "eu_street"), ("Via Roma 10", "eu_street")]),
    ("Rua Augusta 24",                                           [("Rua Augusta 24", "eu_street")]),
    ("10115 Berlin",                                             [("10115 Berlin", "eu_postcode")]),
    ("D-80331 München",                                          [("D-80331 München", "eu_postcode")]),
    ("1012 AB Amsterdam",                                        [("1012 AB Amsterdam", "eu_postcode")]),
    ("1010 Wien",                                                [("1010 Wien", "eu_postcode")]),
    ("AA meeting at 8 on Friday, 123 Church Street, room 4",     [("123 Church Street", "street_address")]),
    ("I'm at 5 Oak St if anyone wants to come",                  [("5 Oak St", "street_address")]),
    ("Working at BAR tonight. 1309 sansom st. More soon",        [("1309 sansom st.", "street_address")]),
]

TRAPS = [
    "I live on the street",
    "I was living on the streets for 3 years",
    "step 12 is about service",
    "chapter 4 of the big book",
    "page 86 says it all",
    "the 12 steps saved me",
    "the 12 Step Way of life",
    "A 12 Step Program Works",
    "room 101",
    "I'm in room 214 at St Mary's",
    "Route 66 is my favourite song",
    "in 2019 street food was my whole diet",
    "in 2019 Main Street flooded",
    "40 days and 40 nights",
    "I go to 3 meetings a week",
    "There are 2 Main Street meetings each week",
    "a 10 minute walk from here",
    "it's a 20 minute drive, a 2 hour drive on the highway",
    "I did a 5 mile run and 30 laps around the park",
    "we walked 3 blocks down the road",
    "I have 2 family court dates",
    "I have 2 Family Court dates",
    "I have 2 Hard Drive failures",
    "my 2 kids and I live off main st",
    "we had 3 people drive in",
    "I have 10000 steps today",
    "day 12345",
    "I've been in this apartment 2 years",
    "Unit 3 of the workbook",
    "a flat 5k run",
    "via Zoom 2 times, Via Zoom 2 days ago",
    "my ps4 2tb drive",
    "in NSW 2019 was hard",
    "OK 10000 steps",
    "IN 12345 ways",
    "I saw 2 different Dr Smith",
    "meeting at 7:30 on Elm Street",
    "I live on Elm Street",
    "the 2 of us went to Brigade 2",
    "10000 Followers and 2000 Steps",
    "back in 2019 Berlin was home",
    "2000 AD Rome",
    "Psalm 23:4 and John 3:16",
    "I weigh 150 lbs and walk 5 miles",
    "my no cap 10000 steps",
    "n1 1st",
    "the M4 was busy",
    "H2O 2",
    "Highway 1 down the coast",
    "it costs $12 Oak Street prices",
    "We meet Tuesdays at 7:30pm at the church on 5th Ave",
    "Big Book page 417, 4th edition",
    "I took 20mg of lexapro and 2 x 50mg",
    "$20 a week on scratch cards, 3 times a week",
    "1 in 5 people relapse, and 2 in 3 come back",
    "MD 450 eastbound Varnum St",
    "I- 95 both directions btw Undercliff Ave",
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), HITS)
def test_addresses_are_found(rules, text, expected):
    """Each address is reported once, with the span and rule in the table."""
    assert found(rules, text) == expected


@pytest.mark.parametrize("text", TRAPS)
def test_non_addresses_are_left_alone(rules, text):
    """Counts, steps, pages, times, songs and streets without a number are not addresses."""
    assert found(rules, text) == []


@pytest.mark.parametrize(("text", "expected"), HITS)
def test_findings_are_direct_addresses_that_never_repeat_the_detail(rules, text, expected):
    """Every finding is a direct ADDRESS with an unknown subject, a versioned rule id and a secret-free explanation."""
    ctx = Context(text)
    for rule in rules:
        for finding in rule.analyze(ctx):
            detail = text[finding.start : finding.end]
            assert finding.label is Label.ADDRESS
            assert finding.direct is True
            assert finding.subject is Subject.UNKNOWN
            assert finding.rule == rule.rule_id
            assert 0.0 < finding.score <= 0.95
            assert finding.explanation
            assert detail not in finding.explanation
            assert detail.lower() not in finding.explanation.lower()


# fmt: off
SCORES = [
    # text                                          span                                   low   high
    ("I live at 42 Oak Street",                     "42 Oak Street",                       0.85, 0.95),
    ("42 Oak Street",                               "42 Oak Street",                       0.85, 0.85),
    ("42 oak street",                               "42 oak street",                       0.75, 0.85),
    ("42 Oak Street, Springfield, IL 62704",        "42 Oak Street, Springfield, IL 62704", 0.95, 0.95),
    ("SW1A 1AA",                                    "SW1A 1AA",                            0.75, 0.85),
    ("K1A 0B1",                                     "K1A 0B1",                             0.75, 0.85),
    ("apt 4",                                       "apt 4",                               0.45, 0.55),
    ("my postcode is SE15",                         "SE15",                                0.55, 0.7),
]
# fmt: on


@pytest.mark.parametrize(("text", "span", "low", "high"), SCORES)
def test_scores_follow_how_much_of_an_address_is_there(rules, text, span, low, high):
    """A full street line scores 0.85-0.95, a postcode about 0.8, a flat number or postcode district lower."""
    ctx = Context(text)
    scores = [f.score for r in rules for f in r.analyze(ctx) if text[f.start : f.end] == span]
    assert scores
    assert low <= max(scores) <= high


def test_rules_have_unique_names_and_come_fresh():
    """place_rules() returns new instances each time, with unique names."""
    first, second = place_rules(), place_rules()
    names = [rule.name for rule in first]
    assert len(names) == len(set(names))
    assert all(a is not b for a, b in zip(first, second, strict=True))


def test_empty_and_plain_text_yield_nothing(rules):
    """A message with no digits at all gives no address finding."""
    assert found(rules, "") == []
    assert found(rules, "thank you all for listening tonight, it helped") == []
