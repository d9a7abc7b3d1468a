"""`claimtrack eval pairs`: the matcher's decisions on news-style claim pairs written for
claimtrack (`tests/fixtures/claim_pairs.jsonl`: an earlier and a later claim, labelled repeat,
contradiction, update or different), by words alone and with the semantic layer.

Each text goes through claim extraction (so speakers, quantities and frames are the pipeline's),
and the later claim is judged against the earlier one. A flag of the wrong kind counts against
both kinds; a flag on a `different` pair is a false flag.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from schemas.records import ArticleText, ClaimDraft
from tasks.claims.extract import extract_claims
from tasks.claims.frames import claim_core
from tasks.errors import InputError
from tasks.matching.embeddings import Embedder
from tasks.matching.match import MatchParams, decide

KINDS = ("repeat", "contradiction", "update")


@dataclass(frozen=True)
class Pair:
    earlier: str
    later: str
    label: str


@dataclass(frozen=True)
class PairScores:
    name: str
    counts: dict[str, tuple[int, int, int]]  # kind -> (right, flagged as kind, labelled kind)
    false_flags: int
    different: int

    def figure(self, kind: str, what: str) -> float:
        right, flagged, labelled = self.counts[kind]
        if what == "precision":
            return right / flagged if flagged else 0.0
        return right / labelled if labelled else 0.0

    def line(self) -> str:
        parts = [
            f"{kind}_p={self.figure(kind, 'precision'):.3f} "
            f"{kind}_r={self.figure(kind, 'recall'):.3f}"
            for kind in KINDS
        ]
        return (
            f"{self.name:<10} "
            + " ".join(parts)
            + f" false_flags={self.false_flags}/{self.different}"
        )


def load_pairs(path: Path) -> list[Pair]:
    if not path.is_file():
        raise InputError(f"{path}: no such pairs file")
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("label") not in (*KINDS, "different"):
            raise InputError(
                f"{path}:{number}: label must be repeat, contradiction, update or different"
            )
        pairs.append(Pair(row["earlier"], row["later"], row["label"]))
    return pairs


def _claim(text: str, speaker_model: str) -> ClaimDraft:
    article = ArticleText("pairs:", None, None, None, None, None, None, (text,))
    drafts = extract_claims(
        article, publication="Gazette", threshold=0.0, speaker_model=speaker_model
    )
    return max(drafts, key=lambda d: len(d.text))


def score_pairs(
    name: str,
    pairs: Sequence[Pair],
    params: MatchParams,
    embedder: Embedder | None = None,
) -> PairScores:
    right = dict.fromkeys(KINDS, 0)
    flagged = dict.fromkeys(KINDS, 0)
    labelled = {kind: sum(p.label == kind for p in pairs) for kind in KINDS}
    false_flags = 0
    for pair in pairs:
        earlier = _claim(pair.earlier, params.parse_model)
        later = _claim(pair.later, params.parse_model)
        meaning = None
        if embedder is not None:
            vectors = embedder.embed([claim_core(later.text), claim_core(earlier.text)])
            meaning = float(vectors[0] @ vectors[1])
        decision = decide(later, earlier, params, meaning)
        kind = decision.kind if decision else None
        if kind in KINDS:
            flagged[kind] += 1
            right[kind] += kind == pair.label
            false_flags += pair.label == "different"
    counts = {kind: (right[kind], flagged[kind], labelled[kind]) for kind in KINDS}
    return PairScores(name, counts, false_flags, sum(p.label == "different" for p in pairs))
