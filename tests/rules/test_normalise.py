"""Normalisation undoes disguises and maps every normalised span back into the original text."""

import pytest

from rules.detection.normalise import normalise

# fmt: off
CASES = [
    # original                                          normalised text contains      maps back to (original)
    ("call five five five, one two one two three four", "555121234",                  "five five five, one two one two three four"),
    ("my number 555 . 867 . 5309 thanks",               "555.867.5309",               "555 . 867 . 5309"),
    ("text 5 5 5 8 6 7 5 3 0 9",                        "5558675309",                 "5 5 5 8 6 7 5 3 0 9"),
    ("double five one two three four five six",         "55123456",                   "double five one two three four five six"),
    ("reach jess dot r at gmail",                       "jess.r@gmail",               "jess dot r at gmail"),
    ("mail jess [at] example dot com ok",               "jess@example.com",           "jess [at] example dot com"),
    ("JESS (AT) EXAMPLE (DOT) ORG",                     "JESS@EXAMPLE.ORG",           "JESS (AT) EXAMPLE (DOT) ORG"),
    ("j\u0435ss@gm\u0430il.com",                        "jess@gmail.com",             "j\u0435ss@gm\u0430il.com"),
    ("ph\u200bone 555\u200b1234567",                    "5551234567",                 "555\u200b1234567"),
    ("\uff4a\uff45\uff53\uff53 full width",             "jess",                       "\uff4a\uff45\uff53\uff53"),
    ("cafe\u0301 owner",                                "caf\u00e9",                  "cafe\u0301"),
]
# fmt: on


@pytest.mark.parametrize(("original", "needle", "source"), CASES)
def test_normalised_span_maps_back_to_what_was_written(original, needle, source):
    """The normalised detail is found and its span maps back exactly to the disguised original."""
    result = normalise(original)
    start = result.text.index(needle)
    assert result.to_original(start, start + len(needle)) == (
        original.index(source),
        original.index(source) + len(source),
    )


# fmt: off
UNCHANGED = [
    "looking at gmail now",          # 'at' a provider name is not an address without a dot
    "I have one two things to say",  # counting, not a phone number
    "day 47 of 90",                  # day counts stay as they are
    "call 555-867-5309 tonight",     # an ordinary number needs no help
    "meet at 5 dot 30",              # no top-level domain
    "plain ascii text, nothing to do",
    "Привет, как дела",              # Cyrillic words are left alone: folding only touches mixed-script words
    "jess@example.com",
    "rock and roll. Look at me",     # a sentence end is not a dot in an address
]
# fmt: on


@pytest.mark.parametrize("text", UNCHANGED)
def test_ordinary_text_is_left_alone(text):
    """Text with nothing disguised comes back unchanged, with an identity map."""
    result = normalise(text)
    assert result.text == text
    assert not result.changed
    assert result.to_original(0, len(text)) == (0, len(text))


def test_every_character_maps_inside_the_original():
    """Each normalised character maps to a non-empty, in-bounds, non-decreasing span of the original."""
    original = "\u202eevil\u202c five five five five one two three j\u0430ne dot doe at mail dot com \ufb01ne"
    result = normalise(original)
    assert len(result.starts) == len(result.ends) == len(result.text)
    previous = 0
    for start, end in zip(result.starts, result.ends, strict=True):
        assert 0 <= start < end <= len(original)
        assert start >= previous
        previous = start


def test_invisible_characters_are_dropped():
    """Zero-width and bidi control characters disappear from the normalised text."""
    assert normalise("a\u200bb\u200dc\u2066d\u2069e\u00adf").text == "abcdef"


def test_empty_span_and_bad_span():
    """An empty span maps to a point; a span outside the text is an error naming it."""
    result = normalise("ab\u200bcd")
    assert result.to_original(2, 2) == (3, 3)
    with pytest.raises(ValueError, match=r"span \(0, 9\)"):
        result.to_original(0, 9)
