import pandas as pd

from medmap.filters import (
    Filters,
    barrio_options,
    compute_kpis,
    dropped_values,
    filter_entities,
    largest_raised,
    latest_staff,
    per_area,
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
    assert kpis.institutions == 1


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
