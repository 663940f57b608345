"""The ID rules find official numbers by format and checksum, and leave look-alikes alone."""

import pytest

from rules.detection.findings import Label, Subject
from rules.detection.recognizer import Context, Recognizer
from rules.detection.recognizers.ids import (
    IbanNumber,
    LicencePlate,
    NhsNumber,
    NiNumber,
    PassportNumber,
    PaymentCard,
    SocialSecurityNumber,
    id_rules,
    luhn_valid,
    nhs_check_digit_valid,
)
from rules.detection.registry import RuleRegistry


def found(rule: Recognizer, text: str) -> list[str]:
    """The details `rule` reports in `text`, as the substrings they cover, in text order."""
    findings = sorted(rule.analyze(Context(text)), key=lambda f: f.start)
    return [text[f.start : f.end] for f in findings]


def only(rule: Recognizer, text: str):
    """The one finding `rule` reports in `text`."""
    findings = list(rule.analyze(Context(text)))
    assert len(findings) == 1, [text[f.start : f.end] for f in findings]
    return findings[0]


@pytest.fixture(scope="module")
def ssn():
    return SocialSecurityNumber()


@pytest.fixture(scope="module")
def card():
    return PaymentCard()


@pytest.fixture(scope="module")
def iban():
    return IbanNumber()


@pytest.fixture(scope="module")
def nhs():
    return NhsNumber()


@pytest.fixture(scope="module")
def nino():
    return NiNumber()


@pytest.fixture(scope="module")
def plate():
    return LicencePlate()


@pytest.fixture(scope="module")
def passport():
    return PassportNumber()


# fmt: off
SSN_CASES = [
    # text                                            expected spans
    ("my ssn is 536-22-8726",                          ["536-22-8726"]),
    ("536-22-8726",                                    ["536-22-8726"]),
    ("social security 536 22 8726",                    ["536 22 8726"]),
    ("my social is 536228726",                         ["536228726"]),
    # traps
    ("536228726",                                      []),    # nine bare digits need a cue
    ("ssn 000-22-8726",                                []),    # area 000
    ("ssn 666-22-8726",                                []),    # area 666
    ("ssn 936-22-8726",                                []),    # area 9xx
    ("ssn 536-00-8726",                                []),    # group 00
    ("ssn 536-22-0000",                                []),    # serial 0000
    ("ssn 078-05-1120",                                []),    # the Woolworth wallet card
    ("ssn 123-45-6789",                                []),    # the advertising specimen
    ("call 415-555-2671",                              []),
    ("on 12-03-2024",                                  []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), SSN_CASES)
def test_ssn_spans(ssn, text, expected):
    """The SSN rule reports exactly the expected numbers."""
    assert found(ssn, text) == expected


# fmt: off
CARD_CASES = [
    # text                                            expected spans
    ("card 4111 1111 1111 1111",                       ["4111 1111 1111 1111"]),
    ("4111-1111-1111-1111 exp 12/26",                  ["4111-1111-1111-1111"]),
    ("5555555555554444 is my card",                    ["5555555555554444"]),
    ("amex 3782 822463 10005",                         ["3782 822463 10005"]),
    ("378282246310005",                                ["378282246310005"]),
    ("visa 4012888888881881 thanks",                   ["4012888888881881"]),
    # traps
    ("card 4111 1111 1111 1112",                       []),    # Luhn fails
    ("0000 0000 0000 0000",                            []),    # one repeated digit passes Luhn but is no card
    ("4111 1111-1111 1111",                            []),    # mixed separators
    ("4111 1111 1111",                                 []),    # too short
    ("I've been sober 365 days",                       []),
    ("call 415-555-2671",                              []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), CARD_CASES)
def test_card_spans(card, text, expected):
    """The payment-card rule reports exactly the expected numbers."""
    assert found(card, text) == expected


