"""A guild's own words: terms that are fine, terms that always flag, and members' protected terms (hashed).

The allowlist holds terms that are fine here (the group's name); the denylist, terms that must always flag (the
meeting venue); protected terms are what members registered to protect their identity, known only as salted hashes.

Protected terms are checked by hashing every 1–4 word n-gram of the normalised message with the guild's salt and
looking each hash up in a set: a few dozen keyed BLAKE2b digests per message, whatever the number of terms.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from rules.detection.findings import Label

__all__ = [
    "MAX_TERM_WORDS",
    "NO_POLICY",
    "GuildPolicy",
    "ProtectedHit",
    "ProtectedTerms",
    "term_key",
    "too_common_alone",
]

# Longest protected term, in words ("Saint Mary's Hospital Leeds").
MAX_TERM_WORDS = 4
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")


def term_key(text: str) -> str:
    """The form in which terms are compared: NFKC, case-folded, words joined by single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


def too_common_alone(term: str) -> bool:
    """Whether `term` is one everyday word ("meeting", "hope"), which protected on its own would flag half the chat."""
    from rules.detection.recognizers.entities import FUNCTION_WORDS, load_word_list  # noqa: PLC0415 - no cycle

    words = term_key(term).split()
    if len(words) != 1:
        return False
    return words[0] in FUNCTION_WORDS or words[0] in load_word_list("common_words.txt")


def _ngrams(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, key) for every run of 1..MAX_TERM_WORDS words in `text`."""
    words = list(_WORD.finditer(text))
    keys = [unicodedata.normalize("NFKC", w.group()).casefold() for w in words]  # per word: offsets stay put
    for i in range(len(words)):
        for j in range(i, min(i + MAX_TERM_WORDS, len(words))):
            yield words[i].start(), words[j].end(), " ".join(keys[i : j + 1])


@dataclass(frozen=True, slots=True)
class ProtectedHit:
    """A protected term found in a message: where, what kind, and whose (never what the term is)."""

    start: int
    end: int
    label: Label
    owners: frozenset[int]  # every member who protected this text


@dataclass(frozen=True, slots=True)
class ProtectedTerms:
    """Members' protected terms of one guild, as keyed hashes; the terms themselves are never held."""

    salt: bytes
    # digest -> (owner or owners, label): two members may protect the same text (a shared workplace).
    entries: Mapping[bytes, tuple[int | frozenset[int], Label]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.salt) < 16:
            raise ValueError("ProtectedTerms salt must be at least 16 random bytes")
        normalised = {
            digest: (frozenset({owners}) if isinstance(owners, int) else frozenset(owners), label)
            for digest, (owners, label) in self.entries.items()
        }
        object.__setattr__(self, "entries", normalised)

    def digest(self, term: str) -> bytes:
        """The salted hash under which `term` is stored (computed from its normalised form)."""
        key = term_key(term)
        if not key:
            raise ValueError("a protected term needs at least one letter or digit")
        if len(key.split()) > MAX_TERM_WORDS:
            raise ValueError(f"a protected term has at most {MAX_TERM_WORDS} words")
        return hashlib.blake2b(key.encode("utf-8"), key=self.salt[:64], digest_size=16).digest()

    def find(self, text: str) -> list[ProtectedHit]:
        """Return every protected term in `text` (offsets into `text`)."""
        if not self.entries:
            return []
        hits = []
        for start, end, key in _ngrams(text):
            digest = hashlib.blake2b(key.encode("utf-8"), key=self.salt[:64], digest_size=16).digest()
            entry = self.entries.get(digest)
            if entry is not None:
                hits.append(ProtectedHit(start, end, entry[1], entry[0]))  # type: ignore[arg-type] - normalised
        return hits


@dataclass(frozen=True, slots=True)
class GuildPolicy:
    """What one guild has taught the engine. Terms are compared by `term_key`."""

    allow: frozenset[str] = frozenset()
    deny: Mapping[str, Label] = field(default_factory=dict)
    protected: ProtectedTerms | None = None

    @classmethod
    def build(
        cls,
        allow: Iterable[str] = (),
        deny: Mapping[str, Label] | None = None,
        protected: ProtectedTerms | None = None,
    ) -> GuildPolicy:
        """Build a policy from raw terms, normalising them."""
        return cls(
            allow=frozenset(k for k in map(term_key, allow) if k),
            deny={term_key(term): label for term, label in (deny or {}).items() if term_key(term)},
            protected=protected,
        )

    def allows(self, detail: str) -> bool:
        """Whether the guild said this detail is fine."""
        return bool(self.allow) and term_key(detail) in self.allow

    def denied(self, text: str) -> Iterator[tuple[int, int, Label]]:
        """Yield (start, end, label) of every denylisted term in `text`."""
        if not self.deny:
            return
        for start, end, key in _ngrams(text):
            label = self.deny.get(key)
            if label is not None:
                yield start, end, label


NO_POLICY = GuildPolicy()
