"""People, places and organisations: the statistical NER, given-name lists with context cues, and workplace cues.

The NER sees capitalised, well-formed text best; chat is neither ("saw jess from group"), so a list of given
names with the cues around them catches what it misses, and phrases like "I work at" mark the organisation that
follows as a workplace even in lower case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

from rules.detection.findings import Finding, Label
from rules.detection.recognizer import Context, Recognizer

__all__ = ["CompanyNames", "GivenNames", "NerEntities", "PlaceNames", "Workplaces", "entity_rules", "load_word_list"]

# spaCy's labels, as ours. NORP (nationalities, religions) and the rest are not identifying on their own.
NER_LABELS = {
    "PERSON": Label.PERSON,
    "GPE": Label.LOCATION,
    "LOC": Label.LOCATION,
    "FAC": Label.LOCATION,
    "ORG": Label.ORG,
}


@cache
def load_word_list(name: str, *, per_line: bool = False) -> frozenset[str]:
    """Read a lower-case list from `rules/detection/data/`: words separated by spaces, or one entry per line.

    Args:
        name: the file name.
        per_line: entries are whole lines (and may contain spaces).
    """
    text = resources.files("rules.detection").joinpath(f"data/{name}").read_text(encoding="utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    if per_line:
        return frozenset(line for line in lines if line)
    return frozenset(word for line in lines for word in line.split())


class NerEntities(Recognizer):
    """Names, places and organisations the spaCy NER tags."""

    name = "ner"
    labels = (Label.PERSON, Label.LOCATION, Label.ORG)
    score = 0.6
    # Confidence per label: the NER is least reliable on organisations in chat.
    SCORES = {Label.PERSON: 0.6, Label.LOCATION: 0.55, Label.ORG: 0.45}

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the NER's entities of the labels we care about; places and organisations are checked first."""
        if ctx.doc is None:
            return
        for ent in ctx.doc.ents:
            label = NER_LABELS.get(ent.label_)
            if label is None:
                continue
            start, end = _trim(ctx.text, ent.start_char, ent.end_char)
            if start >= end or not any(c.isalpha() for c in ctx.text[start:end]):
                continue
            why = "statistical NER"
            if label is not Label.PERSON:
                label, why = _place_or_org(ctx.text[start:end], label)
                if label is None or (label is Label.ORG and _names_an_id_scheme(ctx.text, start, end)):
                    continue
            words = ctx.text[start:end].split()
            full_name = label is Label.PERSON and len(words) >= 2 and all(w[:1].isupper() for w in words)
            score = self.SCORES[label] + (0.15 if full_name else 0.0)
            why += ", full name" if full_name else ""
            yield Finding(label, start, end, round(score, 3), self.rule_id, why, direct=full_name)


def _place_or_org(said: str, label: Label) -> tuple[Label | None, str]:
    """What an NER place or organisation really is: itself, a person, or nothing (None), with the reason.

    A known place or public name stays. Nothing: a product or medicine ("Xanax", "Minecraft"), or one everyday
    word written in lower case or in capitals ("button", "SUPER", "OMG"). A person: one capitalised listed given
    name that is not also a place ("Macy was so mean", not "Austin" or "Sydney").
    """
    lowered = said.lower()
    if lowered in _place_names() or lowered in load_word_list("public_entities.txt", per_line=True):
        return label, "statistical NER"
    if lowered in load_word_list("products.txt", per_line=True):
        return None, ""
    if " " in said:
        return label, "statistical NER"
    if (said.islower() or said.isupper()) and (lowered in FUNCTION_WORDS or lowered in _common_words()):
        return None, ""
    if said[0].isupper() and not said.isupper() and lowered in load_word_list("first_names.txt"):
        return Label.PERSON, "statistical NER, a listed given name"
    return label, "statistical NER"


