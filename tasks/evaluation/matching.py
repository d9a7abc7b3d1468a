"""`claimtrack eval matching`: MAP@5 on CheckThat! 2020 Task 2 and 2022 Task 2A test splits,
F1 on the ClaimMatch pairs (see each data set's SOURCE.md)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.matching.claim_ranking import ClaimRanker, RankWeights, VerifiedClaim

csv.field_size_limit(10_000_000)
CT2020 = "checkthat2020_task2_en"
CT2022 = "checkthat2022_task2a_en"


@dataclass(frozen=True)
class RetrievalSet:
    name: str
    claims: list[VerifiedClaim]
    queries: dict[str, str]  # query id -> post
    relevant: dict[str, set[str]]  # query id -> verified claim ids


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.reader(handle, delimiter="\t")


def _qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            relevant.setdefault(parts[0], set()).add(parts[2])
    return relevant


def _queries(path: Path) -> dict[str, str]:
    rows = [r for r in _rows(path) if len(r) >= 2]
    if rows and rows[0][0] in ("", "iclaim_id", "tweet_id"):
        rows = rows[1:]
    return {r[0]: r[1] for r in rows}


def ct2020_claims(data_dir: Path) -> list[VerifiedClaim]:
    rows = list(_rows(data_dir / CT2020 / "verified_claims.docs.tsv"))[1:]
    return [VerifiedClaim(r[0], r[1], r[2] if len(r) > 2 else "") for r in rows if len(r) >= 2]


def ct2020(data_dir: Path, split: str) -> RetrievalSet:
    folder = data_dir / CT2020 / split
    return RetrievalSet(
        f"ct2020_{split}",
        ct2020_claims(data_dir),
        _queries(folder / "tweets.queries.tsv"),
        _qrels(folder / "tweet-vclaim-pairs.qrels"),
    )


def ct2022_claims(data_dir: Path) -> list[VerifiedClaim]:
    claims = []
    with (data_dir / CT2022 / "vclaims.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            title = " ".join(x for x in (row.get("title"), row.get("subtitle")) if x)
            claims.append(VerifiedClaim(row["vclaim_id"], row.get("vclaim", ""), title))
    return claims


def ct2022(data_dir: Path, split: str) -> RetrievalSet:
    prefix = {"test": "CT2022-Task2A-EN-Test", "devtest": "CT2022-Task2A-EN-Dev-Test"}[split]
    qrels = "_QRELs_gold.tsv" if split == "test" else "_QRELs.tsv"
    return RetrievalSet(
        f"ct2022_{split}",
        ct2022_claims(data_dir),
        _queries(data_dir / CT2022 / f"{prefix}_Queries.tsv"),
        _qrels(data_dir / CT2022 / f"{prefix}{qrels}"),
    )


def average_precision_at(ranked: list[str], relevant: set[str], k: int) -> float:
    hits, total = 0, 0.0
    for position, claim_id in enumerate(ranked[:k], start=1):
        if claim_id in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k) if relevant else 0.0


def map_at(ranker: ClaimRanker, data: RetrievalSet, k: int = 5) -> float:
    scores = []
    for query_id, relevant in data.relevant.items():
        post = data.queries.get(query_id)
        if post is None:
            continue
        ranked = [claim.id for claim, _ in ranker.rank(post)]
        scores.append(average_precision_at(ranked, relevant, k))
    return sum(scores) / len(scores) if scores else 0.0


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    pairs: int


def claimmatch_pairs(data_dir: Path) -> list[tuple[str, str, bool]]:
    rows = list(_rows(data_dir / "claimmatch_pairs" / "ClaimMatchData.csv"))[1:]
    return [(r[0], r[1], r[2].strip() == "1") for r in rows if len(r) >= 3]


def pair_f1(ranker: ClaimRanker, pairs: list[tuple[str, str, bool]]) -> PairScores:
    ranker.remember([post for post, _, _ in pairs], [fact_check for _, fact_check, _ in pairs])
    tp = fp = fn = 0
    for post, fact_check, label in pairs:
        predicted = ranker.same_claim(post, fact_check)
        tp += predicted and label
        fp += predicted and not label
        fn += label and not predicted
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, len(pairs))


BM25_ONLY = RankWeights(weights=(1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0))


@dataclass(frozen=True)
class MatchingResult:
    ct2020_map5: float
    ct2022_map5: float
    ct2020_bm25: float
    ct2022_bm25: float
    pairs: PairScores

    def rows(self) -> list[tuple[str, float, float]]:
        return [
            ("ct2020_test MAP@5", self.ct2020_map5, self.ct2020_bm25),
            ("ct2022_test MAP@5", self.ct2022_map5, self.ct2022_bm25),
        ]


def evaluate(
    data_dir: Path,
    say: Callable[[str], None],
    embed: Callable[[Sequence[str]], Any] | None = None,
) -> MatchingResult:
    """Both test splits, ours and BM25 alone, and the pairs; the pairs are judged with word
    weights from the 2022 collection their texts come from. With `embed`, the ranking adds the
    embedding similarity of post and fact-check, and the pair judge its two meaning features."""
    found: dict[str, tuple[float, float]] = {}
    rankers: dict[str, ClaimRanker] = {}
    for data in (ct2020(data_dir, "test"), ct2022(data_dir, "test")):
        say(f"{data.name}: {len(data.relevant)} queries over {len(data.claims):,} verified claims")
        ranker = rankers[data.name] = ClaimRanker(data.claims, embed=embed)
        bm25 = ClaimRanker(data.claims, BM25_ONLY) if embed else ranker.with_weights(BM25_ONLY)
        found[data.name] = (map_at(ranker, data), map_at(bm25, data))
    pairs = claimmatch_pairs(data_dir)
    say(f"claimmatch: {len(pairs)} pairs")
    return MatchingResult(
        found["ct2020_test"][0],
        found["ct2022_test"][0],
        found["ct2020_test"][1],
        found["ct2022_test"][1],
        pair_f1(rankers["ct2022_test"], pairs),
    )
