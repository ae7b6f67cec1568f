"""The map as a table: the same values as the choropleth, named, most first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medmap.filters import Filters, filter_entities, per_area
from medmap.map_table import map_table
from medmap.maps import Choropleth, view_state


@pytest.mark.parametrize("level", ["barrio", "comuna"])
@pytest.mark.parametrize("metric", ["entities", "staff", "funding"])
def test_its_numbers_are_the_values_the_choropleth_gets(located, dataset, layers, level, metric):
    values = per_area(located, dataset.staff, dataset.funding, f"{level}_code")[metric]
    choropleth = Choropleth(values, metric, level=level)
    areas = layers.barrios if level == "barrio" else layers.comunas
    table = map_table(choropleth, areas)
    # Every area the map receives a value for, with that value, and no other area.
    assert sorted(table["code"]) == sorted(values.index)
    by_code = table.set_index("code")["value"]
    np.testing.assert_array_equal(by_code[values.index].to_numpy(), values.to_numpy(float))
    # The map colours (and labels) exactly the areas with a value; the table shows them too.
    coloured = view_state(choropleth, "en", focus=[[0, 0], [1, 1]], token="t")["values"]
    assert set(coloured) == set(table.loc[table["value"].fillna(0) != 0, "code"])
    names = areas.set_index("code")["name"]
    assert (table["name"] == table["code"].map(names)).all()


def test_most_first_and_missing_last(layers):
    values = pd.Series({"0407": 2.0, "0101": np.nan, "1401": 9.0, "0301": 2.0})
    table = map_table(Choropleth(values, "staff"), layers.barrios)
    assert table["code"].tolist() == ["1401", "0301", "0407", "0101"]
    assert table.loc[table["code"] == "0407", "name"].item() == "Sevilla"


def test_a_view_with_nothing_placed_has_no_rows(located, dataset, layers):
    shown = filter_entities(located, Filters(barrios=("0101",), kinds=("institution",)))
    values = per_area(shown, dataset.staff, dataset.funding)["entities"]
    assert map_table(Choropleth(values, "entities"), layers.barrios).empty
