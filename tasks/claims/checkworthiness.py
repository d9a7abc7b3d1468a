"""Check-worthiness from a linear model over words, word pairs, character n-grams and the
transparent rules of tasks.claims.extract, trained by scripts/train_checkworthiness.py on
ClaimBuster's crowdsourced sentences. Inference is plain Python: no numerical library is needed
at run time."""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[%$€£]")
_DIGIT = re.compile(r"\d")
MODEL_FILE = "checkworthiness.json.gz"


def featurize(sentence: str, rule_reasons: tuple[str, ...] = ()) -> dict[str, float]:
    """Binary features, L2-normalised: words (digits as 0), word pairs, 3-5 character n-grams
    of each word, and the names of the rules that fired."""
    words = [_DIGIT.sub("0", w) for w in _WORD.findall(sentence.lower())]
    features: set[str] = {f"w:{w}" for w in words}
    features.update(f"b:{a} {b}" for a, b in pairwise(words))
    for word in words:
        padded = f"<{word}>"
        for n in (3, 4, 5):
            features.update(f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
    features.update(f"r:{reason}" for reason in rule_reasons)
    length = len(words)
    features.add(f"len:{min(length // 5, 8)}")
    if not features:
        return {}
    weight = 1.0 / math.sqrt(len(features))
    return dict.fromkeys(features, weight)


@dataclass(frozen=True)
class LinearModel:
    weights: dict[str, float]
    intercept: float
    threshold: float  # decision threshold tuned on development data
    metadata: dict[str, Any]

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(f, 0.0) * v for f, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def top_features(self, features: dict[str, float], count: int = 3) -> list[str]:
        """The features that pushed the score up most, as short readable phrases."""
        contributions = sorted(
            ((self.weights.get(f, 0.0) * v, f) for f, v in features.items()), reverse=True
        )
        return [describe_feature(f) for c, f in contributions[:count] if c > 0]

    def to_json(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "threshold": self.threshold,
            "metadata": self.metadata,
            "weights": self.weights,
        }


def describe_feature(feature: str) -> str:
    kind, _, value = feature.partition(":")
    return {
        "w": f'the word "{value}"',
        "b": f'the words "{value}"',
        "c": f'"{value.strip("<>")}"',
        "r": value,
        "len": "its length",
    }.get(kind, feature)


@lru_cache(maxsize=1)
def load_model() -> LinearModel | None:
    """The model shipped with claimtrack, or None when the file is absent (rules then decide)."""
    path = resources.files("tasks") / "claims" / "models" / MODEL_FILE
    if not path.is_file():
        return None
    data = json.loads(gzip.decompress(path.read_bytes()))
    return LinearModel(data["weights"], data["intercept"], data["threshold"], data["metadata"])
