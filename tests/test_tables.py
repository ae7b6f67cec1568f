from medmap.tables import entity_table, figure_labels, qualified


def test_entity_table_states_unknowns_and_links_sources(located, dataset):
    labels = dict(zip(dataset.sectors["sector"], dataset.sectors["label_es"], strict=True))
    table = entity_table(located, dataset, labels, "es").set_index("name")
    ruta_n = table.loc[table.index.str.startswith("Ruta N")].iloc[0]
    assert ruta_n["barrio"] == "Sevilla"
    assert ruta_n["location_precision"] == "aproximada: en algún lugar de su barrio"
    assert all(link.startswith("https://") for link in ruta_n["source_links"])
    city_only = table[table["location_precision"].str.startswith("solo se sabe")]
    assert (city_only["barrio"] == "—").all()
    assert table["staff"].isna().any()  # unreported stays missing, not zero


def test_figure_labels_carry_qualifier_and_date(dataset):
    staff, funding = figure_labels(dataset, "en")
    assert staff["ai-fund"].startswith("about 50")
    assert "2019" in staff["ai-fund"]
    assert funding["la-haus"].startswith("US$135M")
    assert qualified("1,264", "min", "es", "2018") == "más de 1,264 (2018)"
