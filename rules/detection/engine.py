"""The detection engine: normalise → recognise → resolve overlaps → score → decide.

`Engine.scan_many` is the workhorse: it normalises a batch, runs spaCy over it with `nlp.pipe`, asks every rule
for findings, resolves overlaps, decides whom each detail is about, maps offsets back into the original text and
scores the message. Nothing here knows Discord; the bot turns a message into a `ScanInput` first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rules.detection.findings import Finding, Label, ScanInput, Subject
from rules.detection.ner import BUNDLED_NER
from rules.detection.normalise import Normalised, normalise
from rules.detection.policy import NO_POLICY, GuildPolicy
from rules.detection.recognizer import Context, Recognizer
from rules.detection.recognizers import builtin_rules
from rules.detection.recognizers.entities import load_word_list, public_figures
from rules.detection.registry import RuleRegistry
from rules.detection.resolve import resolve_overlaps
from rules.detection.risk import risk_of
from rules.detection.subject import subject_of

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["DEFAULT_REGIONS", "Engine", "ScanRequest", "ScanResult", "load_pipeline"]

log = logging.getLogger(__name__)

DEFAULT_REGIONS = ("US", "GB", "CA", "AU", "IE", "NZ", "IN")
DEFAULT_THRESHOLD = 0.5
BUNDLED = "confidant"  # the `ner` setting that selects the NER shipped with Confidant
OWN_NER = "model"  # the `ner` setting that keeps the spaCy pipeline's own NER
# Components the engine never uses; leaving them out is most of what makes it as fast as NER alone.
_UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter", "morphologizer")
_PUBLIC_LABELS = (Label.PERSON, Label.ORG, Label.LOCATION)
_GUILD_RULES = ("guild_deny.v1", "protected.v1")


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What the engine concluded about one message. Offsets point into the original text; no text is kept."""

    findings: tuple[Finding, ...]
    risk: float
    flagged: bool

    @property
    def labels(self) -> tuple[Label, ...]:
        """The distinct labels found, in order of first appearance."""
        return tuple(dict.fromkeys(f.label for f in self.findings))


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """A message with the guild policy and threshold to judge it by (None: the engine's threshold)."""

    message: ScanInput
    policy: GuildPolicy = NO_POLICY
    threshold: float | None = None


def load_pipeline(model: str, ner: str = BUNDLED) -> Language:
    """Load a spaCy pipeline, keeping only its tokenizer and an NER.

    Args:
        model: an installed pipeline's package name, or a path to one.
        ner: `"confidant"` for the NER fine-tuned on chat that ships with Confidant, `"model"` for the pipeline's
            own NER, or a path to another pipeline whose NER should be used.
    """
    import spacy

    unused = list(_UNUSED_COMPONENTS)
    if ner == OWN_NER:
        nlp = spacy.load(model, exclude=unused)
    else:
        nlp = spacy.load(model, exclude=[*unused, "ner"])
        nlp.add_pipe("ner", source=spacy.load(BUNDLED_NER if ner == BUNDLED else ner))
    if "ner" not in nlp.pipe_names:
        log.warning("spaCy pipeline %s has no NER; names, places and organisations rely on word lists", model)
    return nlp


