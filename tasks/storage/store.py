"""Named SQL queries from queries.sql, run with bound parameters; rows leave as frozen records."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from psycopg.types.json import Jsonb

from schemas.records import (
    ArticleText,
    ClaimDraft,
    ClaimListing,
    Family,
    FetchedDocument,
    FlagListing,
    MatchDecision,
    Source,
    StoredClaim,
    TargetOutcome,
)
from tasks.fetching.fetch import Validators
from tasks.matching.blocking import claim_term_keys, term_groups
from tasks.storage.database import AsyncConnection, Connection, wrap_exceptions

QUERIES_SQL = "storage/queries.sql"  # under the tasks package
_QUERY_HEADER = re.compile(r"^-- ([a-z_]+) --$", re.MULTILINE)
FLAG_KINDS = ("repeat", "contradiction", "update")
SHORTLIST_FACTOR = 4  # candidates ranked by shared terms before trigram similarity orders them


@cache  # a fixed set of files (10): each is read and split once
def queries(filename: str = QUERIES_SQL) -> dict[str, str]:
    """The named query blocks (`-- name --` headers) of one of our .sql files, loaded once."""
    text = (resources.files("tasks") / filename).read_text(encoding="utf-8")
    parts = _QUERY_HEADER.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def run_query(
    conn: Connection, name: str, params: dict[str, Any], filename: str = QUERIES_SQL
) -> list[dict[str, Any]]:
    """Run a named query with bound parameters; its rows, if it returns any."""
    with wrap_exceptions():
        cursor = conn.execute(queries(filename)[name], params)
        return cursor.fetchall() if cursor.description else []


async def run_query_async(
    conn: AsyncConnection, name: str, params: dict[str, Any], filename: str
) -> list[dict[str, Any]]:
    """run_query on an asyncio connection (the web app checks API tokens on its event loop)."""
    with wrap_exceptions():
        cursor = await conn.execute(queries(filename)[name], params)
        return await cursor.fetchall() if cursor.description else []


def _run(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return run_query(conn, name, params)


def rollback(conn: Connection) -> None:
    with wrap_exceptions():
        conn.rollback()


def end_read(conn: Connection) -> None:
    """End a transaction that only read. With a commit, not a rollback: psycopg forgets every
    prepared statement of the connection on rollback, and the web app's pooled connections would
    then plan each query anew (2 ms for the queue's item view, against 0.1 ms to run it)."""
    with wrap_exceptions():
        conn.commit()


def _read(conn: Connection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Run a read-only named query and end its transaction (a listing holds no locks)."""
    rows = run_query(conn, name, params)
    end_read(conn)
    return rows


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# URLs longer than this are not used as keys (PostgreSQL indexes about 2.7 KB at most): such a
# page is fetched in full each time, and is not retried on a later run
MAX_KEY_URL_CHARS = 2000
MATCHING_LOCK_ID = 0x636C616D63  # "clamc": storing and matching claims, one run at a time


def start_run(
    conn: Connection, source: str | None, targets_total: int, source_id: int | None = None
) -> int:
    """Open a run (first closing, as failed, runs whose process is gone); its id."""
    with wrap_exceptions(), conn.transaction():
        _run(conn, "close_abandoned_runs", {})
        rows = _run(
            conn,
            "start_run",
            {
                "source": source,
                "source_id": source_id,
                "targets_total": targets_total,
            },
        )
    return int(rows[0]["id"])


def finish_run(
    conn: Connection,
    run_id: int,
    outcomes: Sequence[TargetOutcome],
    *,
    error: str | None = None,
) -> None:
    """Close a run with its counts: 'finished', or 'failed' with the error that stopped it."""
    failed = sum(1 for o in outcomes if o.status == "failed")
    with wrap_exceptions(), conn.transaction():
        _run(
            conn,
            "finish_run",
            {
                "run_id": run_id,
                "status": "failed" if error else "finished",
                "targets_failed": failed,
                "claims_added": sum(o.claims_added for o in outcomes),
                "flags_added": sum(o.flags_added for o in outcomes),
                "error": error,
            },
        )


def get_run(conn: Connection, run_id: int) -> dict[str, Any] | None:
    rows = _read(conn, "get_run", {"run_id": run_id})
    return rows[0] if rows else None


def close_abandoned_runs(conn: Connection) -> list[int]:
    """Close as failed the runs whose process is gone; their ids."""
    with wrap_exceptions(), conn.transaction():
        return [int(r["id"]) for r in _run(conn, "close_abandoned_runs", {})]


def lock_matching(conn: Connection) -> None:
    """Wait for, then hold until the transaction ends, the right to store and match claims."""
    _run(conn, "lock_matching", {"lock_id": MATCHING_LOCK_ID})


def log_fetch(
    conn: Connection,
    run_id: int,
    outcome: TargetOutcome,
    *,
    duration_ms: int,
    source_id: int | None = None,
) -> None:
    with conn.transaction():
        _run(
            conn,
            "log_fetch",
            {
                "run_id": run_id,
                "source_id": source_id,
                "target": outcome.target,
                "url": outcome.url,
                "outcome": outcome.status,
                "http_status": outcome.http_status,
                "reason": outcome.reason,
                "article_id": outcome.article_id,
                "duration_ms": duration_ms,
                "attempts": outcome.attempts,
                "conditional": outcome.conditional,
            },
        )


def save_article(
    conn: Connection,
    article: ArticleText,
    *,
    source: str | None,
    run_id: int | None,
    source_id: int | None = None,
    claims_dropped: int = 0,
) -> tuple[int, int | None]:
    """Store the article and this revision of its text: (article_id, revision_id or None when
    this exact text was stored before). Call inside a transaction."""
    rows = _run(
        conn,
        "upsert_article",
        {
            "url": article.identity_url,
            "fetched_url": article.url,
            "title": article.title,
            "author": article.author,
            "published_at": article.published_at,
            "modified_at": article.modified_at,
            "source": source,
            "source_id": source_id,
            "site_name": article.site_name,
            "language": article.language,
        },
    )
    article_id = int(rows[0]["id"])
    _run(conn, "sync_claim_dates", {"article_id": article_id})
    body = "\n\n".join(article.paragraphs)
    revision = _run(
        conn,
        "insert_revision",
        {
            "article_id": article_id,
            "content_sha256": sha256(body),
            "body": body,
            "paragraph_count": len(article.paragraphs),
            "run_id": run_id,
            "claim_reviews": Jsonb(list(article.claim_reviews)),
            "claims_dropped": claims_dropped,
        },
    )
    if not revision:
        return article_id, None
    revision_id = int(revision[0]["id"])
    _run(conn, "set_current_revision", {"article_id": article_id, "revision_id": revision_id})
    return article_id, revision_id


def insert_claims(
    conn: Connection, article_id: int, revision_id: int, drafts: Sequence[ClaimDraft]
) -> list[StoredClaim]:
    """Store the drafts the article does not have yet; return the new ones."""
    added = []
    for draft in drafts:
        rows = _run(
            conn,
            "insert_claim",
            {
                "article_id": article_id,
                "revision_id": revision_id,
                "paragraph_index": draft.paragraph_index,
                "sentence_index": draft.sentence_index,
                "text": draft.text,
                "text_sha256": sha256(draft.text),
                "speaker": draft.speaker,
                "quantities": Jsonb([q.to_json() for q in draft.quantities]),
                "polarity": draft.polarity,
                "checkworthiness": draft.checkworthiness,
                "reasons": list(draft.reasons),
                "claim_type": draft.claim_type,
                "frame": draft.frame,
                "term_keys": claim_term_keys(
                    term_groups(draft.text, draft.frame, draft.quantities, draft.speaker)
                ),
            },
        )
        if rows:
            added.append(StoredClaim.from_row(rows[0]))
    return added


def term_claim_counts(conn: Connection, keys: Sequence[int]) -> dict[int, int]:
    """How many stored claims hold each term key (absent keys: none)."""
    rows = _run(conn, "term_claim_counts", {"keys": list(keys)})
    return {row["term_key"]: row["claim_count"] for row in rows}


def count_terms(conn: Connection, claims: Sequence[StoredClaim]) -> None:
    """Add the stored claims' term keys to the per-term claim counts."""
    _run(conn, "count_terms", {"claim_ids": [c.id for c in claims]})


def claim_candidates(
    conn: Connection,
    wanted: Sequence[tuple[StoredClaim, Sequence[str]]],
    *,
    limit: int,
    published_at: datetime | None = None,
    window_days: int | None = None,
) -> dict[int, list[StoredClaim]]:
    """For each (claim, blocking conjunctions) pair, in one round trip: earlier claims from
    other revisions that match one of the conjunctions (see tasks/matching/blocking.py), and,
    when both dates are known and a window is set, published within window_days of it; those
    sharing most terms, then most similar, first. By claim id."""
    if not wanted:
        return {}
    rows = _run(
        conn,
        "claim_candidates",
        {
            "claim_ids": [claim.id for claim, _ in wanted],
            "revision_ids": [claim.revision_id for claim, _ in wanted],
            "term_keys": [
                "{" + ",".join(map(str, claim_term_keys([claim.frame.split()]))) + "}"
                for claim, _ in wanted
            ],
            "frames": [claim.frame for claim, _ in wanted],
            "conjunctions": [";".join(blocking) for _, blocking in wanted],
            "limit": limit,
            "shortlist": limit * SHORTLIST_FACTOR,
            "published_at": published_at,
            "window_days": window_days,
        },
    )
    found: dict[int, list[StoredClaim]] = {claim.id: [] for claim, _ in wanted}
    for row in rows:
        found[row.pop("candidate_of")].append(StoredClaim.from_row(row))
    return found


def insert_matches(
    conn: Connection,
    claim_id: int,
    decisions: Sequence[tuple[int, MatchDecision]],
    method: str,
) -> dict[int, int]:
    """Record a claim's matches (earlier claim id, decision) in one round trip; the new match
    ids by earlier claim id (pairs already recorded are absent)."""
    if not decisions:
        return {}
    rows = _run(
        conn,
        "insert_matches",
        {
            "claim_id": claim_id,
            "matched_claim_ids": [matched for matched, _ in decisions],
            "kinds": [d.kind for _, d in decisions],
            "scores": [round(d.score, 4) for _, d in decisions],
            "reasons": [d.reason for _, d in decisions],
            "details": [_match_details(d) for _, d in decisions],
            "method": method,
        },
    )
    return {int(row["matched_claim_id"]): int(row["id"]) for row in rows}


def _match_details(decision: MatchDecision) -> Jsonb:
    return Jsonb(
        {
            "matched_parts": list(decision.matched_parts),
            "differing_parts": list(decision.differing_parts),
        }
    )


def list_claims(conn: Connection, limit: int | None = None) -> list[ClaimListing]:
    rows = _read(conn, "list_claims", {"limit": limit})
    return [ClaimListing.from_row(row) for row in rows]


def list_flags(
    conn: Connection, kinds: Sequence[str] = FLAG_KINDS, limit: int | None = None
) -> list[FlagListing]:
    rows = _read(conn, "list_flags", {"kinds": list(kinds), "limit": limit})
    return [FlagListing.from_row(row) for row in rows]


def counts(conn: Connection) -> dict[str, int]:
    rows = _read(conn, "counts", {})
    return {key: int(value) for key, value in rows[0].items()}


def run_failures(conn: Connection, run_id: int) -> list[dict[str, Any]]:
    rows = _read(conn, "run_failures", {"run_id": run_id})
    return rows


def get_validators(conn: Connection, urls: Sequence[str]) -> dict[str, Validators]:
    """Remembered ETag / Last-Modified for each of these URLs that has any."""
    if not urls:
        return {}
    rows = _read(conn, "get_validators", {"urls": list(urls)})
    return {row["url"]: Validators(row["etag"], row["last_modified"]) for row in rows}


def save_validators(conn: Connection, document: FetchedDocument) -> None:
    if not (document.etag or document.last_modified) or len(document.target) > MAX_KEY_URL_CHARS:
        return
    with conn.transaction():
        _run(
            conn,
            "save_validators",
            {
                "url": document.target,
                "etag": document.etag,
                "last_modified": document.last_modified,
                "status": document.status,
            },
        )


def add_source(
    conn: Connection, *, name: str, kind: str, url: str, schedule_minutes: int, max_articles: int
) -> Source:
    with conn.transaction():
        rows = _run(
            conn,
            "add_source",
            {
                "name": name,
                "kind": kind,
                "url": url,
                "schedule_minutes": schedule_minutes,
                "max_articles": max_articles,
            },
        )
    return Source.from_row(rows[0])


def list_sources(conn: Connection) -> list[Source]:
    rows = _read(conn, "list_sources", {})
    return [Source.from_row(row) for row in rows]


def get_source(conn: Connection, name: str) -> Source | None:
    rows = _read(conn, "get_source", {"name": name})
    return Source.from_row(rows[0]) if rows else None


def remove_source(conn: Connection, name: str) -> bool:
    with conn.transaction():
        return bool(_run(conn, "remove_source", {"name": name}))


MAX_BACKOFF_MINUTES = 24 * 60  # a source failing for days is still tried once a day


def mark_source_checked(conn: Connection, source_id: int, status: str, error: str | None) -> None:
    """Record a check, release the source's claim, and set its next check (backing off while
    it keeps failing)."""
    with conn.transaction():
        _run(
            conn,
            "mark_source_checked",
            {
                "source_id": source_id,
                "status": status,
                "error": error,
                "max_backoff_minutes": MAX_BACKOFF_MINUTES,
            },
        )


def claim_source(
    conn: Connection,
    *,
    names: Sequence[str] | None = None,
    every_source: bool = False,
    done: Sequence[int] = (),
    checked_before: datetime | None = None,
    lease_s: float = 3600.0,
) -> Source | None:
    """Claim the next source to fetch (due ones; or the named ones, or every enabled one), one
    no other live session holds, and not in `done`; None when none is left. The claim lasts until
    mark_source_checked or release_source, the lease's end, or this session's end."""
    with wrap_exceptions(), conn.transaction():
        rows = _run(
            conn,
            "claim_source",
            {
                "names": list(names) if names else None,
                "every_source": every_source,
                "done": list(done),
                "checked_before": checked_before,
                "lease_s": lease_s,
            },
        )
    return Source.from_row(rows[0]) if rows else None


def database_now(conn: Connection) -> datetime:
    now: datetime = _read(conn, "database_now", {})[0]["now"]
    return now


def prune_fetch_log(conn: Connection, keep_days: int, batch: int = 10_000) -> int:
    """Delete fetch-log lines older than `keep_days`, a batch per transaction; how many."""
    deleted = 0
    while True:
        with wrap_exceptions(), conn.transaction():
            done = len(_run(conn, "prune_fetch_log", {"keep_days": keep_days, "batch": batch}))
        deleted += done
        if done < batch:
            return deleted


def held_sources(conn: Connection, names: Sequence[str]) -> list[str]:
    """Which of these sources another live session is fetching now."""
    return [r["name"] for r in _read(conn, "held_sources", {"names": list(names)})]


def release_source(conn: Connection, source_id: int) -> None:
    with wrap_exceptions(), conn.transaction():
        _run(conn, "release_source", {"source_id": source_id})


def source_fetches(conn: Connection, source_id: int, limit: int = 20) -> list[dict[str, Any]]:
    rows = _read(conn, "source_fetches", {"source_id": source_id, "limit": limit})
    return rows


def _speakers_with_surname(conn: Connection, surname: str) -> list[str]:
    return [r["speaker"] for r in _run(conn, "speakers_with_surname", {"surname": surname})]


def canonical_speakers(conn: Connection, drafts: Sequence[ClaimDraft]) -> list[ClaimDraft]:
    """One name per person across articles: a bare surname becomes the one full name stored
    with it ("Putin" -> "Vladimir Putin"), and a full name seen for the first time renames
    earlier bare-surname claims. Ambiguous surnames are left alone. Call inside a transaction."""
    resolved: dict[str, str | None] = {}
    out = []
    for draft in drafts:
        speaker = draft.speaker
        if speaker and speaker not in resolved:
            parts = speaker.split()
            names = _speakers_with_surname(conn, parts[-1])
            if len(parts) == 1:
                resolved[speaker] = names[0] if len(names) == 1 else None
            else:
                if all(name == speaker for name in names):
                    _run(
                        conn, "expand_surname_speaker", {"full_name": speaker, "surname": parts[-1]}
                    )
                resolved[speaker] = None
        full = resolved.get(speaker) if speaker else None
        out.append(replace(draft, speaker=full) if full else draft)
    return out


def join_family(conn: Connection, claim_id: int, repeated_claim_id: int) -> int:
    """Put a claim in the family of the claim it repeats, starting the family or merging two
    families as needed; returns the family's id. Call inside a transaction."""
    rows = _run(conn, "claim_family_ids", {"claim_ids": [claim_id, repeated_claim_id]})
    families = {row["id"]: row["family_id"] for row in rows}
    mine, theirs = families.get(claim_id), families.get(repeated_claim_id)
    if theirs is not None:
        family_id = int(theirs)
        if mine is not None and mine != theirs:
            _run(conn, "move_family_members", {"family_id": family_id, "other_family_id": mine})
            _run(conn, "delete_family", {"family_id": mine})
    elif mine is not None:
        family_id = int(mine)
    else:
        created = _run(conn, "create_family", {"canonical_claim_id": repeated_claim_id})
        family_id = int(created[0]["id"])
    _run(
        conn,
        "set_claim_family",
        {"family_id": family_id, "claim_ids": [claim_id, repeated_claim_id]},
    )
    _run(conn, "refresh_family", {"family_id": family_id})
    return family_id


def confirm_match(conn: Connection, match_id: int, note: str) -> None:
    _run(conn, "confirm_match", {"match_id": match_id, "note": note})


def list_families(conn: Connection, min_count: int = 2, limit: int | None = None) -> list[Family]:
    rows = _read(conn, "list_families", {"min_count": min_count, "limit": limit})
    return [Family.from_row(row) for row in rows]


def claims_in_range(
    conn: Connection, since: datetime | None, until: datetime | None
) -> list[StoredClaim]:
    rows = _read(conn, "claims_in_range", {"since": since, "until": until})
    return [StoredClaim.from_row(row) for row in rows]


def forget_matches(conn: Connection, claim_ids: Sequence[int]) -> None:
    """Drop these claims' open matches and family memberships (reviewed matches stay), and
    dissolve families left with fewer than two claims. Call inside a transaction."""
    _run(conn, "forget_open_matches", {"claim_ids": list(claim_ids)})
    leave_families(conn, claim_ids)


def leave_families(conn: Connection, claim_ids: Sequence[int]) -> None:
    """Take claims out of their families (a dismissed repeat splits from the family it joined),
    dissolving families left with fewer than two claims. Call inside a transaction."""
    left = _run(conn, "leave_families", {"claim_ids": list(claim_ids)})
    for row in left:
        family_id = row["family_id"]
        size = int(_run(conn, "family_size", {"family_id": family_id})[0]["n"])
        if size < 2:
            _run(conn, "clear_family", {"family_id": family_id})
            _run(conn, "delete_family", {"family_id": family_id})
        else:
            _run(conn, "refresh_family", {"family_id": family_id})


def repeats_involving(conn: Connection, claim_ids: Sequence[int]) -> list[tuple[int, int]]:
    rows = _run(conn, "repeats_involving", {"claim_ids": list(claim_ids)})
    return [(int(r["claim_id"]), int(r["matched_claim_id"])) for r in rows]


def save_listing_validators(conn: Connection, source_id: int, document: FetchedDocument) -> None:
    with conn.transaction():
        _run(
            conn,
            "save_listing_validators",
            {
                "source_id": source_id,
                "etag": document.etag,
                "last_modified": document.last_modified,
            },
        )


def due_retries(conn: Connection, source_id: int, limit: int) -> list[str]:
    rows = _read(conn, "due_retries", {"source_id": source_id, "limit": limit})
    return [row["url"] for row in rows]


def waiting_retries(conn: Connection, source_id: int) -> set[str]:
    rows = _read(conn, "waiting_retries", {"source_id": source_id})
    return {row["url"] for row in rows}


def record_retries(
    conn: Connection,
    source_id: int,
    outcomes: Sequence[TargetOutcome],
    *,
    limit: int,
    backoff_s: float,
) -> None:
    """Failed articles get their next try scheduled (or are given up past the limit); stored
    or unchanged ones leave the retry list."""
    with conn.transaction():
        for outcome in outcomes:
            if outcome.status == "failed" and len(outcome.target) <= MAX_KEY_URL_CHARS:
                params = {"source_id": source_id, "url": outcome.target, "error": outcome.reason}
                _run(conn, "record_retry", {**params, "limit": limit, "backoff_s": backoff_s})
        done = [o.target for o in outcomes if o.status != "failed"]
        if done:
            _run(conn, "clear_retry", {"source_id": source_id, "urls": done})


def source_retries(conn: Connection, source_id: int) -> list[dict[str, Any]]:
    rows = _read(conn, "source_retries", {"source_id": source_id})
    return rows


# --- Claim embeddings (semantic matching; needs pgvector) ----------------------------------------

HNSW_DEFAULT_EF_SEARCH = 40


def semantic_matching_ready(conn: Connection) -> bool:
    """Whether the database has the claim_embeddings table (pgvector was available)."""
    return bool(_run(conn, "semantic_matching_ready", {})[0]["ready"])


def vector_text(vector: Sequence[float]) -> str:
    """pgvector's text form of a vector: '[0.1,-0.2,...]'."""
    return "[" + ",".join(f"{float(x):.6g}" for x in vector) + "]"


def save_embeddings(
    conn: Connection, model: str, rows: Sequence[tuple[int, Sequence[float]]]
) -> None:
    """Store (or replace) each claim's embedding by `model`."""
    for claim_id, vector in rows:
        _run(
            conn,
            "save_embedding",
            {"claim_id": claim_id, "model": model, "embedding": vector_text(vector)},
        )


def nearest_claims(
    conn: Connection,
    claim: StoredClaim,
    vector: Sequence[float],
    model: str,
    *,
    limit: int,
    published_at: datetime | None = None,
    window_days: int | None = None,
) -> list[tuple[StoredClaim, float]]:
    """Earlier claims from other revisions nearest in meaning, with their cosine similarity."""
    found = nearest_claims_of(
        conn,
        [(claim, vector)],
        model,
        limit=limit,
        published_at=published_at,
        window_days=window_days,
    )
    return found[claim.id]


def nearest_claims_of(
    conn: Connection,
    wanted: Sequence[tuple[StoredClaim, Sequence[float]]],
    model: str,
    *,
    limit: int,
    published_at: datetime | None = None,
    window_days: int | None = None,
) -> dict[int, list[tuple[StoredClaim, float]]]:
    """nearest_claims for several claims (an article's) in one round trip, by claim id."""
    if not wanted:
        return {}
    if limit > HNSW_DEFAULT_EF_SEARCH:
        _run(conn, "widen_vector_search", {"ef_search": str(limit)})
    rows = _run(
        conn,
        "nearest_claims",
        {
            "claim_ids": [claim.id for claim, _ in wanted],
            "revision_ids": [claim.revision_id for claim, _ in wanted],
            "embeddings": [vector_text(vector) for _, vector in wanted],
            "model": model,
            "published_at": published_at,
            "window_days": window_days,
            "limit": limit,
        },
    )
    found: dict[int, list[tuple[StoredClaim, float]]] = {claim.id: [] for claim, _ in wanted}
    for row in rows:
        found[row.pop("nearest_to")].append((StoredClaim.from_row(row), float(row["similarity"])))
    return found


def claims_without_embedding(
    conn: Connection, model: str, after_id: int, limit: int, since: datetime | None = None
) -> list[dict[str, Any]]:
    """The next claims (id, text, frame, speaker) the backfill must embed, oldest first."""
    return _read(
        conn,
        "claims_without_embedding",
        {"model": model, "after_id": after_id, "limit": limit, "since": since},
    )


def count_claims_without_embedding(
    conn: Connection, model: str, since: datetime | None = None
) -> int:
    rows = _read(conn, "count_claims_without_embedding", {"model": model, "since": since})
    return int(rows[0]["n"])


def claim_embeddings_of(
    conn: Connection, claim_ids: Sequence[int], model: str
) -> dict[int, list[float]]:
    """The stored embeddings of these claims by `model` (claims without one are absent)."""
    rows = _run(conn, "claim_embeddings_of", {"claim_ids": list(claim_ids), "model": model})
    return {
        row["claim_id"]: [float(x) for x in row["embedding"].strip("[]").split(",")] for row in rows
    }


def families_of(conn: Connection, claim_ids: Sequence[int]) -> dict[int, int]:
    """The claim family of each of these claims that has one."""
    rows = _run(conn, "families_of", {"claim_ids": list(claim_ids)})
    return {row["id"]: row["family_id"] for row in rows}
