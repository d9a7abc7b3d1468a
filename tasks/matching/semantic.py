"""The semantic layer of matching: which embedder the settings name, and claim cores embedded
for storing and retrieval. Off ("none") unless CLAIMTRACK_EMBEDDING_MODEL names a model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import numpy as np

from schemas.settings import Settings
from tasks.claims.frames import claim_core
from tasks.errors import ConfigurationError
from tasks.matching.embeddings import Embedder, load_embedder
from tasks.storage import store
from tasks.storage.database import Connection

DIMENSIONS = 384  # claim_embeddings.embedding is vector(384)


def embedder_for(settings: Settings) -> Embedder | None:
    """The configured embedder, or None when semantic matching is off."""
    embedder = load_embedder(
        settings.embedding_model, settings.home / "models", settings.embedding_quantize
    )
    if embedder is not None and embedder.dimensions != DIMENSIONS:
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={settings.embedding_model}: it gives "
            f"{embedder.dimensions}-dimension vectors; claimtrack stores {DIMENSIONS} "
            "(all-MiniLM-L6-v2, bge-small-en-v1.5 and e5-small are such models)"
        )
    return embedder


def require_vector_store(conn: Connection, settings: Settings) -> None:
    if not store.semantic_matching_ready(conn):
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={settings.embedding_model}: this database has no "
            "pgvector extension (CREATE EXTENSION vector needs it installed on the server; "
            "then run claimtrack again), or set CLAIMTRACK_EMBEDDING_MODEL=none"
        )


def embed_claims(embedder: Embedder, texts: Sequence[str]) -> dict[str, list[float]]:
    """Each claim text's embedding, computed on its core (attribution frame removed)."""
    unique = list(dict.fromkeys(texts))
    vectors: np.ndarray[Any, np.dtype[np.float32]] = embedder.embed(
        [claim_core(text) for text in unique]
    )
    return {text: [float(x) for x in vectors[i]] for i, text in enumerate(unique)}


@lru_cache(maxsize=4)
def word_similarity(embedder: Embedder) -> Callable[[str, str], float]:
    """How alike two words (or short phrases) are in meaning, by the embedder, remembered."""

    @lru_cache(maxsize=65536)
    def similar(a: str, b: str) -> float:
        vectors = embedder.embed([a, b])
        return float(vectors[0] @ vectors[1])

    return similar


EMBED_BATCH = 256


def backfill(
    conn: Connection,
    embedder: Embedder,
    since: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Embed every stored claim that has no embedding by this model yet (created since `since`),
    a batch per transaction, oldest first; returns how many. Stopped and run again, it goes on
    where it stopped: what is stored stays stored."""
    total = store.count_claims_without_embedding(conn, embedder.name, since)
    done = 0
    after = 0
    while True:
        rows = store.claims_without_embedding(conn, embedder.name, after, EMBED_BATCH, since)
        if not rows:
            return done
        vectors = embed_claims(embedder, [row["text"] for row in rows])
        with conn.transaction():
            store.save_embeddings(
                conn, embedder.name, [(row["id"], vectors[row["text"]]) for row in rows]
            )
        done += len(rows)
        after = rows[-1]["id"]
        if progress is not None:
            progress(done, total)
