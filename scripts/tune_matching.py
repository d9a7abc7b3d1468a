"""Tune the claim ranker's weights (tasks/matching/claim_ranking.py) on train and dev splits only.

    python scripts/tune_matching.py DATA_DIR

Ranking weights: coordinate ascent on the mean MAP@5 of CheckThat! 2020 Task 2 train and dev and
2022 Task 2A dev-test, starting from BM25 alone. Pair weights and threshold: coordinate ascent on
F1 over balanced pairs from the 2022 dev-test split, each query with its gold fact-check and one
other fact-check drawn (seeded) from its BM25 top 50. Prints the values to put in RankWeights.
Test splits and ClaimMatch are never read.

With `--embedding-model FOLDER` it tunes the pair judge used when an embedder is configured
(PAIR_FEATURES + SEMANTIC_PAIR_FEATURES) instead: the same kind of pairs from all three train and
dev splits (CheckThat! 2020 train and dev, each query with its gold fact-check and one drawn from
its BM25 top 50, word weights from the 2020 collection), and prints its F1 on each split.
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from tasks.evaluation.matching import RetrievalSet, average_precision_at, ct2020, ct2022
from tasks.matching.claim_ranking import (
    FEATURES,
    PAIR_FEATURES,
    SEMANTIC_PAIR_FEATURES,
    ClaimRanker,
    linear_score,
)
from tasks.matching.embeddings import load_embedder

Rows = list[tuple[list[str], list[list[float]], set[str]]]
Pairs = list[tuple[list[float], bool]]


def ranking_rows(data_dir: Path) -> list[Rows]:
    sets = [ct2020(data_dir, "train"), ct2020(data_dir, "dev"), ct2022(data_dir, "devtest")]
    rankers = [ClaimRanker(sets[0].claims), ClaimRanker(sets[2].claims)]
    out = []
    for data, ranker in zip(sets, (rankers[0], rankers[0], rankers[1]), strict=True):
        rows: Rows = []
        for query_id, relevant in data.relevant.items():
            if query_id in data.queries:
                found = ranker.candidates(data.queries[query_id])
                ids = [ranker.docs[i].claim.id for i, _ in found]
                rows.append((ids, [f for _, f in found], relevant))
        out.append(rows)
    return out


def mean_map(sets: list[Rows], weights: Sequence[float]) -> float:
    total = 0.0
    for rows in sets:
        for ids, features, relevant in rows:
            scores = [linear_score(weights, fs) for fs in features]
            ranked = [i for _, i in sorted(zip(scores, ids, strict=True), key=lambda p: -p[0])]
            total += average_precision_at(ranked, relevant, 5) / len(rows)
    return total / len(sets)


def balanced_pairs(data_dir: Path) -> Pairs:
    data = ct2022(data_dir, "devtest")
    return split_pairs(data, ClaimRanker(data.claims))


def split_pairs(data: RetrievalSet, ranker: ClaimRanker) -> Pairs:
    """Each query with its first gold fact-check and one other from its BM25 top 50 (seeded)."""
    by_id = {d.claim.id: d.claim for d in ranker.docs}
    lexical = copy.copy(ranker)
    lexical.embed = None  # negatives are drawn by words, as for the lexical judge
    rng = random.Random(2022)
    texts: list[tuple[str, str, bool]] = []
    for query_id, relevant in sorted(data.relevant.items()):
        if query_id not in data.queries:
            continue
        post = data.queries[query_id]
        others = [c.id for c, _ in lexical.rank(post) if c.id not in relevant]
        for claim_id in sorted(relevant)[:1] + rng.sample(others, min(1, len(others))):
            claim = by_id[claim_id]
            texts.append((post, f"{claim.title} {claim.claim}", claim_id in relevant))
    ranker.remember([p for p, _, _ in texts], [f for _, f, _ in texts])
    return [(ranker.pair_features(post, other), label) for post, other, label in texts]


def best_f1(pairs: Pairs, weights: Sequence[float]) -> tuple[float, float]:
    scored = sorted(
        ((linear_score(weights, fs), label) for fs, label in pairs),
        reverse=True,
    )
    positives = sum(1 for _, label in pairs if label)
    best, threshold, tp = 0.0, 0.0, 0
    for rank, (score, label) in enumerate(scored, start=1):
        tp += label
        f1 = 2 * tp / (rank + positives)
        if f1 > best:
            best, threshold = f1, score
    return best, threshold


def ascend(
    start: list[float], objective: Callable[[list[float]], float]
) -> tuple[list[float], float]:
    weights, best = start, objective(start)
    for step in (0.8, 0.4, 0.2, 0.1, 0.05):
        improved = True
        while improved:
            improved = False
            for i in range(len(weights)):
                for delta in (step, -step):
                    trial = weights[:]
                    trial[i] = round(trial[i] + delta, 3)
                    value = objective(trial)
                    if value > best + 1e-6:
                        weights, best, improved = trial, value, True
        print(f"step {step}: {best:.4f} {weights}", file=sys.stderr)
    return weights, best


def f1_at(pairs: Pairs, weights: Sequence[float], threshold: float) -> float:
    tp = fp = fn = 0
    for features, label in pairs:
        predicted = linear_score(weights, features) >= threshold
        tp += predicted and label
        fp += predicted and not label
        fn += label and not predicted
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def tune_semantic_pairs(data_dir: Path, model: str) -> None:
    embedder = load_embedder(model, Path(tempfile.mkdtemp(prefix="claimtrack-tune-")))
    assert embedder is not None, "give a model folder"
    ct2020_train, ct2020_dev = ct2020(data_dir, "train"), ct2020(data_dir, "dev")
    ct2022_devtest = ct2022(data_dir, "devtest")
    ct2020_ranker = ClaimRanker(ct2020_train.claims, embed=embedder.embed)
    splits = {
        "ct2020_train": split_pairs(ct2020_train, ct2020_ranker),
        "ct2020_dev": split_pairs(ct2020_dev, ct2020_ranker),
        "ct2022_devtest": split_pairs(
            ct2022_devtest, ClaimRanker(ct2022_devtest.claims, embed=embedder.embed)
        ),
    }
    pairs = [pair for split in splits.values() for pair in split]
    width = len(PAIR_FEATURES) + len(SEMANTIC_PAIR_FEATURES)
    weights, f1 = ascend([1.0] + [0.0] * (width - 1), lambda w: best_f1(pairs, w)[0])
    threshold = best_f1(pairs, weights)[1]
    print(f"semantic_pair_weights={tuple(weights)}  # F1 on all train/dev pairs {f1:.4f}")
    print(f"semantic_pair_threshold={threshold:.3f}")
    for name, split in splits.items():
        print(f"  {name}: {len(split)} pairs, F1 {f1_at(split, weights, threshold):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--embedding-model", help="tune the semantic pair judge with this model")
    args = parser.parse_args()
    if args.embedding_model:
        tune_semantic_pairs(args.data_dir, args.embedding_model)
        return
    data_dir = args.data_dir
    sets = ranking_rows(data_dir)
    start = [1.0] + [0.0] * (len(FEATURES) - 1)
    weights, score = ascend(start, lambda w: mean_map(sets, w))
    print(f"weights={tuple(weights)}  # mean MAP@5 on train/dev {score:.4f}")
    pairs = balanced_pairs(data_dir)
    pair_start = [1.0] + [0.0] * (len(PAIR_FEATURES) - 1)
    pair_weights, f1 = ascend(pair_start, lambda w: best_f1(pairs, w)[0])
    print(f"pair_weights={tuple(pair_weights)}  # F1 on balanced dev-test pairs {f1:.4f}")
    print(f"pair_threshold={best_f1(pairs, pair_weights)[1]:.3f}")


if __name__ == "__main__":
    main()