# "my NHS number", "IBAN GB82 …", "SSN: 078-…": an identity number's scheme, said with the number or the word
# "number", is not an organisation; the ID rules report the number itself.
_ID_SCHEMES = frozenset({"nhs", "iban", "ssn", "sin", "nino", "ni", "pps", "tfn", "bsb", "ird", "vin", "ein", "itin"})
_NUMBER_AFTER = re.compile(r"\s*(?:(?i:number|no\.?|num)\b|#|:?\s*[A-Z]{0,4}\s?\d)")  # "GB82", not "in 2020"


def _names_an_id_scheme(text: str, start: int, end: int) -> bool:
    return text[start:end].lower() in _ID_SCHEMES and _NUMBER_AFTER.match(text, end) is not None


# Words around a lower-case given name that make it a person ("saw jess", "jess said", "my sponsor jess").
_BEFORE_NAME = re.compile(
    r"(?:\b(?:with|saw|met|told|tell|asked|ask|called|call|texted|text|messaged|and|from|named|name's|name is"
    r"|sponsor|sponsee|friend|therapist|counsellor|counselor|doctor|dr|nurse|wife|husband|partner|girlfriend"
    r"|boyfriend|ex|son|daughter|brother|sister|mom|mum|dad|boss|coworker|colleague|neighbour|neighbor"
    r"|roommate|cousin|aunt|uncle|grandma|grandpa|fiance|fiancee)\s+)$",
    re.IGNORECASE,
)
_AFTER_NAME = re.compile(
    r"^(?:\s+(?:said|says|told|tells|texted|called|asked|asks|thinks|thought|was|is|isn't|wasn't|has|had|hasn't"
    r"|looks|looked|seems|seemed|knows|knew|went|goes|got|gets|works|worked|teaches|did|does|didn't|doesn't|can|can't"
    r"|could|will|won't|would|should|made|makes|loves|loved|hates|wants|wanted|needs|left|came|comes|tried|feels"
    r"|felt|and i|and me"
    r"|laughs|laughed|likes|liked|sounds|sounded|from (?:group|the group|the meeting|meetings|church|work|here))\b"
    r"|'s\b"
    # Someone spoken to: "Lauren you should…", "Jaime please…", "Kelsey, you…".
    r"|,?\s+(?:you|u)\s+(?:should|are|r|were|have|did|do|can|could|will|need|look|rock)\b|,?\s+please\b"
    r"|,\s+(?:you|u|your|ur)\b)",
    re.IGNORECASE,
)
# Function words ("on", "so", "will", "may") are never names in lower case, and only with a strong cue otherwise:
# "call me on…", "will do", "may i" are not people, but "call me Will", "my sponsor Will", "Will is my sponsor" are.
FUNCTION_WORDS = frozenset(STOP_WORDS)
# For names that are also words ("bill", "grace"), only a relation right before will do.
_RELATION_BEFORE = re.compile(
    r"(?:\b(?:my|our|his|her|their|your)\s+(?:sponsor|sponsee|friend|therapist|counsellor|counselor|doctor"
    r"|wife|husband|partner|girlfriend|boyfriend|son|daughter|brother|sister|boss|coworker|colleague|neighbour"
    r"|neighbor|roommate|cousin)\s+|\bname(?:'s| is)\s+)$",
    re.IGNORECASE,
)
# After a capitalised name-like word, what only a person does or is ("Will is my sponsor", "Rose told me").
_PERSON_AFTER = re.compile(
    r"^\s+(?:said|says|told|tells|texted|asked|asks|messaged|(?:is|was)\s+(?:my|our|his|her|their)\s+(?:sponsor"
    r"|sponsee|friend|therapist|counsellor|counselor|doctor|wife|husband|partner|girlfriend|boyfriend|son|daughter"
    r"|brother|sister|mom|mum|dad|boss|coworker|colleague|neighbour|neighbor|roommate|cousin|aunt|uncle))\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# "my name is krithika", "call me Dee": whatever word follows is the name.
_NAME_INTRO = re.compile(r"\b(?:my name(?:'s| is)|call me|i go by)\s+(?P<name>[A-Za-z][A-Za-z'\-]*)", re.IGNORECASE)
# "thanks Hendo", "hey Shima": a capitalised word after a greeting is someone being addressed.
_VOCATIVE = re.compile(
    r"(?:^|[\s,.!?(])(?:hey|hi|hiya|hello|thanks|thank you|thank u|ty|love you|love u|miss you|congrats"
    r"|congratulations|happy birthday|good morning|good night|welcome|welcome back|sorry|bye|please|go)[\s,]+$",
    re.IGNORECASE,
)
# The same greetings, followed by the capitalised word they address.
_ADDRESSED = re.compile(_VOCATIVE.pattern.removesuffix("$") + r"(?P<name>[A-Z][A-Za-z'\-]*)", re.IGNORECASE)


@cache
def public_figures() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Public figures' names (`data/public_figures.txt`) by their first word: the full names' words, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for name in load_word_list("public_figures.txt", per_line=True):
        words = tuple(name.split())
        index.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(names, key=len, reverse=True)) for first, names in index.items()}


