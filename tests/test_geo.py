"""Placing entities: derived points, spatial join, honesty about precision."""

from __future__ import annotations

import pytest

from medmap.geo import GeoError, load_barrios, load_metro_stations


@pytest.fixture(scope="module")
def by_id(located):
    return located.set_index("entity_id")


def test_ruta_n_lands_in_sevilla_by_spatial_join(by_id):
    ruta_n = by_id.loc["ruta-n"]
    assert ruta_n["barrio_code"] == "0407"
    assert ruta_n["barrio_name"] == "Sevilla"
    assert ruta_n["comuna_code"] == "04"
    assert ruta_n["approximate"]


def test_udea_point_comes_from_its_campus_polygon(by_id, layers):
    udea = by_id.loc["universidad-de-antioquia"]
    campus = layers.barrios.set_index("code").geometry["Inst_11"]
    assert campus.contains(udea.geometry)
    assert udea["barrio_code"] == "Inst_11"


def test_join_agrees_with_every_stated_location_code(by_id):
    for entity_id, row in by_id.iterrows():
        if row["location_precision"] == "barrio":
            assert row["barrio_code"] == row["location_code"], entity_id
        if row["location_precision"] == "comuna":
            assert row["comuna_code"] == row["location_code"], entity_id
            assert row["barrio_code"] is None or str(row["barrio_code"]) == "<NA>", entity_id


def test_city_and_outside_entities_have_no_point(by_id):
    unplaced = by_id[by_id["location_precision"].isin(["city", "outside"])]
    assert len(unplaced) > 0
    assert unplaced.geometry.isna().all()
    assert not unplaced["approximate"].any()


def test_stated_coordinates_are_exact_points(by_id):
    exact = by_id[by_id["location_precision"] == "coordinates"]
    assert len(exact) >= 1
    assert not exact["approximate"].any()
    for _, row in exact.iterrows():
        assert row.geometry.x == pytest.approx(row["lon"])
        assert row.geometry.y == pytest.approx(row["lat"])
        assert row["barrio_code"] is not None


def test_missing_optional_stations_layer_is_none(tmp_path):
    assert load_metro_stations(tmp_path) is None


def test_corrupted_geometry_file_is_a_clear_error(tmp_path):
    (tmp_path / "barrios.geojson").write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(GeoError) as raised:
        load_barrios(tmp_path)
    assert str(raised.value).startswith("barrios.geojson:0:: unreadable geometry file")
