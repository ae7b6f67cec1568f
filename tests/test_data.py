"""Loading and validating data/: the shipped data passes, broken copies fail precisely."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from medmap.data import DataError, load_dataset, validate_data_dir
from medmap.geo import locate_entities
from medmap.schemas import (
    APPROXIMATE_PRECISIONS,
    ENTITY_KINDS,
    LOCATION_PRECISIONS,
    ORIGIN_CLASSES,
)
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def codes(layers) -> tuple[list[str], list[str]]:
    """The barrio and comuna codes of the shipped geometry."""
    return list(layers.barrios["code"]), list(layers.comunas["code"])


@pytest.fixture(scope="module")
def problems_of(codes):
    def problems(data_dir: Path) -> list[str]:
        return [str(p) for p in validate_data_dir(data_dir, *codes)]

    return problems


def edit_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the file's line number (header = 1)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row - 2, column] = value
    df.to_csv(path, index=False)


def line_of(path: Path, column: str, value: str) -> int:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return int(df.index[df[column] == value][0]) + 2


def test_shipped_data_is_valid(problems_of, codes):
    assert problems_of(ROOT / "data") == []
    dataset = load_dataset(ROOT / "data", *codes)
    assert dataset.entities["entity_id"].is_unique
    assert dataset.entities["sector_unverified"].dtype == bool


def test_every_row_names_a_known_source(codes):
    dataset = load_dataset(ROOT / "data", *codes)
    known = set(dataset.sources["source_id"])
    for ids in dataset.entities["sources"]:
        assert set(ids.split(";")) <= known
    for table in (dataset.staff, dataset.funding, dataset.series):
        assert set(table["source_id"]) <= known


def test_the_research_anchors_are_present(codes):
    entities = load_dataset(ROOT / "data", *codes).entities.set_index("entity_id")
    assert entities.loc["ruta-n", "location_code"] == "0407"
    assert entities.loc["universidad-de-antioquia", "location_code"] == "Inst_11"
    rappi = entities[entities["name"].str.contains("Rappi")]
    assert list(rappi["status"]) == ["context"]
    assert list(rappi["location_precision"]) == ["outside"]


def test_cli_passes_on_shipped_data():
    result = subprocess.run(
        [sys.executable, "-m", "medmap", "validate", str(ROOT / "data")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def run_cli(data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "medmap", "validate", str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_cli_reports_file_row_column_and_never_modifies(data_copy: Path):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "sector", "not-a-sector")
    before = {p.name: p.read_bytes() for p in data_copy.iterdir()}
    result = run_cli(data_copy)
    assert result.returncode == 1
    assert f"entities.csv:{row}:sector: unknown sector 'not-a-sector'" in result.stdout.splitlines()
    assert {p.name: p.read_bytes() for p in data_copy.iterdir()} == before


@pytest.mark.parametrize(
    ("file", "column", "value", "expected"),
    [
        ("entities.csv", "kind", "startup", "kind: must be one of: company, institution"),
        ("entities.csv", "location_precision", "street", "location_precision: must be one of"),
        ("entities.csv", "sources", "S1;S9999", "sources: unknown source id 'S9999'"),
        ("entities.csv", "founded", "nineteen", "founded: 'nineteen' is not a whole number"),
        ("entities.csv", "website", "javascript:alert(1)", "website: must start with https://"),
        ("staff.csv", "staff", "-5", "staff: must not be negative"),
        ("staff.csv", "entity_id", "ghost-co", "entity_id: unknown entity id 'ghost-co'"),
        ("funding.csv", "event_type", "gift", "event_type: must be one of"),
        ("funding.csv", "date", "2021-13-01", "date: not a valid date"),
        ("series.csv", "value", "lots", "value: 'lots' is not a number"),
    ],
)
def test_each_kind_of_bad_cell_is_located(data_copy, file, column, value, expected, problems_of):
    edit_cell(data_copy / file, 2, column, value)
    problems = problems_of(data_copy)
    assert any(p.startswith(f"{file}:2:{column}") and expected in p for p in problems), problems


def test_coordinates_outside_medellin(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    df = pd.read_csv(entities, dtype=str, keep_default_na=False)
    row = int(df.index[df["location_precision"] == "coordinates"][0]) + 2
    edit_cell(entities, row, "lat", "4.711")  # Bogotá
    expected = f"entities.csv:{row}:lat: latitude outside Medellín's bounding box: '4.711'"
    assert expected in problems_of(data_copy)


def test_point_without_coordinates_precision(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "lat", "6.27")
    edit_cell(entities, row, "lon", "-75.56")
    assert f"entities.csv:{row}:lat: coordinates given but precision is 'barrio'" in problems_of(
        data_copy
    )


def test_unknown_barrio_code(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "location_code", "9999")
    assert f"entities.csv:{row}:location_code: unknown barrio code '9999'" in problems_of(data_copy)


def test_duplicate_ids(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "universidad-de-antioquia")
    edit_cell(entities, row, "entity_id", "ruta-n")
    assert any(
        p.startswith("entities.csv:") and ":entity_id: duplicate value 'ruta-n'" in p
        for p in problems_of(data_copy)
    )


def test_missing_file_and_column(data_copy, problems_of):
    (data_copy / "staff.csv").unlink()
    df = pd.read_csv(data_copy / "funding.csv", dtype=str, keep_default_na=False)
    df.drop(columns=["qualifier"]).to_csv(data_copy / "funding.csv", index=False)
    problems = problems_of(data_copy)
    assert "staff.csv:0:: missing file" in problems
    assert "funding.csv:1:qualifier: missing column" in problems


def test_unreadable_encoding(data_copy, problems_of):
    path = data_copy / "sectors.csv"
    path.write_bytes(
        path.read_text(encoding="utf-8").encode("latin-1", errors="replace")
        + "Bogotá\n".encode("latin-1")
    )
    problems = problems_of(data_copy)
    assert any(
        p.startswith("sectors.csv:") and "unreadable encoding: not UTF-8" in p for p in problems
    )


def test_load_dataset_raises_with_every_problem(data_copy, codes):
    edit_cell(data_copy / "staff.csv", 2, "staff", "many")
    edit_cell(data_copy / "series.csv", 3, "qualifier", "roughly")
    with pytest.raises(DataError) as raised:
        load_dataset(data_copy, *codes)
    text = str(raised.value)
    assert "staff.csv:2:staff: 'many' is not a whole number" in text
    assert "series.csv:3:qualifier: must be one of" in text


def test_unknown_district_code(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ibm")
    edit_cell(entities, row, "location_code", "nowhere-district")
    expected = f"entities.csv:{row}:location_code: unknown district code 'nowhere-district'"
    assert expected in problems_of(data_copy)


def test_district_without_code_and_unknown_barrio_in_a_district(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ibm")
    edit_cell(entities, row, "location_code", "")
    edit_cell(data_copy / "districts.csv", 2, "barrios", "0407;9999")
    problems = problems_of(data_copy)
    assert f"entities.csv:{row}:location_code: required when precision is district" in problems
    assert "districts.csv:2:barrios: unknown barrio code '9999'" in problems


def test_district_row_gets_an_approximate_point_inside_its_barrios(codes, layers):
    dataset = load_dataset(ROOT / "data", *codes)
    located = locate_entities(dataset.entities, layers.barrios, layers.comunas, dataset.districts)
    districts = dataset.districts.set_index("district")
    rows = located[located["location_precision"] == "district"]
    assert len(rows) >= 2  # IBM and Huge (research r1)
    for _, row in rows.iterrows():
        codes = districts.loc[row["location_code"], "barrios"].split(";")
        area = layers.barrios[layers.barrios["code"].isin(codes)].geometry.union_all()
        assert row.geometry is not None and area.contains(row.geometry), row["entity_id"]
        assert row["approximate"]
        assert row["district_code"] == row["location_code"]
        # No single barrio or comuna: a barrio choropleth must not count it.
        assert pd.isna(row["barrio_code"]) and pd.isna(row["comuna_code"]), row["entity_id"]
    others = located[located["location_precision"] != "district"]
    assert others["district_code"].isna().all()
    # Callers that pass no districts still work: district rows just get no point.
    plain = locate_entities(dataset.entities, layers.barrios, layers.comunas)
    assert plain.loc[rows.index].geometry.isna().all()


def readme_table(header: list[str]) -> dict[str, list[int]]:
    """The table under "## Coverage" in data/README.md whose header row is ``header``:
    first cell -> the numbers of the other cells."""
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Coverage", 1)[1].split("\n## ", 1)[0]
    tables: list[list[list[str]]] = [[]]
    for line in section.splitlines():
        if line.strip().startswith("|"):
            tables[-1].append([c.strip() for c in line.strip().strip("|").split("|")])
        elif tables[-1]:
            tables.append([])
    table = next(t for t in tables if t and t[0] == header)
    return {row[0].strip("*`"): [int(c.strip("*")) for c in row[1:]] for row in table[2:]}


def shipped_entities() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "entities.csv", dtype=str, keep_default_na=False)


def test_readme_coverage_table_matches_the_data():
    companies = shipped_entities().query("kind == 'company'")
    counts = companies["location_precision"].value_counts()
    expected = {p: [int(counts.get(p, 0))] for p in LOCATION_PRECISIONS}
    expected["total"] = [len(companies)]
    table = readme_table(["precision", "companies"])
    assert table == expected
    assert list(table)[-1] == "total"


def test_readme_kind_table_matches_the_data():
    entities = shipped_entities()
    on_map = entities["location_precision"].isin(("coordinates", *APPROXIMATE_PRECISIONS))
    expected = {
        kind: [
            int((entities["kind"] == kind).sum()),
            int((on_map & (entities["kind"] == kind)).sum()),
        ]
        for kind in ENTITY_KINDS
    }
    expected["total"] = [len(entities), int(on_map.sum())]
    table = readme_table(["kind", "entities", "on the map"])
    assert table == expected
    assert list(table)[-1] == "total"


def test_staff_and_funding_cite_a_source_of_their_entity():
    sources = shipped_entities().set_index("entity_id")["sources"].str.split(";")
    for name in ("staff.csv", "funding.csv"):
        rows = pd.read_csv(ROOT / "data" / name, dtype=str, keep_default_na=False)
        for row in rows.itertuples():
            assert row.source_id in sources[row.entity_id], (name, row.entity_id, row.source_id)


def test_a_barrio_name_validates_and_loads_as_its_code(data_copy, codes, layers):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "location_code", "sevilla")
    assert validate_data_dir(data_copy, *codes, layers) == []
    loaded = load_dataset(data_copy, *codes, layers).entities.set_index("entity_id")
    assert loaded.loc["ruta-n", "location_code"] == "0407"
    assert run_cli(data_copy).returncode == 0


def test_an_unknown_name_is_one_located_problem_in_the_cli(data_copy):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "location_code", "Sevila")
    result = run_cli(data_copy)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"entities.csv:{row}:location_code: unknown place name 'Sevila'; closest: Sevilla (0407)"
    ]


def test_an_ambiguous_name_is_not_reported_twice(data_copy, codes, layers):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "location_code", "La Florida")
    assert [str(p) for p in validate_data_dir(data_copy, *codes, layers)] == [
        f"entities.csv:{row}:location_code: the name 'La Florida' is shared by several places: "
        "La Florida (1417), La Florida (8001); write the code"
    ]
    with pytest.raises(DataError):
        load_dataset(data_copy, *codes, layers)


def test_shipped_data_uses_codes_only(codes, layers):
    shipped = load_dataset(ROOT / "data", *codes).entities
    named = load_dataset(ROOT / "data", *codes, layers).entities
    pd.testing.assert_frame_equal(shipped, named)


def test_medmap_data_dir_with_names_is_mapped_by_code(data_copy, monkeypatch):
    import streamlit as st

    from medmap import runtime

    entities = data_copy / "entities.csv"
    edit_cell(entities, line_of(entities, "entity_id", "ruta-n"), "location_code", "SEVILLA")
    monkeypatch.setenv("MEDMAP_DATA_DIR", str(data_copy))
    st.cache_resource.clear()
    try:
        located = runtime.load().located.set_index("entity_id")
    finally:
        st.cache_resource.clear()
    assert located.loc["ruta-n", "location_code"] == "0407"
    assert located.loc["ruta-n", "barrio_code"] == "0407"


def test_unknown_origin_class_is_located(data_copy, problems_of):
    entities = data_copy / "entities.csv"
    row = line_of(entities, "entity_id", "ruta-n")
    edit_cell(entities, row, "origin_class", "local")
    expected = (
        f"entities.csv:{row}:origin_class: must be one of: homegrown, colombian, international: "
        "'local'"
    )
    assert expected in problems_of(data_copy)


def shipped_companies() -> pd.DataFrame:
    entities = pd.read_csv(ROOT / "data" / "entities.csv", dtype=str, keep_default_na=False)
    return entities[entities["kind"] == "company"]


def origin_section_of_readme() -> str:
    """The text under "## Origin and dates" in data/README.md."""
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    return text.split("\n## Origin and dates\n", 1)[1].split("\n## ", 1)[0]


def test_readme_origin_table_matches_the_data():
    companies = shipped_companies()
    counts = companies["origin_class"].value_counts()
    expected = {origin: int(counts.get(origin, 0)) for origin in ORIGIN_CLASSES}
    expected["not reported"] = int((companies["origin_class"] == "").sum())
    expected["total"] = len(companies)
    lines = [
        line.strip()
        for line in origin_section_of_readme().splitlines()
        if line.strip().startswith("|")
    ]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == ["origin class", "companies"], header
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[2:]]
    table = {origin.strip("*`"): int(count.strip("*")) for origin, count in cells}
    assert table == expected
    assert list(table)[-1] == "total"


def test_readme_year_counts_match_the_data():
    companies = shipped_companies()
    founded = companies["founded"] != ""
    arrived = companies["arrived"] != ""
    in_medellin = arrived | (founded & (companies["origin_class"] == "homegrown"))
    text = " ".join(origin_section_of_readme().split())
    years = re.search(
        r"Companies with a founded or arrived year: \*\*(\d+) of (\d+)\*\* "
        r"\((\d+) with `founded`, (\d+) with `arrived`\)",
        text,
    )
    assert years, text
    assert tuple(int(n) for n in years.groups()) == (
        (founded | arrived).sum(),
        len(companies),
        founded.sum(),
        arrived.sum(),
    )
    medellin = re.search(
        r"Companies with a year in Medellín \([^)]*\): \*\*(\d+) of (\d+)\*\*", text
    )
    assert medellin, text
    assert tuple(int(n) for n in medellin.groups()) == (in_medellin.sum(), len(companies))


@pytest.mark.parametrize(
    ("entity_id", "origin_class"),
    [
        # The mixed and borderline cases data/README.md decides ("Origin class rules").
        ("perficient-psl", "homegrown"),
        ("tigo-une", "homegrown"),
        ("somos-internet", "homegrown"),
        ("ceiba-software", ""),  # only "Antioquia" and a zip code (issue #22)
        ("rappi", "colombian"),
        ("grupocnet", "colombian"),
        ("wom-colombia", "international"),
        ("concentrix", "international"),
        ("kiwibot", ""),
        ("la-haus", ""),
        ("samay", ""),
        ("quipu", ""),
        ("sophos-solutions", ""),
        ("google-cloud", ""),
        ("bearing-ai", ""),
        # Third pass (research-2026-12b.md).
        ("quipux", ""),  # Medellín or Rionegro: sources conflict
        ("aulas-amigas", "homegrown"),  # Apertura's headline; Bello is the founder's
        ("telepatia", "homegrown"),  # registered domicile
        ("viajala", "international"),  # relocated from Chile
        ("internexa", ""),  # "colombiana" only
    ],
)
def test_origin_class_of_the_documented_cases(entity_id, origin_class):
    entities = shipped_companies().set_index("entity_id")
    assert entities.loc[entity_id, "origin_class"] == origin_class


# --- the third research pass: rows sampled against the quotes they rest on -----------

RESEARCH_12B = ROOT.parent / "shared" / "research" / "research-2026-12b.md"
QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”')
URL = re.compile(r"https?://[^\s<>)]+")


def plain(text: str) -> str:
    """Casefolded, without accents: quotes and rows spell names differently ("Creame")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def url_key(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url.rstrip(".,;")).rstrip("/")


