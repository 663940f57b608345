"""The date and age rules report identifying dates and ages, and leave day counts, durations and doses alone."""

import pytest

from rules.detection.findings import Label, Subject
from rules.detection.recognizer import Context
from rules.detection.recognizers.when import time_rules


@pytest.fixture(scope="module")
def rules():
    return time_rules()


def found(rules, text, label):
    """The findings of `label` from all date and age rules, as (matched text, rule name), in text order."""
    ctx = Context(text)
    hits = {
        (text[f.start : f.end], f.rule.rsplit(".v", 1)[0], f.start)
        for rule in rules
        for f in rule.analyze(ctx)
        if f.label is label
    }
    return [(span, rule) for span, rule, _ in sorted(hits, key=lambda h: h[2])]


# fmt: off
DATES = [
    # text                                                    expected (span, rule)
    ("born on 3 March 1990",                                  [("3 March 1990", "calendar_date")]),
    ("my birthday is 14/02",                                  [("14/02", "numeric_date_cue")]),
    ("DOB 1990-03-03",                                        [("1990-03-03", "calendar_date")]),
    ("on 12 March 2021 everything changed",                   [("12 March 2021", "calendar_date")]),
    ("March 12th was the day",                                [("March 12th", "calendar_date")]),
    ("12/03/2021 and 2021-03-12",                             [("12/03/2021", "calendar_date"), ("2021-03-12", "calendar_date")]),
    ("the 12th of March, 2021",                               [("12th of March, 2021", "calendar_date")]),
    ("sober since 4 July 2019",                               [("4 July 2019", "calendar_date")]),
    ("my sobriety date is July 4th",                          [("July 4th", "calendar_date")]),
    ("he died on the twenty-first of may",                    [("twenty-first of may", "calendar_date")]),
    ("clean since the 3rd of Jan",                            [("3rd of Jan", "calendar_date")]),
    ("dec 12 2019 was my last drink",                         [("dec 12 2019", "calendar_date")]),
    ("Tuesday 12 March I have court",                         [("12 March", "calendar_date")]),
    ("we got married on 18th December.",                      [("18th December", "calendar_date")]),
    ("Sept. 17th 2010",                                       [("Sept. 17th 2010", "calendar_date")]),
    ("12.03.2021",                                            [("12.03.2021", "calendar_date")]),
    ("3/14/21 was my first meeting",                          [("3/14/21", "calendar_date")]),
    ("May 5 is her birthday",                                 [("May 5", "calendar_date")]),
    ("sober since 4/7",                                       [("4/7", "numeric_date_cue")]),
    ("born on 1/2",                                           [("1/2", "numeric_date_cue")]),
    ("dad passed on 9/5, I still miss him",                   [("9/5", "numeric_date_cue")]),
    ("born in 1990",                                          [("1990", "birth_year")]),
    ("I was born in March 1990",                              [("March 1990", "birth_year")]),
    ("DOB: 1985",                                             [("1985", "birth_year")]),
    ("lost him on 12/12",                                     [("12/12", "numeric_date_cue")]),
    ("On June 3rd it'll be 2 years since he passed",          [("June 3rd", "calendar_date")]),
    ("I was born on the 4th of July",                         [("4th of July", "calendar_date")]),
    ("18 Oct 2023 my baby died",                              [("18 Oct 2023", "calendar_date")]),
    ("my birthday is 3/10",                                   [("3/10", "numeric_date_cue")]),
]

