"""Ingest runs: fetch targets (concurrently, politely), then extract, store and match each
article in order.

Each article is stored with its claims and matches in one transaction, so a failure or a crash
loses only the article in hand; a rerun skips what is already stored, and conditional requests
make unchanged pages cost one small response.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import chain
from typing import TypeGuard
from urllib.parse import urlsplit

from schemas.records import (
    ArticleText,
    ClaimDraft,
    FetchedDocument,
    IngestReport,
    MatchDecision,
    Source,
    StoredClaim,
    TargetOutcome,
)
from schemas.settings import Settings
from tasks.alerts.alerts import queue_alerts
from tasks.budget import NO_DEADLINE, Deadline
from tasks.claims.extract import extract_claims, most_checkworthy
from tasks.errors import ClaimtrackError, ConfigurationError, DatabaseUnavailable, FetchError
from tasks.fetching import credentials
from tasks.fetching.fetch import Fetcher, Validators, is_url
from tasks.fetching.sources import MAX_CHILD_SITEMAPS, check_source_name, read_listing
from tasks.matching.blocking import blocking_query, claim_term_keys, term_groups
from tasks.matching.match import METHOD, MatchParams, is_matchable, judge
from tasks.matching.semantic import (
    embed_claims,
    embedder_for,
    require_vector_store,
    word_similarity,
)
from tasks.reading.parse import parse_document
from tasks.reporting import summaries
from tasks.review.queue import refresh_queue
from tasks.review.tuning import with_stored
from tasks.storage import store
from tasks.storage.database import Connection

FetchFn = Callable[[str, Validators | None], FetchedDocument]
Progress = Callable[[TargetOutcome], None]
Fetched = tuple[FetchedDocument | ClaimtrackError, int]


def match_params(settings: Settings) -> MatchParams:
    embedder = embedder_for(settings)
    return MatchParams(
        suggest_threshold=settings.match_suggest_threshold,
        related_threshold=settings.match_related_threshold,
        min_words=settings.min_claim_words,
        quantity_tolerance=settings.quantity_tolerance,
        semantic_threshold=settings.semantic_threshold,
        parse_model=settings.speaker_model,
        word_similarity=word_similarity(embedder) if embedder else None,
    )


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fetch_all(
    fetch: FetchFn, targets: Sequence[str], validators: dict[str, Validators], workers: int
) -> list[Fetched]:
    """Fetch the targets on up to `workers` threads; each result is a document or the error,
    with the milliseconds it took, in the targets' order."""

    def one(target: str) -> Fetched:
        started = time.monotonic()
        try:
            result: FetchedDocument | ClaimtrackError = fetch(target, validators.get(target))
        except ClaimtrackError as exc:
            result = exc
        except Exception as exc:  # one target's surprise must not stop the others
            result = unexpected(target, exc)
        return result, int((time.monotonic() - started) * 1000)

    if workers <= 1 or len(targets) <= 1:
        return [one(t) for t in targets]
    with ThreadPoolExecutor(max_workers=min(workers, len(targets))) as pool:
        return list(pool.map(one, targets))


