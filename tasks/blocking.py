"""Candidate blocking: which stored claims are worth comparing with a new one.

A claim is stored with the keys of its frame terms (and of its clauses' terms). A stored claim is a
candidate when it shares at least two of the new claim's rarest terms, within the whole frame or
within one clause. Rare terms are what two statements of the same claim share and unrelated
sentences do not; requiring two of them keeps the candidate lists short even at a million claims,
while a reworded repeat still shares most of its rare terms. The query runs on an intarray GIN
index as one boolean query_int: (a&b)|(a&c)|... over the pairs of rare terms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations

from schemas.records import Quantity
from tasks.frames import split_clauses


def term_key(term: str) -> int:
    """The first 32 bits of the term's MD5 as a signed integer, as SQL's claim_term_key()."""
    return int.from_bytes(hashlib.md5(term.encode("utf-8")).digest()[:4], "big", signed=True)


def term_groups(
    text: str, frame: str, quantities: tuple[Quantity, ...], speaker: str | None
) -> list[tuple[str, ...]]:
    """The whole frame's terms, then each clause's (when the sentence has more than one)."""
    groups = [tuple(dict.fromkeys(frame.split()))]
    clauses = split_clauses(text, quantities, speaker)
    if len(clauses) > 1:
        groups.extend(tuple(dict.fromkeys(c.tokens)) for c in clauses if len(c.tokens) >= 2)
    return groups


def claim_term_keys(groups: Iterable[Sequence[str]]) -> list[int]:
    """Sorted distinct keys of every term in the groups: what a stored claim is indexed by."""
    return sorted({term_key(term) for group in groups for term in group})


def blocking_query(
    groups: Sequence[Sequence[str]], claim_counts: Mapping[int, int], rarest: int
) -> str | None:
    """A query_int matching claims that share two of some group's `rarest` terms (terms no
    stored claim has are left out: they cannot select anything). None when no group has two."""
    pairs: set[tuple[int, ...]] = set()
    for group in groups:
        keys = {term_key(term) for term in group}
        known = sorted(
            (k for k in keys if claim_counts.get(k, 0) > 0), key=lambda k: (claim_counts[k], k)
        )
        chosen = sorted(known[:rarest])
        pairs.update(combinations(chosen, 2))
    if not pairs:
        return None
    return "|".join(f"({a}&{b})" for a, b in sorted(pairs))
