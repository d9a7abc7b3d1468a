"""Hand-written pairs for each kind of repeat and contradiction; property tests of the scorer."""

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.records import Quantity
from tasks.claims.frames import build_frame, polarity_of
from tasks.claims.quantities import extract_quantities
from tasks.matching.match import MatchParams, compare_frames, decide

PARAMS = MatchParams()


@dataclass
class Claim:
    text: str
    speaker: str | None = None
    quantities: tuple[Quantity, ...] = field(init=False)
    frame: str = field(init=False)
    polarity: str = field(init=False)

    def __post_init__(self):
        self.quantities = extract_quantities(self.text)
        self.frame = build_frame(self.text, self.quantities, self.speaker)
        self.polarity = polarity_of(self.text)


def kind_of(earlier: str, later: str):
    decision = decide(Claim(later), Claim(earlier), PARAMS)
    return decision.kind if decision else None


REPEATS = [
    (
        "Patrol boats sailed 20 km from the coast, the admiral said.",
        "Patrol boats sailed just twelve miles from the coast.",
    ),  # units and words
    (
        "Inflation in the eurozone rose to 2.9% in October.",
        "Eurozone inflation climbed to 2.9 percent in October, figures show.",
    ),  # percent forms
    (
        "The museum will cost $120 million, the council said.",
        "According to the council, the museum will cost $120 million.",
    ),  # attribution moved
    (
        "Wildfires burned 12,000 hectares of pine forest last summer.",
        "Last summer wildfires burned about 29,650 acres of pine forest.",
    ),  # area conversion
    (
        "The ferry carried 1.2 million passengers last year.",
        "Last year the ferry carried 1.2 million passengers, the port said.",
    ),
]
CONTRADICTIONS = [
    (
        "Patrol boats sailed 20 km from the coast.",
        "Patrol boats sailed 200 km from the coast.",
        "number differs: 200 km vs 20 km",
    ),
    (
        "The museum will cost $120 million, the council said.",
        "The museum will cost $210 million, according to auditors.",
        "number differs: $210 million vs $120 million",
    ),
    (
        "Inflation in the eurozone rose to 2.9% in October.",
        "Inflation in the eurozone rose to 3.4% in October.",
        "number differs: 3.4% vs 2.9%",
    ),
    (
        "The abbey was founded in 1132 by monks.",
        "Monks founded the abbey in 1152.",
        "year differs: 1152 vs 1132",
    ),
    (
        "The treaty was signed on May 4, 1990, in Geneva.",
        "The treaty was signed on May 14, 1990, in Geneva.",
        "date differs",
    ),
    (
        "The plant does not discharge waste into the river.",
        "The plant discharges waste into the river, inspectors said.",
        "polarity differs",
    ),
    (
        "The senator voted for the bill.",
        "The senator never voted for the bill.",
        "polarity differs",
    ),
]
DIFFERENT_SUBJECTS = [
    ("The bridge is 2 km long.", "The tunnel is 3 km long."),
    (
        "The new bridge over the estuary will be 2 km long.",
        "The new tunnel under the estuary will be 3 km long.",
    ),
    ("Unemployment rose to 6.1% in February.", "Inflation rose to 6.1% in February."),
    (
        "The dam was completed in 1967 and holds 18 billion litres.",
        "The tunnel was completed in 1991 and is 4 km long.",
    ),
    # sharing only names, or an appositive, is not stating the same thing
    (
        "President Ana Ruiz, according to her office, made an unscheduled trip to the hospital.",
        "President Ana Ruiz has been eager to withdraw, but General Tomas Berg disagrees.",
    ),
    (
        "Lea Moss, the former special envoy to Norway, testified on Tuesday about the deal.",
        "Another diplomat, former special envoy to Norway Lea Moss, changed her account of it.",
    ),
    (
        "I was not on the July 25 phone call between President Ruiz and President Berg.",
        "The envoy will face questions about the July 25 call in which Ruiz asked President Berg "
        "for help while military aid was being held back.",
    ),
]


@pytest.mark.parametrize(("earlier", "later"), REPEATS)
def test_repeats(earlier, later):
    assert kind_of(earlier, later) == "repeat"


@pytest.mark.parametrize(("earlier", "later", "reason"), CONTRADICTIONS)
def test_contradictions_say_what_differs(earlier, later, reason):
    decision = decide(Claim(later), Claim(earlier), PARAMS)
    assert decision is not None and decision.kind == "contradiction"
    assert reason in decision.reason
    assert decision.differing_parts


@pytest.mark.parametrize(("earlier", "later"), DIFFERENT_SUBJECTS)
def test_different_subjects_are_never_flagged(earlier, later):
    assert kind_of(earlier, later) in (None, "related")


