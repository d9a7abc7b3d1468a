"""`claimtrack eval news`: claims, speakers and quantities on labelled news.

- NewsClaims dev (`newsclaims/`): each article's sentences, one paragraph each, go through the
  pipeline's claim extraction. Claim detection is scored at sentence level as the official
  scorer does (micro P/R/F1 over sentences; a gold sentence is kept when any claim comes from it).
  Claimer detection: for each gold claim, our speaker of that sentence, or the journalist when we
  credit the publication; Reported = mean SQuAD token F1, Journalist = binary F1, final = their
  average weighted by counts (the official `score_claimer`).
- PolNeAR dev (`polnear/`): for each attribution with a source, our speaker of the sentence where
  its content starts must name the source. A pronoun source ("he") cannot be resolved without the
  corpus's coreference, so there our speaker counts as right when it is a person or body named in
  the article before the content (an approximation, reported apart).
- Quantities: quantulum3's own test cases (`quantulum3_tests/quantities.json`, its conventions:
  years and counted nouns are plain numbers) and our news-style fixtures
  (`tests/fixtures/quantities_news.jsonl`): a quantity is right when its value and unit are.
- Our written news paragraphs (`tests/fixtures/news_paragraphs.jsonl`): claims kept and their
  speakers, against what a fact-checker marks (reported on its own line).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import string
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from schemas.records import ArticleText, ClaimDraft, Quantity, QuantityKind
from tasks.claims.extract import extract_claims
from tasks.claims.quantities import extract_quantities
from tasks.claims.syntax import DEFAULT_SPEAKER_MODEL
from tasks.errors import InputError

AUTHOR = "<AUTHOR>"  # the publication, as the official NewsClaims scorer names the journalist
NEWSCLAIMS = Path("newsclaims") / "sentences.jsonl"
POLNEAR = Path("polnear")
QUANTULUM = Path("quantulum3_tests") / "quantities.json"
PRONOUNS = frozenset(
    "he she they i we you it his her their its our my who whom whose them him us me".split()
)
_TITLES = frozenset("mr mrs ms dr president sen senator rep gov secretary former the a an".split())


@dataclass
class NewsScores:
    figures: dict[str, float] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    extraction_seconds: float = 0.0  # claim extraction alone, for sentences per second
    speaker_model: str = DEFAULT_SPEAKER_MODEL


def _require(data_dir: Path, relative: Path) -> Path:
    path = data_dir / relative
    if not path.exists():
        raise InputError(f"{data_dir}: no {relative} here (pass the shared data folder)")
    return path


def all_sentence_claims(
    paragraphs: Sequence[str], speaker_model: str = DEFAULT_SPEAKER_MODEL
) -> list[ClaimDraft]:
    """Every sentence as the pipeline reads it, with its speaker (threshold 0: nothing dropped
    for its score), the journalist's sentences credited to AUTHOR."""
    article = ArticleText("eval:", None, None, None, None, None, None, tuple(paragraphs))
    return extract_claims(
        article, publication=AUTHOR, threshold=0.0, keep_anchored=True, speaker_model=speaker_model
    )


def kept_claims(
    paragraphs: Sequence[str], speaker_model: str = DEFAULT_SPEAKER_MODEL
) -> list[ClaimDraft]:
    article = ArticleText("eval:", None, None, None, None, None, None, tuple(paragraphs))
    return extract_claims(article, publication=AUTHOR, speaker_model=speaker_model)


# --- SQuAD token F1, as NewsClaims' eval_F1.py computes it -------------------------------------


