"""The year control's stops and steps (pure parts)."""

from __future__ import annotations

from medmap.state import ALL_YEARS
from medmap.timeline import next_stop, year_options


def test_the_slider_has_every_year_then_all_years():
    assert year_options([2009, 2011, 2013]) == ["2009", "2010", "2011", "2012", "2013", ALL_YEARS]
    assert year_options([]) == [ALL_YEARS]


def test_playing_steps_through_the_years_something_happens_then_all():
    years = [1986, 2009, 2011]
    assert next_stop(years, ALL_YEARS) == "1986"  # from the start
    assert next_stop(years, "1986") == "2009"
    assert next_stop(years, "2010") == "2011"  # a year the slider was set to by hand
    assert next_stop(years, "2011") == ALL_YEARS