def test_card_scores_by_checksum_and_issuer(card):
    """A Luhn-valid number from a known issuer scores ~0.95; Luhn-valid with an unknown prefix scores low."""
    assert only(card, "4111 1111 1111 1111").score >= 0.95
    assert only(card, "9111 1111 1111 1110").score < 0.5


# fmt: off
IBAN_CASES = [
    # text                                            expected spans
    ("iban GB82 WEST 1234 5698 7654 32 ok",            ["GB82 WEST 1234 5698 7654 32"]),
    ("GB82WEST12345698765432",                         ["GB82WEST12345698765432"]),
    ("gb82 west 1234 5698 7654 32",                    ["gb82 west 1234 5698 7654 32"]),
    ("DE89 3704 0044 0532 0130 00 is my account",      ["DE89 3704 0044 0532 0130 00"]),
    ("NL91 ABNA 0417 1643 00",                         ["NL91 ABNA 0417 1643 00"]),
    ("FR14 2004 1010 0505 0001 3M02 606",              ["FR14 2004 1010 0505 0001 3M02 606"]),
    # traps
    ("iban GB82 WEST 1234 5698 7654 33",               []),    # wrong checksum
    ("GB82 WEST 1234 5698 7654",                       []),    # too short for GB
    ("DE89 3704 0044 0532 0130 001",                   []),    # too long: runs on past the country's length
    ("XX82 WEST 1234 5698 7654 32",                    []),    # no such country
    ("in 2020 the meeting moved",                      []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), IBAN_CASES)
def test_iban_spans(iban, text, expected):
    """The IBAN rule reports exactly the expected account numbers."""
    assert found(iban, text) == expected


# fmt: off
NHS_CASES = [
    # text                                            expected spans
    ("my nhs number is 943 476 5919",                  ["943 476 5919"]),
    ("NHS no: 9434765919",                             ["9434765919"]),
    ("nhs 943-476-5919",                               ["943-476-5919"]),
    ("684 171 8615",                                   ["684 171 8615"]),    # 3-3-4 in an issued range
    # traps
    ("my nhs number is 943 476 5918",                  []),    # bad check digit
    ("943 476 5919",                                   []),    # not an England/Wales range, no cue
    ("6841718615",                                     []),    # ungrouped needs a cue
    ("call me 684 171 8615",                           []),    # a phone number that passes mod-11
    ("area code 415 555 2671",                         []),
    ("nhs 111 111 1111",                               []),    # one repeated digit
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), NHS_CASES)
def test_nhs_spans(nhs, text, expected):
    """The NHS-number rule reports exactly the expected numbers."""
    assert found(nhs, text) == expected


# fmt: off
NINO_CASES = [
    # text                                            expected spans
    ("my NI number is AB 12 34 56 C",                  ["AB 12 34 56 C"]),
    ("AB123456C",                                      ["AB123456C"]),
    ("my ni is ab123456c",                             ["ab123456c"]),
    ("national insurance JG 10 37 59",                 ["JG 10 37 59"]),
    # traps
    ("QQ 12 34 56 C",                                  []),    # the printed example: Q is never a first letter
    ("GB 12 34 56 A",                                  []),    # a prefix never issued
    ("ab123456c",                                      []),    # lower case needs a cue
    ("JG 10 37 59",                                    []),    # no suffix letter and no cue
    ("as 12 34 56 a",                                  []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), NINO_CASES)
def test_ni_number_spans(nino, text, expected):
    """The National Insurance rule reports exactly the expected numbers."""
    assert found(nino, text) == expected


