"""Ranking verified claims (fact-checks) for a post: which fact-checks is it about?

A post and a fact-check say the same thing in very different words and lengths (a tweet with a
byline against a headline and a one-line claim), so the sentence matcher of tasks/matching/match.py
does not fit. This ranker retrieves with BM25 over our stemmed content words and re-ranks the top
hits with a linear score over BM25 and rapidfuzz similarities of the claim, the title and their
words. A single (post, fact-check) pair is judged by a second linear score over word-weight coverage
and rapidfuzz similarities. All weights are tuned by scripts/tune_matching.py on the train and dev
splits of CheckThat! 2020 Task 2 and the 2022 Task 2A dev-test split."""

from __future__ import annotations

import copy
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from rapidfuzz import fuzz

from tasks.claims.frames import STOPWORDS, stem
from tasks.claims.sentences import split_sentences

_NOISE = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+|[@#]")
_BYLINE = re.compile(r"\s[—–-]\s[^—–]{0,80}\(@?\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]|\d+(?:[.,]\d+)?")
BM25_K1, BM25_B = 1.2, 0.75
RERANK_DEPTH = 50


FEATURES = (
    "bm25",  # BM25 divided by the query's best BM25
    "bm25_rank",  # 1 / (1 + position in the BM25 list)
    "claim_similarity",  # rapidfuzz token-set similarity of post and claim words
    "title_similarity",  # the same for the title
    "claim_partial",  # rapidfuzz partial similarity: the claim's words as a stretch of the post's
    "claim_coverage",  # share of the claim's word weight (IDF) found in the post
    "post_coverage",  # share of the post's word weight found in the claim and title
    "claim_pairs",  # share of the claim's adjacent word pairs found in the post
    "names",  # share of the claim's and title's capitalised words found in the post
)


SEMANTIC_PAIR_FEATURES = (
    "meaning",  # embedding cosine of the whole post and the fact-check
    "best_sentence",  # the highest cosine of one of the post's sentences and the fact-check
)
# what `scripts/tune_matching.py DATA_DIR --embedding-model FOLDER` chose (all-MiniLM-L6-v2)
SEMANTIC_PAIR_DEFAULTS = (0.2, 0.8, -0.2, 0.0, 1.6, 1.6)
SEMANTIC_PAIR_THRESHOLD = 1.412


@dataclass(frozen=True)
class RankWeights:
    """Weights of the re-ranking score over FEATURES, and the pair threshold; the defaults are
    what scripts/tune_matching.py chose on train and dev splits."""

    weights: tuple[float, ...] = (1.1, 0.0, 1.6, 0.35, 1.4, -0.8, 3.3, -0.8, 1.2)
    pair_weights: tuple[float, ...] = (1.4, 0.4, 1.6, 0.8)
    pair_threshold: float = 1.245
    # weight of the embedding cosine of post and fact-check in the re-ranking score, when an
    # embedder is given: chosen from 0-64 on CheckThat! 2020 train and dev and 2022 dev-test
    # (MAP@5 summed over the three: 0 -> 2.292, 8 -> 2.520, 16 -> 2.507, 64 -> 2.462)
    semantic_weight: float = 8.0
    # the pair judge with an embedder: weights over PAIR_FEATURES + SEMANTIC_PAIR_FEATURES
    semantic_pair_weights: tuple[float, ...] = SEMANTIC_PAIR_DEFAULTS
    semantic_pair_threshold: float = SEMANTIC_PAIR_THRESHOLD


PAIR_FEATURES = (
    "post_coverage",  # share of the post's word weight (IDF) found in the fact-check
    "fact_check_coverage",  # share of the fact-check's word weight found in the post
    "similarity",  # rapidfuzz token-set similarity
    "names",  # share of the fact-check's capitalised words found in the post
)


@dataclass(frozen=True)
class VerifiedClaim:
    id: str
    claim: str
    title: str


def linear_score(weights: Sequence[float], features: Sequence[float]) -> float:
    return sum(w * f for w, f in zip(weights, features, strict=True))


def _share(part: frozenset[Any], whole: set[Any]) -> float:
    """Share of `part` found in `whole` (0 for an empty part)."""
    return len(part & whole) / len(part) if part else 0.0


def clean_post(text: str) -> str:
    """A post without links, markup characters and the trailing "— Name (@handle) date" byline."""
    return " ".join(_NOISE.sub(" ", _BYLINE.sub(" ", text)).split())


def ranking_tokens(text: str) -> list[str]:
    """Stemmed content words and numbers."""
    words = _TOKEN.findall(text.lower())
    return [stem(w) if w[0].isalpha() else w for w in words if w not in STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class _Doc:
    claim: VerifiedClaim
    tokens: tuple[str, ...]
    token_set: frozenset[str]
    claim_words: str
    title_words: str
    claim_set: frozenset[str]
    claim_pairs: frozenset[tuple[str, str]]
    names: frozenset[str]


class ClaimRanker:
    """BM25 over verified claims (claim + title), re-ranked by a linear score."""

    def __init__(
        self,
        claims: Sequence[VerifiedClaim],
        weights: RankWeights | None = None,
        embed: Callable[[Sequence[str]], Any] | None = None,
    ):
        self.weights = weights or RankWeights()
        self.embed = embed  # texts -> unit vectors (rows), for the semantic feature
        self._vectors: dict[str, Any] = {}
        self.docs = []
        for c in claims:
            claim_tokens = ranking_tokens(c.claim)
            title_tokens = ranking_tokens(c.title)
            self.docs.append(
                _Doc(
                    c,
                    tuple(claim_tokens + title_tokens),
                    frozenset(claim_tokens + title_tokens),
                    " ".join(claim_tokens),
                    " ".join(title_tokens),
                    frozenset(claim_tokens),
                    frozenset(pairwise(claim_tokens)),
                    frozenset(n.lower() for n in _NAME.findall(f"{c.claim} {c.title}")),
                )
            )
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for index, doc in enumerate(self.docs):
            for token, count in Counter(doc.tokens).items():
                self.postings[token].append((index, count))
        self.lengths = [len(d.tokens) for d in self.docs]
        self.average_length = sum(self.lengths) / max(1, len(self.lengths))
        n = len(self.docs)
        self.idf = {
            t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()
        }
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)  # a word the collection never saw

    def with_weights(self, weights: RankWeights) -> ClaimRanker:
        """The same index scored with other weights."""
        other = copy.copy(self)
        other.weights = weights
        return other

    def bm25(self, tokens: Sequence[str]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for token, query_count in Counter(tokens).items():
            idf = self.idf.get(token)
            if idf is None:
                continue
            for index, count in self.postings[token]:
                norm = 1 - BM25_B + BM25_B * self.lengths[index] / self.average_length
                gain = count * (BM25_K1 + 1) / (count + BM25_K1 * norm)
                scores[index] += query_count * idf * gain
        return scores

    def candidates(self, post: str, depth: int = RERANK_DEPTH) -> list[tuple[int, list[float]]]:
        """The BM25 top `depth` verified claims (indexes) with their feature values."""
        tokens = ranking_tokens(clean_post(post))
        found = sorted(self.bm25(tokens).items(), key=lambda kv: -kv[1])[:depth]
        if not found:
            return []
        best = found[0][1]
        post_words = " ".join(tokens)
        post_set = set(tokens)
        post_pairs = set(pairwise(tokens))
        post_lower = {w.lower() for w in _WORD.findall(post)}
        post_weight = sum(self.idf.get(t, 0.0) for t in post_set) or 1.0
        result = []
        for position, (index, score) in enumerate(found):
            doc = self.docs[index]
            claim_weight = sum(self.idf[t] for t in doc.claim_set) or 1.0
            shared_claim = sum(self.idf[t] for t in doc.claim_set & post_set)
            shared_doc = sum(self.idf.get(t, 0.0) for t in post_set & doc.token_set)
            features = [
                score / best,
                1 / (1 + position),
                fuzz.token_set_ratio(post_words, doc.claim_words) / 100,
                fuzz.token_set_ratio(post_words, doc.title_words) / 100,
                fuzz.partial_ratio(doc.claim_words, post_words) / 100,
                shared_claim / claim_weight,
                shared_doc / post_weight,
                _share(doc.claim_pairs, post_pairs),
                _share(doc.names, post_lower),
            ]
            result.append((index, features))
        return result

    def score(self, features: Sequence[float]) -> float:
        return linear_score(self.weights.weights, features)

    def rank(self, post: str, depth: int = RERANK_DEPTH) -> list[tuple[VerifiedClaim, float]]:
        """The verified claims most likely to be what the post states, best first, with scores
        (plus the weighted embedding similarity when the ranker has an embedder)."""
        found = self.candidates(post, depth)
        meaning = self._meaning(post, [self.docs[i].claim for i, _ in found])
        scored = [
            (self.docs[i].claim, self.score(f) + self.weights.semantic_weight * m)
            for (i, f), m in zip(found, meaning, strict=True)
        ]
        return sorted(scored, key=lambda pair: -pair[1])

    def _meaning(self, post: str, claims: Sequence[VerifiedClaim]) -> list[float]:
        if self.embed is None or not claims:
            return [0.0] * len(claims)
        texts = [clean_post(post)] + [f"{c.claim} {c.title}".strip() for c in claims]
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embed(missing), strict=True):
                self._vectors[text] = vector
        query = self._vectors[texts[0]]
        return [float(query @ self._vectors[t]) for t in texts[1:]]

    def remember(self, posts: Sequence[str], fact_checks: Sequence[str] = ()) -> None:
        """Embed, in one batch, the posts (whole and sentence by sentence) and fact-checks that
        the pair judge will read, so that judging many pairs is not one model call a pair."""
        if self.embed is None:
            return
        cleaned = [clean_post(t) for t in posts]
        wanted = [*cleaned, *(s for t in cleaned for s in split_sentences(t))]
        wanted += [clean_post(t) for t in fact_checks]
        missing = [t for t in dict.fromkeys(wanted) if t not in self._vectors]
        if missing:
            for text, vector in zip(missing, self.embed(missing), strict=True):
                self._vectors[text] = vector

    def meaning_features(self, post: str, fact_check: str) -> list[float]:
        """SEMANTIC_PAIR_FEATURES of one pair (needs an embedder)."""
        self.remember([post], [fact_check])
        post = clean_post(post)
        other = self._vectors[clean_post(fact_check)]
        whole = float(self._vectors[post] @ other)
        best = max((float(self._vectors[s] @ other) for s in split_sentences(post)), default=whole)
        return [whole, max(whole, best)]

    def pair_features(self, post: str, fact_check: str) -> list[float]:
        """Features of one (post, fact-check text) pair, word weights from this collection:
        PAIR_FEATURES, then SEMANTIC_PAIR_FEATURES when the ranker has an embedder."""
        lexical = self.lexical_pair_features(post, fact_check)
        if self.embed is None:
            return lexical
        return lexical + self.meaning_features(post, fact_check)

    def lexical_pair_features(self, post: str, fact_check: str) -> list[float]:
        tokens = ranking_tokens(clean_post(post))
        other = ranking_tokens(fact_check)
        post_set, other_set = set(tokens), set(other)
        shared = post_set & other_set

        def weight(words: set[str]) -> float:
            return sum(self.idf.get(t, self.max_idf) for t in words)

        names = {n.lower() for n in _NAME.findall(fact_check)}
        post_lower = {w.lower() for w in _WORD.findall(post)}
        return [
            weight(shared) / (weight(post_set) or 1.0),
            weight(shared) / (weight(other_set) or 1.0),
            fuzz.token_set_ratio(" ".join(tokens), " ".join(other)) / 100,
            _share(frozenset(names), post_lower),
        ]

    def pair_score(self, post: str, fact_check: str) -> float:
        """The pair judge's score, minus its threshold: positive means the same claim."""
        features = self.pair_features(post, fact_check)
        if self.embed is None:
            weights, threshold = self.weights.pair_weights, self.weights.pair_threshold
        else:
            weights = self.weights.semantic_pair_weights
            threshold = self.weights.semantic_pair_threshold
        return linear_score(weights, features) - threshold

    def same_claim(self, post: str, fact_check: str) -> bool:
        """Whether the post states the claim the fact-check checks."""
        return self.pair_score(post, fact_check) >= 0
