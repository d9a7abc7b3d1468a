from tasks.claims.sentences import split_sentences


def test_abbreviations_initials_and_decimals_do_not_split():
    text = (
        "Dr. Ana Ruiz met Gov. Lee at 3.30 p.m. on Jan. 4. John F. Kennedy spoke. Growth was 2.5%."
    )
    assert split_sentences(text) == [
        "Dr. Ana Ruiz met Gov. Lee at 3.30 p.m. on Jan. 4.",
        "John F. Kennedy spoke.",
        "Growth was 2.5%.",
    ]


def test_closing_quotes_end_sentences():
    text = "“Prices are falling,” the minister said. “We expect 2% next year.” Critics disagreed."
    assert split_sentences(text) == [
        "“Prices are falling,” the minister said.",
        "“We expect 2% next year.”",
        "Critics disagreed.",
    ]


def test_no_before_a_number_is_an_abbreviation_but_not_otherwise():
    assert split_sentences("He said no. The No. 5 bus was late.") == [
        "He said no.",
        "The No. 5 bus was late.",
    ]