def ingest_targets(
    conn: Connection,
    targets: Sequence[str],
    *,
    settings: Settings,
    fetch: FetchFn,
    source: str | None = None,
    source_id: int | None = None,
    published: datetime | None = None,
    progress: Progress | None = None,
    analyse_all: AnalyseAll | None = None,
) -> IngestReport:
    """Ingest every target; a failure is logged with its reason and the run goes on. Whatever
    stops the run itself (an interrupt, a lost database) closes it as failed, with the reason,
    when the database can still be reached (otherwise the next run closes it).

    Each chunk of fetched documents is analysed (read, claims drafted) by `analyse_all`, in this
    process by default or side by side on a task runner (flows/ingest.py), and then stored and
    matched one after another in target order: a claim of the third article finds the second's,
    as if they had come one by one."""
    # a caller's analyser runs beside this process: fetch and start the next chunk first
    ahead = analyse_all is not None
    analyse_all = analyse_all or analyse_later
    if source is not None:
        check_source_name(source)
    targets = [credentials.remember(t) for t in targets]
    settings = with_stored(conn, settings)  # thresholds learned from reviewers, if any
    run_id = store.start_run(conn, source, len(targets), source_id)
    outcomes: list[TargetOutcome] = []

    def store_chunk(chunk: Sequence[str], fetched: list[Fetched], analysed: AnalysedChunk) -> None:
        analyses = iter(analysed())  # one for each result _documents kept, in order
        for target, (result, duration_ms) in zip(chunk, fetched, strict=True):
            analysis = next(analyses) if _to_analyse(result) else None
            outcome = _process(conn, target, result, analysis, settings, source, source_id, run_id)
            store.log_fetch(conn, run_id, outcome, duration_ms=duration_ms, source_id=source_id)
            outcomes.append(outcome)
            if progress:
                progress(outcome)

    try:
        # on a task runner, one chunk is analysed in other processes while the one before it is
        # stored and matched; in this process, each chunk is stored before the next is fetched
        waiting: tuple[Sequence[str], list[Fetched], AnalysedChunk] | None = None
        for chunk in _chunks(targets, max(1, settings.fetch_concurrency * 2)):
            validators = store.get_validators(conn, [t for t in chunk if is_url(t)])
            fetched = fetch_all(fetch, chunk, validators, settings.fetch_concurrency)
            started = analyse_all(_documents(fetched), settings, source, published)
            if waiting is not None:
                store_chunk(*waiting)
                waiting = None
            if ahead:
                waiting = (chunk, fetched, started)
            else:
                store_chunk(chunk, fetched, started)
        if waiting is not None:
            store_chunk(*waiting)
    except BaseException as exc:
        _close_failed_run(conn, run_id, outcomes, exc)
        raise
    store.finish_run(conn, run_id, outcomes)
    summaries.refresh(conn)  # first: the alerts and the run's summary read the reporting views
    refresh_queue(conn, settings.review_check_threshold, run_id)  # what this run found waits
    queue_alerts(conn, settings, run_id)  # sent by the send-alerts flow
    return IngestReport(run_id, tuple(outcomes))


def _close_failed_run(
    conn: Connection, run_id: int, outcomes: Sequence[TargetOutcome], exc: BaseException
) -> None:
    # not an Exception: KeyboardInterrupt, SystemExit, Prefect's TerminationSignal (SIGTERM)
    reason = "interrupted" if not isinstance(exc, Exception) else f"{type(exc).__name__}: {exc}"
    with suppress(ClaimtrackError):  # the store turns every psycopg error into ours
        store.rollback(conn)
        store.finish_run(conn, run_id, outcomes, error=reason)


def unexpected(target: str, exc: BaseException) -> ClaimtrackError:
    """An error we did not foresee in one target, as that target's failure."""
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    return ClaimtrackError(
        f"{target}: unexpected {type(exc).__name__}" + (f": {detail}" if detail else "")
    )


AnalysedChunk = Callable[[], "list[AnalysedArticle | ClaimtrackError]"]
# starts the analysis of a chunk of documents; the function it returns waits for the results
AnalyseAll = Callable[
    [Sequence[FetchedDocument], Settings, str | None, datetime | None], AnalysedChunk
]


def _to_analyse(result: FetchedDocument | ClaimtrackError) -> TypeGuard[FetchedDocument]:
    """A fetched document to analyse: not an error, nor a page that did not change."""
    return isinstance(result, FetchedDocument) and not result.not_modified


def _documents(fetched: Sequence[Fetched]) -> list[FetchedDocument]:
    return [r for r, _ in fetched if _to_analyse(r)]


def analyse_or_error(
    document: FetchedDocument, settings: Settings, source: str | None, published: datetime | None
) -> AnalysedArticle | ClaimtrackError:
    """analyse_document, with this document's failure as the result (it can cross a process
    boundary, and the run goes on)."""
    try:
        return analyse_document(document, settings=settings, source=source, published=published)
    except ClaimtrackError as exc:
        return exc
    except Exception as exc:
        return unexpected(document.target, exc)


def analyse_in_process(
    documents: Sequence[FetchedDocument],
    settings: Settings,
    source: str | None,
    published: datetime | None,
) -> list[AnalysedArticle | ClaimtrackError]:
    return [analyse_or_error(d, settings, source, published) for d in documents]


def analyse_later(
    documents: Sequence[FetchedDocument],
    settings: Settings,
    source: str | None,
    published: datetime | None,
) -> AnalysedChunk:
    """In this process, when the results are asked for (nothing runs beside the storing)."""
    return lambda: analyse_in_process(documents, settings, source, published)


