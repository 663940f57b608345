"""Ways to reach someone: e-mail addresses, phone numbers, links, social handles and IP addresses.

The rules see the normalised text, so "jess dot r at gmail" arrives as "jess.r@gmail" and "five five five …" as
digits. Word lists (top-level domains, mail providers, profile-link shapes, platform words, public helplines) are
data in `rules/detection/data/web.json` and `public_numbers.json`.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, ClassVar
from urllib.parse import urlsplit

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher, PhoneNumberType

from rules.detection.findings import Finding, Label
from rules.detection.recognizer import Context, Recognizer
from rules.detection.recognizers.ids import iban_spans, luhn_valid

__all__ = [
    "EmailAddress",
    "IpAddress",
    "PhoneNumberRule",
    "SocialHandle",
    "WebLink",
    "contact_rules",
    "email_spans",
    "is_profile_link",
    "link_spans",
]


@cache
def _json(name: str) -> dict[str, Any]:
    text = resources.files("rules.detection").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _words(key: str) -> frozenset[str]:
    """A lower-case word list from web.json."""
    return frozenset(word.lower() for word in _json("web.json")[key])


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first so "snapchat" wins over "snap"; spaces match any whitespace."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _window_has(text: str, words: Iterable[str]) -> str | None:
    """The first of `words` found as a whole word in `text`."""
    for word in words:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text):
            return word
    return None


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


# --- e-mail -------------------------------------------------------------------------------------------------------

_LOCAL = r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
_HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"

_EMAIL = re.compile(
    rf"""
    (?<![\w.+%@-])                      # the address starts here: an '@' before it makes a fediverse @name@server
    (?P<local>{_LOCAL})
    @
    (?:
        (?P<domain>(?:{_HOST_LABEL}\.)+(?P<tld>[A-Za-z]{{2,24}}))   # jess@mail.example.co.uk
      | (?P<provider>[A-Za-z]+)                                      # jess.r@gmail (normalised from "at gmail")
    )
    (?![\w@-]|\.[A-Za-z0-9])            # not cut off inside a longer host name
    """,
    re.VERBOSE,
)


def link_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of everything the URL rule would report."""
    for finding in WebLink().analyze(Context(text)):
        yield finding.start, finding.end


def email_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of everything the e-mail rule would report (the URL and handle rules stay out of them)."""
    for finding in EmailAddress().analyze(Context(text)):
        yield finding.start, finding.end


class EmailAddress(Recognizer):
    """E-mail addresses, including plus-addressing, sub-domains, and a well-known provider without its TLD."""

    name = "email"
    labels = (Label.EMAIL,)
    score = 0.95
    CONTEXT: ClassVar[tuple[str, ...]] = ("email", "e-mail", "mail", "gmail", "address", "contact", "reach me")

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each address; the provider-only form needs a known provider."""
        if "@" not in ctx.text:
            return
        for match in _EMAIL.finditer(ctx.text):
            start, end = match.span()
            if match["tld"]:
                known = match["tld"].lower() in _words("bare_tlds") | _words("path_tlds")
                score, why = (0.95, "e-mail address") if known else (0.7, "e-mail address with an unusual domain")
            else:
                provider = match["provider"].lower()
                dotted = "." in match["local"]
                if provider in _words("mail_providers"):
                    score, why = 0.85, "e-mail address at a known provider, domain left out"
                elif provider in _words("ambiguous_mail_providers") and dotted:
                    score, why = 0.7, "spelled-out e-mail address at a provider"
                else:
                    continue
            cue = ctx.preceded_by(start, self.CONTEXT)
            if cue and score < self.score:
                score = min(self.score, score + 0.2)
                why += f", after '{cue}'"
            yield Finding(Label.EMAIL, start, end, score, self.rule_id, why, direct=True)


# --- URLs ---------------------------------------------------------------------------------------------------------

# Characters a link may contain once it has started; quotes, angle brackets (Discord's <link>) and spaces end it.
_URL_BODY = r"[^\s<>\"'`]"