class Engine:
    """Finds identifying details in messages and scores each message's risk."""

    def __init__(
        self,
        nlp: Language | None = None,
        registry: RuleRegistry | None = None,
        *,
        regions: Sequence[str] = DEFAULT_REGIONS,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        """Build an engine.

        Args:
            nlp: a spaCy pipeline with an NER, or None to run the pattern and word-list rules only.
            registry: the rules to run; the built-in rules when omitted.
            regions: ISO country codes whose national phone formats are recognised.
            threshold: risk above which a message is flagged, unless a scan passes its own.
        """
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
        self.nlp = nlp
        self.registry = registry if registry is not None else RuleRegistry(builtin_rules())
        self.regions = tuple(regions)
        self.threshold = threshold

    @classmethod
    def load(cls, model: str, *, ner: str = BUNDLED, **options: object) -> Engine:
        """Build an engine around the spaCy pipeline `model` (a package name or a path) and the chosen NER."""
        return cls(load_pipeline(model, ner), **options)  # type: ignore[arg-type]

    @property
    def rules(self) -> tuple[Recognizer, ...]:
        """The registered rules."""
        return tuple(self.registry)

    def scan(
        self, message: ScanInput | str, policy: GuildPolicy = NO_POLICY, threshold: float | None = None
    ) -> ScanResult:
        """Scan one message."""
        return self.scan_batch([ScanRequest(_as_input(message), policy, threshold)])[0]

    def scan_many(
        self, messages: Iterable[ScanInput | str], policy: GuildPolicy = NO_POLICY, threshold: float | None = None
    ) -> list[ScanResult]:
        """Scan messages of one guild as one batch."""
        return self.scan_batch([ScanRequest(_as_input(m), policy, threshold) for m in messages])

    def scan_batch(self, requests: Sequence[ScanRequest], *, batch_size: int = 64) -> list[ScanResult]:
        """Scan a batch of requests (possibly from different guilds); spaCy sees them together via `nlp.pipe`."""
        normalised = [normalise(r.message.text) for r in requests]
        texts = [n.text for n in normalised]
        docs = list(self.nlp.pipe(texts, batch_size=batch_size)) if self.nlp is not None else [None] * len(texts)
        return [
            self._conclude(
                request.message,
                norm,
                Context(norm.text, doc, self.regions),
                request.policy,
                self.threshold if request.threshold is None else request.threshold,
            )
            for request, norm, doc in zip(requests, normalised, docs, strict=True)
        ]

    def _conclude(
        self, message: ScanInput, norm: Normalised, ctx: Context, policy: GuildPolicy, threshold: float
    ) -> ScanResult:
        candidates = [finding for rule in self.registry for finding in rule.analyze(ctx)]
        candidates += _guild_findings(message, ctx.text, policy)
        candidates = [_public_demoted(ctx.text, f) for f in candidates if not _allowed(ctx.text, f, policy)]
        resolved = resolve_overlaps(candidates)
        findings = []
        for finding in resolved:
            start, end = norm.to_original(finding.start, finding.end)
            subject = finding.subject
            if subject is Subject.UNKNOWN:
                subject = subject_of(ctx.text, finding, resolved)
            findings.append(replace(finding, start=start, end=end, subject=subject))
        risk = risk_of(findings)
        return ScanResult(tuple(findings), risk, risk >= threshold and bool(findings))


def _as_input(message: ScanInput | str) -> ScanInput:
    return message if isinstance(message, ScanInput) else ScanInput(message)


def _guild_findings(message: ScanInput, text: str, policy: GuildPolicy) -> list[Finding]:
    """Findings from the guild's denylist and from members' protected terms (never the author's own)."""
    found = [
        Finding(label, start, end, 1.0, _GUILD_RULES[0], "on the guild's always-flag list", direct=True)
        for start, end, label in policy.denied(text)
    ]
    if policy.protected is not None:
        found += [
            Finding(
                hit.label, hit.start, hit.end, 0.97, "protected.v1", "a member's protected term", Subject.OTHER, True
            )
            for hit in policy.protected.find(text)
            if message.author_id not in hit.owners
        ]
    return found


def _allowed(text: str, finding: Finding, policy: GuildPolicy) -> bool:
    """Whether the guild's allowlist says this detail is fine (the guild's own lists always stand)."""
    return finding.rule not in _GUILD_RULES and policy.allows(text[finding.start : finding.end])


def _public_demoted(text: str, finding: Finding) -> Finding:
    """A public name (AA, God, Discord, a famous person) is still a name, but identifies no member: score 0.

    The finding stays (the detail is reported), only its weight goes; a public figure's name is a PERSON whatever
    label the NER guessed.
    """
    if finding.label not in _PUBLIC_LABELS or finding.rule in _GUILD_RULES:
        return finding
    said = text[finding.start : finding.end].casefold().strip()
    if said in load_word_list("public_entities.txt", per_line=True):
        return replace(finding, score=0.0, direct=False, explanation="a public name; identifies no member")
    words = tuple(said.split())
    if words and words in public_figures().get(words[0], ()):
        return replace(
            finding, label=Label.PERSON, score=0.0, direct=False, explanation="a public figure; identifies no member"
        )
    return finding
