"""Speakers read from a dependency parse (spaCy), with the hand-written patterns as fallback."""

import pytest

from schemas.records import ArticleText
from schemas.settings import Settings
from tasks.claims.extract import extract_claims
from tasks.claims.speakers import normalise_name
from tasks.claims.syntax import DEFAULT_SPEAKER_MODEL, has_cue, load_pipeline
from tasks.errors import ConfigurationError


def speakers(paragraphs, model=DEFAULT_SPEAKER_MODEL):
    article = ArticleText("test:", None, None, None, None, None, None, tuple(paragraphs))
    drafts = extract_claims(article, publication="Gazette", threshold=0.0, speaker_model=model)
    return {d.text: d.speaker for d in drafts}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The White House announced on Thursday that the embargo on Velmoria would end.",
            "White House",
        ),
        (
            "Experts on tidal power at Brackwater University said the barrage would fail.",
            "Experts on tidal power at Brackwater University",
        ),
        (
            "The ferry will cost 40 million dollars, according to the Harbour Institute.",
            "Harbour Institute",
        ),
        (
            "Councillor Ravi Mehta, who chairs the transport board, argued that the tram carried "
            "2 million passengers.",
            "Ravi Mehta",
        ),
        ("Mehta's claim that fares fell by 10% last year was disputed by the operator.", "Mehta"),
        ("Unemployment in Harlow fell to 4.1% in October.", "Gazette"),
    ],
)
def test_the_parse_finds_who_said_it(sentence, expected):
    assert expected in speakers([sentence])[sentence]


def test_he_and_she_are_the_person_named_just_before():
    found = speakers(
        [
            "Dana Whitfield spoke at the rally in Harlow on Monday.",
            "She said the bridge had cost $4 million more than planned.",
        ]
    )
    assert found["She said the bridge had cost $4 million more than planned."] == "Dana Whitfield"


def test_the_patterns_alone_when_parsing_is_off():
    sentence = "The White House announced on Thursday that the embargo on Velmoria would end."
    assert speakers([sentence], model="none")[sentence] == "Gazette"
    quoted = "“Fares will rise by 12%,” said Morag Innes."
    assert speakers([quoted], model="none")[quoted] == "Morag Innes"


def test_only_sentences_with_a_cue_word_are_parsed():
    assert has_cue("The mayor told reporters the tunnel was safe.")
    assert has_cue("Prices rose 3%, according to the bureau.")
    assert not has_cue("Prices rose 3% in March.")


def test_a_first_name_ending_like_a_nationality_is_kept():
    assert normalise_name("Ravi Mehta") == "Ravi Mehta"
    assert normalise_name("Brian Jones") == "Brian Jones"
    assert normalise_name("Israeli Prime Minister Dov Amit") == "Dov Amit"


def test_a_missing_pipeline_names_the_setting_and_what_to_do():
    with pytest.raises(ConfigurationError, match="CLAIMTRACK_SPEAKER_MODEL=no_such_pipeline"):
        load_pipeline("no_such_pipeline")
    assert load_pipeline("none") is None


def test_the_default_setting_is_the_code_default():
    assert Settings().speaker_model == DEFAULT_SPEAKER_MODEL
