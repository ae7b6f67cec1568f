"""Published views: reading a link as the live page does, the files written, the CLI."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from medmap import mapview, publish
from medmap.controls import MAX_SHOWN_DROPPED
from medmap.filters import Filters
from medmap.i18n import t
from medmap.runtime import Loaded
from medmap.state import LINK_DEFAULTS, build_view, filters_from_state

from .conftest import ROOT

LINKS_FILE = ROOT / "bench" / "publish_links.txt"


@pytest.fixture(scope="module")
def source() -> publish.Source:
    loaded = publish.load_source(ROOT / "data", ROOT / "geo")
    assert isinstance(loaded, publish.Source)
    return loaded


def read(source: publish.Source, link: str) -> publish.LinkView:
    return publish.read_view_link(link, publish.allowed_params(source))


def test_link_params_takes_a_query_or_a_whole_link():
    expected = {"sector": ["fintech", "ai"], "lang": ["es"]}
    for link in (
        "?sector=fintech&sector=ai&lang=es",
        "sector=fintech&sector=ai&lang=es",
        "https://medmap.example/?sector=fintech&sector=ai&lang=es",
        "/companies?sector=fintech&sector=ai&lang=es",
    ):
        assert publish.link_params(link) == expected, link
    assert publish.link_params("?") == {}
    assert publish.link_params("?sector=a%26b") == {"sector": ["a&b"]}


def test_filters_from_state_defaults_are_the_widgets_defaults():
    assert filters_from_state(LINK_DEFAULTS) == Filters()
    state = {"sector": ["ai"], "year": "2016", "undated": False}
    assert filters_from_state(state) == Filters(sectors=("ai",), year=2016, undated=False)


def test_a_link_is_read_as_the_live_page_reads_it(source):
    asked = read(source, "https://x.org/?sector=fintech&year=2016&lang=es&metric=staff&embed=true")
    assert asked.filters == Filters(sectors=("fintech",), year=2016)
    assert (asked.lang, asked.metric, asked.level, asked.embed) == ("es", "staff", "barrio", True)
    assert asked.dropped == {}
    assert asked.query == [
        ("sector", "fintech"),
        ("year", "2016"),
        ("metric", "staff"),
        ("lang", "es"),
    ]
    default = read(source, "")
    assert (default.filters, default.lang, default.metric, default.embed) == (
        Filters(),
        "en",
        "entities",
        False,
    )


def test_invalid_values_are_dropped_with_the_live_notice(source):
    # 0407 (Sevilla) is in comuna 04: with comuna 14 asked, the live page drops it too.
    asked = read(source, "?sector=fintech&sector=nope&comuna=14&barrio=0407&lang=xx&year=1")
    assert asked.filters.sectors == ("fintech",)
    assert asked.filters.comunas == ("14",)
    assert asked.filters.barrios == ()
    assert asked.dropped == {"barrio": ["0407"], "sector": ["nope"], "year": ["1"], "lang": ["xx"]}
    notice = publish.dropped_notice(asked.dropped, "en")
    assert notice == t("link_dropped", "en", values="barrio=0407; sector=nope; year=1; lang=xx")
    many = {"sector": [f"s{i}" for i in range(MAX_SHOWN_DROPPED + 3)]}
    assert publish.dropped_text(many).endswith("s7 (+3)")
    assert publish.dropped_notice({}, "es") == ""


def test_data_date_is_the_newest_dated_source(source):
    dates = source.loaded.dataset.sources["date"].dropna().astype(str)
    dated = [d for d in dates if re.fullmatch(r"\d{4}(-\d{2}){0,2}", d)]
    assert publish.data_date(source.loaded.dataset) == max(dated)
    assert len(dated) < len(dates), "the shipped sources include undated ones ('various')"


@pytest.fixture(scope="module")
def fintech_es(source, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pub") / "fintech"
    written = publish.publish(source, ["?sector=fintech&lang=es&origin=nowhere"], out)
    assert [w.directory for w in written] == [out]
    return out


def test_the_page_shows_the_live_kpis_sources_and_notice(source, fintech_es):
    html = (fintech_es / "index.html").read_text("utf-8")
    view = build_view(Loaded(*_loaded(source)), "es", Filters(sectors=("fintech",)))
    for kpi in mapview.kpi_row(view):
        assert f"<dt>{kpi.label}</dt><dd>{kpi.value}</dd>" in html, kpi
    assert t("link_dropped", "es", values="origin=nowhere") in html
    assert 'href="http://localhost:8501/?sector=fintech&amp;lang=es"' in html
    assert t("published_live", "es") in html
    for source_row in publish.cited_sources(view):
        assert source_row["title"].replace("&", "&amp;") in html
    assert publish.data_date(view.data) in html


def _loaded(source):
    loaded = source.loaded
    return loaded.layers, loaded.dataset, loaded.located


def test_the_folder_asks_for_nothing_outside_it(fintech_es):
    pages = [fintech_es / "index.html", fintech_es / "map.html"]
    for page in pages:
        text = page.read_text("utf-8")
        # Scripts, styles, frames and images: relative paths only.
        for url in re.findall(r'<(?:script|link|iframe|img)[^>]*(?:src|href)="([^"]*)"', text):
            assert not re.match(r"^(https?:)?//", url), (page.name, url)
            assert (page.parent / url).is_file(), (page.name, url)
    assert "tile.openstreetmap" not in pages[1].read_text("utf-8")
    css = (fintech_es / "assets").glob("*.css")
    assert not [c for c in css if re.search(r"url\((['\"])?(https?:)?//", c.read_text())]


def test_the_map_page_is_the_live_map_with_its_view_layers(fintech_es):
    html = (fintech_es / "map.html").read_text("utf-8")
    assert html.count("medmap.setView(") == 1
    assert html.count("medmap.addMarkers(") == 2  # institutions, companies
    assert "medmap-sevilla" in html
    assert html.count("medmap-map-") == 1, "the map bundle is linked once"
    assert "L.control.layers" in html


def test_a_foreign_folder_is_refused_and_a_published_one_rewritten(source, tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(publish.PublishError):
        publish.publish(source, ["?"], foreign)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    publish.publish(source, ["?"], foreign, force=True)
    assert (foreign / "notes.txt").is_file() and (foreign / "index.html").is_file()
    # A folder publish wrote is its own: rewritten without --force, old files replaced.
    out = tmp_path / "out"
    publish.publish(source, ["?", "?lang=es"], out)
    assert (out / "lang-es" / "index.html").is_file()
    publish.publish(source, ["?sector=ai"], out)
    assert not (out / "lang-es").exists() or not any((out / "lang-es").iterdir())
    manifest = json.loads((out / publish.MANIFEST).read_text())
    assert "index.html" in manifest["files"]
    assert all((out / name).is_file() for name in manifest["files"])


def test_many_links_give_one_folder_each_and_an_index(source, tmp_path):
    links = publish.read_links(LINKS_FILE.read_text("utf-8"))
    assert len(links) == 12
    written = publish.publish(source, links, tmp_path / "all")
    assert len(written) == 12
    index = (tmp_path / "all" / "index.html").read_text("utf-8")
    for done in written:
        slug = done.directory.name
        assert f'href="{slug}/index.html"' in index
        page = (done.directory / "index.html").read_text("utf-8")
        assert 'href="../assets/published-' in page  # the shared files, once
    assert len(list((tmp_path / "all" / "assets").glob("plotly-basic-*.js"))) == 1


def test_the_vendored_plotly_bundle_matches_its_recorded_hash():
    recorded = (publish.PLOTLY_JS.parent / "plotly-basic.sha256").read_text().split()
    assert hashlib.sha256(publish.PLOTLY_JS.read_bytes()).hexdigest() == recorded[0]
    from plotly.offline import get_plotlyjs_version

    assert recorded[1] == f"plotly.js-basic-dist-min@{get_plotlyjs_version()}"
    assert publish.PLOTLY_LICENSE.read_text().startswith("MIT License")


def test_the_zip_holds_one_folder(source):
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(publish.publish_zip(source, "?lang=es"))).namelist()
    assert "medmap-view/index.html" in names and "medmap-view/map.html" in names
    assert all(name.startswith("medmap-view/") for name in names)


# --- the command line ------------------------------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "medmap", "publish", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_cli_publishes_and_prints_the_notice(tmp_path):
    out = tmp_path / "view"
    done = cli("--link", "https://x.org/?sector=fintech&kind=robot", "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        f"{out / 'index.html'}: {t('link_dropped', 'en', values='kind=robot')}",
        str(out / "index.html"),
    ]
    assert (out / "index.html").is_file() and (out / publish.MANIFEST).is_file()


def test_cli_refuses_a_foreign_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    done = cli("--link", "?", "--out", str(tmp_path))
    assert done.returncode == 1
    assert "--force" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_cli_on_unusable_data_prints_validate_lines_and_writes_nothing(data_copy, tmp_path):
    entities = data_copy / "entities.csv"
    lines = entities.read_text("utf-8").splitlines()
    entities.write_text("\n".join([lines[0], "broken,row", *lines[2:]]) + "\n", "utf-8")
    validate = subprocess.run(
        [sys.executable, "-m", "medmap", "validate", str(data_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert validate.returncode == 1
    out = tmp_path / "out"
    done = cli("--link", "?", "--out", str(out), env={"MEDMAP_DATA_DIR": str(data_copy)})
    assert done.returncode == 1
    assert done.stdout == validate.stdout
    assert re.match(r"^entities\.csv:\d+:\w*: ", done.stdout)
    assert not out.exists()