NOT_DATES = [
    "next tuesday", "last week", "yesterday was rough", "in two weeks", "this weekend",
    "day 47", "47 days sober", "90 in 90", "in March", "since 2019", "last March was hard",
    "at 5:30", "the meeting is at 7pm", "I take 20mg", "it was $12.50", "half is 1/2", "version 2.1.3",
    "v1.2.21", "iOS 12.1.20", "I'd rate today 3/10", "Christmas is hard", "Mother's Day without her",
    "on July 4th we had a bbq", "the 25th of December", "on 9/11", "I'm here 24/7", "on 1/2 dose now",
    "step 1 may be hard", "March 20 people showed up", "we march 5 abreast", "you may 5 minutes",
    "I was born again in 2019", "2019-13-45", "31/02/2020", "the 12 steps", "John 3:16",
    "3-1-22", "on a scale, 3/10", "on the 12th", "since 2/3 of us left", "12.30 tonight",
    "the first March I was sober", "chapter 5 May be", "I'm on 3/10 today", "feeling 2/10 since yesterday",
    "Feb 2020 was when I lost my job", "sober since 03/2019", "I've got my 1 year chip on the 15th",
    "my dad passed 3 years ago today", "read pages 86-88", "9/11 anniversary is hard for me",
]

AGES = [
    # text                                                    expected (span, rule)
    ("I'm 34",                                                [("34", "age_statement")]),
    ("I am 34 years old",                                     [("34 years old", "age_phrase")]),
    ("34 y/o and 34yo",                                       [("34 y/o", "age_phrase"), ("34yo", "age_phrase")]),
    ("aged 34, tired",                                        [("34", "age_phrase")]),
    ("my 7 year old",                                         [("7 year old", "age_phrase")]),
    ("my 16-year-old son",                                    [("16-year-old", "age_phrase")]),
    ("she's 12",                                              [("12", "age_statement")]),
    ("34F here, first post",                                  [("34F", "age_tag")]),
    ("first post (34M)",                                      [("34M", "age_tag")]),
    ("M/34 and struggling",                                   [("M/34", "age_tag")]),
    ("34/f, sober 2 years",                                   [("34/f", "age_tag")]),
    ("turning 40 next week",                                  [("40", "age_statement")]),
    ("I just turned 30 last month",                           [("30", "age_statement")]),
    ("Im 19 and struggling",                                  [("19", "age_statement")]),
    ("i'm 23 (f) and new here",                               [("23", "age_statement")]),
    ("I'm thirty-four and tired",                             [("thirty-four", "age_statement")]),
    ("I'm 18 today!",                                         [("18", "age_statement")]),
    ("my son is 7 and my daughter just turned 10.",           [("7", "age_statement"), ("10", "age_statement")]),
    ("my kids are 5 and 7",                                   [("5", "age_statement"), ("7", "age_statement")]),
    ("my mum is 70, my sponsor is 20 years sober",            [("70", "age_statement")]),
    ("she is 3 months old",                                   [("3 months old", "age_phrase")]),
    ("my five year old asked about grandma",                  [("five year old", "age_phrase")]),
    ("as a 34 year old woman",                                [("34 year old", "age_phrase")]),
    ("at age 12 I had my first drink",                        [("12", "age_phrase")]),
    ("he's 82 years young",                                   [("82 years young", "age_phrase")]),
    ("my grandma turns 90 on Sunday",                         [("90", "age_statement")]),
    ("I have 2 boys aged 5 and 7",                            [("5", "age_phrase"), ("7", "age_phrase")]),
    ("I'm 40 in March",                                       [("40", "age_statement")]),
    ("My 15 yo daughter cuts herself",                        [("15 yo", "age_phrase")]),
    ("me (28m) and my wife (27f)",                            [("28m", "age_tag"), ("27f", "age_tag")]),
    ("my 3 mos old baby",                                     [("3 mos old", "age_phrase")]),
    ("I lost my 19 year old son to an overdose",              [("19 year old", "age_phrase")]),
]