_URL = re.compile(
    rf"""
    (?P<scheme>\b(?:https?|ftp)://{_URL_BODY}+)                          # http(s):// anything
  | (?P<www>(?<![\w.@/-])www\.{_HOST_LABEL}(?:\.{_HOST_LABEL})+{_URL_BODY}*)   # www.example.org/…
  | (?P<bare>                                                            # example.org, bbc.co.uk/news
        (?<![\w.@/:#$%+=-])                 # not inside an e-mail, a path, another host, a word or a version
        (?P<host>(?:{_HOST_LABEL}\.)+(?P<tld>[A-Za-z]{{2,24}}))
        (?![\w@-]|\.[A-Za-z0-9])            # the host ends here (and is not an e-mail's local part)
        (?P<rest>(?::\d{{2,5}})?(?:/{_URL_BODY}*)?)
    )
    """,
    re.VERBOSE | re.IGNORECASE,
)
# Punctuation that ends a sentence rather than the link: "see example.org/page."
_TRAILING = ".,;:!?'\"*_~"


def _trim(text: str, start: int, end: int) -> int:
    """Move `end` back over trailing punctuation and unbalanced closing brackets."""
    pairs = {")": "(", "]": "[", "}": "{"}
    while end > start:
        last = text[end - 1]
        unbalanced = last in pairs and text.count(pairs[last], start, end) < text.count(last, start, end)
        if last not in _TRAILING and not unbalanced:
            break
        end -= 1
    return end


@dataclass(frozen=True, slots=True)
class _ProfileSite:
    hosts: frozenset[str]
    prefixes: tuple[str, ...]
    reserved: frozenset[str]


@cache
def _profile_sites() -> tuple[_ProfileSite, ...]:
    return tuple(
        _ProfileSite(frozenset(s["hosts"]), tuple(s["prefixes"]), frozenset(r.lower() for r in s["reserved"]))
        for s in _json("web.json")["profile_sites"]
    )


_PROFILE_NAME = re.compile(r"[\w.\-$@+%~]+")
_HOST_NOISE = ("www.", "m.", "mobile.", "old.", "new.", "web.")


def is_profile_link(url: str) -> bool:
    """Whether `url` points at a person's page on a social site ("instagram.com/jess_r", "tiktok.com/@jess")."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").lower()
    for noise in _HOST_NOISE:
        if host.startswith(noise) and host.count(".") > 1:
            host = host[len(noise) :]
    labels = host.split(".")
    if len(labels) > 2 and ".".join(labels[1:]) in _words("profile_subdomain_hosts"):
        return labels[0] not in _words("reserved_subdomains")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    for site in _profile_sites():
        if host not in site.hosts:
            continue
        for prefix in site.prefixes:
            if not path.lower().startswith(prefix):
                continue
            name = _PROFILE_NAME.match(path, len(prefix))
            if name is None:
                continue
            if prefix == "/" and name.group().lower() in site.reserved:
                continue
            return True
    return False


class WebLink(Recognizer):
    """Links: http(s)://…, www.…, and bare domains with a known top-level domain; profile links score high.

    A link to a news article identifies nobody, so ordinary links are reported with a moderate score and
    `direct=False`; a link to someone's profile is a direct identifier.
    """

    name = "url"
    labels = (Label.URL,)
    score = 0.85
    SCORES: ClassVar[dict[str, float]] = {"scheme": 0.5, "www": 0.5, "bare": 0.4}

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each link outside an e-mail address, trimmed of sentence punctuation."""
        if "." not in ctx.text:
            return
        emails = list(email_spans(ctx.text)) if "@" in ctx.text else []
        for match in _URL.finditer(ctx.text):
            kind = "scheme" if match["scheme"] else "www" if match["www"] else "bare"
            start = match.start()
            end = _trim(ctx.text, start, match.end())
            if kind == "bare" and not self._bare_domain_counts(match, ctx.text[match.start("rest") : end]):
                continue
            if end <= start or _overlaps(start, end, emails):
                continue
            if is_profile_link(ctx.text[start:end]):
                yield Finding(Label.URL, start, end, self.score, self.rule_id, "link to a profile page", direct=True)
            else:
                why = {"scheme": "web link", "www": "web address", "bare": "domain name with a known TLD"}[kind]
                yield Finding(Label.URL, start, end, self.SCORES[kind], self.rule_id, why)

    @staticmethod
    def _bare_domain_counts(match: re.Match[str], rest: str) -> bool:
        """A bare host needs a common TLD, or a path after a word-like one ("x.me/jess", not "relapsed.my")."""
        tld = match["tld"].lower()
        if tld in _words("bare_tlds"):
            return True
        return tld in _words("path_tlds") and len(rest) > 1 and rest.startswith("/")


