"""Street addresses, PO boxes and postcodes: the ADDRESS label, a direct identifier.

Rules, each a small class:

- `street_address`: US, Canadian, UK, Australian and New Zealand street lines ("42 Oak Street", "12B Elm Rd",
  "1600 Pennsylvania Ave NW", "unit 5/12 George St, Sydney NSW 2000");
- `po_box`: "PO Box 123", "GPO Box 55";
- `apartment_number`: a flat or apartment number on its own ("apt 4B", "Flat 3");
- `us_zip`: a ZIP code after a state ("IL 62704", "Texas 75001"), checked against the state's ZIP prefixes;
- `au_postcode`: a postcode after a town and state ("Sydney NSW 2000"), checked against the state's ranges;
- `uk_postcode`: full UK postcodes ("SW1A 1AA"), and the outward part alone ("SE15") after a cue;
- `ca_postcode`: Canadian postal codes ("K1A 0B1");
- `postcode_cue`: four or five digits right after "zip", "postcode" and the like ("my zip is 62704");
- `eu_street`: "Hauptstraße 12", "Kerkstraat 5", "12 rue de la Paix", "Calle Mayor 5", "Via Roma 10";
- `eu_postcode`: a postcode with its town ("10115 Berlin", "D-80331 München", "1012 AB Amsterdam").

Spans. A street line runs from the house number (or a flat number written before it) to the street suffix, and
takes in a direction, a flat number and a town/region/postcode written right after it ("Apt 4, 42 Oak Street,
Springfield, IL 62704" is one finding). A postcode covers the code and, where the rule needed it to know the
digits are a postcode, the region or town written with it as one postal line ("IL 62704", "Sydney NSW 2000",
"10115 Berlin"); after a cue word only the code ("zip 62704" reports "62704").

Bare numbers are never addresses: "the 12 steps", "page 86", "room 101", "Route 66", "I have 10000 steps",
"a 20 minute drive" and "3 meetings a week" are not findings. A street named without a house number ("I live on
Elm Street") is not an ADDRESS here: it identifies a street, not a home (the LOCATION rules may report it).
"""

from __future__ import annotations

import json
import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from rules.detection.findings import Finding, Label
from rules.detection.recognizer import Context, Recognizer

__all__ = [
    "ApartmentNumber",
    "AuPostcode",
    "CaPostcode",
    "EuPostcode",
    "EuStreet",
    "PoBox",
    "PostcodeCue",
    "StreetAddress",
    "UkPostcode",
    "UsZip",
    "place_rules",
]

# No address finding claims certainty: a film quote ("42 Wallaby Way, Sydney") is shaped like an address too.
MAX_SCORE = 0.95
# How much an address cue just before ("I live at", "my address is") adds; small, the shape carries most weight.
CUE_BOOST = 0.05
CUE_WINDOW = 50
# Numbers that read as years, and the words that make them years rather than house numbers ("in 2019 Main Street").
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_WORDS = re.compile(
    r"\b(?:in|since|by|from|of|until|till|before|after|around|circa|summer|winter|spring|fall|autumn|early|late"
    r"|mid|year|back)\s*$",
    re.IGNORECASE,
)