NOT_AGES = [
    "I'm 100% sure", "I'm 5 days sober", "I'm on step 4", "I'm 3 weeks clean", "I'm 2 for 2",
    "for 34 years", "in my 20s", "a woman in her early 40s", "the 12 steps", "I'm 6 months in",
    "I'm 10 minutes away", "in 1990", "I'm 50/50 on it", "I'm 5'4", "I'm 1 of 3", "I'm 2 drinks in",
    "he's 5 and a half months sober", "I was 12 when I started", "He's 1 in a million", "I'm 90 in 90",
    "she's 12 weeks pregnant", "he's 6 feet tall", "a 100 year old house", "my 10 year old self",
    "12 year old me would be proud", "my 20 year old car died", "it's 34F outside", "shot at f/22",
    "I'm 24/7 available", "turning 30 days tomorrow", "I'm turning 1 year clean", "I'm 5",
    "I ran 400m", "I owe 34M", "the tide turned 180", "I'm 12 hours in", "aged 5 years in a barrel",
    "I'm 30 pounds lighter", "my 2 year chip", "I'm 1 year sober today", "I'm 2 in a row",
    "I'm 3 months sober today", "it's 3am and I'm 12 hours into a craving", "I'll be 60 days on Friday",
    "Just hit 90 days!!", "Day 12 here. Struggling.", "He's 2 drinks deep", "I'm 5 foot 2",
]
# fmt: on


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_identifying_dates_are_found(rules, text, expected):
    """A day with its month (with or without a year), or a birth year, is a DATE with the span in the table."""
    assert found(rules, text, Label.DATE) == expected


@pytest.mark.parametrize("text", NOT_DATES)
def test_non_identifying_dates_are_left_alone(rules, text):
    """Relative dates, day counts, months or years alone, times, doses, fractions and holidays are not findings."""
    assert found(rules, text, Label.DATE) == []


@pytest.mark.parametrize(("text", "expected"), AGES)
def test_ages_are_found(rules, text, expected):
    """An age, stated, with its unit, or as a tag, is an AGE with the span in the table."""
    assert found(rules, text, Label.AGE) == expected


@pytest.mark.parametrize("text", NOT_AGES)
def test_counts_and_durations_are_not_ages(rules, text):
    """Sobriety counts, percentages, steps, durations, decades and the ages of things are not ages."""
    assert found(rules, text, Label.AGE) == []


@pytest.mark.parametrize(("text", "expected"), DATES + AGES)
def test_findings_are_quasi_identifiers_that_never_repeat_the_detail(rules, text, expected):
    """Every finding is indirect, leaves the subject to the engine, and explains itself without the matched text."""
    ctx = Context(text)
    for rule in rules:
        for finding in rule.analyze(ctx):
            detail = text[finding.start : finding.end]
            assert finding.label in (Label.DATE, Label.AGE)
            assert finding.direct is False
            assert finding.subject is Subject.UNKNOWN
            assert finding.rule == rule.rule_id
            assert finding.explanation
            assert detail.lower() not in finding.explanation.lower()


def score_of(rules, text, span):
    ctx = Context(text)
    return max(f.score for r in rules for f in r.analyze(ctx) if text[f.start : f.end] == span)


# fmt: off
SCORES = [
    # text                                   span             low   high
    ("on 12 March 2021",                     "12 March 2021", 0.65, 0.75),
    ("on 12 March",                          "12 March",      0.45, 0.55),
    ("born on 3 March 1990",                 "3 March 1990",  0.8,  0.9),
    ("the crash was on 12 March",            "12 March",      0.6,  0.7),
    ("I'm 34",                               "34",            0.45, 0.55),
    ("my son is 7",                          "7",             0.55, 0.65),
    ("born in 1990",                         "1990",          0.4,  0.5),
]
# fmt: on


@pytest.mark.parametrize(("text", "span", "low", "high"), SCORES)
def test_scores_are_calibrated(rules, text, span, low, high):
    """A full date scores about 0.7, day and month about 0.5, more near a life event; an age 0.5-0.6."""
    assert low <= score_of(rules, text, span) <= high


def test_a_childs_age_outscores_the_authors_own(rules):
    """Someone else's child's age weighs more than the author's own age."""
    assert score_of(rules, "my daughter is 12", "12") > score_of(rules, "I'm 34", "34")
    assert score_of(rules, "my 7 year old", "7 year old") > score_of(rules, "a 34 year old", "34 year old")


def test_rules_have_unique_names_and_come_fresh():
    """time_rules() returns new instances each time, with unique names."""
    first, second = time_rules(), time_rules()
    names = [rule.name for rule in first]
    assert len(names) == len(set(names))
    assert all(a is not b for a, b in zip(first, second, strict=True))
