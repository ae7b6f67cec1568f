"""The naive baseline: the map the way tutorials build it.

Every run reads the raw official barrios GeoJSON (7.5 MB, full-precision
coordinates) with geopandas, with no caching; adds it as a ``folium.GeoJson``
with a ``GeoJsonTooltip``; adds one ``folium.Marker`` per located office inside
a ``MarkerCluster``; filters by sector in the sidebar; and shows the map with
``st_folium(m)`` (default ``returned_objects``, no key).

The offices are the ones medmap shows, read from medmap's data directory with
``medmap.data.load_dataset`` and placed with ``medmap.geo.locate_entities``
(``MEDMAP_DATA_DIR`` points at the synthetic data in scale mode).

Only one thing differs from a tutorial: Leaflet and friends come from the same
local files as medmap's (``use_local_assets``), because the benchmark browser
is offline and folium's CDN links would never load. ``bench/run.py`` runs this
file from a temporary folder whose ``static/`` is the repository's ``static/``
and whose ``.streamlit/config.toml`` turns static serving on.
"""

import os
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from medmap.data import load_dataset
from medmap.geo import load_barrios, load_comunas, locate_entities
from medmap.maps import use_local_assets

ROOT = Path(os.environ.get("BENCH_REPO_ROOT") or Path(__file__).resolve().parents[1])
RAW_BARRIOS = ROOT.parent / "shared" / "data" / "geo" / "barrios.geojson"
DATA_DIR = Path(os.environ.get("MEDMAP_DATA_DIR") or ROOT / "data")

st.set_page_config(page_title="Medellín tech map (naive)", layout="wide")
st.title("Medellín tech ecosystem (naive)")

if not RAW_BARRIOS.is_file():
    st.error(f"Raw barrios GeoJSON not found: {RAW_BARRIOS}")
    st.stop()

barrios_raw = gpd.read_file(RAW_BARRIOS)

barrios = load_barrios(ROOT / "geo")
comunas = load_comunas(ROOT / "geo")
dataset = load_dataset(DATA_DIR, barrios["code"], comunas["code"])
entities = locate_entities(dataset.entities, barrios, comunas)

labels = dict(zip(dataset.sectors["sector"], dataset.sectors["label_en"], strict=True))
sectors = st.sidebar.multiselect("Sector", sorted(labels), format_func=labels.get)
if sectors:
    entities = entities[entities["sector"].isin(sectors)]

st.metric("Companies shown", int((entities["kind"] == "company").sum()))

m = folium.Map(location=[6.2518, -75.5736], zoom_start=12)
folium.GeoJson(
    barrios_raw,
    name="Barrios",
    tooltip=folium.GeoJsonTooltip(fields=["NOMBRE", "NOMBRE_COM"], aliases=["Barrio", "Comuna"]),
).add_to(m)
cluster = folium.plugins.MarkerCluster().add_to(m)
for office in entities[entities.geometry.notna()].itertuples():
    folium.Marker(
        [office.geometry.y, office.geometry.x], tooltip=office.name, popup=office.name
    ).add_to(cluster)
use_local_assets(m)

st_folium(m)
