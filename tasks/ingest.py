"""One ingest run: fetch each target, extract its claims, store them, and match the new ones.

Each article is stored with its claims and matches in one transaction, so a failure or a crash
loses only the article in hand; a rerun skips what is already stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlsplit

from schemas.records import FetchedDocument, IngestReport, StoredClaim, TargetOutcome
from schemas.settings import Settings
from tasks import store
from tasks.claims import extract_claims
from tasks.database import Connection
from tasks.errors import ClaimtrackError, FetchError
from tasks.match import METHOD, MatchParams, decide, is_matchable
from tasks.parse import parse_document

Fetcher = Callable[[str], FetchedDocument]
Progress = Callable[[TargetOutcome], None]


def match_params(settings: Settings) -> MatchParams:
    return MatchParams(
        suggest_threshold=settings.match_suggest_threshold,
        related_threshold=settings.match_related_threshold,
        min_words=settings.min_claim_words,
        quantity_tolerance=settings.quantity_tolerance,
    )


def ingest_targets(
    conn: Connection,
    targets: Sequence[str],
    *,
    settings: Settings,
    fetch: Fetcher,
    source: str | None = None,
    published: datetime | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest every target in order; a failure is logged with its reason and the run goes on."""
    run_id = store.start_run(conn, source, len(targets))
    outcomes = []
    for target in targets:
        started = time.monotonic()
        url: str | None = None
        status: int | None = None
        try:
            document = fetch(target)
            url = document.url
            outcome = ingest_document(
                conn, document, settings=settings, source=source, published=published, run_id=run_id
            )
        except ClaimtrackError as exc:
            conn.rollback()
            status = exc.status if isinstance(exc, FetchError) else None
            outcome = TargetOutcome(target, "failed", str(exc))
        duration_ms = int((time.monotonic() - started) * 1000)
        store.log_fetch(conn, run_id, outcome, url=url, http_status=status, duration_ms=duration_ms)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    store.finish_run(conn, run_id, outcomes)
    return IngestReport(run_id, tuple(outcomes))


def publication_name(source: str | None, site_name: str | None, url: str) -> str | None:
    """Who speaks when the journalist does: the source's name, the site's name, or its host."""
    host = urlsplit(url).hostname
    return source or site_name or (host.removeprefix("www.") if host else None)


def ingest_document(
    conn: Connection,
    document: FetchedDocument,
    *,
    settings: Settings,
    source: str | None,
    published: datetime | None,
    run_id: int | None,
) -> TargetOutcome:
    """Parse, extract, store and match one document in one transaction."""
    article = parse_document(document)
    if published is not None:
        article = replace(article, published_at=published)
    publication = publication_name(source, article.site_name, article.identity_url)
    drafts = extract_claims(
        article, publication=publication, threshold=settings.checkworthiness_threshold
    )
    with conn.transaction():
        article_id, revision_id = store.save_article(conn, article, source=source, run_id=run_id)
        if revision_id is None:
            return TargetOutcome(document.target, "unchanged", "already stored", article_id)
        claims = store.insert_claims(conn, article_id, revision_id, drafts)
        flags = match_claims(conn, claims, settings)
    return TargetOutcome(document.target, "ingested", "", article_id, len(claims), flags)


def match_claims(conn: Connection, claims: Sequence[StoredClaim], settings: Settings) -> int:
    """Match each claim against earlier ones; store every decision; return how many are flags."""
    params = match_params(settings)
    flags = 0
    for claim in claims:
        if not is_matchable(claim, params.min_words):
            continue
        candidates = store.claim_candidates(
            conn, claim, threshold=settings.candidate_similarity, limit=settings.match_candidates
        )
        for candidate in candidates:
            decision = decide(claim, candidate, params)
            if decision is None:
                continue
            added = store.insert_match(conn, claim.id, candidate.id, decision, METHOD)
            if added and decision.kind != "related":
                flags += 1
    return flags