@cache
def _known_words() -> frozenset[str]:
    """Words the addressed-by-name cue leaves alone: list names (judged with their own cues) and non-names."""
    return load_word_list("not_names.txt") | load_word_list("first_names.txt") | load_word_list("ambiguous_names.txt")


class GivenNames(Recognizer):
    """Given names from a list, including lower-case ones when the words around them say it is a person.

    Public figures' names ("trump", "Lil Wayne") are found here too, in any case; the engine keeps them at score 0.
    """

    name = "given_name"
    version = 3
    labels = (Label.PERSON,)
    score = 0.5

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield names people give ("my name is…"), people addressed by name, and given names from the lists."""
        names = load_word_list("first_names.txt")
        ambiguous = load_word_list("ambiguous_names.txt")
        not_names = load_word_list("not_names.txt")
        found: dict[int, Finding] = {}
        for match in _NAME_INTRO.finditer(ctx.text):
            start, end = match.span("name")
            word = match["name"]
            if word.lower() not in not_names and (word[0].isupper() or word.lower() not in FUNCTION_WORDS):
                found[start] = Finding(Label.PERSON, start, end, 0.65, self.rule_id, "introduced as a name")
        known = _known_words()  # list names are judged below, with their own cues
        figures = public_figures()
        for match in _ADDRESSED.finditer(ctx.text):
            start, end = match.span("name")
            word = match["name"]
            lowered = word.lower()
            if word[0].isupper() and not word.isupper() and lowered not in known and lowered not in FUNCTION_WORDS:
                found.setdefault(start, Finding(Label.PERSON, start, end, 0.45, self.rule_id, "addressed by name"))
        tokens = list(_TOKEN.finditer(ctx.text))
        covered = 0  # end of the last public figure's name: its words are not judged again
        for index, match in enumerate(tokens):
            if match.start() in found or match.start() < covered:
                continue
            word = match.group()
            lowered = word.lower()
            if lowered in figures or lowered.removesuffix("'s") in figures:
                end = _public_figure_end(ctx.text, tokens, index, figures)
                if end is not None:
                    found[match.start()] = Finding(
                        Label.PERSON, match.start(), end, self.score, self.rule_id, "a public figure's name"
                    )
                    covered = end
                    continue
            finding = self._listed_name(
                ctx.text, match.start(), word, word.lower().removesuffix("'s"), names, ambiguous
            )
            if finding is not None:
                found[match.start()] = finding
        yield from found.values()

    def _listed_name(
        self, text: str, start: int, word: str, key: str, names: frozenset[str], ambiguous: frozenset[str]
    ) -> Finding | None:
        """A given name from the lists, when its capital or the words around it say it is a person."""
        if key not in names and key not in ambiguous:
            return None
        end = start + len(key)
        before, after = text[max(0, start - 40) : start], text[end : end + 40]
        if key in ambiguous or key in FUNCTION_WORDS:
            if key in FUNCTION_WORDS and not word[0].isupper():
                return None  # "my sponsor will call", "may i": a function word in lower case is never a name
            if _RELATION_BEFORE.search(before):
                return Finding(Label.PERSON, start, end, 0.55, self.rule_id, "name-like word after a relation")
            if word[0].isupper() and _PERSON_AFTER.search(after):
                return Finding(Label.PERSON, start, end, 0.55, self.rule_id, "name-like word before a person's verb")
            return None
        if word[0].isupper() and not _sentence_initial(text, start):
            return Finding(Label.PERSON, start, end, 0.5, self.rule_id, "capitalised given name")
        if _BEFORE_NAME.search(before) or _AFTER_NAME.search(after) or _VOCATIVE.search(before):
            return Finding(Label.PERSON, start, end, 0.5, self.rule_id, "given name with a cue around it")
        return None


def _public_figure_end(
    text: str, tokens: list[re.Match[str]], index: int, figures: dict[str, tuple[tuple[str, ...], ...]]
) -> int | None:
    """Where the longest public figure's name starting at `tokens[index]` ends (a possessive left out), if any."""
    first = tokens[index].group().lower()
    for words in figures.get(first, figures.get(first.removesuffix("'s"), ())):
        last = index + len(words) - 1
        if last >= len(tokens):
            continue
        said = [t.group().lower() for t in tokens[index : last + 1]]
        said[-1] = said[-1].removesuffix("'s")
        if tuple(said) != words:
            continue
        following = tokens[last + 1] if last + 1 < len(tokens) else None
        if (
            len(words) == 1
            and following is not None
            and following.group()[0].isupper()
            and text[tokens[last].end() : following.start()].isspace()
        ):
            return None  # part of a longer name: "Trump Tower", "Drake Bell"
        end = tokens[last].end()
        return end - 2 if tokens[last].group().lower().endswith("'s") else end
    return None