def _normalise(text: str) -> list[str]:
    text = "".join(c for c in text.lower() if c not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return text.split()


def token_f1(prediction: str, gold: str) -> float:
    predicted, truth = _normalise(prediction), _normalise(gold)
    common = Counter(predicted) & Counter(truth)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(truth)
    return 2 * precision * recall / (precision + recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --- NewsClaims ---------------------------------------------------------------------------------


def evaluate_newsclaims(data_dir: Path, scores: NewsScores) -> int:
    """Claim and claimer detection; returns the sentences read."""
    articles: dict[str, list[dict[str, object]]] = {}
    with _require(data_dir, NEWSCLAIMS).open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            articles.setdefault(row["doc_id"], []).append(row)
    predicted = true_positive = gold_total = sentences = 0
    reported: list[float] = []
    journalist = {"predicted": 0, "right": 0, "gold": 0}
    for rows in articles.values():
        texts = [str(r["sentence"]) for r in rows]
        sentences += len(texts)
        started = time.monotonic()
        kept = {d.paragraph_index for d in kept_claims(texts, scores.speaker_model)}
        scores.extraction_seconds += time.monotonic() - started
        speakers: dict[int, str | None] = {}
        for draft in all_sentence_claims(texts, scores.speaker_model):
            if speakers.get(draft.paragraph_index) in (None, AUTHOR):
                speakers[draft.paragraph_index] = draft.speaker
        for index, row in enumerate(rows):
            gold = bool(row["is_claim"])
            gold_total += gold
            predicted += index in kept
            true_positive += gold and index in kept
            if not gold:
                continue
            speaker = speakers.get(index) or AUTHOR
            if row["has_claimer"]:
                reported.append(
                    0.0 if speaker == AUTHOR else token_f1(speaker, str(row["claimer"]))
                )
            else:
                journalist["gold"] += 1
            if speaker == AUTHOR:
                journalist["predicted"] += 1
                journalist["right"] += not row["has_claimer"]
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / gold_total if gold_total else 0.0
    reported_score = sum(reported) / len(reported) if reported else 0.0
    journalist_f1 = _f1(
        journalist["right"] / journalist["predicted"] if journalist["predicted"] else 0.0,
        journalist["right"] / journalist["gold"] if journalist["gold"] else 0.0,
    )
    n_reported, n_journalist = len(reported), journalist["gold"]
    claimer_f1 = (n_reported * reported_score + n_journalist * journalist_f1) / max(
        1, n_reported + n_journalist
    )
    scores.figures.update(
        newsclaims_recall=recall,
        newsclaims_kept=predicted / sentences if sentences else 0.0,
        newsclaims_claim_f1=_f1(precision, recall),
        newsclaims_claimer_f1=claimer_f1,
    )
    scores.details.append(
        f"newsclaims   sentences={sentences} kept={predicted} claims={gold_total} "
        f"precision={precision:.3f} recall={recall:.3f} f1={_f1(precision, recall):.3f}"
    )
    scores.details.append(
        f"newsclaims   claimer reported={reported_score:.3f} (n={n_reported}) "
        f"journalist={journalist_f1:.3f} (n={n_journalist}) f1={claimer_f1:.3f}"
    )
    return sentences


# --- PolNeAR ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Located:
    start: int
    end: int
    speaker: str | None


def _paragraph_spans(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each blank-line separated paragraph (the first line is the headline)."""
    spans = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        paragraph = " ".join(match[0].split())
        if paragraph:
            spans.append((match.start(), paragraph))
    return spans


def _locate(text: str, paragraphs: list[tuple[int, str]], speaker_model: str) -> list[_Located]:
    """Each sentence the pipeline reads, with where it stands in the raw text and its speaker."""
    located: list[_Located] = []
    drafts = all_sentence_claims([p for _, p in paragraphs], speaker_model)
    cursor: dict[int, int] = {}
    for draft in drafts:
        offset, _ = paragraphs[draft.paragraph_index]
        # paragraphs were whitespace-folded; find the sentence by its first words
        head = " ".join(draft.text.split()[:4])
        pattern = r"\s+".join(re.escape(w) for w in head.split())
        start_from = cursor.get(draft.paragraph_index, offset)
        match = re.compile(pattern).search(text, start_from)
        if match is None:
            continue
        cursor[draft.paragraph_index] = match.end()
        located.append(_Located(match.start(), match.start() + len(draft.text) + 20, draft.speaker))
    return located


def _speaker_at(located: Sequence[_Located], position: int) -> str | None:
    best = None
    for item in located:
        if item.start <= position:
            best = item
        else:
            break
    if best is None or position > best.end + 400:
        return None
    return best.speaker


def _content_words(text: str) -> set[str]:
    return {w for w in _normalise(text) if w not in _TITLES and len(w) > 1}


def _names_source(speaker: str | None, source: str, text_before: str) -> bool:
    if speaker is None or speaker == AUTHOR:
        return False
    words = _normalise(source)
    if words and all(w in PRONOUNS for w in words):
        surname = speaker.split()[-1]
        return surname in text_before
    return bool(_content_words(speaker) & _content_words(source))


def evaluate_polnear(data_dir: Path, scores: NewsScores) -> int:
    """Speaker accuracy on the dev split's attributions; returns the sentences read."""
    folder = _require(data_dir, POLNEAR)
    by_article: dict[str, list[dict[str, object]]] = {}
    with gzip.open(folder / "attributions.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["split"] == "dev" and row["source"] and row["content"]:
                by_article.setdefault(row["article"], []).append(row)
    right = {"named": 0, "pronoun": 0}
    total = {"named": 0, "pronoun": 0}
    sentences = 0
    for article, rows in sorted(by_article.items()):
        text = (folder / "text" / "dev" / f"{article}.txt").read_text(encoding="utf-8")
        paragraphs = _paragraph_spans(text)
        located = _locate(text, paragraphs, scores.speaker_model)
        sentences += len(located)
        for row in rows:
            source = row["source"]["text"]  # type: ignore[index]
            start = row["content"]["spans"][0][0]  # type: ignore[index]
            kind = "pronoun" if all(w in PRONOUNS for w in _normalise(source)) else "named"
            total[kind] += 1
            speaker = _speaker_at(located, start)
            right[kind] += _names_source(speaker, source, text[:start])
    accuracy = sum(right.values()) / max(1, sum(total.values()))
    scores.figures["polnear_speaker_acc"] = accuracy
    scores.details.append(
        f"polnear      attributions={sum(total.values())} accuracy={accuracy:.3f} "
        f"named={right['named'] / max(1, total['named']):.3f} (n={total['named']}) "
        f"pronoun={right['pronoun'] / max(1, total['pronoun']):.3f} (n={total['pronoun']})"
    )
    return sentences


# --- Our own paragraphs -------------------------------------------------------------------------


def evaluate_own_paragraphs(path: Path, scores: NewsScores) -> None:
    """Claims and speakers on our written news paragraphs (`tests/fixtures/news_paragraphs.jsonl`:
    each line an article's paragraphs and the claims a fact-checker marks, by the opening words
    of the sentence, with the speaker, or null for the journalist)."""
    gold_total = kept_total = right_claims = right_speakers = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        article = json.loads(line)
        paragraphs = article["paragraphs"]
        kept = [d.text for d in kept_claims(paragraphs, scores.speaker_model)]
        everything = all_sentence_claims(paragraphs, scores.speaker_model)
        kept_total += len(kept)
        for claim in article["claims"]:
            gold_total += 1
            opening = claim["sentence"]
            right_claims += any(text.startswith(opening) for text in kept)
            draft = next((d for d in everything if d.text.startswith(opening)), None)
            speaker = draft.speaker if draft else None
            if claim["speaker"] is None:
                right_speakers += speaker == AUTHOR
            else:
                right_speakers += _names_source(speaker, claim["speaker"], "")
    precision = right_claims / kept_total if kept_total else 0.0
    recall = right_claims / gold_total if gold_total else 0.0
    scores.details.append(
        f"own          paragraphs claims={gold_total} kept={kept_total} precision={precision:.3f} "
        f"recall={recall:.3f} f1={_f1(precision, recall):.3f} "
        f"speaker_acc={right_speakers / max(1, gold_total):.3f}"
    )


# --- Quantities ---------------------------------------------------------------------------------

# quantulum3 unit name -> (our kind, our base unit, factor to the base unit)
_QUANTULUM_UNITS: dict[str, tuple[str, str, float]] = {
    "metre": ("length", "m", 1.0),
    "kilometre": ("length", "m", 1000.0),
    "centimetre": ("length", "m", 0.01),
    "millimetre": ("length", "m", 0.001),
    "mile": ("length", "m", 1609.344),
    "foot": ("length", "m", 0.3048),
    "inch": ("length", "m", 0.0254),
    "yard": ("length", "m", 0.9144),
    "kilogram": ("mass", "kg", 1.0),
    "gram": ("mass", "kg", 0.001),
    "milligram": ("mass", "kg", 1e-6),
    "degree Celsius": ("temperature", "degC", 1.0),
    "watt hour": ("energy", "J", 3600.0),
    "kilowatt hour": ("energy", "J", 3.6e6),
    "megawatt hour": ("energy", "J", 3.6e9),
    "centilitre": ("volume", "m3", 1e-5),
    "tonne": ("mass", "kg", 1000.0),
    "pound-mass": ("mass", "kg", 0.45359237),
    "litre": ("volume", "m3", 0.001),
    "gallon": ("volume", "m3", 0.003785411784),
    "cubic kilometre": ("volume", "m3", 1e9),
    "month": ("duration", "s", 2_629_800.0),
    "square mile": ("area", "m2", 2_589_988.110336),
    "cubic metre": ("volume", "m3", 1.0),
    "second": ("duration", "s", 1.0),
    "minute": ("duration", "s", 60.0),
    "hour": ("duration", "s", 3600.0),
    "day": ("duration", "s", 86400.0),
    "week": ("duration", "s", 604800.0),
    "year": ("duration", "s", 31_557_600.0),
    "percentage": ("percent", "%", 1.0),
    "dollar": ("money", "USD", 1.0),
    "euro": ("money", "EUR", 1.0),
    "pound sterling": ("money", "GBP", 1.0),
    "yen": ("money", "JPY", 1.0),
    "kilometre per hour": ("speed", "m/s", 1 / 3.6),
    "mile per hour": ("speed", "m/s", 0.44704),
    "square kilometre": ("area", "m2", 1e6),
    "square metre": ("area", "m2", 1.0),
    "hectare": ("area", "m2", 1e4),
    "acre": ("area", "m2", 4046.8564224),
    "dimensionless": ("number", "", 1.0),
}
_PLAIN_NUMBER_KINDS = ("number", "count", "year")  # quantulum3's "dimensionless"


@dataclass(frozen=True)
class Expected:
    kind: str
    value: float
    unit: str


def _same(found: Quantity, expected: Expected, plain_numbers: bool) -> bool:
    kind, unit = found.kind, found.unit
    if plain_numbers and kind in _PLAIN_NUMBER_KINDS:  # quantulum3's convention
        kind, unit = "number", ""
    if (kind, unit) != (expected.kind, expected.unit):
        return False
    return math.isclose(found.value, expected.value, rel_tol=1e-3, abs_tol=1e-9)


Extractor = Callable[[str], Sequence[Quantity]]


def quantity_counts(
    cases: Iterable[tuple[str, list[Expected]]],
    *,
    plain_numbers: bool = False,
    extractor: Extractor = extract_quantities,
) -> tuple[int, int, int]:
    """(right, found, expected) over the cases: a found quantity is right when it matches an
    expected one not matched yet (with plain_numbers, counts and years are bare numbers)."""
    right = found_total = expected_total = 0
    for sentence, expected in cases:
        found = list(extractor(sentence))
        found_total += len(found)
        expected_total += len(expected)
        unmatched = [_plain(e) if plain_numbers else e for e in expected]
        for quantity in found:
            match = next((e for e in unmatched if _same(quantity, e, plain_numbers)), None)
            if match is not None:
                unmatched.remove(match)
                right += 1
    return right, found_total, expected_total


def _plain(expected: Expected) -> Expected:
    if expected.kind in _PLAIN_NUMBER_KINDS:
        return Expected("number", expected.value, "")
    return expected


def quantulum_extractor() -> Extractor | None:
    """quantulum3's parser, its units turned into ours, when it is installed (the peer)."""
    try:
        from quantulum3 import classifier, parser
    except ImportError:
        return None
    # its pickled classifier does not load under today's scikit-learn, and retraining it needs
    # more packages: quantulum3 then disambiguates units by its rules, as it does without sklearn
    classifier.USE_CLF = False

    def extract(sentence: str) -> list[Quantity]:
        found = []
        for item in parser.parse(sentence):
            kind, unit, factor = _QUANTULUM_UNITS.get(item.unit.name, ("other", item.unit.name, 1))
            value = float(item.value) * factor
            found.append(Quantity(cast(QuantityKind, kind), value, unit, item.surface))
        return found

    return extract


def quantulum_cases(data_dir: Path) -> list[tuple[str, list[Expected]]]:
    cases = []
    for case in json.loads(_require(data_dir, QUANTULUM).read_text(encoding="utf-8")):
        expected = []
        for item in case["res"]:
            kind, unit, factor = _QUANTULUM_UNITS.get(item["unit"], ("other", item["unit"], 1.0))
            expected.append(Expected(kind, float(item["value"]) * factor, unit))
        cases.append((case["req"], expected))
    return cases


def fixture_cases(path: Path) -> list[tuple[str, list[Expected]]]:
    """Our news-style fixtures: {"sentence": ..., "expected": [{"kind", "value", "unit"}]}."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            expected = [Expected(e["kind"], float(e["value"]), e["unit"]) for e in row["expected"]]
            cases.append((row["sentence"], expected))
    return cases


def _score_line(name: str, counts: tuple[int, int, int]) -> tuple[str, float]:
    right, found, expected = counts
    precision = right / found if found else 0.0
    recall = right / expected if expected else 0.0
    f1 = _f1(precision, recall)
    return (
        f"{name:<12} quantities expected={expected} found={found} right={right} "
        f"precision={precision:.3f} recall={recall:.3f} f1={f1:.3f}",
        f1,
    )


def evaluate_quantities(data_dir: Path, fixtures: Path | None, scores: NewsScores) -> None:
    """Ours on quantulum3's cases and on our fixtures, and quantulum3 itself on both (the peer;
    on our fixtures it is scored with its own convention: counts and years as bare numbers)."""
    theirs = quantulum_cases(data_dir)
    mine = fixture_cases(fixtures) if fixtures is not None and fixtures.exists() else []
    quantulum = quantity_counts(theirs, plain_numbers=True)
    scores.details.append(_score_line("quantulum3", quantulum)[0])
    ours = quantity_counts(mine)
    if mine:
        scores.details.append(_score_line("fixtures", ours)[0])
    total = tuple(a + b for a, b in zip(quantulum, ours, strict=True))
    line, f1 = _score_line("all", (total[0], total[1], total[2]))
    scores.details.append(line)
    scores.figures["quantity_f1"] = f1
    peer = quantulum_extractor()
    if peer is None:
        scores.details.append("peer         quantulum3 is not installed: pip install quantulum3")
        return
    on_theirs = quantity_counts(theirs, plain_numbers=True, extractor=peer)
    on_mine = quantity_counts(mine, plain_numbers=True, extractor=peer)
    scores.details.append(_score_line("peer:q3/q3", on_theirs)[0])
    if mine:
        scores.details.append(_score_line("peer:q3/ours", on_mine)[0])
    peer_total = tuple(a + b for a, b in zip(on_theirs, on_mine, strict=True))
    scores.figures["quantulum3_quantity_f1"] = _score_line(
        "peer", (peer_total[0], peer_total[1], peer_total[2])
    )[1]


FIGURES = (
    "newsclaims_recall",
    "newsclaims_kept",
    "newsclaims_claim_f1",
    "newsclaims_claimer_f1",
    "polnear_speaker_acc",
    "quantity_f1",
    "quantulum3_quantity_f1",
    "sentences_per_s",
)


def evaluate(
    data_dir: Path,
    fixtures: Path | None = None,
    paragraphs: Path | None = None,
    speaker_model: str = DEFAULT_SPEAKER_MODEL,
) -> NewsScores:
    scores = NewsScores(speaker_model=speaker_model)
    sentences = evaluate_newsclaims(data_dir, scores)
    evaluate_polnear(data_dir, scores)
    if paragraphs is not None and paragraphs.exists():
        evaluate_own_paragraphs(paragraphs, scores)
    evaluate_quantities(data_dir, fixtures, scores)
    seconds = scores.extraction_seconds
    scores.figures["sentences_per_s"] = sentences / seconds if seconds else 0.0
    return scores
