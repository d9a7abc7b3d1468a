"""Claim embeddings for the matching benchmark's corpus, at a size the model cannot embed in a day.

Embedding a million claims takes hours on two cores (about 60 a second), so only the corpus's
base sentences (real sentences, about 40,000 from the shared data) and the queries are embedded
by the model. A reworded variant of a base sentence gets a vector at a cosine from its base drawn
from the cosines measured between real variants and their bases (a sample embedded by the model
at the start), in a random direction. The stored vectors then form the clusters real rewordings
form, which is what the HNSW index and the reference scan have to cope with; the bench says how
many vectors were computed and how many were drawn."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pgvector.psycopg import register_vector

from tasks.claims.frames import claim_core
from tasks.matching.embeddings import Embedder
from tasks.storage import store
from tasks.storage.database import Connection, wrap_exceptions

Say = Callable[[str], None]
Matrix = np.ndarray[Any, np.dtype[np.float32]]
BATCH = 512
CALIBRATION_SAMPLE = 256
BENCH_SQL = "evaluation/bench.sql"


@dataclass(frozen=True)
class CorpusVectors:
    vectors: Matrix  # one unit row per corpus row
    embedded: int  # rows the model embedded
    drawn: int  # rows given a vector drawn around their base sentence's
    median_variant_cosine: float  # measured on the calibration sample


def embed_in_batches(embedder: Embedder, texts: Sequence[str], say: Say) -> Matrix:
    out = np.empty((len(texts), embedder.dimensions), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        chunk = texts[start : start + BATCH]
        out[start : start + len(chunk)] = embedder.embed([claim_core(t) for t in chunk])
        done = start + len(chunk)
        if done % (BATCH * 20) < BATCH or done == len(texts):
            say(f"  embedded {done:,} of {len(texts):,} sentences")
    return out


def corpus_vectors(
    embedder: Embedder, rows: Sequence[str], base_count: int, say: Say, seed: int = 7
) -> CorpusVectors:
    """Vectors for `rows`, whose first `base_count` are base sentences and whose row i after
    them is a variant of row i % base_count (as bench_corpus.make_corpus builds them)."""
    base = embed_in_batches(embedder, rows[:base_count], say)
    vectors = np.empty((len(rows), embedder.dimensions), dtype=np.float32)
    vectors[:base_count] = base
    variants = len(rows) - base_count
    if not variants:
        return CorpusVectors(vectors, base_count, 0, 1.0)
    rng = random.Random(seed)
    sample = rng.sample(range(base_count, len(rows)), min(CALIBRATION_SAMPLE, variants))
    measured = embedder.embed([claim_core(rows[i]) for i in sample])
    cosines = np.einsum("ij,ij->i", measured, base[[i % base_count for i in sample]])
    generator = np.random.default_rng(seed)
    for start in range(base_count, len(rows), 65_536):
        stop = min(len(rows), start + 65_536)
        origin = base[np.arange(start, stop) % base_count]
        drawn = generator.choice(np.clip(cosines, -1.0, 1.0), size=stop - start)
        wanted = drawn.astype(np.float32)[:, None]
        direction = generator.standard_normal(origin.shape).astype(np.float32)
        direction -= np.einsum("ij,ij->i", direction, origin)[:, None] * origin
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        vectors[start:stop] = wanted * origin + np.sqrt(1 - wanted**2) * direction
    return CorpusVectors(vectors, base_count, variants, float(np.median(cosines)))


def exact_nearest(vectors: Matrix, query: Matrix, count: int) -> tuple[list[int], list[float]]:
    """The rows of `vectors` nearest to `query` by cosine (all rows compared), best first."""
    similarities = vectors @ query
    count = min(count, len(similarities))
    top = np.argpartition(-similarities, count - 1)[:count]
    top = top[np.argsort(-similarities[top])]
    return top.tolist(), similarities[top].tolist()


def copy_vectors(conn: Connection, model: str, ids: Sequence[int], vectors: Matrix) -> None:
    """COPY (binary, through pgvector's psycopg types) one vector per claim id."""
    register_vector(conn)
    statement = store.queries(BENCH_SQL)["bench_copy_embeddings"]
    with wrap_exceptions(), conn.cursor() as cursor, cursor.copy(statement) as copy:
        copy.set_types(["int8", "text", "vector"])
        for claim_id, vector in zip(ids, vectors, strict=True):
            copy.write_row((claim_id, model, vector))


def stored_vectors(conn: Connection, model: str, count: int) -> Matrix:
    """The stored vectors by `model`, in claim id order (a corpus kept by --reuse), read in
    binary and in batches (a million rows as text take minutes to parse)."""
    register_vector(conn)
    statement = store.queries(BENCH_SQL)["bench_all_embeddings"]
    out: Matrix | None = None
    with wrap_exceptions(), conn.cursor(binary=True) as cursor:
        cursor.execute(statement, {"model": model})
        done = 0
        while rows := cursor.fetchmany(50_000):
            block = np.stack([_as_array(row["embedding"]) for row in rows])
            if out is None:
                out = np.empty((count, block.shape[1]), dtype=np.float32)
            out[done : done + len(rows)] = block
            done += len(rows)
    return out if out is not None else np.empty((0, 0), dtype=np.float32)


def _as_array(value: Any) -> Any:
    """pgvector's loaders give numpy arrays for text and Vector objects for binary rows."""
    return value.to_numpy() if hasattr(value, "to_numpy") else np.asarray(value)