def _process(
    conn: Connection,
    target: str,
    result: FetchedDocument | ClaimtrackError,
    analysis: AnalysedArticle | ClaimtrackError | None,
    settings: Settings,
    source: str | None,
    source_id: int | None,
    run_id: int,
) -> TargetOutcome:
    if isinstance(result, ClaimtrackError):
        return failure(target, result)
    if result.not_modified or analysis is None:
        return TargetOutcome(
            target,
            "unchanged",
            "not modified (HTTP 304)",
            url=result.url,
            http_status=304,
            attempts=result.attempts,
            conditional=True,
        )
    try:
        if isinstance(analysis, ClaimtrackError):
            raise analysis
        outcome = store_analysed(
            conn, analysis, settings=settings, source=source, run_id=run_id, source_id=source_id
        )
    except (DatabaseUnavailable, ConfigurationError):
        raise  # not this target's fault: every other target would fail the same way
    except Exception as exc:  # this target failed; the run goes on
        store.rollback(conn)
        error = exc if isinstance(exc, ClaimtrackError) else unexpected(target, exc)
        return replace(failure(target, error), url=result.url, http_status=result.status)
    store.save_validators(conn, result)
    return replace(
        outcome,
        url=result.url,
        http_status=result.status if is_url(target) else None,
        attempts=result.attempts,
        conditional=result.conditional,
    )


def failure(target: str, error: ClaimtrackError) -> TargetOutcome:
    if isinstance(error, FetchError):
        return TargetOutcome(
            target, "failed", str(error), http_status=error.status, attempts=error.attempts
        )
    return TargetOutcome(target, "failed", str(error))


def publication_name(source: str | None, site_name: str | None, url: str) -> str | None:
    """Who speaks when the journalist does: the source's name, the site's name, or its host."""
    host = urlsplit(url).hostname
    return source or site_name or (host.removeprefix("www.") if host else None)


@dataclass(frozen=True)
class AnalysedArticle:
    """An article read and its claims drafted: the work that needs no database, and so can run
    in other processes while the database writes stay in order."""

    target: str
    article: ArticleText
    drafts: tuple[ClaimDraft, ...]
    found: int  # claims extracted, before the per-article cap
    vectors: Mapping[str, Sequence[float]]  # claim text -> embedding (semantic layer on)
    deadline: Deadline  # the article's time budget, started when its reading began


def analyse_document(
    document: FetchedDocument,
    *,
    settings: Settings,
    source: str | None,
    published: datetime | None,
) -> AnalysedArticle:
    """Read the document and draft its claims (see analyse_article), within the time budget,
    which store_analysed goes on counting."""
    deadline = Deadline(settings.target_time_budget_s, document.target)
    article = parse_document(document)
    return analyse_article(
        article, document.target, settings=settings, source=source, published=published,
        deadline=deadline,
    )  # fmt: skip


def analyse_article(
    article: ArticleText,
    target: str,
    *,
    settings: Settings,
    source: str | None,
    published: datetime | None,
    deadline: Deadline = NO_DEADLINE,
) -> AnalysedArticle:
    """Extract the claims of an article already read, keep the most check-worthy (at most
    max_claims_per_article), and embed them (semantic layer on)."""
    if published is not None:
        article = replace(article, published_at=published)
    publication = publication_name(source, article.site_name, article.identity_url)
    found = extract_claims(
        article,
        publication=publication,
        threshold=settings.checkworthiness_threshold,
        keep_anchored=settings.keep_anchored_claims,
        deadline=deadline,
        speaker_model=settings.speaker_model,
    )
    drafts = most_checkworthy(found, settings.max_claims_per_article)
    embedder = embedder_for(settings)
    vectors = embed_claims(embedder, [d.text for d in drafts]) if embedder else {}
    return AnalysedArticle(target, article, tuple(drafts), len(found), vectors, deadline)


def ingest_article(
    conn: Connection,
    article: ArticleText,
    target: str,
    *,
    settings: Settings,
    source: str | None,
    published: datetime | None,
    run_id: int | None,
    source_id: int | None = None,
    deadline: Deadline = NO_DEADLINE,
) -> TargetOutcome:
    """Extract, store and match one article already read (see analyse_article and
    store_analysed)."""
    analysed = analyse_article(
        article, target, settings=settings, source=source, published=published, deadline=deadline
    )
    return store_analysed(
        conn, analysed, settings=settings, source=source, run_id=run_id, source_id=source_id
    )


