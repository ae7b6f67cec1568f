"""medmap's entry point: ``streamlit run serve.py``.

It serves ``app.py`` as ``streamlit run app.py`` would (Streamlit runs the ``st.App``
it finds here), and loads the data, geometry and imports at start-up, so that the
first visitor does not wait for them (bench/README.md has the figures). Its pages come
with the first-paint stylesheet and preloads of the first screen's code
(``medmap.first_paint``).
"""

import asyncio
import contextlib
from pathlib import Path

import streamlit as st

from medmap import first_paint
from medmap.runtime import warm_up

# st.navigation names each page's URL after its file (app.py).
PAGE_PATHS = sorted(p.stem for p in (Path(__file__).parent / "pages").glob("*.py"))


@contextlib.asynccontextmanager
async def lifespan(_app):
    await asyncio.to_thread(warm_up)
    yield


app = st.App("app.py", lifespan=lifespan, routes=first_paint.routes(PAGE_PATHS))
