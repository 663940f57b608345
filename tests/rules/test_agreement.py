"""The default agreement ships as Markdown with a short summary, and reads well in chat."""

from rules.agreement import default_agreement, unwrap


def test_default_agreement_covers_the_practice():
    """The default text covers what stays in the group, copies, identifying, reporting and breaches."""
    text = default_agreement().text.lower()
    for topic in ("stays here", "screenshots", "identify", "/report", "breach", "after you leave"):
        assert topic in text, topic


def test_summary_is_short_and_points_to_reporting():
    """The summary fits one embed comfortably and tells members how to report."""
    summary = default_agreement().summary
    assert len(summary) < 1000
    assert "/report" in summary


def test_body_drops_the_title_and_joins_wrapped_lines():
    """The body has no title heading, and each paragraph and list item is one line."""
    agreement = default_agreement()
    assert agreement.title == "Our confidentiality agreement"
    body = agreement.body
    assert not body.startswith("# ")
    assert "partners, other groups or online" in body
    assert body.split() == agreement.text.split()[4:]  # same words, minus "# Our confidentiality agreement"


def test_unwrap_keeps_blocks_apart():
    """Headings, list items and blank lines stay on their own lines; continuation lines join their block."""
    text = "## Title\nfirst line\ncontinues here\n\n- item one\n  goes on\n- item two\n1. numbered\n"
    assert unwrap(text) == "## Title\nfirst line continues here\n\n- item one goes on\n- item two\n1. numbered"


def test_sha256_is_of_the_exact_text():
    """The hash recorded for consent is the SHA-256 of the exact text."""
    import hashlib

    agreement = default_agreement()
    assert agreement.sha256 == hashlib.sha256(agreement.text.encode()).hexdigest()