def store_analysed(
    conn: Connection,
    analysed: AnalysedArticle,
    *,
    settings: Settings,
    source: str | None,
    run_id: int | None,
    source_id: int | None = None,
) -> TargetOutcome:
    """Store an analysed article and its claims, and match them against every claim stored
    before, in one transaction under the matching lock (so concurrent runs see each other's
    claims)."""
    article, target, deadline = analysed.article, analysed.target, analysed.deadline
    dropped = analysed.found - len(analysed.drafts)
    embedder = embedder_for(settings)
    with conn.transaction():
        store.lock_matching(conn)
        article_id, revision_id = store.save_article(
            conn,
            article,
            source=source,
            run_id=run_id,
            source_id=source_id,
            claims_dropped=dropped,
        )
        if revision_id is None:
            return TargetOutcome(target, "unchanged", "already stored", article_id)
        drafts = store.canonical_speakers(conn, list(analysed.drafts))
        claims = store.insert_claims(conn, article_id, revision_id, drafts)
        semantic = None
        if embedder is not None:
            require_vector_store(conn, settings)
            vectors = analysed.vectors
            by_claim = {c.id: vectors[c.text] for c in claims if c.text in vectors}
            store.save_embeddings(conn, embedder.name, list(by_claim.items()))
            semantic = SemanticQuery(embedder.name, by_claim)
        flags = match_claims(conn, claims, settings, article.published_at, deadline, semantic)
        store.count_terms(conn, claims)
    notes = []
    if article.story_source in STORY_SOURCES:
        notes.append(
            f"no story marked in the page: text from {STORY_SOURCES[article.story_source]}"
        )
    if dropped:
        notes.append(
            f"kept the {len(analysed.drafts)} most check-worthy of {analysed.found} claims "
            "(CLAIMTRACK_MAX_CLAIMS_PER_ARTICLE)"
        )
    reason = "; ".join(notes)
    return TargetOutcome(target, "ingested", reason, article_id, len(claims), flags)


STORY_SOURCES = {
    "densest block": "the densest block of paragraphs",
    "json-ld": "the page's JSON-LD articleBody",
    "whole page": "the whole page",
}


def match_claims(
    conn: Connection,
    claims: Sequence[StoredClaim],
    settings: Settings,
    published_at: datetime | None = None,
    deadline: Deadline = NO_DEADLINE,
    semantic: SemanticQuery | None = None,
) -> int:
    """Match each claim against earlier ones and store its best decisions (at most
    max_flags_per_claim, flags first, one flag per family); repeats join (or start) a claim
    family, and repeats
    scoring at least the auto-confirm threshold are confirmed without a reviewer. Returns how
    many flags (repeats and contradictions) were added. Call holding the matching lock."""
    flags = 0
    for number, (claim, found) in enumerate(
        find_matches(conn, claims, settings, published_at, semantic), start=1
    ):
        deadline.check(f"matching claims ({number} of {len(claims)})")
        repeated: list[tuple[float, int]] = []
        # families only decide between two flags (one per family): most claims have fewer
        flagged = [candidate.id for candidate, d in found if d.kind != "related"]
        families = store.families_of(conn, flagged) if len(flagged) > 1 else {}
        kept = best_decisions(found, settings.max_flags_per_claim, families)
        match_ids = store.insert_matches(conn, claim.id, [(c.id, d) for c, d in kept], METHOD)
        for candidate, decision in kept:
            match_id = match_ids.get(candidate.id)
            if match_id is None:
                continue
            if decision.kind != "related":
                flags += 1
            if decision.kind == "repeat":
                repeated.append((decision.score, candidate.id))
                if decision.score >= settings.match_auto_confirm_threshold:
                    store.confirm_match(
                        conn, match_id, f"auto-confirmed at score {decision.score:.2f}"
                    )
        for _, candidate_id in sorted(repeated, reverse=True):
            store.join_family(conn, claim.id, candidate_id)
    return flags


def best_decisions(
    found: Sequence[tuple[StoredClaim, MatchDecision]],
    limit: int,
    families: Mapping[int, int] | None = None,
) -> list[tuple[StoredClaim, MatchDecision]]:
    """The `limit` decisions worth keeping: flags before related pairs, best scores first, and
    one flag per claim family (`families`: candidate id -> family id), against its closest
    member."""
    family = families or {}
    ranked = sorted(found, key=lambda pair: (pair[1].kind == "related", -pair[1].score))
    kept: list[tuple[StoredClaim, MatchDecision]] = []
    flagged_families: set[int] = set()
    for candidate, decision in ranked:
        family_id = family.get(candidate.id) if family else None
        if decision.kind != "related" and family_id is not None:
            if family_id in flagged_families:
                continue
            flagged_families.add(family_id)
        kept.append((candidate, decision))
    return kept[:limit]


