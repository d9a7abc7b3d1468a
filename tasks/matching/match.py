"""Decide whether a new claim repeats or contradicts an earlier one, and say why.

Two claims are the same claim when their frames (content words without numbers, negation and
attribution; see tasks.claims.frames) agree: rapidfuzz's token-set similarity is high, the shorter
frame is mostly inside the longer one, and no content word was swapped for another (a swapped
subject, "bridge" for "tunnel", makes another claim). Same claim with equal quantities and polarity
is a repeat; with a different number, year, date or polarity it is a contradiction. Pairs that share
wording but fail the frame test are `related`: shown to reviewers, never flagged."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

from rapidfuzz import fuzz, process

from schemas.records import MatchDecision, Polarity, Quantity
from tasks.claims.frames import (
    MIN_CLAUSE_TOKENS,
    Clause,
    entity_stems,
    negation_cues,
    split_clauses,
    stem,
)
from tasks.claims.quantities import same_amount

METHOD = "frame-terms-rapidfuzz-v2"
MIN_BEYOND_NAMES = 2
MIN_VARIANT_LENGTH = 5


class Comparable(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def frame(self) -> str: ...
    @property
    def speaker(self) -> str | None: ...
    @property
    def quantities(self) -> tuple[Quantity, ...]: ...
    @property
    def polarity(self) -> Polarity: ...


C = TypeVar("C", bound=Comparable)


@dataclass(frozen=True)
class MatchParams:
    suggest_threshold: float = 0.72
    related_threshold: float = 0.55
    min_words: int = 3
    quantity_tolerance: float = 0.05
    min_coverage: float = 0.75  # share of the shorter frame found in the longer one
    words_per_substitution: int = 5  # one swapped word tolerated per this many shared words
    semantic_threshold: float = 0.8  # embedding cosine at which differently worded claims match
    parse_model: str = "none"  # spaCy pipeline that tells a swapped noun from a swapped verb
    # how alike two words are in meaning (from the embedding model, semantic layer on)
    word_similarity: Callable[[str, str], float] | None = None


@dataclass(frozen=True)
class FrameComparison:
    similarity: float
    shared: tuple[str, ...]
    only_new: tuple[str, ...]
    only_old: tuple[str, ...]
    coverage: float

    @property
    def substitutions(self) -> int:
        return min(len(self.only_new), len(self.only_old))

    @property
    def balance(self) -> float:
        """Share of the longer side's words that the two share: 1.0 for the same wording."""
        longest = max(len(self.shared) + len(self.only_new), len(self.shared) + len(self.only_old))
        return len(self.shared) / longest if longest else 0.0


def _spelling_variant(token: str, others: Sequence[str]) -> str | None:
    """The one of `others` (all long enough) that is a spelling variant of this longer word
    ("goverment", "government"); None when there is none."""
    if len(token) < MIN_VARIANT_LENGTH or not others:
        return None
    found = process.extractOne(token, others, scorer=fuzz.ratio, score_cutoff=88)
    return others[found[2]] if found else None


def compare_frames(new_frame: str, old_frame: str) -> FrameComparison:
    """Token overlap of two frames (fuzzy per token) and rapidfuzz's token-set similarity."""
    return compare_tokens(new_frame.split(), old_frame.split())


def compare_tokens(new: Sequence[str], old: Sequence[str]) -> FrameComparison:
    new_tokens = list(dict.fromkeys(new))
    old_tokens = list(dict.fromkeys(old))
    exact = set(new_tokens) & set(old_tokens)
    unmatched_old = [t for t in old_tokens if t not in exact]
    variants = [t for t in unmatched_old if len(t) >= MIN_VARIANT_LENGTH]
    shared, only_new = [], []
    for token in new_tokens:
        if token in exact:
            shared.append(token)
            continue
        partner = _spelling_variant(token, variants)
        if partner is None:
            only_new.append(token)
        else:
            unmatched_old.remove(partner)
            variants.remove(partner)
            shared.append(token)
    smaller = min(len(new_tokens), len(old_tokens)) or 1
    similarity = fuzz.token_set_ratio(" ".join(new_tokens), " ".join(old_tokens)) / 100.0
    return FrameComparison(
        similarity, tuple(shared), tuple(only_new), tuple(unmatched_old), len(shared) / smaller
    )


