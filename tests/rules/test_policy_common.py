"""Protected terms: a single everyday word is refused on its own; names and several words are not."""

import pytest

from rules.detection.policy import too_common_alone


@pytest.mark.parametrize("term", ["meeting", "Hope", "the", "CHURCH"])
def test_single_everyday_words_are_too_common(term: str) -> None:
    assert too_common_alone(term)


@pytest.mark.parametrize("term", ["Quillfeather", "Hope Quillfeather", "St Mary's Hospital", "Kirkstall", "jess"])
def test_names_and_longer_terms_are_fine(term: str) -> None:
    assert not too_common_alone(term)
