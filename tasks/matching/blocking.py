"""Candidate blocking: which stored claims are worth comparing with a new one.

A claim is stored with the keys of its frame terms (and of its clauses' terms). A stored claim is a
candidate when it shares at least two of the new claim's rarest terms, within the whole frame or
within one clause (three when those two are both common). Rare terms are what two statements of
the same claim share and unrelated sentences do not; requiring two or three of them keeps the
candidate lists short even at a million claims, while a reworded repeat still shares most of its
rare terms. The query runs on an intarray GIN index, one query_int conjunction ("a&b", or
"a&b&c") per index scan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence

from schemas.records import Quantity
from tasks.claims.frames import split_clauses

MAX_TERM_CLAIMS = 5000  # terms held by more claims are left out while MIN_TERMS rarer remain
CLAUSE_TERMS = 4  # rarest terms asked for per clause (the whole sentence gets `rarest`)
MIN_TERMS = 4  # common terms are asked for when fewer rarer ones remain
PAIR_BUDGET = 500  # claims a pair's rarer term may have before a third shared term is asked


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
    groups: Sequence[Sequence[str]],
    claim_counts: Mapping[int, int],
    rarest: int,
    pair_budget: int = PAIR_BUDGET,
    max_term_claims: int = MAX_TERM_CLAIMS,
) -> list[str] | None:
    """query_int conjunctions ("a&b") matching claims that share two of some group's `rarest`
    terms, or three when the rarer of the two is held by more than `pair_budget` claims (a
    pair of common words selects too much). Terms held by more than `max_term_claims` claims
    are left out while MIN_TERMS rarer ones remain, and terms no stored claim has cannot select
    anything.
    None when no group has two known terms."""
    conjunctions: set[tuple[int, ...]] = set()
    for index, group in enumerate(groups):
        # a clause's words are mostly the sentence's too: fewer of them add what is missing
        limit = rarest if index == 0 else min(rarest, CLAUSE_TERMS)
        keys = {term_key(term) for term in group}
        known = sorted(
            (k for k in keys if claim_counts.get(k, 0) > 0), key=lambda k: (claim_counts[k], k)
        )
        # the index reads every posting of every term asked for: leave out the common ones
        selective = [k for k in known if claim_counts[k] <= max_term_claims]
        known = (selective if len(selective) >= MIN_TERMS else known[:MIN_TERMS])[:limit]
        for i, a in enumerate(known):
            for b in known[i + 1 :]:
                if claim_counts[a] <= pair_budget or len(known) == 2:
                    conjunctions.add(tuple(sorted((a, b))))
                else:
                    conjunctions.update(tuple(sorted((a, b, c))) for c in known if c not in (a, b))
    # a conjunction that contains another selects nothing more
    kept = [c for c in conjunctions if not any(set(o) < set(c) for o in conjunctions)]
    if not kept:
        return None
    return ["&".join(str(k) for k in c) for c in sorted(kept)]