def _groups(quantities: Sequence[Quantity]) -> dict[tuple[str, str], list[Quantity]]:
    groups: dict[tuple[str, str], list[Quantity]] = {}
    for q in quantities:
        if q.kind == "date":
            year = Quantity("year", float(int(q.value) // 10000), "year", q.surface)
            groups.setdefault(("year", "year"), []).append(year)
        groups.setdefault((q.kind, q.unit), []).append(q)
    return groups


def compare_quantities(
    new: Sequence[Quantity], old: Sequence[Quantity], tolerance: float
) -> tuple[list[str], list[str]]:
    """(equal parts, differing parts) for quantities of the same kind and unit on both sides."""
    equal: list[str] = []
    differing: list[str] = []
    old_groups = _groups(old)
    for key, new_items in _groups(new).items():
        old_items = old_groups.get(key)
        if not old_items:
            continue
        unmatched_old = list(old_items)
        unmatched_new = []
        for item in new_items:
            partner = next((o for o in unmatched_old if same_amount(item, o, tolerance)), None)
            if partner is None:
                unmatched_new.append(item)
            else:
                unmatched_old.remove(partner)
                if item.surface != partner.surface:
                    equal.append(f"{item.surface} = {partner.surface}")
                else:
                    equal.append(item.surface)
        if unmatched_new and unmatched_old:
            label = {"year": "year", "date": "date"}.get(key[0], "number")
            differing.append(
                f"{label} differs: {unmatched_new[0].surface} vs {unmatched_old[0].surface}"
            )
    # a date group and its derived year group can report the same difference twice
    return list(dict.fromkeys(equal)), _dedupe_years(differing)


def _dedupe_years(differing: list[str]) -> list[str]:
    dates = [d for d in differing if d.startswith("date differs")]
    if not dates:
        return differing
    return [d for d in differing if not d.startswith("year differs")]


def is_matchable(claim: Comparable, min_words: int) -> bool:
    """Guard against very short texts: content words plus quantities must reach min_words."""
    return len(set(claim.frame.split())) + len(claim.quantities) >= min_words


@dataclass(frozen=True)
class Alignment:
    """The parts of two claims that state the same thing: whole sentences or one clause each."""

    frames: FrameComparison
    new: Clause
    old: Clause

    @property
    def strength(self) -> tuple[float, int]:
        return (self.frames.similarity * self.frames.coverage, len(self.frames.shared))


def _whole(claim: Comparable, focus: Clause | None = None) -> Clause:
    polarity = focus.polarity if focus else claim.polarity
    text = focus.text if focus else claim.text
    return Clause(tuple(claim.frame.split()), claim.quantities, polarity, text)


def _is_same_frame(
    frames: FrameComparison,
    params: MatchParams,
    min_shared: int,
    shared_slots: int,
    names: frozenset[str],
) -> bool:
    """Similar, mostly overlapping, no swapped subject, and enough in common: shared words plus
    quantity slots (kinds of quantity both sides state) must reach min_shared, and at least two
    of them must be more than names (a predicate, a common noun or a quantity)."""
    allowed_swaps = len(frames.shared) // params.words_per_substitution
    beyond_names = sum(1 for token in frames.shared if token not in names) + shared_slots
    return (
        frames.similarity >= params.suggest_threshold
        and frames.coverage >= params.min_coverage
        and frames.substitutions <= allowed_swaps
        and len(frames.shared) + shared_slots >= min_shared
        and beyond_names >= MIN_BEYOND_NAMES
    )


def shared_slots(a: Sequence[Quantity], b: Sequence[Quantity]) -> int:
    return len({(q.kind, q.unit) for q in a} & {(q.kind, q.unit) for q in b})


def best_alignment(new: Comparable, old: Comparable, params: MatchParams) -> Alignment | None:
    """The strongest same-frame alignment of one clause of each claim; failing that, of the
    whole sentences, judged for polarity by the clauses that carry the shared words."""
    names = entity_stems(new.text) | entity_stems(old.text)
    frames = compare_frames(new.frame, old.frame)
    slots = shared_slots(new.quantities, old.quantities)
    # clauses share no more than their sentences do: too little in common, no clause can align
    if len(frames.shared) + slots >= MIN_CLAUSE_TOKENS:
        new_clauses = split_clauses(new.text, new.quantities, new.speaker)
        old_clauses = split_clauses(old.text, old.quantities, old.speaker)
        if len(new_clauses) > 1 or len(old_clauses) > 1:
            pairs = [
                Alignment(compare_tokens(a.tokens, b.tokens), a, b)
                for a in new_clauses
                for b in old_clauses
                if a.has_predicate and b.has_predicate and _may_align(a, b)
            ]
            passing = [
                a
                for a in pairs
                if _is_same_frame(
                    a.frames,
                    params,
                    MIN_CLAUSE_TOKENS,
                    shared_slots(a.new.quantities, a.old.quantities),
                    names,
                )
            ]
            if passing:
                return max(passing, key=lambda a: a.strength)
    if not _is_same_frame(frames, params, max(1, params.min_words - 1), slots, names):
        return None
    new_clauses = split_clauses(new.text, new.quantities, new.speaker)
    old_clauses = split_clauses(old.text, old.quantities, old.speaker)
    shared = set(frames.shared)
    return Alignment(
        frames, _whole(new, _focus(new_clauses, shared)), _whole(old, _focus(old_clauses, shared))
    )


def _may_align(a: Clause, b: Clause) -> bool:
    """A cheap necessary condition for two clauses to share MIN_CLAUSE_TOKENS words and
    quantity kinds: all but one of them shared exactly (one may be a spelling variant)."""
    exact = len(set(a.tokens) & set(b.tokens))
    return exact + shared_slots(a.quantities, b.quantities) >= MIN_CLAUSE_TOKENS - 1


def _focus(clauses: Sequence[Clause], shared: set[str]) -> Clause | None:
    """The clause that holds most of the shared words."""
    return max(clauses, key=lambda c: len(shared & set(c.tokens)), default=None)


def decide(
    new: Comparable, old: Comparable, params: MatchParams, meaning: float | None = None
) -> MatchDecision | None:
    """Repeat, contradiction, related, or None when the two claims have little in common.
    `meaning` is the cosine similarity of the two claims' embeddings, when the semantic layer
    is on: differently worded claims that mean the same are then the same claim."""
    if not (is_matchable(new, params.min_words) and is_matchable(old, params.min_words)):
        return None
    alignment = best_alignment(new, old, params)
    if alignment is not None and _swapped_nouns(alignment.frames, new, old, params):
        alignment = None  # "the ferry" / "the railway": another subject, another claim
    lexical_score = _score(alignment.frames) if alignment else 0.0
    if alignment is None or lexical_score < params.suggest_threshold:
        whole = compare_frames(new.frame, old.frame)  # what the rules below look at
        by_meaning = _same_meaning(new, old, whole, meaning, params)
        if by_meaning or (alignment is None and _only_direction_swapped(whole)):
            # the words alone did not make them one claim; their meaning does, or they are the
            # same words but for "rose" / "fell"
            alignment = Alignment(whole, _whole(new), _whole(old))
        if alignment is None:
            return _related(whole, params)
    else:
        by_meaning = False
    frames = alignment.frames
    equal, differing = compare_quantities(
        alignment.new.quantities, alignment.old.quantities, params.quantity_tolerance
    )
    counted = _counted_differently(alignment.new.quantities, alignment.old.quantities, params)
    if counted is None:  # "420 beds" / "420 nurses": other things counted, another claim
        return _related(frames, params)
    differing += counted
    differing += direction_differs(alignment.new.text, alignment.old.text)
    if not differing and update_cue(new.text):
        differing += _changed_from(alignment.new.quantities, alignment.old.quantities, params)
    if alignment.new.polarity != alignment.old.polarity:
        negated_new = alignment.new.polarity == "negative"
        cues = negation_cues(alignment.new.text if negated_new else alignment.old.text)
        which = "new claim" if negated_new else "earlier claim"
        differing.append(f"polarity differs: {which} negated ({', '.join(cues) or 'negation'})")
    score = round(meaning, 4) if by_meaning and meaning is not None else _score(frames)
    if score < params.suggest_threshold:
        # the same words, but one side says much more: a short piece inside a longer claim
        return _related(frames, params)
    matched = (*frames.shared, *equal)
    if differing:
        how = f" (same meaning in other words, similarity {score:.2f})" if by_meaning else ""
        cue = update_cue(new.text)
        if cue is not None:  # the later text says the figure changed: not a contradiction
            return MatchDecision(
                "update",
                score,
                f"updated ({cue!r}){how}: " + "; ".join(differing),
                matched,
                tuple(differing),
            )
        return MatchDecision(
            "contradiction",
            score,
            "same claim" + how + ", " + "; ".join(differing),
            matched,
            tuple(differing),
        )
    detail = f"same numbers: {', '.join(equal)}" if equal else "reworded"
    if by_meaning:
        detail += f"; same meaning in other words (similarity {score:.2f})"
    return MatchDecision("repeat", score, f"same claim, {detail}", matched, ())


# words by which a later text says that a figure changed since the earlier one
_UPDATE_CUE = re.compile(
    r"\b(?:now|revised|(?:up|down) from|(?:was|were|has been|have been) (?:raised|lowered|"
    r"increased|reduced|cut|revised|updated|changed|pushed back|brought forward|delayed|"
    r"postponed)|(?:a \w+|\w+ (?:years?|months?|weeks?)) (?:later|earlier) than (?:planned|"
    r"expected|scheduled)|no longer|previously|originally|initially)\b",
    re.IGNORECASE,
)


def _changed_from(
    new: Sequence[Quantity], old: Sequence[Quantity], params: MatchParams
) -> list[str]:
    """'now 4.8%, down from 5.2%' against '5.2%': the old figure restated as the past, and a new
    one of the same kind beside it."""
    changed = []
    for quantity in new:
        if any(same_amount(quantity, o, params.quantity_tolerance) for o in old):
            continue
        earlier = next(
            (
                o
                for o in old
                if (o.kind, o.unit) == (quantity.kind, quantity.unit)
                and any(same_amount(n, o, params.quantity_tolerance) for n in new)
            ),
            None,
        )
        if earlier is not None:
            changed.append(f"changed: {quantity.surface} (was {earlier.surface})")
    return changed


def update_cue(text: str) -> str | None:
    """The words by which a claim says that it updates an earlier figure, if any."""
    found = _UPDATE_CUE.search(text)
    return found[0] if found else None


# Pairs of opposite outcomes: a claim with a word from one side and another claim with a word
# from the other side (and neither with both) say opposite things about the same subject.
_OPPOSITES: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    (
        "direction",
        frozenset(
            "rise rises rising rose risen increase increases increasing increased grow grows "
            "growing grew grown climb climbs climbed jump jumps jumped soar soars soared gain "
            "gains gained up higher more".split()
        ),
        frozenset(
            "fall falls falling fell fallen decrease decreases decreasing decreased shrink "
            "shrinks shrank shrunk drop drops dropped decline declines declined plunge plunges "
            "plunged slump slumps slumped down lower less fewer".split()
        ),
    ),
    (
        "outcome",
        frozenset(
            "approve approves approved pass passes passed adopt adopts adopted accept accepts "
            "accepted endorse endorses endorsed".split()
        ),
        frozenset(
            "reject rejects rejected veto vetoes vetoed block blocks blocked defeat defeats "
            "defeated refuse refuses refused".split()
        ),
    ),
    ("result", frozenset("win wins won".split()), frozenset("lose loses lost".split())),
    (
        "permission",
        frozenset("allow allows allowed permit permits permitted legalise legalised".split()),
        frozenset("ban bans banned forbid forbids forbade prohibit prohibits prohibited".split()),
    ),
    (
        "status",
        frozenset("open opens opened reopen reopens reopened".split()),
        frozenset("close closes closed shut shuts".split()),
    ),
)
_WORDS = re.compile(r"[a-z]+")
_OPPOSITE_STEMS = tuple(
    (frozenset(stem(w) for w in one), frozenset(stem(w) for w in other))
    for _, one, other in _OPPOSITES
)


def _only_direction_swapped(frames: FrameComparison) -> bool:
    """The same words but for one opposite pair ("rose" / "fell", "approved" / "rejected")."""
    if not (len(frames.only_new) == len(frames.only_old) == 1) or len(frames.shared) < 2:
        return False
    pair = {frames.only_new[0], frames.only_old[0]}
    return any(pair & one and pair & other for one, other in _OPPOSITE_STEMS)


def direction_differs(new_text: str, old_text: str) -> list[str]:
    """'direction differs: rose vs fell', 'outcome differs: rejected vs approved': one claim
    says one of two opposite things and the other claim the other (neither says both)."""
    new_words = _WORDS.findall(new_text.lower())
    old_words = _WORDS.findall(old_text.lower())
    found = []
    for name, one, other in _OPPOSITES:
        new_side, old_side = _side(new_words, one, other), _side(old_words, one, other)
        if new_side[0] and old_side[0] and new_side[0] != old_side[0]:
            found.append(f"{name} differs: {new_side[1]} vs {old_side[1]}")
    return found


def _side(words: Sequence[str], one: frozenset[str], other: frozenset[str]) -> tuple[int, str]:
    first = next((w for w in words if w in one), None)
    second = next((w for w in words if w in other), None)
    if (first is None) == (second is None):
        return (0, "")
    return (1, first or "") if first else (2, second or "")


def _counted_differently(
    new: Sequence[Quantity], old: Sequence[Quantity], params: MatchParams
) -> list[str] | None:
    """With word meanings at hand (semantic layer on), counts of different nouns: None when the
    nouns mean other things ("beds" / "nurses"), the differing amounts when they mean the same
    thing ("4,000 people" / "2,500 workers"), else nothing to add."""
    similar = params.word_similarity
    new_counts = [q for q in new if q.kind == "count"]
    old_counts = [q for q in old if q.kind == "count"]
    if similar is None or len(new_counts) != 1 or len(old_counts) != 1:
        return []
    a, b = new_counts[0], old_counts[0]
    if a.unit == b.unit:
        return []
    if similar(_counted_words(a), _counted_words(b)) < SAME_THING_COUNTED:
        return None
    if math.isclose(a.value, b.value, rel_tol=params.quantity_tolerance):
        return []
    return [f"number differs: {a.surface} vs {b.surface}"]


SAME_THING_COUNTED = 0.5  # word similarity of two counted nouns that name the same thing


def _counted_words(count: Quantity) -> str:
    """The counted noun as written ("workers" in "2,500 workers"): plurals embed as people
    read them, better than the stored singular."""
    words = [w for w in count.surface.split() if not any(c.isdigit() for c in w)]
    return " ".join(words) or count.unit


def _score(frames: FrameComparison) -> float:
    return round(frames.similarity * (0.5 + 0.5 * frames.balance), 4)


def _same_meaning(
    new: Comparable,
    old: Comparable,
    frames: FrameComparison,
    meaning: float | None,
    params: MatchParams,
) -> bool:
    """Embeddings say the two claims mean the same, and the frame rules do not object: no name
    on each side that the other lacks ("Smith" / "Jones"), and not the same sentence with one
    word swapped ("the ferry" / "the railway"), which the word rules have already judged."""
    if meaning is None or meaning < params.semantic_threshold:
        return False
    new_names, old_names = entity_stems(new.text), entity_stems(old.text)
    if new_names - old_names and old_names - new_names:
        return False
    if frames.similarity < SWAP_SIMILARITY:
        return True
    tags = _swapped_tags(frames, new, old, params)
    if tags is None:
        return True
    # the same sentence with a word or two swapped: another verb may say the same thing ("went
    # up" / "increased"); another noun is another subject or object ("the ferry" / "the railway")
    return not all(tag in _NAMING for tag in tags)


def _swapped_nouns(
    frames: FrameComparison, new: Comparable, old: Comparable, params: MatchParams
) -> bool:
    """A word or two swapped on each side, all nouns (told by the parser, when one is set)."""
    tags = _swapped_tags(frames, new, old, params)
    return tags is not None and all(tag in ("NOUN", "PROPN") for tag in tags)


def _swapped_tags(
    frames: FrameComparison, new: Comparable, old: Comparable, params: MatchParams
) -> tuple[str | None, ...] | None:
    """When one or two words on each side are swapped for one or two others ("the mine" / "the
    power station"), the parts of speech of the swapped words (None for one the parser cannot
    tell, or with no parser set); None when it is not such a swap."""
    sizes = (len(frames.only_new), len(frames.only_old))
    if not all(1 <= size <= MAX_SWAP_WORDS for size in sizes):
        return None
    return tuple(
        [_part_of_speech(new.text, word, params.parse_model) for word in frames.only_new]
        + [_part_of_speech(old.text, word, params.parse_model) for word in frames.only_old]
    )


MAX_SWAP_WORDS = 2


SWAP_SIMILARITY = 0.6
_NAMING = frozenset(("NOUN", "PROPN", None))  # None: cannot tell, so assume a noun


def _part_of_speech(text: str, stemmed: str, model: str) -> str | None:
    """The part of speech of the word in `text` whose stem is `stemmed` (None when unknown)."""
    for word, tag in _tagged(model, text):
        if stem(word.lower()) == stemmed:
            return tag
    return None


@lru_cache(maxsize=4096)
def _tagged(model: str, text: str) -> tuple[tuple[str, str], ...]:
    """Each word of `text` with its part of speech by the spaCy pipeline `model` ("none": no
    words, so no part of speech is known)."""
    from tasks.claims.syntax import load_pipeline

    pipeline = load_pipeline(model)
    if pipeline is None:
        return ()
    # parts of speech need only the tagging components: without the parser and the entity
    # recogniser a text is tagged the same, 2.7 times faster (2.75 ms against 7.3 ms here)
    skipped = [name for name in pipeline.pipe_names if name not in _TAGGING_COMPONENTS]
    return tuple((token.text, token.pos_) for token in pipeline(text, disable=skipped))


_TAGGING_COMPONENTS = frozenset(
    ("tok2vec", "transformer", "tagger", "morphologizer", "attribute_ruler")
)


def judge(
    new: Comparable,
    candidates: Sequence[C],
    params: MatchParams,
    meaning: Sequence[float | None] | None = None,
) -> list[tuple[C, MatchDecision]]:
    """The candidates the matcher decided something about, with its decisions, in order;
    `meaning` holds each candidate's embedding similarity (semantic layer on), in order."""
    similarity = list(meaning) if meaning is not None else [None] * len(candidates)
    decided = [(c, decide(new, c, params, m)) for c, m in zip(candidates, similarity, strict=True)]
    return [(c, d) for c, d in decided if d is not None]


def _related(frames: FrameComparison, params: MatchParams) -> MatchDecision | None:
    if frames.similarity < params.related_threshold or len(frames.shared) < 2:
        return None
    swaps = tuple(f"{a} vs {b}" for a, b in zip(frames.only_new, frames.only_old, strict=False))
    return MatchDecision(
        "related",
        round(frames.similarity * frames.coverage, 4),
        "shares wording but not the same claim"
        + (f" (differs: {'; '.join(swaps)})" if swaps else ""),
        frames.shared,
        swaps,
    )