@dataclass(frozen=True)
class SemanticQuery:
    """The embeddings of the claims being matched, by claim id, and the model that made them."""

    model: str
    vectors: Mapping[int, Sequence[float]]


def find_matches(
    conn: Connection,
    claims: Sequence[StoredClaim],
    settings: Settings,
    published_at: datetime | None = None,
    semantic: SemanticQuery | None = None,
) -> Iterator[tuple[StoredClaim, list[tuple[StoredClaim, MatchDecision]]]]:
    """For each matchable claim, the earlier claims retrieval proposes and the matcher decided
    something about (repeat, contradiction or related), without storing anything. Retrieval is
    by shared rare terms, united (semantic layer on) with the nearest claims by embedding."""
    params = match_params(settings)
    groups = {c.id: term_groups(c.text, c.frame, c.quantities, c.speaker) for c in claims}
    claim_counts = store.term_claim_counts(conn, claim_term_keys(chain(*groups.values())))
    window_days = settings.match_window_days or None
    matchable = [c for c in claims if is_matchable(c, params.min_words)]
    wanted = []
    for claim in matchable:
        blocking = blocking_query(groups[claim.id], claim_counts, settings.candidate_terms)
        if blocking is not None:
            wanted.append((claim, blocking))
    by_terms = store.claim_candidates(
        conn,
        wanted,
        limit=settings.match_candidates,
        published_at=published_at,
        window_days=window_days,
    )
    by_meaning: dict[int, list[tuple[StoredClaim, float]]] = {}
    if semantic is not None:
        by_meaning = store.nearest_claims_of(
            conn,
            [(c, semantic.vectors[c.id]) for c in matchable if c.id in semantic.vectors],
            semantic.model,
            limit=settings.semantic_candidates,
            published_at=published_at,
            window_days=window_days,
        )
    for claim in matchable:
        candidates = {found.id: found for found in by_terms.get(claim.id, [])}
        meaning: dict[int, float] = {}
        for near, similarity in by_meaning.get(claim.id, []):
            candidates.setdefault(near.id, near)
            meaning[near.id] = similarity
        if not candidates:
            continue
        ordered = list(candidates.values())
        yield claim, judge(claim, ordered, params, [meaning.get(c.id) for c in ordered])


def ingest_source(
    conn: Connection,
    fetcher: Fetcher,
    source: Source,
    settings: Settings,
    progress: Progress | None = None,
) -> IngestReport:
    """Fetch what a source lists, and the articles that failed on earlier runs and are due for
    another try, and ingest each; record the check on the source. The listing's validators are
    saved only after every article it named was stored or recorded as failed, so a failed
    article is never hidden behind a 304 of its feed."""
    listing_failure: TargetOutcome | None = None
    try:
        listing = list_source(conn, fetcher, source)
    except DatabaseUnavailable:
        raise
    except Exception as exc:  # a broken listing fails this source; the other sources go on
        problem = exc if isinstance(exc, ClaimtrackError) else unexpected(source.url, exc)
        listing, listing_failure = None, failure(source.url, problem)
    retries = store.due_retries(conn, source.id, source.max_articles)
    if listing is not None:
        waiting = store.waiting_retries(conn, source.id)
        listed = [url for url in listing.articles if url not in waiting]
    else:
        listed = []
    targets = list(dict.fromkeys([*listed, *retries]))
    if not targets:
        outcome = listing_failure or TargetOutcome(
            source.url,
            "unchanged",
            "listing not modified (HTTP 304)" if listing is None else "nothing new listed",
            url=source.url,
            http_status=304 if listing is None else None,
            conditional=listing is None,
        )
        return _listing_only_run(conn, source, outcome, progress)
    report = ingest_targets(
        conn,
        targets,
        settings=settings,
        source=source.name,
        source_id=source.id,
        fetch=lambda url, validators: fetcher.fetch(url, validators),
        progress=progress,
    )
    store.record_retries(
        conn,
        source.id,
        report.outcomes,
        limit=settings.article_retry_limit,
        backoff_s=settings.article_retry_backoff_s,
    )
    if listing is not None and listing.document is not None:
        store.save_listing_validators(conn, source.id, listing.document)
    failed = len(report.failed)
    error: str | None
    if listing_failure is not None:
        status, error = "failed", listing_failure.reason
    else:
        status = "ok" if not failed else ("failed" if failed == len(targets) else "partial")
        error = report.failed[0].reason if failed else None
    store.mark_source_checked(conn, source.id, status, error)
    return report


