"""Normalisation: undo the ways people (and phones) disguise identifying details, keeping a map to the original.

Recognizers run on the normalised text; every finding is mapped back through `Normalised.to_original`, so offsets
reported to the bot always point into what the member actually wrote. The passes, in order:

1. characters: NFKC per grapheme cluster, invisible format characters (zero-width, bidi controls, soft hyphen)
   dropped, and look-alike letters from other scripts folded to Latin inside words that also use Latin letters;
2. digits: spelled-out digits ("five five five") written as digits, and digit groups split by spaced separators
   ("555 . 867 . 5309", "5 5 5 8 6 7 5 3 0 9") joined — only in runs long enough to be a phone number;
3. e-mail addresses spelled out ("jess dot r at gmail", "jess [at] mail dot com") written as addresses.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Normalised", "normalise"]

# Invisible characters used to break up words: zero-width space/joiners, word joiner, BOM, soft hyphen, bidi controls.
_INVISIBLE = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# A run must hold at least this many digits before spaced digits are joined: the shortest local phone numbers.
MIN_PHONE_DIGITS = 7

_DIGIT_WORDS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_REPEAT_WORDS = {"double": 2, "triple": 3}

# Mail providers people name without a top-level domain ("jess dot r at gmail").
_MAIL_PROVIDERS = frozenset(
    (
        *("gmail", "googlemail", "hotmail", "outlook", "yahoo", "ymail", "icloud", "aol"),
        *("protonmail", "proton", "gmx", "msn", "btinternet", "virginmedia", "comcast"),
    )
)

Replacement = tuple[int, int, str]  # (start, end, new text) in the input of a pass


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised text, and for each of its characters the span of the original it came from."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span `[start, end)` of the normalised text to the span of the original text it came from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) is outside the normalised text of length {len(self.text)}")
        if start == end:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    @property
    def changed(self) -> bool:
        """Whether normalisation changed anything."""
        return self.text != self.original


def normalise(text: str) -> Normalised:
    """Run every pass over `text` and return the result with its offset map."""
    current = Normalised(text, text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    for find in (_character_replacements, _digit_replacements, _email_replacements):
        current = _apply(current, find(current.text))
    return current


def _apply(previous: Normalised, replacements: Iterable[Replacement]) -> Normalised:
    """Apply non-overlapping, sorted replacements to `previous.text`, composing the offset map."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    text = previous.text
    for start, end, new in replacements:
        out.append(text[pos:start])
        starts.extend(previous.starts[pos:start])
        ends.extend(previous.ends[pos:start])
        if new:
            out.append(new)
            starts.extend([previous.starts[start]] * len(new))
            ends.extend([previous.ends[end - 1]] * len(new))
        pos = end
    if pos == 0 and not out:
        return previous
    out.append(text[pos:])
    starts.extend(previous.starts[pos:])
    ends.extend(previous.ends[pos:])
    return Normalised(previous.original, "".join(out), tuple(starts), tuple(ends))


# --- pass 1: characters -------------------------------------------------------------------------------------------


