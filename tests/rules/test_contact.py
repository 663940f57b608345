"""The contact rules find e-mail addresses, phone numbers, links, handles and IP addresses — and not their look-alikes."""

import pytest

from rules.detection.findings import Label, Subject
from rules.detection.normalise import normalise
from rules.detection.recognizer import Context, Recognizer
from rules.detection.recognizers.contact import (
    EmailAddress,
    IpAddress,
    PhoneNumberRule,
    SocialHandle,
    WebLink,
    contact_rules,
)
from rules.detection.registry import RuleRegistry


def found(rule: Recognizer, text: str, **context) -> list[str]:
    """The details `rule` reports in `text`, as the substrings they cover, in text order."""
    findings = sorted(rule.analyze(Context(text, **context)), key=lambda f: f.start)
    return [text[f.start : f.end] for f in findings]


def only(rule: Recognizer, text: str, **context):
    """The one finding `rule` reports in `text`."""
    findings = list(rule.analyze(Context(text, **context)))
    assert len(findings) == 1, [text[f.start : f.end] for f in findings]
    return findings[0]


@pytest.fixture(scope="module")
def email():
    return EmailAddress()


@pytest.fixture(scope="module")
def phone():
    return PhoneNumberRule()


@pytest.fixture(scope="module")
def url():
    return WebLink()


@pytest.fixture(scope="module")
def handle():
    return SocialHandle()


@pytest.fixture(scope="module")
def ip():
    return IpAddress()


# --- EMAIL --------------------------------------------------------------------------------------------------------

