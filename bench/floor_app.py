"""The floor: an empty folium map through ``st_folium``, the cost of the stack itself.

Same page layout, map size and local Leaflet files as medmap; no data, no
polygons, no markers, and nothing imported beyond Streamlit, folium and
streamlit-folium (``medmap.assets`` only names the local files; importing
``medmap.maps`` would pull in geopandas). ``returned_objects=[]``, as medmap
narrows its own, so the map never reruns the script by itself: this is the
least the stack can cost.
"""

import folium
import streamlit as st
from streamlit_folium import st_folium

from medmap.assets import LOCAL_CSS, LOCAL_JS

st.set_page_config(page_title="Empty map (floor)", layout="wide")
m = folium.Map(location=(6.2518, -75.5736), zoom_start=12)
# As medmap.maps.use_local_assets: folium's CDN links -> the app's static/ copies.
m.default_js = [(n, LOCAL_JS[n]) for n, _ in m.default_js if n in LOCAL_JS]
m.default_css = [(n, LOCAL_CSS[n]) for n, _ in m.default_css if n in LOCAL_CSS]
st_folium(m, height=620, use_container_width=True, returned_objects=[])
