import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tasks.claims.quantities import extract_quantities, same_amount, spell_out_numbers


def only(sentence: str):
    found = extract_quantities(sentence)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "sentence",
    [
        "The convoy stopped 20 km from the checkpoint.",
        "The convoy stopped 20 kilometres from the checkpoint.",
        "The convoy stopped twenty kilometers from the checkpoint.",
        "The convoy stopped 12.43 miles from the checkpoint.",
    ],
)
def test_lengths_in_any_unit_normalise_to_metres(sentence):
    quantity = only(sentence)
    assert quantity.kind == "length" and quantity.unit == "m"
    assert math.isclose(quantity.value, 20_000, rel_tol=0.001)


def test_percent_forms_are_equal():
    a, b = only("Prices rose 3.8 percent."), only("Prices rose 3.8%.")
    assert (a.kind, a.unit, a.value) == (b.kind, b.unit, b.value) == ("percent", "%", 3.8)


def test_percentage_points_are_not_percent():
    assert only("The rate fell 0.5 percentage points.").unit == "pp"


def test_money_with_scale_words():
    quantity = only("The stadium will cost $450 million.")
    assert (quantity.kind, quantity.unit, quantity.value) == ("money", "USD", 450e6)
    assert only("The plan costs €2.5bn.").value == 2.5e9
    assert only("It raised 3 billion dollars.").value == 3e9


def test_area_conversion_hectares_to_acres():
    hectares, acres = extract_quantities("Fire burned 12,000 hectares, about 29,650 acres.")
    assert hectares.kind == acres.kind == "area"
    assert same_amount(hectares, acres, tolerance=0.01)


def test_years_dates_and_counts():
    found = extract_quantities("On March 3, 2021, 5,000 troops crossed; the war began in 2014.")
    kinds = [(q.kind, q.unit) for q in found]
    assert kinds == [("date", "day"), ("count", "troop"), ("year", "year")]


def test_thousands_separator_is_one_number():
    assert only("About 240,000 households were affected.").value == 240_000


def test_day_without_year_is_not_a_number():
    assert extract_quantities("MADRID, July 20 (Wire) - Talks ended.") == ()


def test_same_unit_must_match_exactly_but_conversions_get_tolerance():
    assert not same_amount(only("It is 20 km away."), only("It is 20.5 km away."), 0.05)
    assert same_amount(only("It is 20 km away."), only("It is 12 miles away."), 0.05)
    assert not same_amount(only("It is 20 km away."), only("It is 200 km away."), 0.05)


def test_spell_out_keeps_scale_after_digits_and_lone_one():
    assert spell_out_numbers("$450 million") == "$450 million"
    assert spell_out_numbers("one of the twenty-five") == "one of the 25"


UNITS = [("km", 1000.0), ("miles", 1609.344), ("metres", 1.0), ("feet", 0.3048)]


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(UNITS), st.sampled_from(UNITS))
def test_conversions_round_trip(amount, unit_a, unit_b):
    a = only(f"It stands {amount} {unit_a[0]} from here.")
    converted = a.value / unit_b[1]
    b = only(f"It stands {converted:.12f} {unit_b[0]} from here.")
    assert same_amount(a, b, tolerance=1e-4)


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.sampled_from(["km", "miles", "hectares", "acres", "percent", "kg"]),
)
def test_normalisation_preserves_order(x, y, unit):
    qx, qy = only(f"It was {x} {unit} then."), only(f"It was {y} {unit} then.")
    assert (x < y) == (qx.value < qy.value)


@pytest.mark.parametrize(
    "sentence",
    [
        "The S&P 500 closed higher on Monday.",
        "Phase 1 trials began last week.",
        "Article 5 of the treaty was invoked.",
        "The Boeing 737 was grounded.",
        "Covid-19 spread quickly.",
        "The FTSE 100 fell sharply.",
        "On 9/11 the towers fell.",
        "The shop is open 24/7 now.",
    ],
)
def test_names_labels_and_slashed_tokens_are_not_quantities(sentence):
    assert extract_quantities(sentence) == ()


def test_a_capitalised_word_opening_the_sentence_does_not_make_a_label():
    assert only("Only 5 people came.").value == 5
    assert only("About 240 families left.").unit == "family"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The bond rose 7/32 in price.", 7 / 32),
        ("Prices rose 2½ points.", 2.5),
        ("It was 3/4 full.", 0.75),
    ],
)
def test_fractions_are_one_number(sentence, value):
    assert math.isclose(only(sentence).value, value)


def test_mixed_numbers_with_units():
    quantity = only("The works lasted 1-1/2 years.")
    assert quantity.kind == "duration"
    assert math.isclose(quantity.value, 1.5 * 31_557_600)


