import pytest

from tasks.claims.speakers import SpeakerTracker, attributed_speaker, normalise_name


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Russian President Vladimir Putin", "Vladimir Putin"),
        ("Secretary of State Antony Blinken", "Antony Blinken"),
        ("Dr. Sergey Radchenko", "Sergey Radchenko"),
        ("Mayor Elena Ortiz", "Elena Ortiz"),
        ("Putin", "Putin"),
    ],
)
def test_titles_are_stripped(raw, name):
    assert normalise_name(raw) == name


def test_surname_expands_to_the_full_name_seen_earlier():
    tracker = SpeakerTracker()
    tracker.learn_titled_names("Prime Minister Ada Novak opened the session.")
    assert attributed_speaker("“We will win,” Novak said.", tracker) == "Ada Novak"
    assert attributed_speaker("“And soon,” she added.", tracker) == "Ada Novak"


@pytest.mark.parametrize(
    "sentence",
    [
        "“Taxes will fall,” said Finance Minister Jon Berg.",
        "Jon Berg, who leads the finance ministry, said taxes will fall.",
        "Taxes will fall, according to Jon Berg.",
        "Jon Berg told reporters on Monday that taxes will fall.",
    ],
)
def test_attribution_patterns(sentence):
    assert attributed_speaker(sentence, SpeakerTracker()) == "Jon Berg"


def test_no_speaker_without_attribution():
    assert attributed_speaker("Taxes will fall by 2% next year.", SpeakerTracker()) is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("the Foreign Ministry", "Foreign Ministry"),
        ("Department of Social Services", "Department of Social Services"),
        ("Nasdaq Composite.IXIC", None),
        ("US10YT", None),
    ],
)
def test_institutions_keep_their_whole_name_and_tickers_are_no_speakers(raw, name):
    assert normalise_name(raw) == name


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The vaccine is safe for children, scientists say.", "Scientists"),
        ("Senior campaign officials said the rally would go ahead.", "Senior campaign officials"),
        ("A source told the paper that the deal was dead.", "Source"),
        ("According to the report, rents rose 9% last year.", "Report"),
        ("The administration has promised a veto of the bill.", "Administration"),
    ],
)
def test_described_sources_are_speakers(sentence, speaker):
    assert attributed_speaker(sentence, SpeakerTracker()) == speaker


def test_the_subject_of_the_reported_clause_is_not_the_speaker():
    sentence = "The council said the Kestrel Dale bridge will cost $450 million."
    assert attributed_speaker(sentence, SpeakerTracker()) == "Council"
    role = "“It has never been this dry,” said grower Tomas Ferrer."
    assert attributed_speaker(role, SpeakerTracker()) == "Tomas Ferrer"