@pytest.fixture(scope="module")
def quotes_12b() -> dict[str, str]:
    """Source id -> the quoted text (quotes and quoted titles) that research-2026-12b.md §2
    gives with that source's URL. A "Source for both/all three" line takes the quotes of the
    bullets before it; a line citing the "same … page as N" takes entity N's URL."""
    if not RESEARCH_12B.is_file():
        message = f"research file not found at {RESEARCH_12B}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    text = RESEARCH_12B.read_text(encoding="utf-8")
    entities_part = text.split("\n## 2.", 1)[1].split("\n## 3.", 1)[0]
    by_url: dict[str, list[str]] = {}
    urls_of: dict[str, list[str]] = {}
    for section in entities_part.split("\n### ")[1:]:
        number = section.split(".", 1)[0]
        urls_of[number] = URL.findall(section)
        pending: list[str] = []
        for line in section.splitlines():
            quoted = [a or b for a, b in QUOTED.findall(line)]
            urls = URL.findall(line)
            same = re.search(r"same [^.]*?as (\d+)", line)
            if same and not urls:
                urls = urls_of[same.group(1)][:1]
            if not urls:
                pending += quoted
                continue
            if line.lstrip("- ").startswith("Source for"):
                quoted = pending + quoted
            for url in urls:
                by_url.setdefault(url_key(url), []).extend(quoted)
            pending = []
    sources = pd.read_csv(ROOT / "data" / "sources.csv", dtype=str, keep_default_na=False)
    return {
        row.source_id: " | ".join(by_url[url_key(row.url)])
        for row in sources.itertuples()
        if row.url and url_key(row.url) in by_url
    }


