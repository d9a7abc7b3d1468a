"""Thresholds learned from decisions: the lowest one that keeps the precision asked for."""

from tasks.review.tuning import curve, lowest_at

DECIDED = [(0.95, True), (0.9, True), (0.85, False), (0.8, True), (0.75, False), (0.7, True)]


def test_the_curve_counts_what_each_threshold_would_have_flagged():
    points = curve(DECIDED, [0.7, 0.85, 0.95, 0.99])
    assert [(p.flagged, round(p.precision, 3), round(p.recall, 3)) for p in points] == [
        (6, 0.667, 1.0),
        (3, 0.667, 0.5),
        (1, 1.0, 0.25),
        (0, 1.0, 0.0),
    ]


def test_the_lowest_threshold_that_keeps_the_precision_above_it_everywhere():
    assert lowest_at(DECIDED, 0.95, 0.7) == 0.9
    assert lowest_at([(0.9, False)], 0.95, 0.7) is None


def test_when_every_shown_flag_keeps_the_precision_todays_threshold_stays():
    # nothing under today's 0.72 was ever shown: the decisions cannot argue for going lower
    # (and must not push it up to the lowest score a reviewer happened to see)
    assert lowest_at(DECIDED, 0.6, 0.72) == 0.7
    assert lowest_at([(0.9, True), (0.8, True)], 0.95, 0.72) == 0.72
