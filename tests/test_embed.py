"""Embedding: the embed code (pure), and the embedded view in Chromium: map, KPIs and
charts of the linked filters, no filter bar or navigation, a link back to the dashboard."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from medmap.embed import EMBED_HEIGHT, embed_code, embed_url
from medmap.escaping import markdown_url
from medmap.filters import Filters, compute_kpis, filter_entities
from medmap.geo import SEVILLA_CODE
from medmap.i18n import t

from .browser import FILTERS, MAP_IFRAME, TIMEOUT_MS, TOPBAR, open_app, wait_idle, wait_map
from .conftest import ARTIFACTS


def test_embed_url_adds_embed_true_once_and_keeps_the_filters():
    url = embed_url("http://h:1/?sector=ai&sector=fintech&lang=es&embed=false&embed_options=x")
    parts = urlsplit(url)
    assert parse_qs(parts.query) == {
        "sector": ["ai", "fintech"],
        "lang": ["es"],
        "embed": ["true"],
    }
    assert embed_url("http://h:1/companies") == "http://h:1/companies?embed=true"


def test_embed_code_escapes_every_attribute():
    url = 'http://h/?sector=a"><script>alert(1)</script>&lang=es'
    code = embed_code(url, 'medmap "x" <y>', width="100%", height=700)
    assert code.startswith("<iframe ") and code.endswith("></iframe>")
    assert "<script>" not in code and code.count('"') % 2 == 0
    attributes = dict(re.findall(r'(\w+)="([^"]*)"', code))
    assert html.unescape(attributes["src"]) == url
    assert "&amp;lang=es" in attributes["src"]
    assert html.unescape(attributes["title"]) == 'medmap "x" <y>'
    assert attributes["width"] == "100%" and attributes["height"] == "700"
    assert f'height="{EMBED_HEIGHT}"' in embed_code("http://h/", "t")


def test_the_link_back_cannot_end_its_markdown_link():
    assert markdown_url("http://h/?a=(1)> [x](y)") == "<http://h/?a=(1)%3E%20[x](y)>"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_embed_code_shows_the_view_without_filters_or_navigation(
    page, server, located, dataset, lang
):
    open_app(page, f"{server.url}/?barrio={SEVILLA_CODE}&lang={lang}")
    page.locator(f'{TOPBAR} [data-testid="stPopoverButton"]').click()
    codes = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]')
    # The link, the live embed code, then the published page's embed code (issue #19).
    expect(codes).to_have_count(3, timeout=TIMEOUT_MS)
    code = codes.nth(1).inner_text().strip()
    assert code.startswith("<iframe ") and f'title="{t("embed_title", lang)}"' in code
    src = html.unescape(re.search(r'src="([^"]+)"', code).group(1))
    assert parse_qs(urlsplit(src).query) == {
        "barrio": [SEVILLA_CODE],
        "embed": ["true"],
        **({"lang": ["es"]} if lang == "es" else {}),
    }

    for width, height in ((1440, 1000), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(src)
        wait_map(page)
        wait_idle(page)
        # The map and the KPIs of the linked filters.
        expect(page.locator(MAP_IFRAME)).to_be_visible()
        shown = filter_entities(located, Filters(barrios=(SEVILLA_CODE,)))
        companies = compute_kpis(shown, dataset.staff, dataset.funding).companies
        metric = page.locator('[data-testid="stMetric"]').filter(
            has=page.get_by_text(t("kpi_companies", lang), exact=True)
        )
        expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(str(companies))
        # No filter bar, sidebar or navigation.
        expect(page.locator(FILTERS)).to_have_count(0)
        expect(page.locator('[data-testid="stSidebar"]')).to_have_count(0)
        expect(page.locator('[data-testid="stExpandSidebarButton"]')).to_be_hidden()
        expect(page.locator('[data-testid="stTopNavLink"]')).to_have_count(0)
        expect(page.locator('[data-testid="stSidebarNav"]')).to_have_count(0)
        # Where it comes from: the same view on the full dashboard.
        back = page.get_by_role("link", name=t("embed_source", lang))
        expect(back).to_be_visible()
        target = urlsplit(back.get_attribute("href"))
        assert f"{target.scheme}://{target.netloc}" == server.url
        assert parse_qs(target.query) == {
            "barrio": [SEVILLA_CODE],
            **({"lang": ["es"]} if lang == "es" else {}),
        }
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"embed-{lang}-{width}x{height}.png"))

    # The link back opens the full dashboard, with its filters and navigation.
    page.set_viewport_size({"width": 1440, "height": 1000})
    open_app(page, back.get_attribute("href"))
    expect(page.locator(f"{TOPBAR} [data-testid='stPopoverButton']")).to_be_attached()
    expect(page.locator(f'{FILTERS} [data-testid="stMultiSelect"]')).to_have_count(5)
    expect(page.locator('[data-testid="stTopNavLink"]').first).to_be_attached()