@pytest.fixture(scope="module")
def third_pass_rows(quotes_12b) -> pd.DataFrame:
    """The rows all of whose sources are URLs of research-2026-12b.md (its new entities)."""
    entities = shipped_entities()
    only_12b = entities["sources"].str.split(";").map(lambda ids: set(ids) <= set(quotes_12b))
    return entities[only_12b]


# Rows whose name no quote of theirs contains; the research's heading names them.
NAME_NOT_QUOTED = {
    # Its quotes say "el emprendimiento" and "su compañía"; the name is the research's.
    "aulas-amigas",
}


def test_third_pass_rows_are_all_here(third_pass_rows):
    # 30 rows: 40 entities minus 5 left out and 5 kept as notes (data/README.md).
    described = readme_section("## Third pass")
    count = re.search(r"\*\*Transcribed as rows \((\d+)\):\*\*", described)
    assert count and int(count.group(1)) == len(third_pass_rows)
    assert set(third_pass_rows["kind"]) == set(ENTITY_KINDS)


def test_third_pass_names_are_in_their_quotes(third_pass_rows, quotes_12b):
    """At least half the words of the name (or of its bracketed part) are words of the quotes:
    quotes shorten names ("ETEK", "Pascual Bravo") and misspell them ("practica")."""
    unquoted = []
    for row in third_pass_rows.itertuples():
        quoted = set(
            re.findall(r"\w+", plain(" ".join(quotes_12b[s] for s in row.sources.split(";"))))
        )
        short, _, aside = row.name.partition(" (")
        names = [short, aside.rstrip(")")] if aside else [short]
        words = [[w for w in re.findall(r"\w+", plain(n)) if len(w) > 2] for n in names]
        if not any(ws and 2 * sum(w in quoted for w in ws) >= len(ws) for ws in words):
            unquoted.append(row.entity_id)
    assert sorted(unquoted) == sorted(NAME_NOT_QUOTED)


