"""The NER training script's data split and weight averaging (training itself is too slow for a test)."""

import json
from pathlib import Path

import numpy
import pytest
import spacy

from rules.detection.ner.train import DEV_FILE, TRAIN_FILES, average_pipelines, split_records


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Two training files of 2 records each and a development file of 5."""
    for name, count in ((TRAIN_FILES[0], 2), (TRAIN_FILES[1], 2), (DEV_FILE, 5)):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        records = [{"id": f"{name}-{i}", "text": f"text {i}", "spans": []} for i in range(count)]
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return tmp_path


def ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


def test_select_learns_from_the_training_files_only(data_dir: Path) -> None:
    learn, score, sources = split_records(data_dir, "select")
    assert len(learn) == 4
    assert ids(score) == [f"{DEV_FILE}-{i}" for i in range(5)]
    assert DEV_FILE not in sources


@pytest.mark.parametrize(("fold", "learnt", "scored"), [(0, [0, 2, 4], [1, 3]), (1, [1, 3], [0, 2, 4])])
def test_half_dev_folds_learn_from_one_half_and_score_on_the_other(
    data_dir: Path, fold: int, learnt: list[int], scored: list[int]
) -> None:
    learn, score, sources = split_records(data_dir, "half", fold=fold)
    assert ids(learn)[4:] == [f"{DEV_FILE}-{i}" for i in learnt]
    assert ids(score) == [f"{DEV_FILE}-{i}" for i in scored]
    assert not set(ids(learn)) & set(ids(score))
    assert DEV_FILE in sources


def test_final_learns_from_everything_and_repeats_the_development_file(data_dir: Path) -> None:
    learn, score, _ = split_records(data_dir, "final", dev_repeat=2)
    assert len(learn) == 4 + 2 * 5
    assert score == []


def test_an_unknown_mode_is_refused(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="dev_mode"):
        split_records(data_dir, "test")


def _ner_pipeline(seed: int, labels: tuple[str, ...], path: Path) -> Path:
    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in labels:
        ner.add_label(label)
    nlp.initialize()
    nlp.to_disk(path)
    return path


def _params(nlp: spacy.language.Language) -> list[numpy.ndarray]:
    return [
        numpy.asarray(node.get_param(name))
        for node in nlp.get_pipe("ner").model.walk()
        for name in node.param_names
        if node.has_param(name)
    ]


def test_averaging_gives_the_mean_of_every_weight(tmp_path: Path) -> None:
    paths = [_ner_pipeline(seed, ("PERSON", "ORG"), tmp_path / f"m{seed}") for seed in (1, 2, 3)]
    originals = [_params(spacy.load(path)) for path in paths]
    assert not numpy.allclose(originals[0][0], originals[1][0])  # the runs differ to begin with

    averaged = _params(average_pipelines(paths))

    assert len(averaged) == len(originals[0]) > 0
    for i, weights in enumerate(averaged):
        assert numpy.allclose(weights, sum(run[i] for run in originals) / 3)


def test_averaging_refuses_models_with_different_labels(tmp_path: Path) -> None:
    paths = [
        _ner_pipeline(1, ("PERSON", "ORG"), tmp_path / "a"),
        _ner_pipeline(2, ("PERSON", "GPE"), tmp_path / "b"),
    ]
    with pytest.raises(ValueError, match="different labels"):
        average_pipelines(paths)
