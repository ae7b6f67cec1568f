"""The load bench's floor: a bare Streamlit page, a title and a line of text (bench/load.py)."""

import streamlit as st

st.title("A bare Streamlit page")
st.write("A line of text.")
