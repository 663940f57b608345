"""The AutoMod patterns: within Discord's limits, Rust-compatible, and finding phones and e-mails but not numbers."""

import re

import pytest

from rules.automod import (
    MAX_PATTERN_LENGTH,
    MAX_PATTERNS,
    PATTERNS,
    AutoModPattern,
    classify,
    locate,
    regex_patterns,
)
from rules.detection.findings import Label

# fmt: off
PHONES = [
    "+44 7700 900123", "+1 (555) 123-4567", "+33 6 12 34 56 78", "+49 30 12345678", "+44 (0)20 7946 0958",
    "0044 20 7946 0958", "+91 98765 43210", "+61 4 1234 5678", "+1-555-123-4567",
    "(555) 123-4567", "555-123-4567", "555.123.4567", "1-555-123-4567", "555 123 4567", "(555)123-4567",
    "07700 900123", "07700900123", "07700-900-123", "020 7946 0958", "0113 496 0000", "01632 960123",
]
EMAILS = [
    "sam.jones@example.com", "SAM@EXAMPLE.CO.UK", "a_b+c@mail-host.org", "first.last@sub.example.ac.uk",
    "sam [at] example [dot] com", "sam(at)example.com", "sam [at] example.com",
]
NOT_DETAILS = [
    "day 47", "2 pm", "£12.50", "$1,299.99", "$1,234,567", "€ 9.99", "2024", "in 2023 and 2024", "1999-2024",
    "2023 2024 2025", "10:30", "12/05/2024", "2024-05-12", "05 06 2024", "room 101", "3.14159", "call me at 3",
    "I have 2 cats and 3 dogs", "meeting at 7:30pm on the 12th", "version 1.2.3", "50% off", "100,000 people",
    "my discord id is 123456789012345678", "+1 to that", "+5 points", "page 12 of 300", "from 9 to 5",
    "1 2 3 4 5 6 7 8", "sam at the park", "@everyone", "email@ me", "week 12, day 84 sober",
    "see you at 6.30 on 14.05", "it cost 1,250.00 in 2019",
    # A bare run of ten digits is as likely an order or tracking number: blocking it before anyone reads it costs
    # too much when wrong, so North American numbers need their usual separators here (the engine still flags them).
    "order 5551234567 shipped", "ref 2025550143",
]
# fmt: on


def test_the_rule_fits_automods_limits():
    """There are at most 10 patterns, each at most 260 characters, and every one compiles."""
    assert 0 < len(regex_patterns()) <= MAX_PATTERNS == 10
    assert MAX_PATTERN_LENGTH == 260
    for regex in regex_patterns():
        assert len(regex) <= MAX_PATTERN_LENGTH
        re.compile(regex)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_patterns_use_no_syntax_rust_lacks(pattern):
    """No pattern uses lookarounds, backreferences, named groups or atomic groups (Rust's regex has none)."""
    for token in ("(?=", "(?!", "(?<=", "(?<!", "(?>", "(?P", "\\1", "\\k<"):
        assert token not in pattern.regex


@pytest.mark.parametrize(
    "regex", [r"(?<=\s)\d{7}", r"(\d)\1{6}", r"\d++", "x" * 261], ids=["look", "back", "poss", "long"]
)
def test_a_pattern_automod_would_reject_is_refused(regex):
    """A pattern with lookarounds, backreferences, possessive repeats or over 260 characters raises ValueError."""
    with pytest.raises(ValueError, match="AutoMod pattern"):
        AutoModPattern("bad", Label.PHONE, regex)


@pytest.mark.parametrize("text", PHONES)
def test_phone_numbers_are_matched_and_classified(text):
    """Typical US, UK and international phone numbers are found in a sentence and classified as PHONE."""
    sentence = f"ring me on {text} tonight"
    assert any(re.search(regex, sentence) for regex in regex_patterns())
    assert classify(text) is Label.PHONE
    assert locate(sentence) == ((11, 11 + len(text), Label.PHONE),)


@pytest.mark.parametrize("text", EMAILS)
def test_email_addresses_are_matched_and_classified(text):
    """Plain and spelled-out e-mail addresses are found in a sentence and classified as EMAIL."""
    sentence = f"write to {text} please"
    assert any(re.search(regex, sentence) for regex in regex_patterns())
    assert classify(text) is Label.EMAIL
    assert locate(sentence) == ((9, 9 + len(text), Label.EMAIL),)


@pytest.mark.parametrize("text", NOT_DETAILS)
def test_ordinary_numbers_and_words_are_not_matched(text):
    """Days, times, prices, years, dates, versions and ids are not matched by any pattern."""
    assert not any(re.search(regex, text) for regex in regex_patterns())
    assert classify(text) is None
    assert locate(text) == ()


def test_locate_finds_every_detail_and_the_reported_match():
    """Every detail in the text is located, and the part AutoMod reported is located wherever it occurs."""
    text = "call 07700 900123 or mail sam@example.com"
    assert locate(text, "07700 900123") == ((5, 17, Label.PHONE), (26, 41, Label.EMAIL))
    # A match the Python patterns do not find themselves (Discord's engine differs) is masked by its look.
    odd = "mine is ０７７００ ９００１２３ ok"
    assert locate(odd, "０７７００ ９００１２３") == ((8, 20, Label.PHONE),)
    assert locate("nothing here", "not in it") == ()