def test_third_pass_years_origins_and_places_are_in_their_quotes(
    third_pass_rows, quotes_12b, layers
):
    areas = {
        **dict(zip(layers.barrios["code"], layers.barrios["name"], strict=True)),
        **dict(zip(layers.comunas["code"], layers.comunas["name"], strict=True)),
    }
    for row in third_pass_rows.itertuples():
        quoted = plain(" ".join(quotes_12b[s] for s in row.sources.split(";")))
        if row.founded:
            assert row.founded in quoted, row.entity_id
        if row.origin_class == "homegrown":
            assert "medellin" in quoted, row.entity_id
        if row.location_code:
            placed = plain(quotes_12b[row.location_source])
            words = [w for w in plain(areas[row.location_code]).split() if len(w) > 3]
            assert any(w in placed for w in words), row.entity_id


def spellings(amount: float) -> set[str]:
    """How a quote may write an amount: 500,000 / 500.000 / 12 mil / 12.000 millones."""
    n = int(amount)
    forms = {str(n), f"{n:,}", f"{n:,}".replace(",", ".")}
    for unit, word in ((1_000, "mil"), (1_000_000, "millones")):
        if n % unit == 0:
            m = n // unit
            forms |= {f"{m} {word}", f"{m:,} {word}".replace(",", ".")}
    return forms


def test_third_pass_figures_are_in_their_quotes(quotes_12b):
    new_ids = set(quotes_12b) - {"S95", "S169", "S170"}  # reused ids: earlier figures
    staff = pd.read_csv(ROOT / "data" / "staff.csv", dtype=str, keep_default_na=False)
    funding = pd.read_csv(ROOT / "data" / "funding.csv", dtype=str, keep_default_na=False)
    funding = funding[funding["event_id"] != "ruta-n-investment-2025"]  # S20, second pass
    figures = [(r.source_id, r.staff) for r in staff.itertuples()] + [
        (r.source_id, r.amount_usd or r.amount_cop) for r in funding.itertuples()
    ]
    checked = 0
    for source_id, amount in figures:
        if source_id not in new_ids or not amount:
            continue
        quoted = quotes_12b[source_id]
        assert any(form in quoted for form in spellings(float(amount))), (source_id, amount)
        checked += 1
    assert checked == 7  # 3 staff rows, 4 funding rows (data/README.md, "Third pass")


def readme_section(title: str) -> str:
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    return " ".join(text.split("\n" + title, 1)[1].split("\n## ", 1)[0].split())