@cache
def _common_words() -> frozenset[str]:
    """Everyday words (`data/common_words.txt`, made by `python -m rules.detection.ner.common_words`)."""
    return load_word_list("common_words.txt", per_line=True)


@cache
def _place_names() -> dict[str, bool]:
    """Known places (`data/place_names.txt` and the US states in `data/regions.json`): whether each needs a capital.

    An entry needs a capital when it is marked so, or is also a given name or an everyday word ("jordan").
    """
    text = resources.files("rules.detection").joinpath("data/regions.json").read_text(encoding="utf-8")
    entries = [state["name"].lower() for state in json.loads(text)["us"]]
    entries += load_word_list("place_names.txt", per_line=True)
    ordinary = _common_words() | _given_names() | FUNCTION_WORDS
    places: dict[str, bool] = {}
    for entry in entries:
        name = entry.removesuffix("!").strip()
        places[name] = entry.endswith("!") or name in ordinary or name.removeprefix("the ") in ordinary
    return places


# Words that say a place follows: "live in texas", "from the philippines", "moving to leeds".
_PLACE_CUE = r"(?:in|from|to|near|around|across|outside|visit|visiting|visited)"
# State codes that are also words or abbreviations of something else ("in IT", "CA meetings", "at ME").
_AMBIGUOUS_STATE_CODES = frozenset(
    {"AL", "CA", "CO", "DE", "GA", "HI", "ID", "IN", "LA", "MA", "MD", "ME", "OH", "OK", "OR", "PA"}
)


@cache
def _place_after_cue() -> re.Pattern[str]:
    """A known place or a US state code right after a place cue."""
    names = sorted(_place_names(), key=lambda n: (-len(n), n))
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    text = resources.files("rules.detection").joinpath("data/regions.json").read_text(encoding="utf-8")
    codes = "|".join(s["code"] for s in json.loads(text)["us"] if s["code"] not in _AMBIGUOUS_STATE_CODES)
    return re.compile(
        rf"\b{_PLACE_CUE}\s+(?:(?P<name>(?:the\s+)?(?:{alternation}))|(?-i:(?P<code>{codes})))(?![\w'-])",
        re.IGNORECASE,
    )


# Cheap pre-check: every match needs one of the cue words.
_PLACE_HINT = re.compile(rf"\b{_PLACE_CUE}\s", re.IGNORECASE)
# A given name that is also a place counts only after "in" or "from": "talk to Jordan" is a person.
_NAME_PLACE_CUE = re.compile(r"\b(?:in|from)\s", re.IGNORECASE)


