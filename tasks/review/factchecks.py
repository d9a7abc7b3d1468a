"""Fact-checks in and out of the database: ClaimReview records imported as claims of their own
kind with a verdict (so that later claims repeating them are queued with that verdict), and our
published verdicts exported as ClaimReview JSON-LD or CSV."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser
from psycopg.types.json import Jsonb

from schemas.records import ArticleText
from schemas.settings import Settings
from tasks.errors import InputError
from tasks.ingest import ingest_article
from tasks.review.claimreview import (
    RATING_NAME,
    FactCheck,
    claim_review_jsonld,
    claim_review_nodes,
    read_fact_check,
)
from tasks.review.sql import run
from tasks.storage import store
from tasks.storage.database import Connection

SAVED_FIELDS = ("url", "publisher", "date_published", "rating", "mapped_from", "original_rating",
                "rating_value", "best_rating", "worst_rating")  # fmt: skip


@dataclass(frozen=True)
class ImportResult:
    imported: int  # fact-checks stored now
    unchanged: int  # stored before
    skipped: list[str] = field(default_factory=list)  # what could not be read, and why

    def __add__(self, other: ImportResult) -> ImportResult:
        return ImportResult(
            self.imported + other.imported,
            self.unchanged + other.unchanged,
            self.skipped + other.skipped,
        )


def json_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise InputError(f"{path}: no such file or folder")


def import_paths(conn: Connection, paths: Sequence[Path], settings: Settings) -> ImportResult:
    """Import every ClaimReview in these JSON files (and the .json files under these folders)."""
    total = ImportResult(0, 0)
    for path in json_files(paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            reason = f"{path}: not JSON ({str(exc).splitlines()[0][:120]})"
            total += ImportResult(0, 0, [reason])
            continue
        total += import_records(conn, data, settings, origin=str(path))
    return total


def import_stored_pages(conn: Connection, settings: Settings) -> ImportResult:
    """Import the ClaimReview JSON-LD found on pages already ingested (kept per revision)."""
    rows = run(conn, "stored_claim_reviews", {})
    store.end_read(conn)
    total = ImportResult(0, 0)
    for row in rows:
        total += import_records(conn, row["claim_reviews"], settings, origin=row["url"])
    return total


def import_records(conn: Connection, data: Any, settings: Settings, origin: str) -> ImportResult:
    imported = unchanged = 0
    skipped: list[str] = []
    nodes = list(claim_review_nodes(data))
    if not nodes:
        return ImportResult(0, 0, [f"{origin}: no ClaimReview in it"])
    for node in nodes:
        fact_check = read_fact_check(node)
        if fact_check is None:
            skipped.append(f"{origin}: a ClaimReview without claimReviewed")
            continue
        if import_fact_check(conn, fact_check, node, settings):
            imported += 1
        else:
            unchanged += 1
    return ImportResult(imported, unchanged, skipped)


def import_fact_check(
    conn: Connection, fact_check: FactCheck, record: dict[str, Any], settings: Settings
) -> bool:
    """Store one fact-check (its claim through the usual pipeline, so that it is matched both
    ways); False when it was stored before."""
    digest = hashlib.sha256(fact_check.claim_reviewed.encode("utf-8")).hexdigest()[:16]
    address = fact_check.url or f"claimreview:{digest}"
    article = ArticleText(
        url=address,
        canonical_url=None,
        title=fact_check.claim_reviewed[:300],
        author=fact_check.publisher,
        published_at=_date(fact_check.date_published),
        site_name=fact_check.publisher,
        language=fact_check.language,
        paragraphs=(fact_check.claim_reviewed,),
    )
    every_sentence = settings.model_copy(update={"checkworthiness_threshold": 0.0})
    outcome = ingest_article(
        conn,
        article,
        address,
        settings=every_sentence,
        source=f"fact-check: {fact_check.publisher or 'unknown publisher'}"[:200],
        published=None,
        run_id=None,
    )
    if outcome.status != "ingested" or outcome.article_id is None:
        return False
    rated = f"“{fact_check.original_rating}”" if fact_check.original_rating else "no rating"
    with conn.transaction():
        run(
            conn,
            "mark_fact_check",
            {
                "article_id": outcome.article_id,
                "rating": fact_check.rating,
                "note": f"imported: {fact_check.publisher or 'a fact-checker'} rated it {rated}",
                "evidence": [fact_check.url] if fact_check.url else [],
            },
        )
        values = asdict(fact_check)
        saved = {key: values[key] for key in SAVED_FIELDS}
        saved.update(article_id=outcome.article_id, record=Jsonb(record))
        run(conn, "save_fact_check", saved)
    return True


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return dateparser.parse(text)
    except (ValueError, OverflowError):
        return None


def published_reviews(conn: Connection, settings: Settings) -> list[dict[str, Any]]:
    """Our published verdicts as schema.org ClaimReview records."""
    rows = run(conn, "published_verdicts", {})
    store.end_read(conn)
    base = settings.public_url.rstrip("/")
    return [
        claim_review_jsonld(
            claim=row["text"],
            rating=row["rating"],
            review_url=f"{base}/items/{row['item_id']}" if row["item_id"] else base,
            publisher=settings.publisher_name,
            published_at=row["published_at"].isoformat(),
            note=row["note"],
            appearances=list(row["appearances"] or [row["url"]]),
            speaker=row["speaker"],
            first_appearance=row["first_url"] or row["url"],
            first_said_at=(row["first_said_at"] or row["said_at"]).date().isoformat()
            if (row["first_said_at"] or row["said_at"])
            else None,
        )
        for row in rows
    ]


CSV_COLUMNS = ("claim", "rating", "rating_name", "published", "review_url", "speaker",
               "first_appearance", "appearances", "note")  # fmt: skip


def reviews_csv(records: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    names = {name: rating for rating, name in RATING_NAME.items()}
    for record in records:
        item = record["itemReviewed"]
        name = record["reviewRating"]["alternateName"]
        writer.writerow(
            [
                record["claimReviewed"],
                names.get(name, ""),
                name,
                record["datePublished"],
                record["url"],
                item.get("author", {}).get("name", ""),
                item.get("firstAppearance", {}).get("url", ""),
                " ".join(a["url"] for a in item.get("appearance", [])),
                record.get("reviewBody", ""),
            ]
        )
    return out.getvalue()
