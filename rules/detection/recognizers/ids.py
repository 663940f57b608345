"""Official numbers: SSNs, payment cards, IBANs, NHS and NI numbers, licence plates and passport numbers.

Each is a small rule, with its checksum (Luhn, mod-97, mod-11) or format rules in `validate_result`.

Loose shapes (a plain 9-digit number, a licence plate, a passport number) count only after a context word
("ssn", "plate", "passport"): on their own they are as likely to be an order number or a word with a digit in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any, ClassVar

from rules.detection.findings import Finding, Label
from rules.detection.recognizer import CONTEXT_BOOST, Context, Pattern, PatternRecognizer, Recognizer

__all__ = [
    "IbanNumber",
    "LicencePlate",
    "NhsNumber",
    "NiNumber",
    "PassportNumber",
    "PaymentCard",
    "SocialSecurityNumber",
    "card_issuer_known",
    "iban_spans",
    "id_rules",
    "luhn_valid",
    "nhs_check_digit_valid",
]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("rules.detection").joinpath("data/ids.json").read_text(encoding="utf-8")
    return json.loads(text)


def _digits(detail: str) -> str:
    return "".join(c for c in detail if c.isdigit())


def _one_repeated_digit(digits: str) -> bool:
    return len(set(digits)) <= 1


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn (mod-10) check used by payment cards."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


# Pattern flags for shapes that must be written in capitals (as plates and NI numbers are) to count.
_CASE_SENSITIVE = 0


def _dedupe(findings: Iterable[Finding]) -> Iterator[Finding]:
    """Keep the best of overlapping findings from one rule's several patterns (score, then length)."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.score, f.length), reverse=True):
        if not any(k.overlaps(finding) for k in kept):
            kept.append(finding)
    yield from sorted(kept, key=lambda f: f.start)


_THREE_DIGITS = re.compile(r"\d{3}")
_TWO_DIGITS = re.compile(r"\d{2}")


# --- US Social Security numbers -----------------------------------------------------------------------------------


class SocialSecurityNumber(PatternRecognizer):
    """US Social Security numbers: 3-2-4 digits, with the SSA's format rules (no checksum exists)."""

    name = "ssn"
    labels = (Label.ID,)
    score = 0.6
    DIRECT = True
    GATE = _THREE_DIGITS
    PATTERNS = (
        Pattern("ssn dashed", r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", 0.6),
        Pattern("ssn spaced", r"(?<!\d)(?<!\d )\d{3} \d{2} \d{4}(?!\d| \d)", 0.45),
        # Nine bare digits are as often an order or account number: only after "ssn", "social security" …
        Pattern("ssn plain", r"(?<![\d-])\d{9}(?![\d-])", 0.55, needs_context=True),
    )
    CONTEXT = ("ssn", "ssn#", "ss#", "social security", "social", "socsec", "tax id", "itin")

    def validate_result(self, detail: str) -> bool | None:
        """Drop numbers the SSA never issues: area 000, 666 or 9xx, group 00, serial 0000, and printed specimens."""
        digits = _digits(detail)
        area, group, serial = digits[:3], digits[3:5], digits[5:]
        if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
            return False
        if digits in _data()["ssn_specimens"] or _one_repeated_digit(digits):
            return False
        return None  # the format is possible; there is no checksum to prove it


# --- payment cards ------------------------------------------------------------------------------------------------


@cache
def _card_ranges() -> tuple[tuple[str, str, frozenset[int]], ...]:
    schemes = _data()["card_schemes"].values()
    return tuple((low, high, frozenset(s["lengths"])) for s in schemes for low, high in s["ranges"])


def card_issuer_known(digits: str) -> bool:
    """Whether `digits` starts with a known card scheme's prefix and has a length that scheme issues."""
    return any(len(digits) in lengths and low <= digits[: len(low)] <= high for low, high, lengths in _card_ranges())


class PaymentCard(PatternRecognizer):
    """Payment card numbers: 13–19 digits, optionally grouped by spaces or dashes, Luhn-valid."""

    name = "payment_card"
    labels = (Label.ID,)
    score = 0.95
    DIRECT = True
    GATE = _THREE_DIGITS
    # The separator is captured once and repeated (\1), so "4111 1111-1111 1111" style mixes are not joined.
    PATTERNS = (
        Pattern("card 4-4-4-4", r"(?<![\d-])\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}(?![\d]|-\d)", 0.4),
        Pattern("card amex 4-6-5", r"(?<![\d-])3[47]\d{2}([ -]?)\d{6}\1\d{5}(?![\d]|-\d)", 0.4),
        Pattern("card diners 4-6-4", r"(?<![\d-])3[0689]\d{2}([ -]?)\d{6}\1\d{4}(?![\d]|-\d)", 0.4),
    )
    CONTEXT = ("card", "credit", "debit", "visa", "mastercard", "amex", "cc", "card number", "card no")

    def validate_result(self, detail: str) -> bool | None:
        """Luhn must pass; a known issuer prefix proves it, an unknown one leaves it unsure."""
        digits = _digits(detail)
        if not 13 <= len(digits) <= 19 or _one_repeated_digit(digits) or not luhn_valid(digits):
            return False
        return True if card_issuer_known(digits) else None

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """The pattern matches, one per number (the 4-4-4-4 and Amex shapes can both match 15 digits)."""
        yield from _dedupe(super().analyze(ctx))


# --- IBAN ---------------------------------------------------------------------------------------------------------

# A country code and two check digits start an IBAN; the rest is read char by char up to the country's length.
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?=[ ]?[A-Za-z0-9])")