def test_short_texts_are_not_matched():
    assert kind_of("Prices rose.", "Prices rose.") is None


def test_contradiction_in_one_clause_of_a_longer_sentence():
    earlier = (
        "“The stadium will cost $450 million, and every cent is budgeted,” Mayor Ana Ruiz said."
    )
    later = "The stadium will cost $540 million, officials said on Thursday, after a design review."
    decision = decide(Claim(later), Claim(earlier), PARAMS)
    assert decision is not None and decision.kind == "contradiction"
    assert "$540 million vs $450 million" in decision.reason


WORDS = st.lists(
    st.sampled_from(
        [
            "bridge",
            "tunnel",
            "cost",
            "council",
            "river",
            "mayor",
            "budget",
            "ferry",
            "harbour",
            "price",
            "school",
            "hospital",
            "road",
        ]
    ),
    min_size=1,
    max_size=8,
).map(" ".join)


@given(WORDS, WORDS)
@settings(max_examples=200)
def test_frame_scores_are_bounded_and_symmetric_where_they_should_be(a, b):
    ab, ba = compare_frames(a, b), compare_frames(b, a)
    assert 0.0 <= ab.similarity <= 1.0 and 0.0 <= ab.coverage <= 1.0
    assert ab.similarity == ba.similarity
    assert set(ab.shared) == set(ba.shared) and ab.coverage == ba.coverage


@given(WORDS)
def test_identity_scores_one(a):
    same = compare_frames(a, a)
    assert same.similarity == 1.0 and same.coverage == 1.0 and same.substitutions == 0


@given(st.text(max_size=200), st.text(max_size=200))
@settings(max_examples=150)
def test_decide_never_crashes_and_scores_stay_in_bounds(a, b):
    decision = decide(Claim(a), Claim(b), PARAMS)
    if decision is not None:
        assert 0.0 <= decision.score <= 1.0
        assert decision.kind in ("repeat", "contradiction", "related")


SHORT_WORDS = st.lists(
    st.sampled_from("dam sea tax oil gas war law pay job fee rent vote road rail port".split()),
    min_size=1,
    max_size=8,
).map(" ".join)


@given(SHORT_WORDS, SHORT_WORDS)
@settings(max_examples=200)
def test_frame_overlap_matches_a_naive_set_reference(a, b):
    # words under five letters are compared exactly, so the overlap is plain set arithmetic
    result = compare_frames(a, b)
    set_a, set_b = set(a.split()), set(b.split())
    assert set(result.shared) == set_a & set_b
    assert set(result.only_new) == set_a - set_b and set(result.only_old) == set_b - set_a
    assert result.coverage == len(set_a & set_b) / min(len(set_a), len(set_b))
    assert result.balance == len(set_a & set_b) / max(len(set_a), len(set_b))


@given(WORDS, WORDS, WORDS)
@settings(max_examples=100)
def test_adding_common_words_never_shrinks_the_overlap(a, b, common):
    base = compare_frames(a, b)
    joined = compare_frames(f"{a} {common}", f"{b} {common}")
    assert len(joined.shared) >= len(base.shared)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (
            "Construction of the Harlow bridge is scheduled to begin in 2025.",
            "Construction of the Harlow bridge is now scheduled to begin in 2026.",
        ),
        (
            "The Aldane tram extension will open in 2027.",
            "The Aldane tram extension will open in 2029, two years later than planned.",
        ),
        (
            "The Kestrel ferry runs four crossings a day.",
            "The Kestrel ferry no longer runs four crossings a day.",
        ),
    ],
)
def test_a_later_text_that_says_the_figure_changed_is_an_update(earlier, later):
    decision = decide(Claim(later), Claim(earlier), PARAMS)
    assert decision is not None and decision.kind == "update", decision
    assert decision.differing_parts  # both values are shown


def test_a_figure_that_rose_does_not_repeat_one_that_fell():
    assert (
        kind_of(
            "Crime in Eastmarch fell by 8% last year.", "Crime in Eastmarch rose by 8% last year."
        )
        == "contradiction"
    )


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (
            "The council approved the Harlow stadium plan on Tuesday.",
            "The council rejected the Harlow stadium plan on Tuesday.",
        ),
        ("Smith won the Harlow by-election in May.", "Smith lost the Harlow by-election in May."),
        (
            "The Kestrel ferry terminal opened on Monday.",
            "The Kestrel ferry terminal closed on Monday.",
        ),
    ],
)
def test_opposite_outcomes_are_contradictions(earlier, later):
    decision = decide(Claim(later), Claim(earlier), PARAMS)
    assert decision is not None and decision.kind == "contradiction", decision
    assert "differs" in decision.reason
