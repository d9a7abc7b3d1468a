from schemas.records import ArticleText
from tasks.claims.extract import extract_claims, score_sentence
from tasks.claims.quantities import extract_quantities


def article(*paragraphs: str) -> ArticleText:
    return ArticleText("https://example.org/a", None, "t", None, None, None, None, paragraphs)


def test_quote_keeps_speaker_when_attribution_is_in_the_previous_sentence():
    claims = extract_claims(
        article(
            "“Our exports grew by 12% last year,” Trade Minister Lena Vogt said. "
            "“And we shipped 40,000 tonnes of grain to Asia.”"
        ),
        publication="Daily Ledger",
        threshold=0.3,
    )
    assert [c.speaker for c in claims] == ["Lena Vogt", "Lena Vogt"]


def test_journalists_own_statement_is_the_publication():
    claims = extract_claims(
        article("The port handled 3.2 million containers in 2023."),
        publication="Daily Ledger",
        threshold=0.3,
    )
    assert claims[0].speaker == "Daily Ledger"


def test_pronoun_resolves_to_the_last_named_person():
    claims = extract_claims(
        article(
            "Finance Minister Omar Haddad presented the budget on Tuesday.",
            "“The deficit will fall to 2.1% of GDP next year,” he said.",
        ),
        publication="Daily Ledger",
        threshold=0.3,
    )
    assert claims[-1].speaker == "Omar Haddad"


def test_scores_and_reasons():
    checkable = "The factory released 40 tonnes of waste into the river in 2022, inspectors said."
    score, reasons = score_sentence(checkable, extract_quantities(checkable), True)
    assert score >= 0.6 and "a number or quantity" in reasons
    low, _ = score_sentence("What a day!", (), False)
    assert low < 0.4


def test_negation_is_recorded():
    claims = extract_claims(
        article("The mill does not discharge 40 tonnes of waste a year."),
        publication=None,
        threshold=0.3,
    )
    assert claims[0].polarity == "negative"


def test_checkable_sentences_without_numbers_are_kept_and_no_comment_lines_are_not():
    claims = extract_claims(
        article(
            "The council never approved the waste contract.",
            "The mill discharged untreated waste into the river, inspectors said.",
            "The mayor’s office declined to comment on the report.",
        ),
        publication="Daily Ledger",
        threshold=0.4,
    )
    assert [c.text[:16] for c in claims] == ["The council neve", "The mill dischar"]


import pytest  # noqa: E402

from tasks.claims.checkworthiness import featurize, load_model  # noqa: E402
from tasks.claims.extract import checkworthiness, claim_type_of, is_anchored  # noqa: E402


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The ministry spent $3.2 billion on rail last year.", "quantity"),
        ("Crime fell faster in Oslo than in any other city in 2022.", "comparison"),
        ("The outbreak was caused by contaminated well water.", "causal"),
        ("Prices will rise by 4% next year, the bank forecasts.", "prediction"),
        ("The new law makes it illegal to sell the pesticide.", "rule/law"),
        ("The senator voted against the budget three times.", "voting/record"),
        ("“We have always supported the farmers,” said Minister Eva Lund.", "quote of a position"),
        ("I was in the hospital for three weeks after the crash.", "personal experience"),
    ],
)
def test_claim_types(sentence, kind):
    speaker = "Eva Lund" if "said" in sentence else None
    assert claim_type_of(sentence, extract_quantities(sentence), speaker is not None) == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "The mill does not discharge waste.",
        "The mill never discharged waste.",
        "The mill no longer discharges waste.",
        "The mill doesn’t discharge waste.",
        "The mill didn't discharge any waste into the river.",
    ],
)
def test_negation_forms(sentence):
    claims = extract_claims(
        article(sentence + " It is on the Tay."), publication=None, threshold=0.0
    )
    assert claims[0].polarity == "negative"


@pytest.mark.parametrize(
    "sentence",
    [
        "No more than 20 people attended the meeting on Monday.",
        "Not only did exports grow, imports grew by 4% as well.",
    ],
)
def test_comparative_no_and_not_only_are_not_negations(sentence):
    claims = extract_claims(article(sentence), publication=None, threshold=0.0)
    assert claims[0].polarity == "positive"