class PlaceNames(Recognizer):
    """Countries, states and large cities named after "in", "from", "to" and the like, in any case.

    The NER finds a capitalised "Texas"; chat writes "moving to texas", "from the philippines", "we're in WI".
    Entries that are also words or names need their capital ("in Turkey", not "in turkey"), and a given name
    that is a place also needs "in" or "from" ("from Jordan", not "talk to Jordan").
    """

    name = "place_name"
    labels = (Label.LOCATION,)
    score = 0.55

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield known places and state codes after a place cue."""
        if not _PLACE_HINT.search(ctx.text):
            return
        places = _place_names()
        for match in _place_after_cue().finditer(ctx.text):
            group = "name" if match["name"] else "code"
            start, end = match.span(group)
            said = match[group]
            if group == "name":
                key = " ".join(said.lower().split())
                needs_capital = places.get(key, places.get(key.removeprefix("the "), False))
                if needs_capital and not said.removeprefix("the ")[:1].isupper():
                    continue  # "a turkey", "in china cabinets"
                if key in _given_names() and not _NAME_PLACE_CUE.match(match.group()):
                    continue
                if said.lower().startswith("the "):
                    start += 4
            yield Finding(Label.LOCATION, start, end, self.score, self.rule_id, "a known place after a place cue")


# A company named with its legal form: "Acme Ltd", "Dunder Mifflin Inc.", "Smith & Sons LLC".
_COMPANY_FORM = re.compile(r"(?<=\s)(?:Inc|Ltd|LLC|LLP|PLC|Plc|Corp|Corporation|GmbH|Pty|Limited)\b")
_NAME_WORD = re.compile(r"(?:[A-Z][\w'.\-]*|&)\s+$")


class CompanyNames(Recognizer):
    """Companies written with their legal form ("Acme Ltd", "Initech Inc"): an organisation whatever the NER says."""

    name = "company_form"
    labels = (Label.ORG,)
    score = 0.6

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield a capitalised name of up to four words that ends in a company's legal form."""
        for form in _COMPANY_FORM.finditer(ctx.text):
            start = form.start()
            for _ in range(4):  # the name: up to four capitalised words (or "&") right before the form
                word = _NAME_WORD.search(ctx.text, max(0, start - 30), start)
                if word is None or word.group().split()[0].lower() in FUNCTION_WORDS:
                    break
                start = word.start()
            if start < form.start() and ctx.text[start] != "&":
                yield Finding(
                    Label.ORG, start, form.end(), self.score, self.rule_id, "a company named with its legal form"
                )


