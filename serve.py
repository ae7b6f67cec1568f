"""medmap's entry point: ``streamlit run serve.py``.

It serves ``app.py`` as ``streamlit run app.py`` would (Streamlit runs the ``st.App``
it finds here), and loads the data, geometry and imports at start-up, so that the
first visitor does not wait for them (bench/README.md has the figures).
"""

import asyncio
import contextlib

import streamlit as st

from medmap.runtime import warm_up


@contextlib.asynccontextmanager
async def lifespan(_app):
    await asyncio.to_thread(warm_up)
    yield


app = st.App("app.py", lifespan=lifespan)
