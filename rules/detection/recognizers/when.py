"""Dates and ages: the DATE and AGE labels, quasi-identifiers that matter in combination.

DATE rules report only dates that can single someone out: a day and a month, with or without a year, or a birth
year. They never report relative dates ("next tuesday", "yesterday", "in two weeks"), day counts ("day 47",
"90 in 90"), a month or a year alone ("in March", "since 2019"), times, doses, prices, fractions, scores, version
numbers, or public holidays without a year ("on July 4th", "the 25th of December").

- `calendar_date`: "12 March 2021", "the 12th of March", "March 12th", "12/03/2021", "2021-03-12";
- `numeric_date_cue`: a day/month without a year right after a cue ("my birthday is 14/02", "sober since 4/7");
- `birth_year`: "born in 1990", "DOB: 1990".

A date scores higher with a year and when it is about a birth, death, wedding, accident, arrest, court date or
sobriety date ("born on 3 March 1990", "sober since 4 July 2019").

AGE rules report a person's age now:

- `age_statement`: "I'm 34", "she's 12", "my son is 7", "turning 40 next week";
- `age_phrase`: "34 years old", "my 7 year old", "my 16-year-old son", "34 y/o", "34yo", "aged 34", "3 months old";
- `age_tag`: "34F", "(34M)", "M/34", "34/f".

They leave alone "I'm 100% sure", "I'm 5 days sober", "I'm on step 4", "I'm 2 for 2", "I'm 6 months in",
"for 34 years", "in 1990", and past ages ("I was 12 when …"). A decade ("in my 20s", "in her early 40s") is not a
finding: it is shared by a large part of any group, and the clean support-chat sample is full of them.

Spans. A date covers day, month and year as written ("12th of March, 2021"), without a leading "the" or "on". An
age covers the number, and its unit or marker when one is written ("I'm 34" reports "34"; "my 7 year old"
reports "7 year old"; "(34F)" reports "34F"; "aged 34" reports "34").
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

from rules.detection.findings import Finding, Label
from rules.detection.recognizer import Context, Recognizer

__all__ = [
    "AgePhrase",
    "AgeStatement",
    "AgeTag",
    "BirthYear",
    "CalendarDate",
    "NumericDateCue",
    "time_rules",
]

# How far around a date an event cue ("born", "funeral", "court") still counts.
EVENT_BEFORE = 60
EVENT_AFTER = 40
EVENT_BOOST = 0.15


@cache
def _data(name: str) -> dict[str, Any]:
    """Load a JSON word list from `rules/detection/data/`."""
    return json.loads(resources.files("rules.detection").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def _alt(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first; a space or hyphen inside an entry matches either."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?") for w in ordered)


# Words after a number that show it counts something, so it is neither a day of the month nor an age.
_COUNTED = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?|decades?|times?|people"
    r"|persons?|members?|of|steps?|meetings?|miles?|km|pounds?|lbs?|kg|mg|ml|percent|pm|am|o'clock|points?)"
)


# --- dates ---------------------------------------------------------------------------------------------------------


@cache
def _months() -> dict[str, int]:
    return dict(_data("dates.json")["months"])


@cache
def _ordinals() -> dict[str, int]:
    """Spelled-out days by their letters alone, so "twenty-first", "twenty first" and "twentyfirst" agree."""
    return {_letters(word): day for word, day in _data("dates.json")["ordinals"].items()}


def _letters(word: str) -> str:
    return re.sub(r"[\s-]", "", word.lower())


@cache
def _public_dates() -> frozenset[tuple[int, int]]:
    return frozenset((month, day) for month, day in _data("dates.json")["public_dates"])


# Most rules need a digit somewhere in the message; one search skips most chat.
_DIGIT = re.compile(r"\d")
# Every month word starts with one of these.
_MONTH_START = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)


@cache
def _ordinal_word() -> re.Pattern[str]:
    """Any spelled-out day ("twelfth"): without one or a digit, no month-name date can match."""
    return re.compile(rf"\b(?:{_alt(_data('dates.json')['ordinals'])})\b", re.IGNORECASE)


@cache
def _event_cue() -> re.Pattern[str]:
    """Words that make a date about a birth, death, wedding, accident, arrest, court or sobriety date."""
    return re.compile(rf"(?<![\w'’])(?:{_alt(_data('dates.json')['event_cues'])})(?![\w'’])", re.IGNORECASE)


def _event_near(ctx: Context, start: int, end: int) -> bool:
    """Whether an event cue is near the date: "born on …", "… was the day he died"."""
    before = ctx.text[max(0, start - EVENT_BEFORE) : start]
    after = ctx.text[end : end + EVENT_AFTER]
    return bool(_event_cue().search(before) or _event_cue().search(after))


def _valid(day: int, month: int, year: int | None = None) -> bool:
    """Whether day/month (and year, if given) name a real date; 29 February counts when no year says otherwise."""
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= calendar.monthrange(year if year is not None else 2000, month)[1]


def _year(token: str | None) -> int | None:
    """'2021' → 2021, "'21" or '21' → 2021 or 1921 (whichever is not in the future of this century's chat)."""
    if not token:
        return None
    digits = token.lstrip("'’")
    if len(digits) == 4:
        return int(digits)
    value = int(digits)
    return 2000 + value if value <= 40 else 1900 + value


def _score_date(ctx: Context, start: int, end: int, with_year: bool) -> tuple[float, str]:
    """The score and explanation of a day+month date: higher with a year, higher again near an event cue."""
    score, why = (0.7, "day, month and year") if with_year else (0.5, "day and month")
    if _event_near(ctx, start, end):
        score, why = score + EVENT_BOOST, why + ", about a life event"
    return round(score, 3), why


@cache
def _month_dates() -> re.Pattern[str]:
    """Dates written with a month name, day first or month first, with an optional year."""
    month = _alt(_months())
    ordinal = _alt(_data("dates.json")["ordinals"])
    day = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
    year = r"(?:19|20)\d\d|['’]\d\d"
    return re.compile(
        rf"""
        (?:
            (?<![\w$£€.,:/\#'’-])
            (?:(?P<d1>{day})|(?P<w1>{ordinal}))          # "12", "12th", "twelfth"
            (?P<of>\s+of)?\s+                            # "12th of"
            (?P<m1>{month})\.?(?![\w'’])                 # "March", "Mar."
            (?:,?\s+(?P<y1>{year})(?![\w'’]))?           # ", 2021"
        |
            (?<![\w'’])
            (?P<m2>{month})\.?\s+(?:the\s+)?             # "March", "March the"
            (?:(?P<d2>{day})|(?P<w2>{ordinal}))          # "12", "12th", "twelfth"
            (?![\w'’]|[.,:/]\d)
            (?:,?\s+(?P<y2>{year})(?![\w'’]))?           # ", 2021"
        )
        """,
        re.IGNORECASE | re.VERBOSE,
    )


# A number right before a day-first date that makes it something else: "step 12 March", "page 5 May".
_NUMBERED_THING = re.compile(
    r"\b(?:step|chapter|page|pages|pg|day|week|room|number|no|part|level|season|episode|verse|psalm|unit|#)\.?\s*$",
    re.IGNORECASE,
)
_COUNTED_AFTER = re.compile(rf"\s*{_COUNTED}(?![\w'’])", re.IGNORECASE)


class CalendarDate(Recognizer):
    """A calendar date with a day and a month: "12 March 2021", "March 12th", "12/03/2021", "2021-03-12"."""

    name = "calendar_date"
    labels = (Label.DATE,)
    score = 0.5

    # Numeric dates need a year here (without one they are fractions and scores; see `numeric_date_cue`).
    NUMERIC = re.compile(
        r"""(?<![\w$£€.,:/\#-])
            (?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d\d|\d\d)   # 12/03/2021, 12.03.21
            (?![\w]|[/.-]\d)""",
        re.VERBOSE,
    )
    ISO = re.compile(
        r"(?<![\w$£€.,:/\#-])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\w]|[/.-]\d)"
    )
    # Software versions look like dates ("v1.2.21", "iOS 12.1.20").
    VERSION = re.compile(r"(?:\bv|\bversion|\bver|\bios|\bandroid|\bbuild|\brelease|\bupdate|\bpatch)\.?\s*$", re.I)

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield dates written with a month name, then numeric dates with a year."""
        digits = _DIGIT.search(ctx.text) is not None
        if (digits or _ordinal_word().search(ctx.text)) and _MONTH_START.search(ctx.text):
            yield from self._month_names(ctx)
        if digits:
            yield from self._numeric(ctx)

    def _month_names(self, ctx: Context) -> Iterator[Finding]:
        for match in _month_dates().finditer(ctx.text):
            day_first = match["m1"] is not None
            month_word = match["m1"] or match["m2"]
            day_digits, day_word = (match["d1"], match["w1"]) if day_first else (match["d2"], match["w2"])
            year_text = match["y1"] if day_first else match["y2"]
            day = int(re.sub(r"\D", "", day_digits)) if day_digits else _ordinals()[_letters(day_word)]
            month = _months()[month_word.lower()]
            year = _year(year_text)
            if not _valid(day, month, year):
                continue
            ordinal = bool(day_word) or not (day_digits or "").isdigit()
            if not self._month_word_is_month(month_word, ordinal, year is not None, bool(match["of"])):
                continue  # "step 1 may be hard", "we march 5 abreast"
            if day_word and day_first and not match["of"]:
                continue  # "first March" is not how a date is written; "the first of March" is
            if year is None and _COUNTED_AFTER.match(ctx.text, match.end()):
                continue  # "March 20 people", "May 5 minutes"
            if day_first and _NUMBERED_THING.search(ctx.text, max(0, match.start() - 12), match.start()):
                continue  # "step 12 March"
            start = match.start()
            if year is None and (month, day) in _public_dates() and not _event_near(ctx, start, match.end()):
                continue  # "on July 4th", "the 25th of December": everyone's date, not a person's
            end = match.end() - 1 if match.group().endswith(".") else match.end()  # a full stop, not "Jan."
            score, why = _score_date(ctx, start, end, year is not None)
            yield Finding(Label.DATE, start, end, score, self.rule_id, why)

    @staticmethod
    def _month_word_is_month(word: str, ordinal: bool, with_year: bool, with_of: bool) -> bool:
        """Whether a month word that is also an English word ("may", "march") reads as a month here."""
        if word.lower().rstrip(".") not in _data("dates.json")["ambiguous_months"] or word[0].isupper():
            return True
        return ordinal or with_year or with_of

    def _numeric(self, ctx: Context) -> Iterator[Finding]:
        for match in self.NUMERIC.finditer(ctx.text):
            a, b, sep, year_text = int(match["a"]), int(match["b"]), match["sep"], match["y"]
            if len(year_text) == 2 and (sep == "-" or (sep == "." and (len(match["a"]) < 2 or len(match["b"]) < 2))):
                continue  # "3-1-22" is a score or a sequence; "1.2.21" a version
            year = _year(year_text)
            if not (_valid(a, b, year) or _valid(b, a, year)):
                continue
            if self.VERSION.search(ctx.text, max(0, match.start() - 10), match.start()):
                continue
            score, why = _score_date(ctx, match.start(), match.end(), True)
            yield Finding(Label.DATE, match.start(), match.end(), score, self.rule_id, why + ", numeric")
        for match in self.ISO.finditer(ctx.text):
            if not _valid(int(match["d"]), int(match["m"]), int(match["y"])):
                continue
            if self.VERSION.search(ctx.text, max(0, match.start() - 10), match.start()):
                continue
            score, why = _score_date(ctx, match.start(), match.end(), True)
            yield Finding(Label.DATE, match.start(), match.end(), score, self.rule_id, why + ", year first")


# A cue right before a day/month written without a year. "on" and "since" are enough because the date must
# directly follow them; "at 3/10" or "a 3/10" (a score) never qualify.
_SHORT_CUE = re.compile(
    r"""(?:\b(?:on|since|from|until|till|by|born|birthday|bday|b-day|dob|d\.o\.b|date\s+of\s+birth|birthdate
            |anniversary|date|due)\.?
        (?:\s+(?:is|was|on|=))?\s*[:\-]?\s*(?:the\s+)?)$""",
    re.IGNORECASE | re.VERBOSE,
)
_BIRTH_CUE = re.compile(r"\b(?:born|birthday|bday|b-day|dob|d\.o\.b|birth|birthdate)\b", re.IGNORECASE)
# Fractions everyone writes, which only a birth cue turns into dates.
_FRACTIONS = frozenset({(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (1, 8), (3, 8)})
# What may follow a fraction or a dose ("on 1/2 dose", "since 2/3 of us").
_NOT_A_DATE_AFTER = re.compile(
    rf"\s*(?:{_COUNTED}|a|an|the|dose|doses|tab|tabs|tablets?|pills?|cups?|strength|way|scale)(?![\w'’])",
    re.IGNORECASE,
)


class NumericDateCue(Recognizer):
    """A day and month written as numbers without a year, right after a date cue: "my birthday is 14/02"."""

    name = "numeric_date_cue"
    labels = (Label.DATE,)
    score = 0.45
    PATTERN = re.compile(r"(?<![\w$£€.,:/\#-])(?P<a>\d{1,2})/(?P<b>\d{1,2})(?![\w/]|[.,:]\d)")

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield d/m or m/d after a cue, unless it is "24/7", a fraction, a dose, or a public holiday."""
        if "/" not in ctx.text:
            return
        for match in self.PATTERN.finditer(ctx.text):
            a, b = int(match["a"]), int(match["b"])
            if not (_valid(a, b) or _valid(b, a)) or (a, b) == (24, 7):
                continue
            if not _SHORT_CUE.search(ctx.text, max(0, match.start() - 30), match.start()):
                continue  # "rate today 3/10", "9/11", "4/20": no cue, no date
            if _NOT_A_DATE_AFTER.match(ctx.text, match.end()):
                continue  # "on 1/2 dose"
            birth = _BIRTH_CUE.search(ctx.text, max(0, match.start() - EVENT_BEFORE), match.start()) is not None
            if (a, b) in _FRACTIONS and not birth:
                continue
            event = _event_near(ctx, match.start(), match.end())
            if b == 10 and not event:
                continue  # "on 3/10 today": the pain and mood scale, not the 10th or October
            if not event and ((b, a) in _public_dates() or (a, b) in _public_dates()):
                continue  # "on 4/20", "on 7/4"
            score, why = self.score, "day and month after a date cue"
            if event:
                score, why = score + EVENT_BOOST, why + ", about a life event"
            yield Finding(Label.DATE, match.start(), match.end(), round(score, 3), self.rule_id, why)


@cache
def _birth_year() -> re.Pattern[str]:
    """'born in 1990', 'born March 1990', 'DOB: 1990', 'year of birth 1990'."""
    month = _alt(_months())
    return re.compile(
        rf"""
        (?:\bborn\s+(?:in\s+)?(?:the\s+(?:spring|summer|fall|autumn|winter)\s+of\s+)?
           (?P<when>(?:(?:{month})\.?,?\s+(?:of\s+)?)?(?:19|20)\d\d)
        |\b(?:dob|d\.o\.b\.?|birth\s+year|year\s+of\s+birth)(?:\s+(?:is|was))?\s*[:\-]?\s*
           (?P<year>(?:19|20)\d\d))
        (?![\w/.-]\d|\w)
        """,
        re.IGNORECASE | re.VERBOSE,
    )


class BirthYear(Recognizer):
    """A birth year, with or without its month: as telling as an age ("born in 1990", "DOB: 1990")."""

    name = "birth_year"
    labels = (Label.DATE,)
    score = 0.45

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the year (and month) after "born" or a date-of-birth cue; "born again in 2019" does not count."""
        if not _DIGIT.search(ctx.text):
            return
        for match in _birth_year().finditer(ctx.text):
            group = "when" if match["when"] else "year"
            with_month = not match[group].isdigit()
            score = self.score + (0.05 if with_month else 0.0)
            why = "birth month and year" if with_month else "birth year"
            yield Finding(Label.DATE, match.start(group), match.end(group), score, self.rule_id, why)


# --- ages ----------------------------------------------------------------------------------------------------------


@cache
def _number_words() -> dict[str, int]:
    return dict(_data("ages.json")["number_words"])


@cache
def _number() -> str:
    """A number from 0 to 199 in digits, or 1 to 99 in words ("thirty-four", "thirty four")."""
    words = _number_words()
    units = _alt(w for w, n in words.items() if n < 10)
    tens = _alt(w for w, n in words.items() if n >= 20)
    small = _alt(w for w, n in words.items() if n < 20)
    return rf"(?:1?\d{{1,2}}|(?:{tens})(?:[\s-](?:{units}))?|{small})"


def _value(number: str) -> int:
    """The value of a number matched by `_number()`."""
    if number.isdigit():
        return int(number)
    words = _number_words()
    return sum(words[part] for part in re.split(r"[\s-]+", number.lower()))


def _has_number(text: str) -> bool:
    """Whether the text has a digit or a number word: no age can be stated without one."""
    return _DIGIT.search(text) is not None or _number_word().search(text) is not None


@cache
def _number_word() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alt(_number_words())})", re.IGNORECASE)


# Every age phrase has one of these: "year", "yr", "month", "mo", "week", "wk", "day", "y/o", "yo", "age".
_AGE_UNIT = re.compile(r"(?:y(?:ea)?rs?|mos?|months?|w(?:ee)?ks?|days?|y/?\.?o|aged?)\b", re.IGNORECASE)


@cache
def _people() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Child words, adult words, and words for things that have ages but are not people."""
    ages = _data("ages.json")
    return frozenset(ages["children"]), frozenset(ages["adults"]), frozenset(ages["not_people"])


_ADVERB = r"(?:\s+(?:only|just|nearly|almost|about|now|already|barely|finally|literally|actually|officially))?"
# What may follow an age in a statement: the end, punctuation, a conjunction, a time word. A whitelist, because
# almost anything else ("5 days", "2 for 2", "10 minutes away", "6 months in", "100%") means it is not an age.
_WEEKDAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"


@cache
def _statement_end() -> str:
    """The lookahead that ends an age statement ("I'm 34, …", "turns 90 on Sunday", "I'm 40 in March")."""
    return rf"""
    (?!\s+and\s+a\s+half\s+\w)                          # "5 and a half months sober"
    (?=
        \s*(?:$|[.!?,;:)\]~](?!\d))                     # end or punctuation, but not "2.5" or "2,000"
      | \s+(?:and|but|so|now|too|yet|already|lol|lmao|haha|today|tomorrow|tonight|next|this|last|soon|myself
             |with|w/|going|when|if|&|btw|tho|though)(?![\w'’])
      | \s+(?:on|in)\s+(?:the\s+)?                       # "turns 90 on Sunday", "I'm 40 in March", but not
        (?:{_WEEKDAYS}|{_alt(_months())}|a\s+(?:few|couple|week|month)   # "I'm 6 months in", "I'm 90 in 90"
          |(?:two|three|four|\d{{1,2}})\s+(?:days?|weeks?|months?))(?![\w'’])
      | \s+[-–—(]                                      # "I'm 34 (F)", "I'm 34 - and"
    )
    """


@cache
def _statement() -> re.Pattern[str]:
    """A subject, a verb, and an age: "I'm 34", "she's 12", "my son is 7", "turning 40"."""
    children, adults, _ = _people()
    people = _alt(children | adults)
    verb = (
        r"(?:['’]s|\s+is|['’]re|\s+are|\s+turns?|\s+turned|\s+just\s+turned|['’]ll\s+be|\s+will\s+be"
        r"|['’]s\s+turning|\s+is\s+turning)"
    )
    return re.compile(
        rf"""
        (?:
            (?P<self>\b(?:i['’]?m|i\s+am)(?:\s+(?:gonna|going\s+to)\s+be|\s+turning)?
                    |\bi(?:['’]ll|\s+will)\s+be|\bi\s+(?:just\s+)?turn(?:ed)?
                    |(?<!\w)(?:just\s+)?turn(?:ing|ed)\b)
          | (?P<pronoun>\b(?:s?he|they){verb})
          | (?P<owner>\b(?:my|his|her|their|our|your)\s+(?P<who>{people}){verb})
        )
        {_ADVERB}\s+
        (?P<age>{_number()})(?![\w'’%°]|[.,:/]\d)
        {_statement_end()}
        """,
        re.IGNORECASE | re.VERBOSE,
    )


class AgeStatement(Recognizer):
    """Someone's age stated outright: "I'm 34", "she's 12", "my son is 7", "turning 40 next week"."""

    name = "age_statement"
    labels = (Label.AGE,)
    score = 0.5

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the number; a child's age scores highest, the author's own lowest."""
        if not _has_number(ctx.text):
            return
        children, _, _ = _people()
        for match in _statement().finditer(ctx.text):
            age = _value(match["age"])
            if match["self"]:
                # An adult's bare number: "I'm 5" is far more often a count ("I'm 5 days") cut short.
                if not 10 <= age <= 99:
                    continue
                score, why = self.score, "age stated by the author"
            elif not 1 <= age <= 110:
                continue
            elif match["owner"] and match["who"].lower() in children:
                score, why = 0.6, "a child's age"
            else:
                score, why = 0.55, "someone's age"
            yield Finding(Label.AGE, match.start("age"), match.end("age"), score, self.rule_id, why)
            # "my kids are 5 and 7": the second age belongs to the same statement.
            more = _and_age().match(ctx.text, match.end())
            if more is not None and not match["self"] and 1 <= _value(more["age"]) <= 110:
                yield Finding(Label.AGE, more.start("age"), more.end("age"), score, self.rule_id, why)


@cache
def _and_age() -> re.Pattern[str]:
    """A second age joined to a first one ("5 and 7")."""
    return re.compile(
        rf"\s+(?:and|&)\s+(?P<age>{_number()})(?![\w'’%°]|[.,:/]\d){_statement_end()}", re.IGNORECASE | re.VERBOSE
    )


@cache
def _phrase() -> re.Pattern[str]:
    """An age with its unit: "34 years old", "16-year-old", "3 months old", "34 y/o", "34yo", "34 years of age"."""
    return re.compile(
        rf"""
        (?<![\w$£€.,:/\#-])
        (?P<age>(?P<n>{_number()})
            (?:
                [\s-]*(?P<unit>years?|yrs?|yr|months?|mos?|weeks?|wks?|days?)[\s-]*(?:old|young)   # "7 year old"
              | \s?(?:y/o|y\.o\.?|yo)                                                               # "34yo"
              | \s+(?:years?|yrs?)\s+of\s+age                                                       # "34 years of age"
            )
        )(?![\w'’/-])
        (?:\s+(?P<next>[a-z][\w'’-]*))?                          # the noun it describes, if any
        """,
        re.IGNORECASE | re.VERBOSE,
    )


_AGED = re.compile(
    rf"\b(?:aged|age)\s*[:=]?\s*(?P<age>\d{{1,3}})(?![\w'’%/-]|[.,:]\d|\s*{_COUNTED}(?![\w'’]))", re.IGNORECASE
)
_POSSESSIVE_BEFORE = re.compile(r"\b(?:my|our|his|her|their|your)\s+(?:little\s+|baby\s+)?$", re.IGNORECASE)


class AgePhrase(Recognizer):
    """An age written with its unit ("34 years old", "my 7 year old", "34yo") or after "aged" ("aged 34")."""

    name = "age_phrase"
    labels = (Label.AGE,)
    score = 0.55

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the age phrase, unless it describes a thing ("a 100 year old house", "my 10 year old self")."""
        if not _has_number(ctx.text) or not _AGE_UNIT.search(ctx.text):
            return
        children, adults, things = _people()
        for match in _phrase().finditer(ctx.text):
            after = (match["next"] or "").lower()
            if after in things:
                continue
            if _value(match["n"]) > 120:
                continue
            owned = _POSSESSIVE_BEFORE.search(ctx.text, max(0, match.start() - 20), match.start()) is not None
            if after in children or (owned and after not in adults):
                score, why = 0.6, "a child's age"  # "my 7 year old", "a 16-year-old son"
            else:
                score, why = self.score, "age with its unit"
            yield Finding(Label.AGE, match.start("age"), match.end("age"), score, self.rule_id, why)
        for match in _AGED.finditer(ctx.text):
            if _value(match["age"]) <= 120:
                why = "age after aged"
                yield Finding(Label.AGE, match.start("age"), match.end("age"), self.score, self.rule_id, why)
                more = _and_age().match(ctx.text, match.end())  # "aged 5 and 7"
                if more is not None and _value(more["age"]) <= 120:
                    yield Finding(Label.AGE, more.start("age"), more.end("age"), self.score, self.rule_id, why)


# "(34F)", "[m34]", "(25 NB)": the age/gender tags of forum posts.
_TAG_BRACKETED = re.compile(
    r"[(\[]\s*(?P<tag>\d\d\s?(?:[MF]|NB|FTM|MTF|TM|TF)|(?:[MF]|NB)\s?\d\d)\s*[)\]]", re.IGNORECASE
)
# "M/34", "34/F"; letter first only in capitals, because "f/22" is a camera aperture.
_TAG_SLASH = re.compile(r"(?<![\w/.])(?P<tag>(?-i:[MF])\s?/\s?\d\d|\d\d\s?/\s?[MF])(?![\w/]|\.\d)", re.IGNORECASE)
# "34F here", "34M, first post": an unbracketed tag only where a tag goes: the start of a line or after "I'm".
_TAG_BARE = re.compile(r"(?<![\w$£€.,:/\#-])(?P<tag>\d\d[MF])(?![\w'’°-])")
_TAG_PLACE = re.compile(r"(?:^|\n|\b(?:i['’]?m|i\s+am|me)[\s,:]*)\s*$", re.IGNORECASE)
_WEATHER = re.compile(r"\s*(?:outside|out|degrees|today|tonight|weather|and\s+(?:sunny|cloudy|raining))\b", re.I)


class AgeTag(Recognizer):
    """Age-and-gender tags: "(34F)", "[M34]", "M/34", "34/f", "34F here"."""

    name = "age_tag"
    labels = (Label.AGE,)
    score = 0.55

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield tags in brackets or with a slash anywhere, and bare "34F" only where a tag is written."""
        if not _DIGIT.search(ctx.text):
            return
        for match in _TAG_BRACKETED.finditer(ctx.text):
            if 13 <= int(re.sub(r"\D", "", match["tag"])) <= 99:
                yield Finding(Label.AGE, *match.span("tag"), 0.6, self.rule_id, "age and gender tag in brackets")
        for match in _TAG_SLASH.finditer(ctx.text):
            if 13 <= int(re.sub(r"\D", "", match["tag"])) <= 99:
                yield Finding(Label.AGE, *match.span("tag"), self.score, self.rule_id, "age and gender tag")
        for match in _TAG_BARE.finditer(ctx.text):
            if not 13 <= int(match["tag"][:2]) <= 99 or _WEATHER.match(ctx.text, match.end()):
                continue  # "it's 34F outside"
            place = _TAG_PLACE.search(ctx.text, max(0, match.start() - 12), match.start())
            here = re.match(r"\s+here\b", ctx.text[match.end() :], re.IGNORECASE)
            if place or here:
                yield Finding(Label.AGE, *match.span("tag"), self.score, self.rule_id, "age and gender tag")


def time_rules() -> list[Recognizer]:
    """Fresh instances of this module's rules."""
    return [CalendarDate(), NumericDateCue(), BirthYear(), AgeStatement(), AgePhrase(), AgeTag()]