# "I work at X", "my kid's school is X": the organisation follows the cue. A cue that says whose workplace it is
# ("she works at", "my job at") takes the organisation in lower case too; the bare verb ("Jess works at", "teaches
# at", "job at") needs a capital or a named subject before it, since "it works for me" is common chat.
_WORKPLACE_CUE = re.compile(
    r"""\b(?:
        (?P<owned>
          (?:i|he|she|they|we|you|mum|mom|dad|wife|husband|partner)\s+(?:work|works|worked|working|teach|teaches
            |taught)\s+(?:at|for|in)
        | (?:i'm|im|i\ am|he's|she's|he\ is|she\ is|they're)\s+(?:working|employed|teaching|a\ \w+|an\ \w+)\s+(?:at|for)
        | employed\s+(?:at|by)
        | (?:my|his|her|their|your|a|new|old|first)\s+(?:job|work|office|shift|boss|placement|internship)
            \s+(?:at|is\ at|in)
        | (?:my|his|her|our|their)\s+(?:kid's|kids'|son's|daughter's|child's|children's)\s+school(?:\s+is)?
        | (?:go|goes|went)\s+to\s+school\s+at
        | (?:i|he|she|we)\s+(?:study|studies|studied)\s+at
        | (?:i|he|she|we)\s+(?:attend|attends|attended)
        )
      | (?:work|works|worked|working|teach|teaches|taught|teaching)\s+(?:at|for)
      | jobs?\s+(?:at|with)
      | (?:is|was)\s+an?\s+\w+\s+at
    )\s+(?P<the>the\s+)?""",
    re.IGNORECASE | re.VERBOSE,
)
# The organisation itself: up to four words, stopping at punctuation or a word that starts a new clause.
_ORG_WORDS = re.compile(
    r"[A-Za-z0-9&'.\-]+(?:\s+(?!(?:and|but|so|because|since|as|for|now|today|with|in|on|is|was|are|were|has|had"
    r"|have|does|did|will|would|can|said|says|then|when|who|which|if|to|at|last|next|this|every|yesterday|tomorrow"
    r"|tonight)\b)[A-Za-z0-9&'.\-]+){0,3}"
)
# "my son goes to Parkside school": a school named before its kind.
_SCHOOL_NAMED = re.compile(
    r"\b(?:go|goes|going|went)\s+to\s+(?P<org>(?:[A-Za-z][\w'.\-]*\s+){1,3}?(?:school|college|academy))\b",
    re.IGNORECASE,
)
# Places named by what they are: "St Mary's Hospital", "Lincoln High School", "Grace Baptist Church".
_INSTITUTION = re.compile(
    r"""\b(?:(?:St\.?|Saint)\s+)?(?:[A-Z][\w'&.\-]*\s+){1,4}
        (?:Hospital|Clinic|Medical\ Cent(?:er|re)|Infirmary|Hospice|Church|Chapel|Cathedral|Mosque|Synagogue|Temple
          |High\ School|Middle\ School|Elementary(?:\ School)?|Primary(?:\ School)?|Academy|College|University
          |School|Prison|Jail|Rehab|Treatment\ Cent(?:er|re)|Recovery\ Cent(?:er|re))\b""",
    re.VERBOSE,
)


# Every workplace cue and institution name contains one of these (checked first: most messages have none).
_WORKPLACE_HINT = re.compile(
    r"work|employ|job|teach|taught|office|shift|boss|school|stud|attend|hospital|clinic|medical|infirmary|hospice"
    r"|church|chapel|cathedral|mosque|synagogue|temple|elementary|primary|academy|college|university|prison|jail"
    r"|rehab|cent(?:er|re)|(?:'s|'m|\bim|\bam|\bis|\bwas)\s+an?\s+\w+\s+(?:at|for)\b"
)
# spaCy's labels for a named thing that, right after a workplace cue, is the workplace ("works at Tesco" is not
# a place to us, whatever the NER thought). A person's name only after "at" ("works at Jimmy's"; "works for Jess").
_NAMED_AFTER_CUE = {"ORG", "GPE", "LOC", "FAC"}


class Workplaces(Recognizer):
    """Organisations named as someone's workplace or school, and institutions named by their kind."""

    name = "workplace"
    version = 2
    labels = (Label.ORG,)
    score = 0.7

    def analyze(self, ctx: Context) -> Iterator[Finding]:
        """Yield the organisation after a workplace cue, and hospitals, churches and schools named in full."""
        found: list[Finding] = []
        if not _WORKPLACE_HINT.search(ctx.lowered):
            return  # most messages: no word that a workplace cue or an institution's name needs
        for cue in _WORKPLACE_CUE.finditer(ctx.text):
            span = _named_entity_after(ctx, cue) or self._org_after(ctx.text, cue)
            if span is not None:
                start, end = _trim(ctx.text, *span)
                if start < end:
                    found.append(Finding(Label.ORG, start, end, 0.7, self.rule_id, "named as a workplace or school"))
        for match in _SCHOOL_NAMED.finditer(ctx.text):
            words = match["org"].split()[:-1]
            named = [w for w in words if w.lower() not in FUNCTION_WORDS and w.lower() not in _not_workplaces()]
            if len(named) == len(words) and any(w[0].isupper() for w in named):
                school = Finding(Label.ORG, *match.span("org"), 0.7, self.rule_id, "a school named before its kind")
                if not any(school.overlaps(f) for f in found):
                    found.append(school)
        for match in _INSTITUTION.finditer(ctx.text):
            named = Finding(Label.ORG, match.start(), match.end(), 0.6, self.rule_id, "institution named in full")
            if not any(named.overlaps(f) for f in found):
                found.append(named)
        yield from found

    def _org_after(self, text: str, cue: re.Match[str]) -> tuple[int, int] | None:
        """The words after a cue, when they name a particular organisation."""
        org = _ORG_WORDS.match(text, cue.end())
        if org is None or _generic(org.group()):
            return None
        if cue.group().lower().split()[-1] == "for" and org.group().split()[0].lower() in _given_names():
            return None  # "works for Jess": a person, whom the name rules report
        if cue["owned"] is None and not org.group()[0].isupper() and not _named_subject(text, cue.start()):
            return None  # "keep working at recovery": a bare verb takes a lower-case name only after a person
        return org.span()