# fmt: off
PLATE_CASES = [
    # text                                            expected spans
    ("my reg is KP68 ZXY",                             ["KP68 ZXY"]),
    ("number plate kp68zxy",                           ["kp68zxy"]),
    ("the reg was A123 BCD",                           ["A123 BCD"]),
    ("reg plate ABC 123D",                             ["ABC 123D"]),
    ("license plate 7ABC123",                          ["7ABC123"]),
    ("license plate is ABC-1234",                      ["ABC-1234"]),
    ("her licence plate: 123 XYZ",                     ["123 XYZ"]),
    # traps
    ("KP68 ZXY",                                       []),    # no cue
    ("registration is at 10am",                        []),
    ("plate number 2nd from the left",                 []),
    ("my reg is a123 and",                             []),    # lower-case loose shapes do not count
    ("the plate was 500mg",                            []),
    ("a plate at the market, and then much later, AB12 CDE", []),  # the cue is too far away
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), PLATE_CASES)
def test_licence_plate_spans(plate, text, expected):
    """The licence-plate rule reports exactly the expected plates, and only after a cue."""
    assert found(plate, text) == expected


# fmt: off
PASSPORT_CASES = [
    # text                                            expected spans
    ("passport number 123456789",                      ["123456789"]),
    ("my passport no is K1234567",                     ["K1234567"]),
    ("passport: AB1234567",                            ["AB1234567"]),
    # traps
    ("123456789",                                      []),
    ("passport 000000000",                             []),
    ("my passport expired in 2019 and my number is 123456789", []),
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), PASSPORT_CASES)
def test_passport_spans(passport, text, expected):
    """The passport rule reports exactly the expected numbers, and only after the word "passport"."""
    assert found(passport, text) == expected


# fmt: off
CHECKSUMS = [
    # function                digits              valid
    (luhn_valid,              "4111111111111111", True),
    (luhn_valid,              "4111111111111112", False),
    (luhn_valid,              "79927398713",      True),
    (luhn_valid,              "12a4",             False),
    (nhs_check_digit_valid,   "9434765919",       True),
    (nhs_check_digit_valid,   "9434765918",       False),
    (nhs_check_digit_valid,   "943476591",        False),
]
# fmt: on


@pytest.mark.parametrize(("check", "digits", "valid"), CHECKSUMS)
def test_checksums(check, digits, valid):
    """The Luhn and NHS mod-11 checks accept valid numbers and reject one-digit changes."""
    assert check(digits) is valid


# One hit per rule, for properties every finding must have.
# fmt: off
HITS = [
    (SocialSecurityNumber, "my ssn is 536-22-8726"),
    (PaymentCard,          "card 4111 1111 1111 1111"),
    (IbanNumber,           "iban GB82 WEST 1234 5698 7654 32"),
    (NhsNumber,            "my nhs number is 943 476 5919"),
    (NiNumber,             "my NI number is AB 12 34 56 C"),
    (LicencePlate,         "my reg is KP68 ZXY"),
    (PassportNumber,       "passport number 123456789"),
]
# fmt: on


@pytest.mark.parametrize(("rule_class", "text"), HITS)
def test_id_findings_are_direct_and_explain_without_the_detail(rule_class, text):
    """Every ID finding is direct, carries the rule id and an explanation free of the matched text."""
    rule = rule_class()
    finding = only(rule, text)
    assert finding.label is Label.ID
    assert finding.direct is True
    assert finding.rule == rule.rule_id
    assert finding.explanation
    assert text[finding.start : finding.end] not in finding.explanation
    assert finding.subject is Subject.UNKNOWN


def test_checksum_valid_ids_score_high_with_context():
    """A checksum-valid card, IBAN or NHS number after its cue word scores at least 0.9."""
    for rule, text in [
        (PaymentCard(), "card 4111 1111 1111 1111"),
        (IbanNumber(), "iban GB82 WEST 1234 5698 7654 32"),
        (NhsNumber(), "nhs number 943 476 5919"),
    ]:
        assert only(rule, text).score >= 0.9


def test_id_rules_register_fresh_instances():
    """id_rules() returns new rule instances with unique names that a registry accepts."""
    first, second = id_rules(), id_rules()
    assert all(a is not b for a, b in zip(first, second, strict=True))
    assert len(RuleRegistry(first)) == len(first) == 7