@cache
def _data(name: str) -> dict[str, Any]:
    """Load a JSON word list from `rules/detection/data/`."""
    return json.loads(resources.files("rules.detection").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first (so 'avenue' is tried before 'ave'); a space matches any."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered)


def _cues(ctx: Context, start: int) -> bool:
    """Whether an address cue ("I live at", "my address is") comes shortly before `start`."""
    return ctx.preceded_by(start, tuple(_data("address_words.json")["cues"]), CUE_WINDOW) is not None


@cache
def _quantity_after() -> str:
    """A lookahead that fails when a counted noun follows ("apartment 2 years ago", "flat 5 minutes away")."""
    return rf"(?!\s*(?:{_alt(_data('address_words.json')['quantity_nouns'])})(?![\w'’-]))"


def _year_like(text: str, number: str, start: int) -> bool:
    """Whether `number` at `start` is a year ("in 2019", "summer 2020") rather than a house number or postcode."""
    return bool(_YEAR.fullmatch(number)) and bool(_YEAR_WORDS.search(text[max(0, start - 20) : start]))


class _AddressRule(Recognizer):
    """What the address rules share: each reports a direct ADDRESS, and none runs on a message without digits."""

    abstract = True
    labels = (Label.ADDRESS,)
    # Every address has a number, so most chat messages are skipped with one cheap search.
    NEEDS: ClassVar[re.Pattern[str]] = re.compile(r"\d")

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the rule's findings, if the message has what every match needs."""
        if self.NEEDS.search(ctx.text):
            yield from self._analyze(ctx)

    @abstractmethod
    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield findings with offsets into `ctx.text`."""

    def _found(self, start: int, end: int, score: float, why: str) -> Finding:
        """A direct ADDRESS finding with a capped, rounded score."""
        return Finding(Label.ADDRESS, start, end, round(min(score, MAX_SCORE), 3), self.rule_id, why, direct=True)


# --- postal pieces shared by several rules -----------------------------------------------------------------------

# A full UK postcode, outward + inward part, letters restricted per position as Royal Mail allocates them:
# the outward part is A9, A99, A9A, AA9, AA99 or AA9A; the inward part is a digit and two letters (no C I K M O V).
_UK_OUTWARD = r"[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
_UK_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_UK_FULL = rf"(?:GIR\s?0AA|{_UK_OUTWARD}\s?{_UK_INWARD})"
# A Canadian postal code: letter digit letter, digit letter digit; D F I O Q U never appear, W and Z never first.
_CA_POSTAL = r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z][ -]?[0-9][ABCEGHJ-NPRSTV-Z][0-9]"


@cache
def _us_states() -> dict[str, list[list[int]]]:
    """ZIP prefix ranges by state code and by lower-case state name."""
    states: dict[str, list[list[int]]] = {}
    for state in _data("regions.json")["us"]:
        states[state["code"]] = state["zip3"]
        states[state["name"].lower()] = state["zip3"]
    return states


@cache
def _au_states() -> dict[str, list[list[int]]]:
    """Postcode ranges by upper-case Australian state abbreviation."""
    return {state["code"]: state["ranges"] for state in _data("regions.json")["au"]}


def _in_ranges(value: int, ranges: list[list[int]]) -> bool:
    return any(low <= value <= high for low, high in ranges)


def _zip_fits(state: str, zip_code: str) -> bool:
    """Whether the ZIP's first three digits are ones the state uses."""
    ranges = _us_states().get(state if state.isupper() and len(state) == 2 else state.lower())
    return ranges is not None and _in_ranges(int(zip_code[:3]), ranges)


@cache
def _region_tail() -> re.Pattern[str]:
    """What may follow a street line: a town, then a state, province or postcode ("Springfield, IL 62704")."""
    regions = _data("regions.json")
    us_codes = _alt(s["code"] for s in regions["us"])
    us_names = _alt(s["name"] for s in regions["us"])
    au_codes = _alt(s["code"] for s in regions["au"])
    ca_codes = _alt(p["code"] for p in regions["ca"])
    town = r"[A-Z][a-zà-ÿ'’.]+(?:[ -][A-Z][a-zà-ÿ'’.]+){0,2}"
    return re.compile(
        rf"""
        ,?\s+
        (?:{town},?\s+)?                                             # the town, optional
        (?:
            (?:{au_codes})\s+\d{{4}}(?!\w)                           # Australia: "NSW 2000"
          | (?:{us_codes}|{us_names})(?:,?\s+\d{{5}}(?:-\d{{4}})?)?(?![\w-])   # US: "IL 62704", "Texas"
          | (?:{ca_codes})(?:,?\s+{_CA_POSTAL})?(?![\w-])            # Canada: "ON M5V 2T6"
          | {_UK_FULL}(?![\w-])                                      # UK: "London SW1A 1AA"
          | (?:[A-Z]{{1,2}}-)?\d{{4,5}}\s+[A-ZÄÖÜÅÆØ][\w'’-]+        # continental Europe: "10115 Berlin"
        )
        """,
        re.VERBOSE,
    )


# --- street lines --------------------------------------------------------------------------------------------------


@cache
def _street() -> re.Pattern[str]:
    """House number, one to four name words, and a street suffix, with a flat number and direction around it."""
    suffixes = _data("street_suffixes.json")
    stop = _alt(_data("address_words.json")["not_street_names"])
    units = _alt(suffixes["units"])
    # A name word is an ordinal ("42nd") or a word that starts with a letter, unless it is a word that never names
    # a street ("3 miles down the road", "a 20 minute drive").
    word = rf"(?!(?:{stop})(?![\w'’-]))(?:\d{{1,3}}(?:st|nd|rd|th)|[^\W\d_][\w'’-]*\.?)"
    return re.compile(
        rf"""
        (?<![\w$£€.,:/\#-])                                 # not inside a number, price, time or date
        (?P<unit>(?:{units})\.?\s?\#?\s?\d{{1,5}}[a-h]?,?\s+)?   # "Apt 4, " before the house number
        (?P<number>(?!0)\d{{1,6}}[a-h]?(?:[/-]\d{{1,5}}[a-h]?)?)  # 42, 12B, 12-14, 5/12 (flat 5 at number 12)
        ,?\s+
        (?P<name>(?:{word}\s+){{1,4}}?)                     # the name: the fewest words that reach a suffix
        (?P<suffix>{_alt(suffixes["strong"] + suffixes["weak"])})(?![\w'’-])\.?
        (?P<direction>\s+(?-i:{_alt(suffixes["directionals"])})(?![\w'’-])\.?)?   # "NW", "North"
        (?P<unit_after>,?\s+(?:{units})\.?\s?\#?\s?\d{{1,5}}[a-h]?(?![\w-]))?   # ", apt 4" after the street
        """,
        re.IGNORECASE | re.VERBOSE,
    )


@cache
def _unit_before() -> re.Pattern[str]:
    """A flat designator written right before a house number ("unit 5/12 George St")."""
    return re.compile(rf"(?:{_alt(_data('street_suffixes.json')['units'])})\.?\s?\#?\s?$", re.IGNORECASE)


# A lower-case plural right after a street line ("3 Elm Street houses") and words ending in s that are not plurals.
_PLURAL_AFTER = re.compile(r"\s+([a-z]+s)\b")
_NOT_PLURAL = frozenset({"is", "was", "has", "does", "as", "us", "this", "its", "his", "yes", "plus", "always", "thus"})


class StreetAddress(_AddressRule):
    """English-language street lines: house number, street name, suffix, and any flat, town, state or postcode."""

    name = "street_address"
    score = 0.85

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield street lines; a suffix that is also an everyday word needs a capitalised name or an address cue."""
        strong = {s.lower() for s in _data("street_suffixes.json")["strong"]}
        for match in _street().finditer(ctx.text):
            start, end = match.start(), match.end()
            names = match["name"].split()
            suffix = match["suffix"].lower()
            capitalised = all(word[0].isupper() or word[0].isdigit() for word in names)
            cue = _cues(ctx, start)
            if suffix not in strong and not (capitalised or cue):
                continue  # "2 family court dates", "people drive": a weak suffix after ordinary lower-case words
            if _year_like(ctx.text, match["number"], match.start("number")):
                continue  # "in 2019 Main Street was closed"
            if suffix == "dr" and re.match(r"\s+[A-Z]", ctx.text[end:]):
                continue  # "Dr Smith": a doctor, not a drive
            if not cue and (plural := _PLURAL_AFTER.match(ctx.text, end)) and plural[1] not in _NOT_PLURAL:
                continue  # "2 Main Street meetings": the street names the meetings, the number counts them
            if suffix not in strong:
                score, why = 0.75, "house number, capitalised name and street word"
            elif capitalised:
                score, why = 0.85, "house number, street name and suffix"
            else:
                score, why = 0.8, "house number, street name and suffix in lower case"
            if match["unit"] is None and (before := _unit_before().search(ctx.text, 0, start)):
                start = before.start()
            if match["unit"] or match["unit_after"] or start < match.start():
                score += 0.03
                why += ", with a flat number"
            tail = _region_tail().match(ctx.text, end)
            if tail is not None:
                end = tail.end()
                score = MAX_SCORE
                why += ", with town, region or postcode"
            if cue:
                score += CUE_BOOST
                why += ", after an address cue"
            yield self._found(start, end, score, why)


class PoBox(_AddressRule):
    """Post office boxes and the like: "PO Box 123", "P.O. Box 55", "GPO Box 9", "Locked Bag 4"."""

    name = "po_box"
    score = 0.85
    PATTERN = re.compile(
        r"""(?<![\w.])
            (?:p\.?\s?o\.?\s?box|post\s+office\s+box|g\.?p\.?o\.?\s?box|locked\s+bag|private\s+bag|pmb)
            \s*\#?\s*\d{1,6}(?!\w)""",
        re.IGNORECASE | re.VERBOSE,
    )

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each box with its number."""
        for match in self.PATTERN.finditer(ctx.text):
            yield self._found(match.start(), match.end(), self.score, "post office box with a number")


@cache
def _apartment() -> re.Pattern[str]:
    """'apt 4', 'apartment 12B', or a capitalised 'Flat 3' / 'Unit 7' / 'Suite 200', when no count follows."""
    return re.compile(
        rf"""(?<![\w-])
            (?:
                (?i:apt|apartment)\.?\s?\#?\s?(?:\d{{1,5}}[a-hA-H]?|[a-hA-H]\d{{1,4}})
              | (?:Flat|Apt|Unit|Suite)\s\#?\d{{1,5}}[a-hA-H]?
            )
            (?![\w-]|[.,:/]\d){_quantity_after()}""",
        re.VERBOSE,
    )


class ApartmentNumber(_AddressRule):
    """A flat or apartment number on its own: a small part of an address ("I'm in apt 4B")."""

    name = "apartment_number"
    score = 0.5

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield flat numbers that are not followed by a count ("apartment 2 years ago", "Unit 3 of the course")."""
        for match in _apartment().finditer(ctx.text):
            score, why = self.score, "flat or apartment number"
            if _cues(ctx, match.start()):
                score, why = score + CUE_BOOST, why + ", after an address cue"
            yield self._found(match.start(), match.end(), score, why)