# --- social handles -----------------------------------------------------------------------------------------------

_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,38}[A-Za-z0-9_])?"
# Words that name a handle without naming a platform ("my username is …").
_HANDLE_NOUN = r"(?:handle|user\s*name|screen\s*name|gamer\s*tag|discord\s+(?:tag|name))"
# After a platform word people also use dashes ("snap: jess-r"), and Discord's legacy tags end in #1234.
_CUED_NAME = r"@?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?(?:\#\d{4})?"


@dataclass(frozen=True, slots=True)
class _HandlePattern:
    """One way a handle is introduced. The handle is the regex group `h`.

    `word_score` applies when the handle is a plain word ("my snap is jessr" reads like "my snap is amazing");
    a digit, underscore, dot or "@" makes it look like a handle and earns `score`.
    """

    name: str
    regex: re.Pattern[str]
    score: float
    word_score: float
    # A cheap test that the pattern can match at all: a substring of the lowered text, or a regex over it.
    gate: str | re.Pattern[str]


@cache
def _handle_patterns() -> tuple[_HandlePattern, ...]:
    platform = _alternation(_words("handle_platforms"))
    noun = _alternation(_words("handle_nouns"))
    lead_in = r"(?:add|follow|find|hmu|dm|message|msg|text|hit\s+me\s+up|reach|contact|friend|look\s+me\s+up)"
    has_platform = re.compile(rf"\b(?:{platform})\b")
    has_noun = re.compile(rf"\b{_HANDLE_NOUN}")
    return (
        _HandlePattern(
            "@handle",
            re.compile(
                rf"""
                (?<![\w@<&!./\#$%+=-])        # not an e-mail, a Discord mention <@123>, a path or a word
                (?P<h>@{_NAME}
                    (?:@{_HOST_LABEL}(?:\.{_HOST_LABEL})+)?   # fediverse: @jess@mastodon.social
                )
                (?![\w@])
                """,
                re.VERBOSE,
            ),
            0.6,
            0.6,
            "@",
        ),
        _HandlePattern(
            "platform: handle",
            re.compile(rf"\b(?:{platform})(?:\s+(?:{noun}))?\s*[:=]\s*(?P<h>{_CUED_NAME})(?![\w@-])", re.IGNORECASE),
            0.85,
            0.8,
            has_platform,
        ),
        _HandlePattern(
            "my platform is handle",
            re.compile(
                rf"""
                \b(?:my|his|her|their|your)\s+(?:{platform})(?:\s+(?:{noun}))?   # "my snap", "her ig name"
                \s+(?:is|-|–)\s*(?P<h>{_CUED_NAME})
                (?![\w@-])
                """,
                re.VERBOSE | re.IGNORECASE,
            ),
            0.85,
            0.5,
            has_platform,
        ),
        _HandlePattern(
            "add me on platform",
            re.compile(
                rf"""
                \b{lead_in}\s+(?:me\s+)?(?:on|at|via|over|thru|through)\s+(?:{platform})
                \s*(?:[:=@-]|as|is)?\s*(?P<h>{_CUED_NAME})
                (?![\w@-])
                """,
                re.VERBOSE | re.IGNORECASE,
            ),
            0.8,
            0.7,
            has_platform,
        ),
        _HandlePattern(
            "platform handle-shaped",
            re.compile(
                rf"""
                \b(?:{platform})\s+
                (?P<h>(?=[\w.-]*(?:[\d_]|\.\w))   # a digit, underscore or inner dot: "snapchat jess_r92",
                    {_CUED_NAME})                  # not "snapchat yesterday"
                (?![\w@-])
                """,
                re.VERBOSE | re.IGNORECASE,
            ),
            0.75,
            0.75,
            has_platform,
        ),
        _HandlePattern(
            "handle: name",
            re.compile(rf"\b{_HANDLE_NOUN}\s*[:=]\s*(?P<h>{_CUED_NAME})(?![\w@-])", re.IGNORECASE),
            0.8,
            0.75,
            has_noun,
        ),
        _HandlePattern(
            "my handle is name",
            re.compile(
                rf"""
                \b(?:my|his|her|their|your)\s+(?:\w+\s+)?{_HANDLE_NOUN}   # "my username", "my discord tag"
                \s+is\s*(?P<h>{_CUED_NAME})
                (?![\w@-])
                """,
                re.VERBOSE | re.IGNORECASE,
            ),
            0.8,
            0.5,
            has_noun,
        ),
        _HandlePattern(
            "discord tag",
            # Discord's legacy name#1234; retired in 2023 but still how many people write their name.
            re.compile(r"(?<![\w#@.])(?P<h>[A-Za-z0-9_.]{2,32}#\d{4})(?![\w#])"),
            0.7,
            0.7,
            "#",
        ),
        _HandlePattern(
            "u/reddit user",
            # r/name is a subreddit, a public forum, and is left alone.
            re.compile(r"(?<![\w/.])(?P<h>/?u/[A-Za-z0-9_-]{3,20})(?![\w/-])"),
            0.8,
            0.8,
            "u/",
        ),
    )


