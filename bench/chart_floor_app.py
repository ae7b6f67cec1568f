"""The floor plus one Plotly chart beside the map: what a Plotly chart costs the page.

Identical to ``floor_app.py`` (empty folium map through ``st_folium``, local Leaflet
files, ``returned_objects=[]``), with one small bar chart in a column beside the map,
as medmap's Map page has its charts. Not a target: it shows how much of medmap's
distance to the floor any page with a Plotly chart next to the map pays.
"""

import folium
import plotly.graph_objects as go
import streamlit as st
from streamlit_folium import st_folium

from medmap.assets import LOCAL_CSS, LOCAL_JS

st.set_page_config(page_title="Empty map and a chart (floor + Plotly)", layout="wide")
m = folium.Map(location=(6.2518, -75.5736), zoom_start=12)
m.default_js = [(n, LOCAL_JS[n]) for n, _ in m.default_js if n in LOCAL_JS]
m.default_css = [(n, LOCAL_CSS[n]) for n, _ in m.default_css if n in LOCAL_CSS]
map_col, chart_col = st.columns([3, 2])
with map_col:
    st_folium(m, height=620, use_container_width=True, returned_objects=[])
with chart_col:
    bars = go.Bar(x=[3, 2, 2, 1, 1], y=["a", "b", "c", "d", "e"], orientation="h")
    st.plotly_chart(go.Figure(bars), config={"displayModeBar": False})