# --- postcodes ---------------------------------------------------------------------------------------------------


@cache
def _us_zip() -> re.Pattern[str]:
    """A US state (upper-case code or name) and a ZIP code right after it."""
    states = _data("regions.json")["us"]
    return re.compile(
        rf"""(?<![\w-])
            (?P<state>(?-i:{_alt(s["code"] for s in states)})|{_alt(s["name"] for s in states)})\.?,?\s+
            (?P<zip>\d{{5}})(?:-\d{{4}})?
            (?![\w-]|[.,]\d)""",
        re.IGNORECASE | re.VERBOSE,
    )


class UsZip(_AddressRule):
    """A US ZIP code written after its state ("Springfield, IL 62704"); never a bare five-digit number."""

    name = "us_zip"
    score = 0.8
    NEEDS = re.compile(r"\d{4}")

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield state + ZIP when the ZIP's prefix belongs to that state ("OK 10000" is not Oklahoma's)."""
        for match in _us_zip().finditer(ctx.text):
            if not _zip_fits(match["state"], match["zip"]):
                continue
            plus4 = match.end() - match.end("zip") > 0
            score = self.score + (0.05 if plus4 else 0.0)
            yield self._found(match.start(), match.end(), score, "ZIP code after its state")


@cache
def _au_postcode() -> re.Pattern[str]:
    """A capitalised town, an Australian state abbreviation and four digits ("Sydney NSW 2000")."""
    codes = _alt(_au_states())
    return re.compile(
        rf"""(?<![\w-])
            [A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+)?,?\s+          # the town (one or two words)
            (?P<state>{codes}|(?i:vic|qld|tas))\s+
            (?P<code>\d{{4}})(?![\w-]|[.,]\d)""",
        re.VERBOSE,
    )


class AuPostcode(_AddressRule):
    """An Australian postcode written after its town and state; the town keeps "in NSW 2019" out."""

    name = "au_postcode"
    score = 0.75
    NEEDS = re.compile(r"\d{4}")

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield town + state + postcode when the postcode lies in the state's ranges."""
        for match in _au_postcode().finditer(ctx.text):
            if _in_ranges(int(match["code"]), _au_states()[match["state"].upper()]):
                yield self._found(match.start(), match.end(), self.score, "postcode after its town and state")


