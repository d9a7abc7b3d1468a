"""Evaluation of article extraction on a labelled page set, with the metric of the Article
Extraction Benchmark: per page, true/false positives and negatives over 4-gram word shingles
(\\w+ tokens), normalised per page; precision and recall averaged over pages; F1 from those."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from tasks.errors import InputError, ParseError
from tasks.reading.parse import parse_html

_TOKEN = re.compile(r"\w+")
Extractor = Callable[[str, str], str]


@dataclass(frozen=True)
class Page:
    key: str
    url: str
    html: str
    expected: str


@dataclass(frozen=True)
class ExtractionScore:
    name: str
    precision: float
    recall: float
    f1: float
    pages: int
    seconds: float

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def shingle_counts(expected: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, normalised to sum to 1 so long pages weigh no more."""
    truth, guess = shingles(expected), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fp == 0 else tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return 0.0 if tp == fn == 0 else tp / (tp + fn)


def score(name: str, pages: list[Page], outputs: list[str], seconds: float) -> ExtractionScore:
    counts = [shingle_counts(p.expected, o) for p, o in zip(pages, outputs, strict=True)]
    precision = mean(_precision(*c) for c in counts if c[0] + c[1] > 0) if counts else 0.0
    recall = mean(_recall(*c) for c in counts if c[0] + c[2] > 0) if counts else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return ExtractionScore(name, precision, recall, f1, len(pages), seconds)


def load_pages(data_dir: Path) -> list[Page]:
    """The article_html_fixtures set: DATA_DIR may be the set itself or the folder holding it."""
    folder = (
        data_dir / "article_html_fixtures"
        if (data_dir / "article_html_fixtures").is_dir()
        else data_dir
    )
    truth_file = folder / "ground-truth.json"
    if not truth_file.exists():
        raise InputError(f"{data_dir}: no article_html_fixtures/ground-truth.json here")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for path in sorted((folder / "html").glob("*.html")):
        entry = truth.get(path.stem)
        if entry:
            html = path.read_text(encoding="utf-8", errors="replace")
            pages.append(Page(path.stem, entry.get("url", ""), html, entry.get("articleBody", "")))
    if not pages:
        raise InputError(f"{folder}: no html/*.html pages with ground truth")
    return pages


def ours(html: str, url: str) -> str:
    try:
        return "\n".join(parse_html(html, url).paragraphs)
    except ParseError:
        return ""


def run_extractors(
    extractors: dict[str, Extractor], pages: list[Page], repeats: int = 3
) -> list[ExtractionScore]:
    """Score each extractor; its time is the best of `repeats` passes over all pages. The
    passes take turns (ours, the peer's, ours...), so that a machine whose speed drifts (this
    one's varies by half) weighs on both alike."""
    outputs: dict[str, list[str]] = {}
    best = dict.fromkeys(extractors, float("inf"))
    for _ in range(repeats):
        for name, extract in extractors.items():
            started = time.perf_counter()
            outputs[name] = [extract(p.html, p.url) for p in pages]
            best[name] = min(best[name], time.perf_counter() - started)
    return [score(name, pages, outputs[name], best[name]) for name in extractors]


def trafilatura_extractor() -> Extractor:
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError(
            "trafilatura is not installed: pip install -e '.[dev]' (or pass --no-peer)"
        ) from exc

    def extract(html: str, url: str) -> str:
        return str(trafilatura.extract(html, url=url) or "")

    return extract