def _iban_mod97(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def iban_spans(text: str) -> Iterator[tuple[int, int, bool]]:
    """Yield `(start, end, checksum_ok)` for every IBAN-shaped run in `text` (spaces between characters allowed).

    The run is cut to exactly the length its country's IBANs have, and must end at a word boundary.
    """
    lengths: dict[str, int] = _data()["iban_lengths"]
    for match in _IBAN_START.finditer(text):
        want = lengths.get(match.group()[:2].upper())
        if want is None:
            continue
        chars = 4
        pos = match.end()
        while chars < want and pos < len(text):
            if text[pos] == " " and pos + 1 < len(text) and text[pos + 1].isalnum() and text[pos - 1] != " ":
                pos += 1
                continue
            if not text[pos].isalnum() or not text[pos].isascii():
                break
            chars += 1
            pos += 1
        if chars != want or (pos < len(text) and text[pos].isalnum()):
            continue
        compact = text[match.start() : pos].replace(" ", "").upper()
        # Account numbers are mostly digits (a UK IBAN has 4 letters in 18); words strung together are not.
        if sum(c.isdigit() for c in compact[4:]) * 2 < len(compact) - 4:
            continue
        yield match.start(), pos, _iban_mod97(compact)


class IbanNumber(Recognizer):
    """International bank account numbers: country code, the country's length, and the mod-97 checksum."""

    name = "iban"
    labels = (Label.ID,)
    score = 0.95
    CONTEXT: ClassVar[tuple[str, ...]] = ("iban", "bank", "account", "acct", "transfer", "sort code")

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each IBAN whose checksum holds; a wrong checksum is a typo or not an IBAN at all."""
        for start, end, checksum_ok in iban_spans(ctx.text):
            if not checksum_ok:
                continue
            why = "IBAN shape, mod-97 checksum valid"
            cue = ctx.preceded_by(start, self.CONTEXT)
            score = self.score
            if cue:
                score = min(1.0, score + CONTEXT_BOOST)
                why += f", after '{cue}'"
            yield Finding(Label.ID, start, end, score, self.rule_id, why, direct=True)


# --- UK NHS numbers -----------------------------------------------------------------------------------------------


# Words that make a 3-3-4 number a phone number rather than an NHS number.
_PHONE_WORDS = ("call", "text", "number", "phone", "cell", "mobile", "ring", "whatsapp", "tel", "contact", "area code")


def nhs_check_digit_valid(digits: str) -> bool:
    """Whether a 10-digit NHS number's last digit is its mod-11 check digit (weights 10 down to 2)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    remainder = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == int(digits[9])


class NhsNumber(PatternRecognizer):
    """UK NHS numbers: 10 digits with a mod-11 check digit, written 3-3-4 or after the word "NHS"."""

    name = "nhs_number"
    labels = (Label.ID,)
    score = 0.6
    DIRECT = True
    GATE = _THREE_DIGITS
    PATTERNS = (
        # The NHS writes these 3 3 4 with spaces; a US phone number written that way passes 1 time in 11.
        Pattern("nhs 3-3-4", r"(?<![\d()+-])(?<!\d )\d{3} \d{3} \d{4}(?!\d| \d)", 0.6),
        Pattern("nhs plain", r"(?<![\d()+-])\d{3}-?\d{3}-?\d{4}(?![\d]|-\d)", 0.5, needs_context=True),
    )
    CONTEXT = ("nhs", "nhs number", "nhs no")
    # England and Wales issue NHS numbers from 400… and 600…–799…; without "NHS" nearby, other first digits are
    # far more likely a phone number that passed mod-11 by chance (1 in 11 do).
    _ISSUED_FIRST_DIGITS = "467"

    def invalidate_result(self, detail: str, ctx: Context, start: int, end: int) -> bool:
        """Without an "NHS" cue: drop numbers outside the issued ranges, and any after a phone word."""
        if self.preceded_by_context(ctx, start):
            return False
        return detail[0] not in self._ISSUED_FIRST_DIGITS or ctx.preceded_by(start, _PHONE_WORDS) is not None

    def validate_result(self, detail: str) -> bool | None:
        """The mod-11 check digit must hold (and not be the impossible 10)."""
        digits = _digits(detail)
        return nhs_check_digit_valid(digits) and not _one_repeated_digit(digits)


# --- UK National Insurance numbers --------------------------------------------------------------------------------


class NiNumber(PatternRecognizer):
    """UK National Insurance numbers: two prefix letters, six digits, a suffix letter A–D."""

    name = "ni_number"
    labels = (Label.ID,)
    score = 0.7
    DIRECT = True
    GATE = _TWO_DIGITS
    # HMRC's rules: the first letter is not D F I Q U V, the second not D F I O Q U V, and some pairs were never
    # issued (BG GB KN NK NT TN ZZ) — so the printed example "QQ 12 34 56 C" is not one.
    _PREFIX = r"(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    _DIGITS = r" ?\d{2} ?\d{2} ?\d{2}"
    PATTERNS = (
        Pattern("nino", rf"\b{_PREFIX}{_DIGITS} ?[A-D]\b", 0.7, _CASE_SENSITIVE),
        Pattern("nino any case", rf"\b{_PREFIX}{_DIGITS} ?[A-D]\b", 0.7, needs_context=True),
        Pattern("nino without suffix", rf"\b{_PREFIX}{_DIGITS}\b(?! ?[A-D]\b)", 0.5, needs_context=True),
    )
    CONTEXT = ("ni", "nino", "ni number", "ni no", "national insurance", "insurance number")

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """The pattern matches, one per number."""
        yield from _dedupe(super().analyze(ctx))


# --- licence plates -----------------------------------------------------------------------------------------------

# Things with a letter and a digit that are not plates: times, ordinals, doses, sizes, counts.
_NOT_PLATE = re.compile(
    r"\d+(?:am|pm|st|nd|rd|th|s|k|m|mg|mcg|ml|g|kg|lb|lbs|gb|mb|tb|mp|hrs?|mins?|secs?|days?|wks?|yrs?|x|mph|kph|km)",
    re.IGNORECASE,
)


class LicencePlate(PatternRecognizer):
    """Vehicle licence plates (UK and US shapes), only right after "plate", "reg", "registration" and the like."""

    name = "licence_plate"
    labels = (Label.ID,)
    score = 0.55
    DIRECT = True
    # A plate follows its cue closely ("my reg is AB12 CDE"); further away the shape is too loose to trust.
    CONTEXT_CHARS = 30
    PATTERNS = (
        Pattern("uk plate", r"\b[A-Z]{2}\d{2} ?[A-Z]{3}\b", 0.55, needs_context=True),
        Pattern("uk prefix plate", r"\b[A-Z]\d{1,3} ?[A-Z]{3}\b", 0.5, _CASE_SENSITIVE, needs_context=True),
        Pattern("uk suffix plate", r"\b[A-Z]{3} ?\d{1,3} ?[A-Z]\b", 0.5, _CASE_SENSITIVE, needs_context=True),
        Pattern("us plate letters-digits", r"\b[A-Z]{2,4}[ -]\d{2,4}\b", 0.5, _CASE_SENSITIVE, needs_context=True),
        Pattern("us plate digits-letters", r"\b\d{1,4}[ -][A-Z]{2,4}\b", 0.5, _CASE_SENSITIVE, needs_context=True),
        # One token mixing letters and digits, e.g. "7ABC123" (California) or "abc1234".
        Pattern("us plate token", r"\b(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{5,8}\b", 0.5, needs_context=True),
    )
    CONTEXT = (
        *("plate", "plates", "licence plate", "license plate", "number plate", "reg", "reg plate", "rego"),
        *("registration", "vehicle registration", "car reg"),
    )

    def validate_result(self, detail: str) -> bool | None:
        """Drop times, ordinals and quantities ("10am", "2nd", "500mg") and a few model names."""
        compact = detail.replace(" ", "").replace("-", "")
        if _NOT_PLATE.fullmatch(compact) or compact.lower() in _data()["not_plates"]:
            return False
        return None

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """The pattern matches, one per plate."""
        yield from _dedupe(super().analyze(ctx))


# --- passports ----------------------------------------------------------------------------------------------------


class PassportNumber(PatternRecognizer):
    """Passport numbers (US, UK, IE, CA, AU, IN shapes: up to two letters and 6–9 digits), only after "passport"."""

    name = "passport"
    labels = (Label.ID,)
    score = 0.55
    DIRECT = True
    CONTEXT_CHARS = 30
    PATTERNS = (Pattern("passport number", r"\b[A-Z]{0,2}\d{6,9}\b", 0.55, needs_context=True),)
    CONTEXT = ("passport", "passport number", "passport no", "passport #")

    def validate_result(self, detail: str) -> bool | None:
        """Drop runs of one repeated digit ("000000")."""
        return False if _one_repeated_digit(_digits(detail)) else None


def id_rules() -> list[Recognizer]:
    """Fresh instances of every ID rule."""
    return [
        SocialSecurityNumber(),
        PaymentCard(),
        IbanNumber(),
        NhsNumber(),
        NiNumber(),
        LicencePlate(),
        PassportNumber(),
    ]
