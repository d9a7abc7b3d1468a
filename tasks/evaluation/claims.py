"""Evaluation of check-worthiness on ClaimBuster groundtruth.csv (CFS vs rest) and the CheckThat!
2024 Task 1 English test (Yes vs No): F1 of the positive class, and sentences scored per second."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

from tasks.claims.extract import checkworthiness, default_threshold
from tasks.claims.quantities import extract_quantities
from tasks.errors import InputError

CLAIMBUSTER = Path("claimbuster") / "groundtruth.csv"
CHECKTHAT = Path("checkthat2024_task1_en") / "CT24_checkworthy_english_test_gold.tsv"


@dataclass(frozen=True)
class Labelled:
    text: str
    positive: bool


@dataclass(frozen=True)
class ClassScore:
    name: str
    precision: float
    recall: float
    f1: float
    sentences: int


def _open(data_dir: Path, relative: Path) -> Path:
    path = data_dir / relative
    if not path.exists():
        raise InputError(f"{data_dir}: no {relative} here (pass the shared data folder)")
    return path


def load_claimbuster(data_dir: Path) -> list[Labelled]:
    with _open(data_dir, CLAIMBUSTER).open(encoding="utf-8") as handle:
        return [Labelled(r["Text"], r["Verdict"] == "1") for r in csv.DictReader(handle)]


def load_checkthat(data_dir: Path) -> list[Labelled]:
    with _open(data_dir, CHECKTHAT).open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Labelled(r["Text"], r["class_label"] == "Yes") for r in rows]


def score_texts(texts: list[str]) -> list[float]:
    """Check-worthiness of each sentence as the pipeline computes it (quantities, rules, model);
    no speaker context, as in the data sets."""
    return [checkworthiness(t, extract_quantities(t), False)[0] for t in texts]


def positive_class_f1(
    name: str, items: list[Labelled], scores: list[float], threshold: float
) -> ClassScore:
    tp = sum(1 for i, s in zip(items, scores, strict=True) if i.positive and s >= threshold)
    fp = sum(1 for i, s in zip(items, scores, strict=True) if not i.positive and s >= threshold)
    fn = sum(1 for i, s in zip(items, scores, strict=True) if i.positive and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ClassScore(name, precision, recall, f1, len(items))


def evaluate(
    data_dir: Path, threshold: float | None = None
) -> tuple[list[ClassScore], float, float]:
    """(scores per data set, sentences per second, threshold used)."""
    cutoff = default_threshold() if threshold is None else threshold
    sets = {"claimbuster": load_claimbuster(data_dir), "checkthat2024": load_checkthat(data_dir)}
    results = []
    sentences = 0
    seconds = 0.0
    for name, items in sets.items():
        started = time.perf_counter()
        scores = score_texts([i.text for i in items])
        seconds += time.perf_counter() - started
        sentences += len(items)
        results.append(positive_class_f1(name, items, scores, cutoff))
    return results, sentences / seconds if seconds else 0.0, cutoff