def test_quote_with_attribution_in_the_next_sentence_and_speaker_variants():
    claims = extract_claims(
        article(
            "Russian-born Finance Minister Anna Petrova presented the plan.",
            "“Spending will fall by 3%.” “Debt will follow,” Petrova said.",
            "“Taxes stay as they are,” said Anna Petrova.",
        ),
        publication="Ledger",
        threshold=0.0,
    )
    assert {c.speaker for c in claims if "“" in c.text} == {"Anna Petrova"}


def test_learned_score_has_reasons_and_prefers_factual_sentences():
    if load_model() is None:
        pytest.skip("no model file")
    fact = "Unemployment fell to 4.2 percent in March, the lowest rate since 2001."
    opinion = "I think we all want a better future for our children."
    fact_score, reasons = checkworthiness(fact, extract_quantities(fact), False)
    opinion_score, _ = checkworthiness(opinion, extract_quantities(opinion), False)
    assert fact_score > 0.6 > opinion_score
    assert "a number or quantity" in reasons


def test_features_are_normalised():
    features = featurize("Prices rose 4% in 2023.", ("a number or quantity",))
    assert abs(sum(v * v for v in features.values()) - 1.0) < 1e-9
    assert "r:a number or quantity" in features and "w:0%" not in features


def test_anchored_sentences_are_kept_below_the_threshold():
    assert is_anchored(
        "The bridge is 2.4 km long.", extract_quantities("The bridge is 2.4 km long.")
    )
    assert is_anchored("The plant does not pollute the river at all.", ())
    assert not is_anchored(
        "The council met in 2021.", extract_quantities("The council met in 2021.")
    )
    kept = extract_claims(
        article("The bridge will be 2.4 km long and have four lanes."),
        publication=None,
        threshold=0.99,
    )
    assert len(kept) == 1
    dropped = extract_claims(
        article("The bridge will be 2.4 km long and have four lanes."),
        publication=None,
        threshold=0.99,
        keep_anchored=False,
    )
    assert dropped == []


@pytest.mark.parametrize(
    ("paragraph", "claim"),
    [
        ("NEW YORK (Reuters) - U.S. stocks fell 2% on Monday.", "U.S. stocks fell 2% on Monday."),
        (
            "WASHINGTON, March 3 (AP) — The Senate voted 52 to 48 on the bill.",
            "The Senate voted 52 to 48 on the bill.",
        ),
        ("LONDON — Britain will spend £2 billion on flood defences.", "Britain will spend"),
        ("US - China trade fell 12% in 2023, customs data showed.", "US - China trade fell"),
    ],
)
def test_datelines_are_not_part_of_claims(paragraph, claim):
    article = ArticleText("https://example.org/a", None, "t", None, None, None, None, (paragraph,))
    texts = [d.text for d in extract_claims(article, publication="Wire")]
    assert texts and texts[0].startswith(claim)


def test_bracketed_asides_are_not_claims():
    paragraph = (
        "The euro rose 1.2% against the dollar on Monday. (Graphic: World FX rates - here) "
        "(Reporting by Jane Doe; Editing by Tom Roe)"
    )
    article = ArticleText("https://example.org/a", None, "t", None, None, None, None, (paragraph,))
    texts = [d.text for d in extract_claims(article, publication="Wire")]
    assert texts == ["The euro rose 1.2% against the dollar on Monday."]


def test_a_quote_running_over_paragraphs_keeps_its_speaker():
    paragraphs = (
        "“The bridge will cost $450 million,” Mayor Elena Ortiz said. “We have the money.",
        "“And the work will start in 2026, on time.”",
        "Work on the tunnel will start in 2027, the council said.",
    )
    article = ArticleText("https://example.org/a", None, "t", None, None, None, None, paragraphs)
    drafts = extract_claims(article, publication="Gazette", threshold=0.0)
    speakers = {d.text: d.speaker for d in drafts}
    assert speakers["“And the work will start in 2026, on time.”"] == "Elena Ortiz"
    assert speakers["Work on the tunnel will start in 2027, the council said."] != "Elena Ortiz"
