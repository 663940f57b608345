"""Long texts are split to fit Discord's limits without losing or reordering a word."""

import pytest

from bot.formatting import EMBED_DESCRIPTION_LIMIT, EMBEDS_PER_MESSAGE, EMBEDS_TOTAL_LIMIT, split_text, text_embeds
from rules.agreement import default_agreement


def test_short_text_is_one_piece():
    """Text under the limit comes back whole."""
    assert split_text("hello there", 100) == ["hello there"]


def test_split_prefers_paragraph_breaks():
    """A split falls between paragraphs when one fits."""
    text = "first paragraph here\n\nsecond paragraph here"
    assert split_text(text, 30) == ["first paragraph here", "second paragraph here"]


def test_split_falls_back_to_words_then_hard_cuts():
    """Without line breaks the split is at a space; a word longer than the limit is cut."""
    assert split_text("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    assert split_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]


@pytest.mark.parametrize("limit", [50, 200, 1000])
def test_split_keeps_every_word_in_order(limit):
    """Joining the pieces gives back every word of the agreement, in order, and no piece exceeds the limit."""
    text = default_agreement().text
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_split_rejects_a_nonsense_limit():
    """A limit below one is a programming error, named in the exception."""
    with pytest.raises(ValueError, match="limit must be positive"):
        split_text("abc", 0)


def test_long_text_spreads_over_messages_within_limits():
    """A text needing many embeds is grouped into messages within Discord's per-message limits."""
    text = "\n\n".join(f"paragraph {i} " + "word " * 700 for i in range(30))
    messages = text_embeds("Title", text)
    assert len(messages) > 1
    for embeds in messages:
        assert len(embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(e.description or "") + len(e.title or "") for e in embeds) <= EMBEDS_TOTAL_LIMIT
        assert all(len(e.description or "") <= EMBED_DESCRIPTION_LIMIT for e in embeds)
    assert messages[0][0].title == "Title"
    assert all(e.title is None for batch in messages for e in batch[1:])