# fmt: off
EMAIL_CASES = [
    # text                                                  expected spans
    ("email me at jess.r@example.com tonight",               ["jess.r@example.com"]),
    ("it's jess+group@mail.example.co.uk",                   ["jess+group@mail.example.co.uk"]),
    ("JESS_R99@Hotmail.COM",                                 ["JESS_R99@Hotmail.COM"]),
    ("reach me on jess.r@gmail.",                            ["jess.r@gmail"]),
    ("two: a@example.org, b.c@example.net",                  ["a@example.org", "b.c@example.net"]),
    ("my uni one is j.smith@student.uni.ac.uk",              ["j.smith@student.uni.ac.uk"]),
    ("x.y@sky is my old one",                                ["x.y@sky"]),
    # traps
    ("<@123456789012345678> thanks",                         []),
    ("@everyone meeting moved",                              []),
    ("looking@gmail for it",                                 ["looking@gmail"]),  # a real address shape: kept
    ("ping me@work later",                                   []),
    ("so rock and roll.Look@me",                             []),                 # the normaliser's over-reach
    ("follow @jess@mastodon.social",                         []),                 # a fediverse handle
    ("version 1.2.3 at home",                                []),
    ("user@localhost",                                       []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_email_spans(email, text, expected):
    """The e-mail rule reports exactly the expected addresses."""
    assert found(email, text) == expected


def test_spelled_out_address_is_found_after_normalisation(email):
    """An address spelled out as "jess dot r at gmail" is found once the normaliser has rewritten it."""
    norm = normalise("you can reach jess dot r at gmail")
    finding = only(email, norm.text)
    assert norm.to_original(finding.start, finding.end) == (14, 33)


def test_email_scores_known_domains_highest(email):
    """A full address outscores a provider-only one, which outscores an unusual top-level domain."""
    full = only(email, "jess@example.com").score
    provider = only(email, "jess.r@gmail").score
    unusual = only(email, "jess@example.qqq").score
    assert full >= 0.9 > provider >= 0.8 > unusual


# --- PHONE --------------------------------------------------------------------------------------------------------

# fmt: off
PHONE_CASES = [
    # text                                                  expected spans
    ("call me on 415-555-2671 tonight",                      ["415-555-2671"]),
    ("my number is (212) 555-0143",                          ["(212) 555-0143"]),
    ("text 415.555.2671 whenever",                           ["415.555.2671"]),
    ("my number is 07911 123456",                            ["07911 123456"]),
    ("ring me on 020 7946 0958",                             ["020 7946 0958"]),
    ("text me on +44 7911 123456",                           ["+44 7911 123456"]),
    ("whatsapp +91 98765 43210",                             ["+91 98765 43210"]),
    ("she's on +33 6 12 34 56 78 now",                       ["+33 6 12 34 56 78"]),
    ("ring me 0412 345 678",                                 ["0412 345 678"]),
    ("reach me at (02) 9876 5432 in sydney",                 ["(02) 9876 5432"]),
    ("my cell 021 555 1234",                                 ["021 555 1234"]),
    ("call me at 867-5309",                                  ["867-5309"]),
    ("from the US dial 011 44 7911 123456",                  ["011 44 7911 123456"]),
    ("the crisis line didn't help so call me at 415-555-2671", ["415-555-2671"]),
    ("my emergency contact is 415-555-2671",                 ["415-555-2671"]),
    ("my case worker is 415-555-2671",                       ["415-555-2671"]),
    ("07911 123456 is my cell",                              ["07911 123456"]),
    ("numbers: 415-555-2671 and 020 7946 0958",              ["415-555-2671", "020 7946 0958"]),
    # traps: helplines and short codes
    ("called 988 last night",                                []),
    ("call 988 or text HOME to 741741",                      []),
    ("the old lifeline number was 1-800-273-8255",           []),
    ("ring 1-800-273-8255 if you need to",                   []),
    ("SAMHSA 1-800-662-4357 is free",                        []),
    ("call 1-800-662-HELP",                                  []),
    ("Samaritans are on 116 123 any time",                   []),
    ("childline is 0800 1111",                               []),
    ("Lifeline is 13 11 14",                                 []),
    ("Kids helpline 1800 55 1800",                           []),
    ("iCall 9152987821 helped me",                           []),
    ("999 or 111 or 112",                                    []),
    # traps: numbers that are something else
    ("I've been sober 365 days",                             []),
    ("sober 1000000 days and counting",                      []),
    ("took 20mg of sertraline",                              []),
    ("it cost $1,200",                                       []),
    ("it cost $1200000 lol",                                 []),
    ("I paid £3000000",                                      []),
    ("meet at 5:30",                                         []),
    ("on 12/03/2024 I relapsed",                             []),
    ("on 12.03.2024 I relapsed",                             []),
    ("2024-03-12 08:00",                                     []),
    ("day 47",                                               []),
    ("day 4567890",                                          []),
    ("sober since 2019 2020 was hard",                       []),
    ("between 2019-2023 I drank",                            []),
    ("my order number is 4029381755",                        []),
    ("my order number is 40293817",                          []),
    ("ticket #5551234567",                                   []),
    ("version 10.2.3456789",                                 []),
    ("the file is series-3937647.jpg",                       []),
    ("card 4111 1111 1111 1111",                             []),
    ("pay GB82 WEST 1234 5698 7654 32 please",               []),
    ("my ssn is 536-22-8726",                                []),
    ("my social is 536228726",                               []),
    ("case number 4155552671",                               []),
    ("nhs number 684 171 8615",                              []),
    ("see http://plixi.com/p/4564894612",                    []),
    ("server 192.168.1.1",                                   []),
    ("4839201",                                              []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), PHONE_CASES)
def test_phone_spans(phone, text, expected):
    """The phone rule reports exactly the expected numbers."""
    assert found(phone, text) == expected


# fmt: off
PHONE_SCORES = [
    # text                                   at least  at most
    ("call me on 415-555-2671",              0.85,     0.9),    # valid, with a cue
    ("415-555-2671",                         0.65,     0.75),   # valid, no cue
    ("+44 7911 123456",                      0.7,      0.8),    # valid, international form
    ("it's 555-867-5309",                    0.25,     0.35),   # possible, not valid anywhere it is possible
    ("call 1-800-555-0199 for the clinic",   0.15,     0.25),   # toll-free: a business line
    ("call me at 867-5309",                  0.5,      0.6),    # possible, with a cue
]
# fmt: on


@pytest.mark.parametrize(("text", "low", "high"), PHONE_SCORES)
def test_phone_scores_by_validity_and_cue(phone, text, low, high):
    """A phone number's score reflects its validity and whether a cue word is near."""
    assert low <= only(phone, text).score <= high


def test_service_numbers_are_not_direct(phone):
    """A toll-free number is reported but is not a direct identifier; a personal number is."""
    assert only(phone, "call 1-800-555-0199").direct is False
    assert only(phone, "call 415-555-2671").direct is True


def test_phone_regions_decide_validity(phone):
    """A US number is valid with the US among the regions and only possible without it; +CC works anywhere."""
    assert only(phone, "415-555-2671", regions=("US",)).score > only(phone, "415-555-2671", regions=("GB",)).score
    assert found(phone, "ring +1 415 555 2671", regions=("GB",)) == ["+1 415 555 2671"]


def test_spelled_out_digits_are_found_after_normalisation(phone):
    """Digits written as words arrive as digits and are reported as a phone number."""
    norm = normalise("text me four one five five five five two six seven one")
    assert found(phone, norm.text) == ["4155552671"]


# --- URL ----------------------------------------------------------------------------------------------------------

# fmt: off
URL_CASES = [
    # text                                                  expected spans
    ("see https://news.example.org/a/b?c=1 for it",          ["https://news.example.org/a/b?c=1"]),
    ("check (https://example.org/wiki/Foo_(bar)) ok",        ["https://example.org/wiki/Foo_(bar)"]),
    ("<https://example.com/x>",                              ["https://example.com/x"]),
    ("go to www.example.org/page.",                          ["www.example.org/page"]),
    ("bbc.co.uk/news is good, so is nytimes.com.",           ["bbc.co.uk/news", "nytimes.com"]),
    ("my page is about.me/jess",                             ["about.me/jess"]),
    ("instagram.com/jess_r",                                 ["instagram.com/jess_r"]),
    ("https://facebook.com/jess.smith.99",                   ["https://facebook.com/jess.smith.99"]),
    ("jess.tumblr.com",                                      ["jess.tumblr.com"]),
    # traps
    ("e.g. this, i.e. that, etc.",                           []),
    ("version 1.2.3 and v1.2.3.4",                           []),
    ("see notes.txt and script.py and readme.md",            []),
    ("I relapsed.my sponsor was there.im tired.so tired",    []),
    ("<@123456789012345678> <#123456789012345678>",          []),
    ("<:blobhug:123456789012345678> <a:dance:1234567890>",   []),
    ("email jess@example.com",                               []),      # the e-mail's domain is not a link
    ("jess.r@gmail.com",                                     []),
    ("r/stopdrinking helped",                                []),
    ("Mr.Smith at 5.30",                                     []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), URL_CASES)
def test_url_spans(url, text, expected):
    """The URL rule reports exactly the expected links."""
    assert found(url, text) == expected


# fmt: off
PROFILE_LINKS = [
    # link                                                   a profile
    ("https://www.instagram.com/jess_r/",                    True),
    ("https://www.facebook.com/profile.php?id=100012345678", True),
    ("twitter.com/jess",                                     True),
    ("x.com/jess",                                           True),
    ("https://twitter.com/jess/status/123",                  True),    # a tweet names its author
    ("tiktok.com/@sober.jess",                               True),
    ("linkedin.com/in/jess-smith",                           True),
    ("reddit.com/u/soberjess",                               True),
    ("https://www.reddit.com/user/soberjess",                True),
    ("youtube.com/@soberjess",                               True),
    ("https://wa.me/447911123456",                           True),
    ("https://www.facebook.com/groups/12345",                False),
    ("https://www.instagram.com/p/ABC123/",                  False),
    ("https://www.reddit.com/r/stopdrinking/comments/abc/",  False),
    ("www.youtube.com/watch?v=abc",                          False),
    ("https://twitter.com/search?q=sober",                   False),
    ("www.tumblr.com",                                       False),
    ("https://www.bbc.co.uk/news/health-123",                False),
]
# fmt: on


@pytest.mark.parametrize(("link", "profile"), PROFILE_LINKS)
def test_profile_links_are_direct_and_others_are_not(url, link, profile):
    """A profile link is a direct identifier with a high score; any other link is indirect and moderate."""
    finding = only(url, f"look at {link} ok")
    assert finding.direct is profile
    assert (finding.score >= 0.8) is profile
    assert finding.score >= 0.4


# --- HANDLE -------------------------------------------------------------------------------------------------------

# fmt: off
HANDLE_CASES = [
    # text                                                  expected spans
    ("follow me @sober_jess",                                ["@sober_jess"]),
    ("tiktok @sober.jess",                                   ["@sober.jess"]),
    ("twitter: @jess",                                       ["@jess"]),
    ("insta: jess_r92",                                      ["jess_r92"]),
    ("ig: jess.r",                                           ["jess.r"]),
    ("my snap is jess_r92",                                  ["jess_r92"]),
    ("my snap is jessr",                                     ["jessr"]),
    ("snapchat jess_r92",                                    ["jess_r92"]),
    ("add me on discord jess.r",                             ["jess.r"]),
    ("add me on snap: jess-r",                               ["jess-r"]),
    ("my discord username is jess.r",                        ["jess.r"]),
    ("my handle is soberjess",                               ["soberjess"]),
    ("username: soberjess",                                  ["soberjess"]),
    ("add me jess#1234",                                     ["jess#1234"]),
    ("u/soberjess and /u/throwaway_123",                     ["u/soberjess", "/u/throwaway_123"]),
    ("@jess@mastodon.social",                                ["@jess@mastodon.social"]),
    ("hey @jess, how are you",                               ["@jess"]),
    # traps
    ("<@123456789012345678> thanks",                         []),
    ("<@!123456789012345678> and <@&123456789012345678>",    []),
    ("@everyone @here",                                      []),
    ("jess@example.com",                                     []),
    ("r/stopdrinking is great",                              []),
    ("meet @5pm or @ 5pm or @5:30",                          []),
    ("I'm @home now",                                        []),
    ("insta is private",                                     []),
    ("my snap is broken",                                    []),
    ("add me on discord tomorrow",                           []),
    ("snapchat yesterday was weird",                         []),
    ("my facebook ad. see",                                  []),
    ("the username is case-sensitive",                       []),
    ("our discord is amazing",                               []),
    ("via @youtube",                                         []),
    ("reddit.com/u/soberjess",                               []),    # a link: the URL rule's
    ("medium.com/@jess",                                     []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), HANDLE_CASES)
def test_handle_spans(handle, text, expected):
    """The handle rule reports exactly the expected handles, without the words that introduce them."""
    assert found(handle, text) == expected


def test_handle_scores_follow_the_evidence(handle):
    """A handle after a platform word outscores a bare "@name", and a plain word after "is" scores lowest."""
    cued = only(handle, "insta @jess_r").score
    bare = only(handle, "hey @jess_r").score
    plain = only(handle, "my snap is jessr").score
    shaped = only(handle, "my snap is jess_r").score
    assert cued > bare and shaped > plain
    assert plain <= 0.5


# --- IP -----------------------------------------------------------------------------------------------------------

# fmt: off
IP_CASES = [
    # text                                                  expected spans
    ("my ip is 93.184.216.34",                               ["93.184.216.34"]),
    ("from 93.184.216.34.",                                  ["93.184.216.34"]),
    ("router at 192.168.1.1 and 10.0.0.1",                   ["192.168.1.1", "10.0.0.1"]),
    ("v6 2a00:1450:4009:81e::200e here",                     ["2a00:1450:4009:81e::200e"]),
    ("loopback ::1 and fe80::1",                             ["::1", "fe80::1"]),
    # traps
    ("version 1.2.3",                                        []),
    ("1.2.3.4.5",                                            []),
    ("version 1.2.3.4",                                      []),
    ("999.1.1.1",                                            []),
    ("meet at 12:30:45",                                     []),
    ("std::vector and a::b",                                 []),
    ("<:blobhug:123456789012345678>",                        []),
    ("on 12.03.2024",                                        []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), IP_CASES)
def test_ip_spans(ip, text, expected):
    """The IP rule reports exactly the expected addresses."""
    assert found(ip, text) == expected


def test_private_and_public_resolver_addresses_score_low(ip):
    """A public address scores high; private, loopback and public-DNS addresses score low."""
    assert only(ip, "93.184.216.34").score >= 0.8
    for text in ("192.168.1.1", "127.0.0.1", "8.8.8.8", "::1"):
        assert only(ip, text).score <= 0.3


# --- all contact rules --------------------------------------------------------------------------------------------

# One hit per rule, for properties every finding must have.
# fmt: off
HITS = [
    (EmailAddress,    "email me at jess.r@example.com tonight"),
    (EmailAddress,    "reach me on jess.r@gmail"),
    (PhoneNumberRule, "call me on 415-555-2671 tonight"),
    (PhoneNumberRule, "text me on +44 7911 123456"),
    (WebLink,         "see https://news.example.org/a/b"),
    (WebLink,         "instagram.com/jess_r"),
    (SocialHandle,    "insta: jess_r92"),
    (SocialHandle,    "follow me @sober_jess"),
    (SocialHandle,    "u/soberjess"),
    (IpAddress,       "my ip is 93.184.216.34"),
]
# fmt: on


@pytest.mark.parametrize(("rule_class", "text"), HITS)
def test_findings_explain_without_the_detail(rule_class, text):
    """Every finding carries the rule id, an explanation free of the matched text, and no subject of its own."""
    rule = rule_class()
    finding = only(rule, text)
    assert finding.rule == rule.rule_id
    assert finding.explanation
    assert text[finding.start : finding.end] not in finding.explanation
    assert finding.subject is Subject.UNKNOWN
    assert finding.label in rule.labels


@pytest.mark.parametrize(
    ("rule_class", "text"),
    [
        (EmailAddress, "jess@example.com"),
        (PhoneNumberRule, "call 415-555-2671"),
        (SocialHandle, "insta: jess_r"),
        (IpAddress, "93.184.216.34"),
    ],
)
def test_direct_identifiers_are_marked_direct(rule_class, text):
    """E-mail, phone, handle and IP findings are direct identifiers."""
    assert only(rule_class(), text).direct is True


def test_contact_rules_register_fresh_instances():
    """contact_rules() returns new rule instances, one per label, that a registry accepts."""
    first, second = contact_rules(), contact_rules()
    assert all(a is not b for a, b in zip(first, second, strict=True))
    registry = RuleRegistry(first)
    assert len(registry) == 5
    assert {label for rule in first for label in rule.labels} == {
        Label.EMAIL,
        Label.PHONE,
        Label.URL,
        Label.HANDLE,
        Label.IP,
    }
