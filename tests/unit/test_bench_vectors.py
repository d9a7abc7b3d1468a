"""The matching bench's drawn vectors sit where real rewordings of their base sentence sit."""

import hashlib

import numpy as np

from tasks.claims.frames import claim_core
from tasks.evaluation.bench_vectors import corpus_vectors, exact_nearest


class HashEmbedder:
    """A stand-in model: each text's vector is seeded by its hash, so equal texts are equal."""

    dimensions = 16
    name = "hash"

    def embed(self, texts):
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
            v = np.random.default_rng(seed).standard_normal(self.dimensions)
            rows.append(v / np.linalg.norm(v))
        return np.array(rows, dtype=np.float32)


def test_variants_get_unit_vectors_at_measured_cosines_from_their_base():
    base = [f"base sentence number {n} about the port" for n in range(5)]
    rows = base + [f"{base[n % 5]} again {n}" for n in range(5, 105)]
    made = corpus_vectors(HashEmbedder(), rows, 5, say=lambda _m: None)
    assert (made.embedded, made.drawn) == (5, 100)
    assert np.allclose(np.linalg.norm(made.vectors, axis=1), 1.0, atol=1e-4)
    real = HashEmbedder().embed([claim_core(r) for r in rows[5:]])  # as the bench embeds
    measured = set(np.round(np.einsum("ij,ij->i", real, made.vectors[np.arange(5, 105) % 5]), 3))
    drawn = np.einsum("ij,ij->i", made.vectors[5:], made.vectors[np.arange(5, 105) % 5])
    assert set(np.round(drawn, 3)) <= measured  # every drawn cosine is one a real variant had
    assert np.allclose(made.vectors[:5], HashEmbedder().embed([claim_core(b) for b in base]))


def test_exact_nearest_ranks_every_row_by_cosine():
    vectors = HashEmbedder().embed([f"row {n}" for n in range(50)])
    rows, similarities = exact_nearest(vectors, vectors[7], 3)
    assert rows[0] == 7 and similarities[0] > 0.999
    assert similarities == sorted(similarities, reverse=True)
    assert similarities[2] >= max(np.delete(vectors @ vectors[7], rows))