@pytest.mark.parametrize(
    ("sentence", "unit"),
    [
        ("The index measures it against six major currencies.", "currency"),
        ("Officials counted 300 newly arrived refugees on Friday.", "refugee"),
        ("3 million people were vaccinated.", "people"),
        ("5,000 troops arrived.", "troop"),
    ],
)
def test_the_counted_noun_is_not_the_adjective_before_it(sentence, unit):
    assert only(sentence).unit == unit


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("It is 20 km away.", "It is 12 miles away.", True),  # 11.5-12.5 miles holds 20 km
        ("It is 20 km away.", "It is 12.4 miles away.", True),
        ("It is 20.5 km away.", "It is 12.4 miles away.", False),  # 12.35-12.45 misses 12.74
        ("It is 20 km away.", "It is 15 miles away.", False),
        ("Fire burned 12,000 hectares.", "Fire burned 29,650 acres.", True),
        ("It weighs 2 kg.", "It weighs 4.4 pounds.", True),
        ("It weighs 2.00 kg.", "It weighs 4.5 pounds.", False),
    ],
)
def test_amounts_in_other_units_compare_within_the_written_precision(first, second, same):
    assert same_amount(only(first), only(second), 0.05) is same


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("A third of voters backed the plan.", 1 / 3),
        ("Three quarters of the homes were flooded.", 0.75),
        ("Half of the residents left.", 0.5),
    ],
)
def test_fraction_words_are_numbers(sentence, value):
    assert math.isclose(only(sentence).value, value, rel_tol=1e-5)


@pytest.mark.parametrize(
    "sentence",
    ["The third quarter was weak.", "We are in the 21st century.", "The F-35 flew over."],
)
def test_ordinals_and_model_names_are_not_quantities(sentence):
    assert extract_quantities(sentence) == ()


def test_money_with_a_trillion_letter():
    assert only("Its GDP is $2.174T.").value == 2.174e12


@pytest.mark.parametrize(
    ("sentence", "kind", "value"),
    [
        ("The ridge is 12 miles from the border.", "length", 19312.128),
        ("It was 98.6 °F in the hall.", "temperature", 37.0),
        ("Prices held for 2 decades.", "duration", 631_152_000.0),  # not pint's log decade
        ("The farm covers 40 acres.", "area", 161874.256896),
        ("The tank holds 3 gallons.", "volume", 0.011356235352),
        ("The plant made 7.3 MWh in May.", "energy", 26_280_000_000.0),
        ("The march covered two and a half miles.", "length", 4023.36),
    ],
)
def test_units_convert_through_pint(sentence, kind, value):
    found = [q for q in extract_quantities(sentence) if q.kind == kind]
    assert found[0].value == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    ("earlier", "later", "same"),
    [
        ("Turnout was more than 40% in the city.", "Turnout was 43% in the city.", True),
        ("Turnout was more than 40% in the city.", "Turnout was 38% in the city.", False),
        ("Nearly 3,000 people marched.", "2,950 people marched.", True),
        ("Nearly 3,000 people marched.", "2,400 people marched.", False),
        ("Up to $5 million was spent.", "$4.2 million was spent.", True),
        ("Up to $5 million was spent.", "$7 million was spent.", False),
        ("At least 12 people died.", "More than 20 people died.", True),
    ],
)
def test_approximate_amounts_and_bounds_compare_as_people_mean_them(earlier, later, same):
    a, b = extract_quantities(earlier)[0], extract_quantities(later)[0]
    assert same_amount(b, a, 0.05) is same


@pytest.mark.parametrize(
    "text",
    [
        "The repairs cost $3-4 million, the council said.",
        "The repairs cost $3 to $4 million, the council said.",
        "The repairs cost between $3 million and $4 million.",
    ],
)
def test_a_money_range_takes_its_scale_and_currency_from_either_end(text):
    (cost,) = extract_quantities(text)
    assert (cost.kind, cost.unit, cost.bound) == ("money", "USD", "range")
    assert (cost.value, cost.upper) == (3_000_000.0, 4_000_000.0)


def test_a_range_is_not_scaled_when_its_low_end_is_already_larger():
    (cost,) = extract_quantities("Prices ran from $300 to $4 million.")
    assert (cost.value, cost.upper) == (300.0, 4_000_000.0)
    first, second = extract_quantities("Prices rose $3 and 4 million people paid.")
    assert (first.unit, second.unit) == ("USD", "people")  # "and" alone joins no range


def test_the_bound_is_kept_with_the_quantity():
    assert [q.bound for q in extract_quantities("More than 40% voted, nearly 3,000 people.")] == [
        "over",
        "about",
    ]


def test_a_range_is_one_amount_from_its_low_to_its_high_end():
    (marched,) = extract_quantities("Between 3,000 and 5,000 people marched.")
    assert (marched.bound, marched.value, marched.upper, marched.unit) == (
        "range",
        3000.0,
        5000.0,
        "people",
    )
    (took,) = extract_quantities("It took 40 to 50 minutes.")
    assert (took.value, took.upper) == (2400.0, 3000.0)  # the bare 40 takes the minutes
    inside, outside = extract_quantities("4,200 people marched, not 6,000 people.")
    assert same_amount(inside, marched, 0.05) and not same_amount(outside, marched, 0.05)
    assert len(extract_quantities("The score was 3-1 in 2019 and 2020.")) == 4  # no ranges
