"""Candidate blocking: which rare-term pairs a new claim asks the index for."""

from tasks.claims.frames import build_frame
from tasks.claims.quantities import extract_quantities
from tasks.matching.blocking import blocking_query, claim_term_keys, term_groups, term_key


def pairs_of(conjunctions: list[str]) -> set[frozenset[int]]:
    return {frozenset(int(k) for k in c.split("&")) for c in conjunctions}


def test_term_keys_are_stable_signed_32_bit_integers():
    assert term_key("bomber") == term_key("bomber") == -1060575271
    assert all(-(2**31) <= term_key(t) < 2**31 for t in ("a", "reservoir", "x" * 500))
    assert claim_term_keys([("b", "a"), ("a",)]) == sorted({term_key("a"), term_key("b")})


def test_the_rarest_known_terms_are_paired():
    group = ("common", "rare", "rarer", "unknown")
    counts = {term_key("common"): 900, term_key("rare"): 5, term_key("rarer"): 2}
    query = blocking_query([group], counts, rarest=2)
    assert query is not None
    assert pairs_of(query) == {frozenset({term_key("rare"), term_key("rarer")})}


def test_a_clause_gets_its_own_pairs_when_the_sentence_is_long():
    sentence = (
        "The council approved new budgets for libraries, museums and parks on Tuesday, "
        "and the harbour bridge will be 2.4 km long."
    )
    quantities = extract_quantities(sentence)
    frame = build_frame(sentence, quantities, None)
    groups = term_groups(sentence, frame, quantities, None)
    assert len(groups) >= 2
    bridge_clause = next(g for g in groups[1:] if "harbour" in g)
    # the bridge words are common, the council words rare: the whole sentence's rarest terms
    # are all council words, but the bridge clause still asks for its own pairs
    counts = {term_key(t): 100 for t in bridge_clause}
    counts.update({term_key(t): 3 for t in groups[0] if t not in bridge_clause})
    query = blocking_query(groups, counts, rarest=4)
    assert query is not None
    assert frozenset({term_key("harbour"), term_key("long")}) in pairs_of(query)


def test_no_query_without_two_known_terms():
    assert blocking_query([("alpha", "beta")], {term_key("alpha"): 3}, rarest=6) is None
    assert blocking_query([], {}, rarest=6) is None


def test_two_common_terms_need_a_third():
    group = ("alpha", "beta", "gamma")
    counts = {term_key("alpha"): 5000, term_key("beta"): 6000, term_key("gamma"): 7000}
    query = blocking_query([group], counts, rarest=6, pair_budget=500)
    assert query is not None
    assert pairs_of(query) == {frozenset(term_key(t) for t in group)}
    relaxed = blocking_query([group], counts, rarest=6, pair_budget=10_000)
    assert relaxed is not None and len(pairs_of(relaxed)) == 3


def test_a_rare_term_pairs_with_common_ones():
    group = ("rare", "common", "usual")
    counts = {term_key("rare"): 3, term_key("common"): 5000, term_key("usual"): 6000}
    query = blocking_query([group], counts, rarest=6, pair_budget=500, max_term_claims=10_000)
    assert query is not None
    assert pairs_of(query) == {
        frozenset({term_key("rare"), term_key("common")}),
        frozenset({term_key("rare"), term_key("usual")}),
    }


def test_very_common_terms_are_left_out_while_enough_rarer_remain():
    rare = ("rare", "scarce", "uncommon", "odd")
    counts = {term_key(t): 3 + n for n, t in enumerate(rare)}
    counts[term_key("everywhere")] = 90_000
    query = blocking_query([(*rare, "everywhere")], counts, rarest=6, max_term_claims=5000)
    assert query is not None
    assert term_key("everywhere") not in set().union(*pairs_of(query))
    # with too few rare terms left, the common one is asked for after all
    fewer = blocking_query([("rare", "everywhere")], counts, rarest=6, max_term_claims=5000)
    assert fewer is not None and len(pairs_of(fewer)) == 1
