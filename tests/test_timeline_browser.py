"""The year control and the origin filter in Chromium: playing the years, shared links."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from medmap.filters import Filters, compute_kpis, filter_entities, timeline_years
from medmap.i18n import t

from .browser import MAP_IFRAME, kpi, open_app, poll, wait_idle
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser


def companies(located, dataset, filters: Filters) -> int:
    shown = filter_entities(located, filters)
    return compute_kpis(shown, dataset.staff, dataset.funding).companies


def test_playing_the_years_only_adds_companies_and_ends_with_all(page, server, located, dataset):
    open_app(page, server.url + "/")
    page.locator(MAP_IFRAME).evaluate("(f) => { f.dataset.sameMap = 'yes'; }")
    label = t("kpi_companies", "en")
    page.locator('[data-testid="stMain"] button').filter(has_text=t("year_play", "en")).click()
    expected: dict[str | None, int] = {None: companies(located, dataset, Filters())}
    seen: list[tuple[str | None, int]] = []

    def finished():
        # A reading counts once the page is consistent: the address bar's year and the
        # KPI for that year (one changes a moment before the other).
        year = page.evaluate("new URLSearchParams(location.search).get('year')")
        value = int(kpi(page, label).replace(",", ""))
        if year not in expected:
            expected[year] = companies(located, dataset, Filters(year=int(year)))
        if value != expected[year]:
            return False
        if not seen or seen[-1] != (year, value):
            seen.append((year, value))
        play = page.locator('[data-testid="stMain"] button').filter(has_text=t("year_play", "en"))
        return len(seen) > 2 and year is None and play.count() == 1

    poll(finished, "the year control to play to the end", timeout=150)
    years = [int(y) for y, _ in seen if y is not None]
    assert years == sorted(years) and years[0] == min(timeline_years(located, dataset.funding))
    values = [v for y, v in seen if y is not None]
    assert values == sorted(values), seen  # never fewer companies as the years go by
    assert values[-1] <= seen[-1][1] == expected[None]
    # Entities with no year were shown all along (the default), and the map never remounted.
    expect(page.locator('[data-testid="stMain"] [data-testid="stCheckbox"] input')).to_be_checked()
    assert page.locator(MAP_IFRAME).get_attribute("data-same-map") == "yes"


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("year", [2011, 2012, 2016, 2026])
def test_a_shared_year_shows_the_view_as_of_that_year(page, server, located, dataset, year, lang):
    open_app(page, server.url + f"/?year={year}&lang={lang}")
    expected = companies(located, dataset, Filters(year=year))
    assert kpi(page, t("kpi_companies", lang)).replace(".", "").replace(",", "") == str(expected)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"year-{year}-{lang}.png"))


def test_the_origins_add_up_to_every_company(page, server, located, dataset):
    total = companies(located, dataset, Filters())
    counts = []
    for origin in ("homegrown", "colombian", "international", "not-reported"):
        open_app(page, server.url + f"/?origin={origin}")
        counts.append(int(kpi(page, t("kpi_companies", "en"))))
        assert counts[-1] == companies(located, dataset, Filters(origins=(origin,)))
    assert sum(counts) == total
    wait_idle(page)