def _named_entity_after(ctx: Context, cue: re.Match[str]) -> tuple[int, int] | None:
    """The span of an NER entity starting right after a cue (its "the" included), unless it is a kind of place."""
    if ctx.doc is None:
        return None
    starts = {cue.end(), cue.start("the")} if cue["the"] else {cue.end()}
    after_at = cue.group().lower().removesuffix(cue["the"] or "").rstrip().endswith(" at")
    for ent in ctx.doc.ents:
        if ent.start_char > cue.end():
            break
        if ent.start_char in starts and (ent.label_ in _NAMED_AFTER_CUE or (after_at and ent.label_ == "PERSON")):
            start = max(ent.start_char, cue.end())
            if start < ent.end_char and not _generic(ctx.text[start : ent.end_char]):
                return start, ent.end_char
    return None


def _named_subject(text: str, start: int) -> bool:
    """Whether the word before `start` is someone's name: capitalised (not a function word) or a listed given name."""
    words = text[max(0, start - 30) : start].split()
    if not words:
        return False
    word = words[-1].strip(",.!?\"'()")
    lowered = word.lower().removesuffix("'s")
    if lowered in FUNCTION_WORDS:
        return False
    return word[:1].isupper() or lowered in load_word_list("first_names.txt")


@cache
def _given_names() -> frozenset[str]:
    """Every listed given name, plain or ambiguous."""
    return load_word_list("first_names.txt") | load_word_list("ambiguous_names.txt")


@cache
def _not_workplaces() -> frozenset[str]:
    """Words that follow a workplace cue without naming a workplace ("at night", "for years", "to high school")."""
    return load_word_list("not_workplaces.txt")


def _generic(phrase: str) -> bool:
    """Whether a phrase after a workplace cue names a kind of place, a time or a thing rather than a workplace."""
    first = phrase.split()[0]
    lowered = first.lower()
    if not first[0].isupper() and (lowered in FUNCTION_WORDS or lowered.endswith("ing")):
        return True  # "works at it", "working for myself", "keep working at getting better"
    if lowered in _not_workplaces():
        return True
    words = phrase.lower().split()
    has_capital = any(w[:1].isupper() for w in phrase.split())
    generic = load_word_list("generic_places.txt", per_line=True)
    return not has_capital and (words[0] in generic or " ".join(words[:2]) in generic)


# A name never ends in one of these; the NER sometimes runs on into them ("the Tesco on Kirkstall Road").
_TRAILING_LINK = re.compile(r"\s+(?:on|in|at|of|and|or|to|from|with|for|by|near)$", re.IGNORECASE)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past surrounding spaces, punctuation, a trailing linking word and a trailing possessive."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while link := _TRAILING_LINK.search(text, start, end):
        end = link.start()
    if text[start:end].lower().endswith("'s"):
        end -= 2
    return start, end


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?\n:\"'(" or before.endswith("...")


def entity_rules() -> list[Recognizer]:
    """Fresh instances of this module's rules."""
    return [NerEntities(), GivenNames(), PlaceNames(), CompanyNames(), Workplaces()]
