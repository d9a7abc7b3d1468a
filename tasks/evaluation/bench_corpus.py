"""A realistic claim corpus of any size for the matching benchmark.

Base sentences are real claim-like sentences from the public evaluation sets in a data folder
(ClaimBuster debate sentences, CheckThat! tweets and fact-checked claims, FEVER claims), or,
without one, the sentences of the bundled demo stories. The corpus is the base sentences plus
variants of them until it reaches the size asked for: a number changed, a name swapped, a word
dropped or replaced, a clause borrowed from another sentence. That makes families of near-identical
rows, the hard case for retrieval (many close candidates), as repeated claims are in the news.
Queries are half fresh rewordings of stored sentences and half sentences the corpus never saw.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from schemas.records import Polarity, Quantity
from tasks.claims.frames import build_frame, polarity_of
from tasks.claims.quantities import extract_quantities
from tasks.matching.blocking import claim_term_keys, term_groups

_NUMBER = re.compile(r"\d[\d,.]*")
_NAME = re.compile(r"(?<=\s)[A-Z][a-z]{2,}")
_URL = re.compile(r"https?://\S+|@\w+|#")
_WHITESPACE = re.compile(r"\s+")
MIN_WORDS, MAX_WORDS = 6, 60
csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class CorpusClaim:
    """A corpus sentence with what the matcher needs, computed as ingestion would."""

    text: str
    speaker: str | None
    quantities: tuple[Quantity, ...]
    polarity: Polarity
    frame: str
    term_keys: tuple[int, ...]


def analyse(text: str) -> CorpusClaim:
    quantities = extract_quantities(text)
    frame = build_frame(text, quantities, None)
    keys = claim_term_keys(term_groups(text, frame, quantities, None))
    return CorpusClaim(text, None, quantities, polarity_of(text), frame, tuple(keys))


def _clean(text: str) -> str | None:
    text = _WHITESPACE.sub(" ", _URL.sub(" ", text)).strip()
    return text if MIN_WORDS <= len(text.split()) <= MAX_WORDS else None


def _tsv_column(path: Path, column: str) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            yield row.get(column) or ""


def _data_sentences(data_dir: Path) -> Iterator[str]:
    claimbuster = data_dir / "claimbuster" / "crowdsourced.csv"
    if claimbuster.exists():
        with claimbuster.open(encoding="utf-8", newline="") as handle:
            yield from (row["Text"] for row in csv.DictReader(handle))
    for path in sorted((data_dir / "checkthat2024_task1_en").glob("*.tsv")):
        yield from _tsv_column(path, "Text")
    ct2020 = data_dir / "checkthat2020_task2_en" / "verified_claims.docs.tsv"
    if ct2020.exists():
        yield from _tsv_column(ct2020, "vclaim")
    ct2021 = data_dir / "checkthat2021_task1a_en" / "dataset_test_english.tsv"
    if ct2021.exists():
        yield from _tsv_column(ct2021, "tweet_text")
    vclaims = data_dir / "checkthat2022_task2a_en" / "vclaims.jsonl"
    if vclaims.exists():
        with vclaims.open(encoding="utf-8") as handle:
            yield from (json.loads(line).get("vclaim", "") for line in handle)
    for path in sorted((data_dir / "fever_symmetric").glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            yield from (json.loads(line).get("claim", "") for line in handle)


def _sample_sentences() -> Iterator[str]:
    from tasks.claims.sentences import split_sentences
    from tasks.reading.parse import parse_html

    for page in sorted((resources.files("flows") / "samples").iterdir(), key=lambda p: p.name):
        if page.name.endswith(".html"):
            article = parse_html(page.read_text(encoding="utf-8"), f"sample:{page.name}")
            for paragraph in article.paragraphs:
                yield from split_sentences(paragraph)


def base_sentences(data_dir: Path | None) -> list[str]:
    """Distinct cleaned sentences, in a fixed order."""
    found = _data_sentences(data_dir) if data_dir else _sample_sentences()
    cleaned = (_clean(text) for text in found)
    return list(dict.fromkeys(text for text in cleaned if text))


class Variants:
    """Reworded copies of base sentences, reproducible from a seed."""

    def __init__(self, sentences: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.sentences = sentences
        sample = sentences[:: max(1, len(sentences) // 2000)]
        self.names = sorted({n for s in sample for n in _NAME.findall(s)}) or ["Smith"]
        self.words = sorted({w for s in sample for w in s.split() if w.isalpha()}) or ["report"]

    def make(self, sentence: str) -> str:
        operations = (self._renumber, self._rename, self._drop, self._replace, self._borrow)
        for operation in self.rng.sample(operations, self.rng.choice((1, 1, 2))):
            sentence = operation(sentence)
        return sentence

    def _renumber(self, s: str) -> str:
        numbers = _NUMBER.findall(s)
        if not numbers:
            return self._replace(s)
        return s.replace(self.rng.choice(numbers), str(self.rng.randint(2, 5000)), 1)

    def _rename(self, s: str) -> str:
        names = _NAME.findall(s)
        if not names:
            return self._drop(s)
        return s.replace(self.rng.choice(names), self.rng.choice(self.names), 1)

    def _drop(self, s: str) -> str:
        words = s.split()
        del words[self.rng.randrange(1, len(words))]
        return " ".join(words)

    def _replace(self, s: str) -> str:
        words = s.split()
        words[self.rng.randrange(1, len(words))] = self.rng.choice(self.words)
        return " ".join(words)

    def _borrow(self, s: str) -> str:
        other = self.rng.choice(self.sentences).rstrip(".!?")
        clause = " ".join(other.split()[: self.rng.randint(4, 8)])
        return f"{s.rstrip('.!?')}, and {clause[0].lower()}{clause[1:]}."


@dataclass(frozen=True)
class Corpus:
    rows: list[str]  # what is stored: base sentences, then variants (row i of base i % base_count)
    queries: list[str]  # what is matched against it, never stored
    base_count: int


def make_corpus(sentences: list[str], size: int, queries: int, seed: int = 7) -> Corpus:
    """`size` stored sentences and `queries` query sentences, half rewordings of stored ones
    and half held-out base sentences."""
    rng = random.Random(seed)
    shuffled = sentences[:]
    rng.shuffle(shuffled)
    held_out = queries - queries // 2
    unseen, base = shuffled[:held_out], shuffled[held_out:]
    variants = Variants(base, seed)
    rows = base[:size]
    while len(rows) < size:
        rows.append(variants.make(base[len(rows) % len(base)]))
    reworded = [variants.make(rng.choice(rows)) for _ in range(queries // 2)]
    return Corpus(rows, reworded + unseen, min(size, len(base)))
