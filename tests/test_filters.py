import pandas as pd

from medmap.filters import (
    ORIGIN_NOT_REPORTED,
    ORIGIN_OPTIONS,
    Filters,
    as_of,
    barrio_options,
    compute_kpis,
    dropped_values,
    filter_entities,
    largest_raised,
    latest_staff,
    origin_codes,
    per_area,
    timeline_years,
    year_in_medellin,
)

ENTITIES = pd.DataFrame(
    {
        "entity_id": ["a", "b", "c", "d", "e"],
        "kind": ["company", "company", "company", "institution", "company"],
        "status": ["active", "active", "active", "active", "context"],
        "sector": ["ai", "fintech", "ai", "university", "ai"],
        "barrio_code": ["0407", None, "1403", "Inst_11", None],
        "comuna_code": ["04", "14", "14", "04", None],
    }
)
STAFF = pd.DataFrame(
    {
        "entity_id": ["a", "a", "a", "c", "c"],
        "staff": [10, 50, 900, 5, 7],
        "qualifier": ["exact", "approx", "planned", "exact", "min"],
        "as_of": ["2018", "2020-05", "2021", None, "2019"],
        "scope": ["medellin", "medellin", "medellin", "medellin", "colombia"],
    }
)
FUNDING = pd.DataFrame(
    {
        "entity_id": ["a", "a", "b", "c"],
        "amount_usd": [5e6, 20e6, 1e9, None],
        "event_type": ["round", "total_raised", "acquisition", "round"],
    }
)


def test_empty_filters_keep_everything():
    assert len(filter_entities(ENTITIES, Filters())) == 5
    assert Filters().is_empty


def test_barrio_filter_wins_over_comuna_and_drops_unplaced():
    kept = filter_entities(ENTITIES, Filters(comunas=("14",), barrios=("0407",)))
    assert list(kept["entity_id"]) == ["a"]


def test_comuna_sector_and_kind_combine():
    assert list(filter_entities(ENTITIES, Filters(comunas=("14",)))["entity_id"]) == ["b", "c"]
    kept = filter_entities(ENTITIES, Filters(comunas=("14",), sectors=("ai",)))
    assert list(kept["entity_id"]) == ["c"]
    assert list(filter_entities(ENTITIES, Filters(kinds=("institution",)))["entity_id"]) == ["d"]


def test_latest_staff_skips_planned_and_other_scopes():
    latest = latest_staff(STAFF).set_index("entity_id")["staff"]
    assert latest.to_dict() == {"a": 50, "c": 5}


def test_largest_raised_ignores_acquisitions_and_missing_amounts():
    raised = largest_raised(FUNDING).set_index("entity_id")["amount_usd"]
    assert raised.to_dict() == {"a": 20e6}


def test_kpis_sum_only_reported_values_and_skip_context_rows():
    kpis = compute_kpis(ENTITIES, STAFF, FUNDING)
    assert kpis.companies == 3  # e is context only
    assert (kpis.staff_total, kpis.staff_reporting) == (55, 2)
    assert (kpis.funding_total, kpis.funding_reporting) == (20e6, 1)
    assert kpis.organisations == 1


def test_the_support_layer_counts_as_organisations_not_companies():
    support = pd.DataFrame(
        {
            "entity_id": ["w", "f", "p", "c"],
            "kind": ["coworking", "fund", "programme", "company"],
            "status": ["active"] * 4,
        }
    )
    kpis = compute_kpis(support, STAFF, FUNDING)
    assert (kpis.companies, kpis.organisations) == (1, 3)


def test_per_area_keeps_unreported_as_missing():
    by_barrio = per_area(ENTITIES, STAFF, FUNDING)
    assert by_barrio.loc["0407", "entities"] == 1
    assert by_barrio.loc["0407", "staff"] == 50
    assert pd.isna(by_barrio.loc["Inst_11", "staff"])
    by_comuna = per_area(ENTITIES, STAFF, FUNDING, "comuna_code")
    assert by_comuna.loc["14", "entities"] == 2


def test_barrio_options_narrowed_by_comuna():
    barrios = pd.DataFrame({"code": ["0407", "1403", "1404"], "comuna_code": ["04", "14", "14"]})
    assert barrio_options(barrios) == ["0407", "1403", "1404"]
    assert barrio_options(barrios, ["14"]) == ["1403", "1404"]


def test_dropped_values_lists_unknown_values_once():
    dropped = dropped_values(
        {"sector": ["ai", "x", "x"], "lang": ["en"]}, {"sector": ["ai"], "lang": ["en"]}
    )
    assert dropped == {"sector": ["x"]}


def test_the_year_in_medellin_is_arrival_or_a_homegrown_founding():
    entities = pd.DataFrame(
        {
            "founded": pd.array([2010, 2005, 1990, None], dtype="Int64"),
            "arrived": pd.array([None, 2015, None, None], dtype="Int64"),
            "origin_class": ["international", "international", "homegrown", None],
        }
    )
    years = year_in_medellin(entities)
    # Founded in New York in 2010 is not a year in Medellín; a homegrown founding is.
    assert years[1] == 2015 and years[2] == 1990
    assert pd.isna(years[0]) and pd.isna(years[3])


def test_as_of_a_year_keeps_what_was_known_by_its_end():
    frames = {
        "staff": pd.DataFrame({"as_of": ["2019", "2021-05", None], "staff": [1, 2, 3]}),
        "funding": pd.DataFrame({"date": ["2018-07", "2022", None]}),
        "series": pd.DataFrame({"period_end": pd.array([2019, 2020, None], dtype="Int64")}),
    }
    kept = as_of(frames, 2019)
    assert kept["staff"]["staff"].tolist() == [1, 3]  # undated figures stay
    assert kept["funding"]["date"].tolist() == ["2018-07"]  # undated events cannot be placed
    assert kept["series"]["period_end"].tolist() == [2019]
    assert as_of(frames, None) is frames


def test_year_filter_keeps_or_drops_the_undated(located):
    years = year_in_medellin(located)
    by_2015 = filter_entities(located, Filters(year=2015))
    assert len(by_2015) == (years <= 2015).sum() + years.isna().sum()
    dated_only = filter_entities(located, Filters(year=2015, undated=False))
    assert len(dated_only) == (years <= 2015).sum() > 0
    last = max(timeline_years(located, pd.DataFrame({"date": pd.Series([], dtype="string")})))
    assert len(filter_entities(located, Filters(year=last))) == len(located)


def test_origin_codes_name_the_unreported(located):
    codes = origin_codes(located)
    assert set(codes) <= set(ORIGIN_OPTIONS)
    assert (codes == ORIGIN_NOT_REPORTED).sum() == located["origin_class"].isna().sum() > 0
    kept = filter_entities(located, Filters(origins=("international", ORIGIN_NOT_REPORTED)))
    assert len(kept) == codes.isin(["international", ORIGIN_NOT_REPORTED]).sum()