def claim_and_ingest(
    conn: Connection,
    settings: Settings,
    ingest_one: Callable[[Source], IngestReport],
    *,
    names: Sequence[str] | None = None,
    every_source: bool = False,
    checked_before: datetime | None = None,
) -> list[IngestReport]:
    """Claim sources one at a time (the due ones; or the named ones, or every enabled one, not
    checked since `checked_before`) and ingest each with `ingest_one`, until none is left. A
    source another run holds is skipped; a source this lane could not finish is given back."""
    done: list[int] = []
    reports: list[IngestReport] = []
    while True:
        source = store.claim_source(
            conn,
            names=names,
            every_source=every_source,
            done=done,
            checked_before=checked_before,
            lease_s=settings.source_lease_s,
        )
        if source is None:
            return reports
        done.append(source.id)
        try:
            reports.append(ingest_one(source))
        except BaseException:
            with suppress(ClaimtrackError):  # a lost database frees the claim with its session
                store.rollback(conn)
                store.release_source(conn, source.id)
            raise


@dataclass(frozen=True)
class SourceListing:
    """The article URLs a source lists now, and the listing document whose validators are
    saved once those articles are handled (None for a single-URL source)."""

    articles: tuple[str, ...]
    document: FetchedDocument | None


def list_source(conn: Connection, fetcher: Fetcher, source: Source) -> SourceListing | None:
    """The article URLs a source lists now, at most its max_articles; None when the listing is
    unchanged since the last check (HTTP 304)."""
    if source.kind == "url":
        return SourceListing((source.url,), None)
    stored = store.get_source(conn, source.name) or source  # validators as saved, not as passed
    validators = Validators(stored.listing_etag, stored.listing_last_modified)
    listing_document = fetcher.fetch(source.url, validators, accept_feeds=True)
    if listing_document.not_modified:
        return None
    listing = read_listing(listing_document, source.kind)
    articles = list(listing.articles)
    for child in listing.child_sitemaps[:MAX_CHILD_SITEMAPS]:
        articles.extend(read_listing(fetcher.fetch(child, accept_feeds=True), "sitemap").articles)
        if len(articles) >= source.max_articles:
            break
    newest = tuple(dict.fromkeys(articles))[: source.max_articles]
    return SourceListing(newest, listing_document)


def _listing_only_run(
    conn: Connection, source: Source, outcome: TargetOutcome, progress: Progress | None
) -> IngestReport:
    run_id = store.start_run(conn, source.name, 1, source.id)
    store.log_fetch(conn, run_id, outcome, duration_ms=0, source_id=source.id)
    store.finish_run(conn, run_id, [outcome])
    store.mark_source_checked(
        conn, source.id, outcome.status, outcome.reason if outcome.status == "failed" else None
    )
    if progress:
        progress(outcome)
    return IngestReport(run_id, (outcome,))


def rematch(
    conn: Connection,
    settings: Settings,
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[int, int]:
    """Match again every claim published in [since, until) against the claims stored before it,
    with the current settings and models: open matches and family memberships are rebuilt,
    reviewed matches are kept. Idempotent. Returns (claims re-matched, flags added)."""
    claims = store.claims_in_range(conn, since, until)
    embedder = embedder_for(settings)
    flags = 0
    for chunk in range(0, len(claims), 500):
        batch = claims[chunk : chunk + 500]
        with conn.transaction():
            store.lock_matching(conn)
            store.forget_matches(conn, [c.id for c in batch])
            semantic = None
            if embedder is not None:  # claims embedded (by `claimtrack embed`) match by meaning
                require_vector_store(conn, settings)
                vectors = store.claim_embeddings_of(conn, [c.id for c in batch], embedder.name)
                semantic = SemanticQuery(embedder.name, vectors)
            for claim in batch:
                flags += match_claims(
                    conn, [claim], settings, claim.published_at, semantic=semantic
                )
            # families again from every repeat that stands: new ones, reviewed ones kept, and
            # those that later claims made of these
            for claim_id, repeated_id in store.repeats_involving(conn, [c.id for c in batch]):
                store.join_family(conn, claim_id, repeated_id)
    summaries.refresh(conn)  # families moved: the dashboards follow
    return len(claims), flags
