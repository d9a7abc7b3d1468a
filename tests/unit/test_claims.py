from schemas.records import ArticleText
from tasks.claims import extract_claims, score_sentence
from tasks.quantities import extract_quantities


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