_PROSE_AFTER = re.compile(r" +[A-Za-z]")
_PLATFORM_CUES = ("follow", "insta", "instagram", "ig", "twitter", "tiktok", "snap", "snapchat", "threads", "handle")
_TIME_OR_NUMBER = re.compile(r"\d+(?:[.:,]\d+)?(?:am|pm|ish|h|hrs?|k|m|x|s|st|nd|rd|th)?", re.IGNORECASE)


class SocialHandle(Recognizer):
    """Social-media handles: "@name", "insta: name", "my snap is name", "add me on discord name", "u/name".

    The span is the handle as written, with its "@" or "u/" but without the words that introduced it.
    Discord mentions (`<@123>`), "@everyone"/"@here", e-mail addresses and subreddits (r/name) are not handles.
    """

    name = "handle"
    labels = (Label.HANDLE,)
    score = 0.85

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each handle once, with the score of the strongest pattern that found it."""
        emails = list(email_spans(ctx.text)) if "@" in ctx.text else []
        best: dict[tuple[int, int], tuple[float, str]] = {}
        for pattern in _handle_patterns():
            gate = pattern.gate
            if not (gate in ctx.lowered if isinstance(gate, str) else gate.search(ctx.lowered)):
                continue
            for match in pattern.regex.finditer(ctx.text):
                start, end = match.span("h")
                handle = match["h"]
                if not self._plausible(handle) or _overlaps(start, end, emails):
                    continue
                word = handle.replace("-", "").isalpha()
                score = pattern.word_score if word else pattern.score
                if word and _PROSE_AFTER.match(ctx.text, end) and pattern.name not in ("@handle", "u/reddit user"):
                    score = min(score, 0.4)  # "YouTube: Nukes are made by …" is a sentence, not a handle
                if pattern.name == "@handle" and "@" in handle[1:]:
                    score = 0.8  # @name@server is unmistakably a fediverse address
                why = f"handle, pattern '{pattern.name}'"
                if pattern.name == "@handle":
                    cue = ctx.preceded_by(start, _PLATFORM_CUES, 30)
                    if cue:
                        score, why = 0.9, why + f", after '{cue}'"
                if best.get((start, end), (0.0, ""))[0] < score:
                    best[(start, end)] = (score, why)
        kept: list[tuple[int, int]] = []
        for (start, end), (score, why) in sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0][0] - kv[0][1])):
            if _overlaps(start, end, kept):
                continue
            kept.append((start, end))
            yield Finding(Label.HANDLE, start, end, score, self.rule_id, why, direct=True)

    @staticmethod
    def _plausible(handle: str) -> bool:
        """Not a group ping, a word used as "at" ("@home"), a time ("@5pm") or a short common word."""
        bare = handle.lstrip("@/").removeprefix("u/").split("@")[0].lower()
        if len(bare) < 2 or bare in _words("not_handles") or bare in _words("handle_platforms"):
            return False
        if _TIME_OR_NUMBER.fullmatch(bare):
            return False
        # "@jess.com" reads as "at jess.com" (a link), not a handle.
        tail = bare.rsplit(".", 1)
        return not (len(tail) == 2 and tail[1] in _words("bare_tlds"))


# --- IP addresses -------------------------------------------------------------------------------------------------

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])")
_VERSION_CUES = (
    *("version", "ver", "v", "release", "build", "update", "firmware", "ios", "android", "chapter", "section"),
)
# Public DNS resolvers everyone types when fixing their internet; they identify nobody.
_PUBLIC_IPS = frozenset({"8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "208.67.222.222", "208.67.220.220"})


class IpAddress(Recognizer):
    """IPv4 and IPv6 addresses, checked with `ipaddress`; private, loopback and public-resolver addresses score low."""

    name = "ip"
    labels = (Label.IP,)
    score = 0.85

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each address that `ipaddress` accepts and that is not a version number."""
        if "." in ctx.text:
            for match in _IPV4.finditer(ctx.text):
                if ctx.preceded_by(match.start(), _VERSION_CUES, 12):
                    continue
                yield from self._finding(match, 4)
        if ctx.text.count(":") >= 2:
            for match in _IPV6.finditer(ctx.text):
                if match.group() == "::" or not any(c.isdigit() for c in match.group()):
                    continue
                yield from self._finding(match, 6)

    def _finding(self, match: re.Match[str], version: int) -> Iterator[Finding]:
        try:
            address = ipaddress.ip_address(match.group())
        except ValueError:
            return
        if address.version != version:
            return
        if address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified:
            score, why = 0.3, f"IPv{version} address on a private, local or documentation network"
        elif match.group() in _PUBLIC_IPS:
            score, why = 0.2, f"IPv{version} address of a public DNS service"
        elif not address.is_global:
            score, why = 0.3, f"reserved IPv{version} address"
        else:
            score, why = self.score, f"public IPv{version} address"
        yield Finding(Label.IP, match.start(), match.end(), score, self.rule_id, why, direct=True)


