"""The dashboards' text sparklines: periods, scale and tooltip."""

import re

from web import charts


def _bars(markup: str) -> str:
    return re.search(r">([^<]*)</span>", markup).group(1)


def test_a_short_line_has_one_bar_a_day_with_zero_at_the_bottom():
    line = charts.sparkline([0, 2, 4, 0])
    assert _bars(line) == "▁▄█▁"
    assert 'title="claims per day: 0 2 4 0"' in line


def test_a_long_line_is_summed_into_periods_ending_on_the_last_day():
    line = charts.sparkline([1] * 731)
    bars = _bars(line)
    assert len(bars) == 30 and bars[-1] == "█"  # the latest period is whole (25 days)
    assert "claims per 25 days: 6 25 25" in line
