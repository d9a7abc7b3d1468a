"""`claimtrack eval ...`: quality and speed on public data sets, ending in name=value figures."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cli.terminal import positive_int, unit_fraction
from schemas.settings import Settings


def add_eval_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="measure quality on public data sets",
        description="Evaluation commands; each ends with one line of name=value figures.",
    )
    evaluations = evaluate.add_subparsers(dest="what", required=True, metavar="WHAT")
    extraction = evaluations.add_parser(
        "extraction",
        help="article-text extraction vs trafilatura (4-gram shingle F1, pages/s)",
        description="Score our extractor and trafilatura on article_html_fixtures "
        "(shingle precision/recall/F1 as its SOURCE.md describes) and time both.",
    )
    extraction.add_argument(
        "data_dir",
        type=Path,
        metavar="DATA_DIR",
        help="the shared data folder, or article_html_fixtures itself",
    )
    extraction.add_argument("--no-peer", action="store_true", help="skip trafilatura")
    extraction.add_argument(
        "--repeats",
        type=positive_int,
        default=3,
        help="passes over the pages; the fastest is timed (default 3)",
    )
    claims = evaluations.add_parser(
        "claims",
        help="check-worthiness F1 on ClaimBuster and CheckThat! 2024, sentences/s",
        description="F1 of the check-worthy class on ClaimBuster groundtruth.csv and on the "
        "CheckThat! 2024 Task 1 English test, with the shipped model and its tuned threshold.",
    )
    claims.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="the shared data folder")
    claims.add_argument(
        "--threshold", type=unit_fraction, help="decision threshold (default: the model's)"
    )
    matching = evaluations.add_parser(
        "matching",
        help="MAP@5 on CheckThat! 2020 Task 2 and 2022 Task 2A tests, F1 on ClaimMatch pairs",
        description="Rank the verified claims for each test post (CheckThat! 2020 Task 2 test, "
        "2022 Task 2A test; MAP@5) and judge each ClaimMatch pair (F1 of the match class), with "
        "the claim ranker of tasks/matching/claim_ranking.py, its weights tuned on train and dev "
        "splits only, measured in the same run against plain BM25 over the same words.",
    )
    matching.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="the shared data folder")
    matching.add_argument(
        "--embedding-model",
        metavar="NAME",
        help="add the embedding similarity to the ranking (default: CLAIMTRACK_EMBEDDING_MODEL; "
        "none for words alone)",
    )
    _add_pairs_parser(evaluations)
    news = evaluations.add_parser(
        "news",
        help="claims, speakers and quantities on labelled news (NewsClaims, PolNeAR, quantulum3)",
        description="Claim detection and claimer F1 on NewsClaims dev (scored as its official "
        "script does), speaker accuracy on PolNeAR dev attributions, and quantity F1 (value and "
        "unit) on quantulum3's test cases and our news-style fixtures; sentences per second.",
    )
    news.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="the shared data folder")
    news.add_argument(
        "--fixtures",
        type=Path,
        metavar="JSONL",
        help="news-style quantity fixtures (default: tests/fixtures/quantities_news.jsonl)",
    )
    news.add_argument(
        "--speaker-model",
        metavar="NAME",
        help="spaCy pipeline for speakers, or none for the patterns alone "
        "(default: CLAIMTRACK_SPEAKER_MODEL)",
    )


def _add_pairs_parser(evaluations: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pairs = evaluations.add_parser(
        "pairs",
        help="the matcher on news-style claim pairs: by words alone and with embeddings",
        description="Judge each later claim against its earlier one (tests/fixtures/"
        "claim_pairs.jsonl: repeats reworded, contradictions in paraphrase, hard negatives) "
        "by words alone, with the parser's noun/verb guard, and with the semantic layer when "
        "an embedding model is set; precision and recall of repeats and contradictions, and "
        "false flags.",
    )
    pairs.add_argument(
        "--fixtures",
        type=Path,
        metavar="JSONL",
        help="claim pairs (default: tests/fixtures/claim_pairs.jsonl)",
    )
    pairs.add_argument(
        "--embedding-model",
        metavar="NAME",
        help="embedding model for the semantic line (default: CLAIMTRACK_EMBEDDING_MODEL)",
    )


REPO_PAIRS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "claim_pairs.jsonl"


def eval_pairs(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation.pairs import load_pairs, score_pairs
    from tasks.ingest import match_params
    from tasks.matching.semantic import embedder_for, word_similarity

    pairs = load_pairs(args.fixtures or REPO_PAIRS)
    configured = settings.model_copy(
        update={"embedding_model": args.embedding_model or settings.embedding_model}
    )
    params = match_params(configured.model_copy(update={"embedding_model": "none"}))
    results = [
        score_pairs("words", pairs, replace(params, parse_model="none")),
        score_pairs("words+pos", pairs, params),
    ]
    embedder = embedder_for(configured)
    if embedder is not None:
        semantic = replace(params, word_similarity=word_similarity(embedder))
        results.append(score_pairs("semantic", pairs, semantic, embedder))
    for result in results:
        print(result.line())
    best = results[-1]
    print(
        f"pairs_repeat_p={best.figure('repeat', 'precision'):.3f} "
        f"pairs_repeat_r={best.figure('repeat', 'recall'):.3f} "
        f"pairs_contradiction_p={best.figure('contradiction', 'precision'):.3f} "
        f"pairs_contradiction_r={best.figure('contradiction', 'recall'):.3f} "
        f"pairs_update_p={best.figure('update', 'precision'):.3f} "
        f"pairs_update_r={best.figure('update', 'recall'):.3f} "
        f"pairs_false_flags={best.false_flags}"
    )
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.what == "claims":
        return eval_claims(args)
    if args.what == "news":
        return eval_news(args, settings)
    if args.what == "matching":
        return eval_matching(args, settings)
    if args.what == "pairs":
        return eval_pairs(args, settings)
    from tasks.evaluation import extraction as evaluation

    pages = evaluation.load_pages(args.data_dir)
    print(f"{len(pages)} pages from {args.data_dir}", file=sys.stderr)
    extractors: dict[str, evaluation.Extractor] = {"ours": evaluation.ours}
    if not args.no_peer:
        extractors["trafilatura"] = evaluation.trafilatura_extractor()
    results = evaluation.run_extractors(extractors, pages, args.repeats)
    for r in results:
        print(
            f"{r.name:<12} precision={r.precision:.3f} recall={r.recall:.3f} f1={r.f1:.3f} "
            f"pages_per_s={r.pages_per_s:.1f}"
        )
    figures = {f"{r.name}_f1": f"{r.f1:.3f}" for r in results}
    figures.update({f"{r.name}_pages_per_s": f"{r.pages_per_s:.1f}" for r in results})
    order = ["ours_f1", "trafilatura_f1", "ours_pages_per_s", "trafilatura_pages_per_s"]
    print(" ".join(f"{k}={figures[k]}" for k in order if k in figures))
    return 0


def eval_claims(args: argparse.Namespace) -> int:
    from tasks.claims.checkworthiness import load_model
    from tasks.evaluation.claims import evaluate

    model = load_model()
    results, speed, threshold = evaluate(args.data_dir, args.threshold)
    source = f"model {model.metadata}" if model else "rules only (no model file)"
    print(f"scorer: {source}; threshold {threshold:.2f}")
    for r in results:
        print(
            f"{r.name:<14} sentences={r.sentences} precision={r.precision:.3f} "
            f"recall={r.recall:.3f} f1={r.f1:.3f}"
        )
    figures = {f"{r.name}_f1": f"{r.f1:.3f}" for r in results}
    print(
        f"claimbuster_f1={figures['claimbuster_f1']} "
        f"checkthat2024_f1={figures['checkthat2024_f1']} sentences_per_s={speed:.0f}"
    )
    return 0


def eval_matching(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation.matching import evaluate
    from tasks.matching.semantic import embedder_for

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    name = args.embedding_model or settings.embedding_model
    embedder = embedder_for(settings.model_copy(update={"embedding_model": name}))
    embed = None
    if embedder is not None:
        say(f"ranking with the embedding similarity of {name} (about 60 texts a second here)")
        done = 0

        def embed(texts: Sequence[str]) -> Any:
            nonlocal done
            done += len(texts)
            if done // 2000 != (done - len(texts)) // 2000:
                say(f"  {done:,} texts embedded")
            return embedder.embed(texts)

    result = evaluate(args.data_dir, say=say, embed=embed)
    for name, ours, bm25 in result.rows():
        print(f"{name:<22} ours={ours:.3f} bm25={bm25:.3f}")
    pairs = result.pairs
    print(
        f"claimmatch pairs={pairs.pairs} precision={pairs.precision:.3f} "
        f"recall={pairs.recall:.3f} f1={pairs.f1:.3f}"
    )
    print(
        f"ct2020_map5={result.ct2020_map5:.3f} ct2022_map5={result.ct2022_map5:.3f} "
        f"pairs_f1={pairs.f1:.3f}"
    )
    return 0


REPO_FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "quantities_news.jsonl"
REPO_PARAGRAPHS = REPO_FIXTURES.with_name("news_paragraphs.jsonl")


def eval_news(args: argparse.Namespace, settings: Settings) -> int:
    from tasks.evaluation.news import FIGURES, evaluate

    fixtures = args.fixtures or (REPO_FIXTURES if REPO_FIXTURES.exists() else None)
    speaker_model = args.speaker_model or settings.speaker_model
    scores = evaluate(args.data_dir, fixtures, REPO_PARAGRAPHS, speaker_model)
    for line in scores.details:
        print(line)
    figures = scores.figures
    print(
        " ".join(
            f"{name}={figures[name]:.0f}"
            if name == "sentences_per_s"
            else f"{name}={figures[name]:.3f}"
            for name in FIGURES
            if name in figures  # the peer's figure needs quantulum3 installed
        )
    )
    return 0