# --- phone numbers ------------------------------------------------------------------------------------------------

# Words just before a number that make it a phone number ...
_PHONE_CUES = (
    *("call", "calls", "called", "text", "txt", "texts", "number", "num", "phone", "cell", "cellphone", "mobile"),
    *("mob", "tel", "telephone", "whatsapp", "signal", "telegram", "ring", "reach me", "hmu", "sms", "landline"),
    *("digits", "contact", "voicemail", "fax", "dial", "ph", "phone no", "mobile no", "cell no", "area code"),
)
# ... or just after it ("0412 345 678 is my cell").
_PHONE_CUES_AFTER = ("number", "cell", "mobile", "whatsapp", "text me", "call me", "landline", "phone")
# Words after which a number is something other than a phone: an order, or an ID the ID rules handle.
_OTHER_NUMBERS = (
    *("nhs", "ssn", "ss#", "social security", "passport", "card", "iban", "account", "acct", "sort code", "order"),
    *("invoice", "tracking", "serial", "isbn", "routing", "plate", "reg", "registration", "pin", "otp"),
)
# Nouns that say so only with "number", "no", "#" after them: "my case worker is 415 …" is a phone number.
_OTHER_NUMBER_NOUNS = (
    *("case", "ticket", "ref", "reference", "confirmation", "booking", "policy", "model", "member", "membership"),
    *("claim", "customer", "student", "employee", "patient", "badge", "id", "social"),
)
# Words before a number that make it something else: a public line, or one of the numbers above. "order number"
# ends where "number" does, and a negative cue wins a tie, so "my order number is …" is not a phone number.
_NOT_PHONE_CUES = (
    *("helpline", "hotline", "lifeline", "crisis line", "crisis text line", "samaritans", "samhsa", "childline"),
    *("suicide line", "crisis", "emergency", "police", "ambulance", "version", "ver", "build", "release"),
    *_OTHER_NUMBERS,
    *(f"{noun} {suffix}" for noun in _OTHER_NUMBERS + _OTHER_NUMBER_NOUNS for suffix in ("number", "no", "num", "#")),
    "social is",
)
_CURRENCY_BEFORE = re.compile(r"(?:[$£€¥₹]|\b(?:usd|gbp|eur|aud|cad|nzd|inr|rs\.?))\s*$", re.IGNORECASE)
_QUANTITY_AFTER = re.compile(
    r"""^\s*(?:
        k|m|bn|mg|mcg|µg|ml|g|kg|lbs?|oz|units?|iu|%|
        dollars?|bucks|pounds?|quid|euros?|usd|gbp|eur|aud|cad|rupees|inr|cents|
        days?|weeks?|wks?|months?|years?|yrs?|hours?|hrs?|minutes?|mins?|seconds?|secs?|
        steps|calories|kcal|people|members|views|followers|likes|times|miles|km|words|points|pts
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
_COUNT_BEFORE = re.compile(r"(?:\b(?:day|days|week|month|year)\s*|#)$", re.IGNORECASE)
_DATE_SHAPE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?")
_SSN_SHAPE = re.compile(r"\d{3}-\d{2}-\d{4}")
# 1,200,000, 3.14159 and 192.168.1.1 (the IP rule's)
_NUMBER_SHAPE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d{1,3}(?:\.\d{1,3}){3}")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A run of digits with single separators: the whole number a match sits in (a card, an account number).
_DIGIT_RUN = re.compile(r"\d(?:[ .-]?\d)*")
_VANITY_AFTER = re.compile(r"^-?[A-Za-z]{2,}")

_PERSONAL_TYPES = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.VOIP,
        PhoneNumberType.PERSONAL_NUMBER,
        PhoneNumberType.PAGER,
        PhoneNumberType.VOICEMAIL,
    }
)
_SERVICE_TYPES = frozenset(
    {PhoneNumberType.TOLL_FREE, PhoneNumberType.PREMIUM_RATE, PhoneNumberType.SHARED_COST, PhoneNumberType.UAN}
)


_PHONE_WHY = {
    "valid": "valid phone number",
    "valid elsewhere": "phone number",
    "possible": "phone-number shape",
    "service": "toll-free or service number",
}


@cache
def _public_numbers() -> frozenset[str]:
    """National significant numbers (and bare digits) of the public helplines in public_numbers.json."""
    found: set[str] = set()
    for entry in _json("public_numbers.json")["numbers"]:
        digits = re.sub(r"\D", "", entry["number"])
        found.add(digits)
        try:
            number = phonenumbers.parse(entry["number"], entry["region"])
        except phonenumbers.NumberParseException:
            continue
        found.add(phonenumbers.national_significant_number(number))
    return frozenset(found)


@dataclass(slots=True)
class _Reading:
    """One region's reading of a phone-number match."""

    start: int
    end: int
    number: PhoneNumber
    region_rank: int
    valid: bool
    kind: int


class PhoneNumberRule(Recognizer):
    """Phone numbers, found by Google's libphonenumber in each configured region and in `+CC` form.

    A number is read in every region of `ctx.regions`; the first region in which it is possible decides what it
    is (so "0800 …" reads as a UK freephone before an Indian mobile). Public helplines, short codes, and
    numbers that are really prices, doses, dates, times, day counts, years, card numbers or IBANs are dropped.
    """

    name = "phone"
    labels = (Label.PHONE,)
    score = 0.9
    SCORES: ClassVar[dict[str, float]] = {
        "valid": 0.7,  # valid in the region it most likely belongs to
        "valid elsewhere": 0.6,  # possible there, but valid only in a later region
        "possible": 0.3,  # the right length, not a number any region issues
        "service": 0.2,  # toll-free, premium, shared-cost: a business's line, not a person's
    }
    CONTEXT_BONUS = 0.25
    MIN_DIGITS = 7  # shorter numbers are short codes (988, 116 123, 741741), never a person's line
    # MIN_DIGITS digits with nothing but spaces and punctuation between them: what every phone number has and most
    # messages with digits lack ("day 47, 2 years, at 7:30"), so libphonenumber only runs where it can match.
    DIGIT_RUN: ClassVar[re.Pattern[str]] = re.compile(rf"\d(?:[^\w]{{0,4}}\d){{{MIN_DIGITS - 1},}}")

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield each phone number once, scored by how valid it is and whether a cue word is near."""
        if not self.DIGIT_RUN.search(ctx.text):
            return
        readings = self._readings(ctx)
        if not readings:
            return
        # Digits inside an IBAN, an e-mail address or a link ("plixi.com/p/45648946") belong to those.
        taken = [(s, e) for s, e, _ in iban_spans(ctx.text)] + list(email_spans(ctx.text)) + list(link_spans(ctx.text))
        for group in _overlap_groups(readings):
            finding = self._judge(ctx, group, taken)
            if finding is not None:
                yield finding

    @staticmethod
    def _readings(ctx: Context) -> list[_Reading]:
        readings = []
        for rank, region in enumerate(ctx.regions):
            for match in PhoneNumberMatcher(ctx.text, region, leniency=Leniency.POSSIBLE):
                valid = phonenumbers.is_valid_number(match.number)
                kind = phonenumbers.number_type(match.number) if valid else PhoneNumberType.UNKNOWN
                readings.append(_Reading(match.start, match.end, match.number, rank, valid, kind))
        return readings

    def _judge(self, ctx: Context, group: list[_Reading], taken: list[tuple[int, int]]) -> Finding | None:
        # The widest reading gives the span; the earliest region that reads it at all says what it is.
        widest = max(group, key=lambda r: (r.end - r.start, -r.region_rank))
        start, end = widest.start, widest.end
        if self._not_a_phone_number(ctx.text, start, end, group, taken):
            return None
        primary = min((r for r in group if (r.start, r.end) == (start, end)), key=lambda r: r.region_rank)
        if primary.valid and primary.kind in _SERVICE_TYPES:
            return Finding(Label.PHONE, start, end, self.SCORES["service"], self.rule_id, _PHONE_WHY["service"])
        if primary.valid:
            level = "valid"
        elif any(r.valid and r.kind in _PERSONAL_TYPES for r in group):
            level = "valid elsewhere"
        else:
            level = "possible"
        digits_only = ctx.text[start:end].isdigit()
        cue = self._cue(ctx, start, end)
        if cue is None and level == "possible" and digits_only:
            return None  # a bare run of digits that no region issues: an order number as likely as a phone
        score = self.SCORES[level]
        if digits_only and cue is None:
            score -= 0.1  # "07911123456" alone is likelier a phone than not, but less sure than "07911 123456"
        why = _PHONE_WHY[level]
        if ctx.text[start] == "+":
            score += 0.05
            why += " in international form"
        if cue is not None:
            score += self.CONTEXT_BONUS
            why += f", near '{cue}'"
        return Finding(Label.PHONE, start, end, round(min(score, self.score), 3), self.rule_id, why, direct=True)

    @staticmethod
    def _cue(ctx: Context, start: int, end: int) -> str | None:
        """The positive cue nearest the number, unless a negative cue ("helpline", "order") is nearer still."""
        before = ctx.lowered[max(0, start - 40) : start]
        positive = _last_cue(before, _PHONE_CUES)
        negative = _last_cue(before, _NOT_PHONE_CUES)
        if positive is not None and (negative is None or positive[0] > negative[0]):
            return positive[1]
        if negative is not None:
            return None
        return _window_has(ctx.lowered[end : end + 25], _PHONE_CUES_AFTER)

    def _not_a_phone_number(
        self, text: str, start: int, end: int, group: list[_Reading], taken: list[tuple[int, int]]
    ) -> bool:
        """Whether the match is a helpline, a short code, or a number that means something else."""
        raw = text[start:end]
        digits = re.sub(r"\D", "", raw)
        lowered_before = text[max(0, start - 40) : start].lower()
        after = text[end : end + 20]
        if len(digits) < self.MIN_DIGITS or _overlaps(start, end, taken):
            return True
        public = _public_numbers()
        if digits in public or any(phonenumbers.national_significant_number(r.number) in public for r in group):
            return True
        negative = _last_cue(lowered_before[-30:], _NOT_PHONE_CUES)
        positive = _last_cue(lowered_before[-30:], _PHONE_CUES)
        if negative is not None and (positive is None or negative[0] >= positive[0]):
            return True
        if _CURRENCY_BEFORE.search(text[max(0, start - 5) : start]) or _QUANTITY_AFTER.match(after):
            return True
        if _COUNT_BEFORE.search(text[max(0, start - 8) : start]) or _VANITY_AFTER.match(after):
            return True
        if _glued(text, start, end):
            return True
        if _DATE_SHAPE.fullmatch(raw) or _SSN_SHAPE.fullmatch(raw) or _NUMBER_SHAPE.fullmatch(raw):
            return True
        groups = re.findall(r"\d+", raw)
        if all(len(g) == 4 and _YEAR.fullmatch(g) for g in groups):
            return True  # "2019 2020", "2019-2023"
        return self._inside_longer_number(text, start, end, digits, group)

    @staticmethod
    def _inside_longer_number(text: str, start: int, end: int, digits: str, group: list[_Reading]) -> bool:
        """Whether the match is a piece of a longer digit run: a card number, or anything no region reads whole."""
        for run in _DIGIT_RUN.finditer(text):
            if run.start() <= start and end <= run.end():
                run_digits = re.sub(r"\D", "", run.group())
                if len(run_digits) == len(digits):
                    return False
                if 13 <= len(run_digits) <= 19 and luhn_valid(run_digits):
                    return True
                return not any(r.valid for r in group)
        return False


def _glued(text: str, start: int, end: int) -> bool:
    """Whether the match is a piece of a longer token: a version, a file name, a date-time, a decimal."""
    before, before2 = text[start - 1 : start], text[max(0, start - 2) : max(0, start - 1)]
    after, after2 = text[end : end + 1], text[end + 1 : end + 2]
    if before.isalpha() or after.isalpha():
        return True  # "v10", "abc5551234567", "5551234567abc"
    if before in ("-", "/", ".", "_") and before2.isalnum():
        return True  # "series-3937647", "10.2.3456789", "p/45648946"
    if before == ":" and before2.isdigit():
        return True  # "20:30 22"
    return after in (":", ".", "/") and after2.isdigit()  # "Oct-12-2010 20:30", "103 103.0", "4/20"


def _last_cue(window: str, words: Iterable[str]) -> tuple[int, str] | None:
    """The cue word that ends last in `window`, with its end position."""
    best: tuple[int, str] | None = None
    for word in words:
        for match in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", window):
            if best is None or match.end() > best[0]:
                best = (match.end(), word)
    return best


def _overlap_groups(readings: list[_Reading]) -> Iterator[list[_Reading]]:
    """Group readings whose spans overlap (the same number read in several regions)."""
    group: list[_Reading] = []
    group_end = -1
    for reading in sorted(readings, key=lambda r: (r.start, -r.end)):
        if group and reading.start >= group_end:
            yield group
            group = []
        group.append(reading)
        group_end = max(group_end, reading.end)
    if group:
        yield group


def contact_rules() -> list[Recognizer]:
    """Fresh instances of every contact rule."""
    return [EmailAddress(), PhoneNumberRule(), WebLink(), SocialHandle(), IpAddress()]