@cache
def _uk_areas() -> frozenset[str]:
    return frozenset(_data("uk_postcode_areas.json")["areas"])


_UK_FULL_PATTERN = re.compile(rf"(?<![\w-])(?P<code>{_UK_FULL})(?![\w-])", re.IGNORECASE)
_UK_OUTWARD_PATTERN = re.compile(rf"(?<![\w-])(?P<code>{_UK_OUTWARD})(?![\w-])")
# What must come right before an outward code on its own ("my postcode is SE15", "I live in M1").
_UK_OUTWARD_CUE = re.compile(
    r"""(?:\b(?P<postcode>post\s?code|postal\s+(?:code|district))(?:\s+(?:is|was|=))?
        |\b(?:live|living|lives|based|moved|moving)\s+(?:in|to))
        \s*[:\-]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _uk_area(code: str) -> str:
    """The letters that start a postcode: 'SW' of 'SW1A 1AA'."""
    return re.split(r"\d", code.upper(), maxsplit=1)[0]


class UkPostcode(_AddressRule):
    """UK postcodes in full ("SW1A 1AA", "M1 1AE"); the outward part alone ("SE15") only after a cue."""

    name = "uk_postcode"
    score = 0.8

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield full postcodes of a real postcode area, then cued outward codes not already inside one."""
        covered: list[tuple[int, int]] = []
        for match in _UK_FULL_PATTERN.finditer(ctx.text):
            code = match["code"]
            if _uk_area(code) not in _uk_areas():
                continue  # "PS4 2TB" has the shape but PS is no postcode area
            score, why = self.score, "UK postcode"
            if not code.isupper():
                if " " not in code or code[-2:].lower() in ("st", "nd", "rd", "th"):
                    continue  # lower case needs the space, and "n1 1st" is an ordinal
                score, why = score - 0.1, "UK postcode in lower case"
            covered.append(match.span())
            yield self._found(match.start(), match.end(), score, why)
        for match in _UK_OUTWARD_PATTERN.finditer(ctx.text):
            if any(a <= match.start() < b for a, b in covered) or _uk_area(match["code"]) not in _uk_areas():
                continue
            cue = _UK_OUTWARD_CUE.search(ctx.text, max(0, match.start() - 30), match.start())
            if cue is None:
                continue  # "B33" or "M4" alone could be a bus, a seat, a motorway
            score = 0.65 if cue["postcode"] else 0.55
            yield self._found(match.start(), match.end(), score, "UK postcode district after a cue")


class CaPostcode(_AddressRule):
    """Canadian postal codes ("K1A 0B1", "m5v2t6"): the letter-digit alternation rarely occurs otherwise."""

    name = "ca_postcode"
    score = 0.8
    PATTERN = re.compile(rf"(?<![\w-]){_CA_POSTAL}(?![\w-])", re.IGNORECASE)

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each postal code, surer after a postcode cue or a province code."""
        cues = tuple(_data("address_words.json")["postcode_cues"])
        for match in self.PATTERN.finditer(ctx.text):
            score, why = self.score, "Canadian postal code"
            if ctx.preceded_by(match.start(), cues, 25) or re.search(
                r"\b(?-i:[A-Z]{2}),?\s+$", ctx.text[max(0, match.start() - 5) : match.start()]
            ):
                score, why = score + 0.1, why + " after a cue or province"
            yield self._found(match.start(), match.end(), score, why)


@cache
def _postcode_cue() -> re.Pattern[str]:
    """'zip', 'postcode' and the like, then four or five digits (or ZIP+4) right after."""
    return re.compile(
        rf"""\b(?:{_alt(_data("address_words.json")["postcode_cues"])})
            (?:\s+(?:is|was|=|of))?\s*[:\#\-]?\s*
            (?P<code>\d{{5}}(?:-\d{{4}})?|\d{{4}})(?![\w-]|[.,]\d)""",
        re.IGNORECASE | re.VERBOSE,
    )


class PostcodeCue(_AddressRule):
    """A numeric postcode named as one ("my zip is 62704", "postcode 2000"); the cue word is not reported."""

    name = "postcode_cue"
    score = 0.7
    NEEDS = re.compile(r"\d{4}")

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the digits after a postcode word."""
        for match in _postcode_cue().finditer(ctx.text):
            if set(match["code"]) == {"0"}:
                continue
            yield self._found(match.start("code"), match.end("code"), self.score, "numeric code after a postcode cue")


# --- continental Europe ------------------------------------------------------------------------------------------


@cache
def _eu_streets() -> tuple[re.Pattern[str], ...]:
    """The three European street-line shapes: Germanic compounds, French number-first, Romance type-first."""
    eu = _data("european_addresses.json")
    particles = _alt(eu["particles"])
    word = r"[A-ZÀ-ÝÄÖÜÅÆØ][\w'’.-]+"  # a capitalised name word
    name = rf"(?:(?i:{particles})\s*)?{word}(?:\s+(?:(?i:{particles})\s*)?{word}){{0,3}}"
    number = r"\d{1,4}[a-hA-H]?(?:\s?[-/]\s?\d{1,4}[a-hA-H]?)?"
    end = rf"(?![\w-]|[.,:/]\d){_quantity_after()}"
    # Any word before a number; the street ending is checked in code, which is far cheaper than a lazy regex scan.
    germanic = re.compile(
        rf"""(?<![\w-])
            (?P<street>[^\W\d_][\w'’.-]*)                     # "Hauptstraße", "Karl-Marx-Str."
            \s+(?P<number>{number}){end}""",
        re.VERBOSE,
    )
    french = re.compile(
        rf"""(?<![\w$£€.,:/-])
            (?P<number>\d{{1,4}}(?:\s?(?i:bis|ter|[a-h]))?),?\s+
            (?:
                (?i:{_alt(eu["types_before_number"])})\s+(?P<name>{name})        # "12 rue de la Paix"
              | (?i:{_alt(eu["types_before_number_with_particle"])})\s+          # "2 place de la Concorde":
                (?i:{particles})\s*(?P<name2>{name})                             # these need "de", "du" …
            )(?![\w'’-])""",
        re.VERBOSE,
    )
    romance = re.compile(
        rf"""(?<![\w-])
            (?:(?i:{_alt(eu["types_before_name"])})|{_alt(eu["types_before_name_capitalised"])})\s+
            (?P<name>{name}),?\s+                                             # "Calle Mayor", "Via Roma"
            (?:(?i:n\.?\s?º|nº|no\.|núm\.?|num\.?|n\.)\s?)?
            (?P<number>{number}){end}""",
        re.VERBOSE,
    )
    return germanic, french, romance


@cache
def _eu_tail() -> re.Pattern[str]:
    """A postcode and town written after a European street line (", 10115 Berlin")."""
    return re.compile(r",?\s+(?:[A-Z]{1,2}-)?\d{4,5}(?:\s?[A-Z]{2})?\s+[A-ZÄÖÜÅÆØÀ-Ý][\w'’-]+")


def _compound_street(word: str, endings: tuple[str, ...], not_streets: set[str]) -> bool:
    """Whether a lower-case word is a Germanic street name: a stem of two letters or more and a street ending."""
    return word not in not_streets and any(word.endswith(e) and len(word) >= len(e) + 2 for e in endings)


class EuStreet(_AddressRule):
    """Continental street lines: "Hauptstraße 12", "Storgatan 3", "12 rue de la Paix", "Via Roma 10"."""

    name = "eu_street"
    score = 0.85

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield street word + name + number in any of the three orders, with a postcode and town after it."""
        eu = _data("european_addresses.json")
        not_streets = {w.lower() for w in eu["not_streets"]}
        endings = tuple(eu["compound_endings"])
        not_names = {w.lower() for w in eu["not_street_names"]}
        seen: list[tuple[int, int]] = []
        for pattern in _eu_streets():
            for match in pattern.finditer(ctx.text):
                groups = match.groupdict()
                street = (groups.get("street") or "").lower()
                if groups.get("street") is not None and not _compound_street(street, endings, not_streets):
                    continue  # "day 12", "Brigade 2"
                first_name = (groups.get("name") or groups.get("name2") or "").split(" ")[0].lower()
                if first_name in not_names:
                    continue  # "Via Zoom 2": a platform, not a street
                if any(a < match.end() and match.start() < b for a, b in seen):
                    continue
                end, score, why = match.end(), self.score, "European street line with a number"
                tail = _eu_tail().match(ctx.text, end)
                if tail is not None:
                    end, score, why = tail.end(), MAX_SCORE, why + ", postcode and town"
                if _cues(ctx, match.start()):
                    score, why = score + CUE_BOOST, why + ", after an address cue"
                seen.append((match.start(), end))
                yield self._found(match.start(), end, score, why)


@cache
def _eu_postcode() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Postcode + town: a listed town or a country prefix ("10115 Berlin", "D-80331 München"); Dutch "1012 AB X"."""
    eu = _data("european_addresses.json")
    numeric = re.compile(
        rf"""(?<![\w$£€.,:/-])
            (?:(?P<country>{_alt(eu["country_prefixes"])})-)?
            (?P<code>\d{{4,5}})\s+
            (?P<town>{_alt(eu["cities"])}|[A-ZÄÖÜÅÆØÀ-Ý][\w'’-]+)
            (?![\w'’-])""",
        re.VERBOSE,
    )
    dutch = re.compile(
        r"""(?<![\w$£€.,:/-])
            (?P<code>[1-9]\d{3})\s?(?P<letters>[A-Z]{2})\s+
            (?P<town>[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?)
            (?![\w'’-])""",
        re.VERBOSE,
    )
    return numeric, dutch


class EuPostcode(_AddressRule):
    """A European postcode written with its town ("10115 Berlin", "1010 Wien", "1012 AB Amsterdam")."""

    name = "eu_postcode"
    score = 0.75
    NEEDS = re.compile(r"\d{4}")

    def _analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield postcode + town; the town must be a listed one unless a country prefix or Dutch letters vouch."""
        eu = _data("european_addresses.json")
        cities = frozenset(eu["cities"])
        not_letters = frozenset(eu["dutch_postcode_letters_not"])
        numeric, dutch = _eu_postcode()
        for match in numeric.finditer(ctx.text):
            known = match["town"] in cities
            if not (known or match["country"]):
                continue  # "10000 Steps", "2000 Followers": any capitalised word is not a town
            if not match["country"] and _year_like(ctx.text, match["code"], match.start("code")):
                continue  # "in 2019 Berlin"
            score = self.score + (0.05 if match["country"] else 0.0)
            yield self._found(match.start(), match.end(), score, "postcode with its town")
        for match in dutch.finditer(ctx.text):
            if match["letters"] in not_letters:
                continue  # "2000 AD", "500 GB"
            if _YEAR.fullmatch(match["code"]) and match["town"] not in cities:
                continue
            yield self._found(match.start(), match.end(), self.score, "Dutch postcode with its town")


def place_rules() -> list[Recognizer]:
    """Fresh instances of this module's rules."""
    return [
        StreetAddress(),
        PoBox(),
        ApartmentNumber(),
        UsZip(),
        AuPostcode(),
        UkPostcode(),
        CaPostcode(),
        PostcodeCue(),
        EuStreet(),
        EuPostcode(),
    ]