@cache
def _confusables() -> dict[str, str]:
    data = json.loads(resources.files(__package__).joinpath("data/confusables.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


_CLUSTER = re.compile(r".[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*", re.DOTALL)
_WORD = re.compile(r"\w+")


def _character_replacements(text: str) -> Iterator[Replacement]:
    if text.isascii():
        return
    confusables = _confusables()
    fold_ranges = [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if any(c.isascii() and c.isalnum() for c in m.group()) and any(c in confusables for c in m.group())
    ]
    fold_at = {i for start, end in fold_ranges for i in range(start, end)}
    for match in _CLUSTER.finditer(text):
        cluster = match.group()
        if cluster in _INVISIBLE:
            yield match.start(), match.end(), ""
            continue
        new = unicodedata.normalize("NFKC", cluster)
        if match.start() in fold_at:
            new = "".join(confusables.get(c, c) for c in new)
        if new != cluster:
            yield match.start(), match.end(), new


# --- pass 2: digits -----------------------------------------------------------------------------------------------

_DIGIT_TOKEN = re.compile(
    r"\d+|\b(?:" + "|".join(list(_DIGIT_WORDS) + list(_REPEAT_WORDS)) + r")\b",
    re.IGNORECASE,
)
# What may sit between two digit tokens of one run: spaces and at most one of . - , /
_RUN_GAP = re.compile(r"[ \t]*[.,\-/]?[ \t]*")


def _digit_runs(text: str) -> Iterator[list[re.Match[str]]]:
    """Yield maximal runs of digit tokens separated only by small gaps."""
    run: list[re.Match[str]] = []
    for match in _DIGIT_TOKEN.finditer(text):
        if run and not _RUN_GAP.fullmatch(text, run[-1].end(), match.start()):
            yield run
            run = []
        run.append(match)
    if run:
        yield run


def _digits_of(run: list[re.Match[str]]) -> int:
    total = 0
    repeat = 1
    for token in run:
        word = token.group().lower()
        if word in _REPEAT_WORDS:
            repeat = _REPEAT_WORDS[word]
            continue
        total += len(token.group()) if word.isdigit() else repeat
        repeat = 1
    return total


def _digit_replacements(text: str) -> Iterator[Replacement]:
    for run in _digit_runs(text):
        if len(run) < 2 or _digits_of(run) < MIN_PHONE_DIGITS:
            continue
        spelled = any(not t.group().isdigit() for t in run)
        plain_gaps = all(text[a.end() : b.start()] in ("", " ", "-", ".", "/") for a, b in _pairs(run))
        single_digits = all(len(t.group()) == 1 for t in run)
        # Plain "555 867 5309" or "555-867-5309" needs no help; single digits spaced apart do.
        if spelled or not plain_gaps or single_digits:
            yield from _rewrite_run(text, run)


def _pairs(run: list[re.Match[str]]) -> Iterator[tuple[re.Match[str], re.Match[str]]]:
    return zip(run, run[1:], strict=False)


def _rewrite_run(text: str, run: list[re.Match[str]]) -> Iterator[Replacement]:
    repeat, repeat_start = 1, None
    for index, token in enumerate(run):
        word = token.group().lower()
        if word in _REPEAT_WORDS:
            # "double five" becomes "55", mapped to both words; the gap between them is part of it.
            repeat, repeat_start = _REPEAT_WORDS[word], token.start()
            continue
        if not word.isdigit():
            yield (token.start() if repeat_start is None else repeat_start), token.end(), _DIGIT_WORDS[word] * repeat
        repeat, repeat_start = 1, None
        if index + 1 < len(run):
            gap_start, gap_end = token.end(), run[index + 1].start()
            gap = text[gap_start:gap_end]
            separator = gap.strip(" \t")
            # Keep a real separator (555.867) but drop the spaces around it; drop bare spaces between spelled digits.
            if separator in (".", "-", "/"):
                if gap != separator:
                    yield gap_start, gap_end, separator
            elif gap:
                yield gap_start, gap_end, ""


# --- pass 3: spelled-out e-mail addresses -------------------------------------------------------------------------

# A spelled dot ("dot", "[dot]") may have spaces around it; a real "." may not, or every sentence end would be one.
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+|\.)"
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+|\s*@\s*)"
_LABEL = r"[A-Za-z0-9_%+\-]+"
_SPELLED_EMAIL = re.compile(
    rf"(?P<local>{_LABEL}(?:{_DOT}{_LABEL})*){_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})*)",
    re.IGNORECASE,
)
_DOT_ONLY = re.compile(_DOT, re.IGNORECASE)
_MAYBE_AT = re.compile(r"@|\bat\b", re.IGNORECASE)
# Every address has a dot somewhere: a written one between two characters of a name, or a spelled "dot".
_MAYBE_DOT = re.compile(r"[A-Za-z0-9_%+\-]\.[A-Za-z0-9_%+\-]|\bdot\b", re.IGNORECASE)
_AT_ONLY = re.compile(_AT, re.IGNORECASE)


def _email_replacements(text: str) -> Iterator[Replacement]:
    if not (_MAYBE_AT.search(text) and _MAYBE_DOT.search(text)):
        return  # the common case, cheaply: no "@" or spelled "at", or no dot to go with it
    pos = 0
    while (match := _SPELLED_EMAIL.search(text, pos)) is not None:
        if _is_spelled_email(match):
            yield from _compact(text, match)
            pos = match.end()
        else:
            pos = match.start() + 1


def _is_spelled_email(match: re.Match[str]) -> bool:
    whole = match.group()
    if re.fullmatch(r"[^\s@]+@[^\s@]+", whole):
        return False  # an ordinary address: nothing to undo
    domain_labels = [label for label in _DOT_ONLY.split(match["domain"]) if label]
    tld = domain_labels[-1] if len(domain_labels) > 1 else ""
    has_tld = bool(re.fullmatch(r"[A-Za-z]{2,24}", tld))
    local_dotted = _DOT_ONLY.search(match["local"]) is not None
    known_provider = domain_labels[0].lower() in _MAIL_PROVIDERS
    # "looking at gmail" is not an address; "jess dot r at gmail" and "jess at gmail dot com" are.
    return (has_tld and (known_provider or local_dotted or "dot" in whole.lower() or "@" in whole)) or (
        known_provider and local_dotted
    )


def _compact(text: str, match: re.Match[str]) -> Iterator[Replacement]:
    """Rewrite the separators inside a spelled address: spelled dots to '.', the spelled at to '@'."""
    found = [
        (dot.start(), dot.end(), ".")
        for part in ("local", "domain")
        for dot in _DOT_ONLY.finditer(text, match.start(part), match.end(part))
    ]
    at = _AT_ONLY.match(text, match.end("local"))
    if at is not None:
        found.append((at.start(), at.end(), "@"))
    for start, end, new in sorted(found):
        if text[start:end] != new:
            yield start, end, new
