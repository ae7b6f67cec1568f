"""A page whose app process dies shows its view again on another process (deploy/, make cluster).

Behind a balancer, a browser whose process dies reconnects through it to another
process, which has never seen its session. Streamlit's frontend asks a reconnected
session for a run only if the page has an auto-rerun (or a run was under way); otherwise
it keeps the dead session's elements, attached to a session that never ran, until the
reader touches a widget. An hourly fragment that draws nothing is such an auto-rerun: after
a reconnect the frontend asks for a full run with the page's URL, which holds the view.
"""

from __future__ import annotations

import streamlit as st

# Long: each tick is a fragment run of this empty function, once per open page.
RERUN_EVERY = "1h"


@st.fragment(run_every=RERUN_EVERY)
def rerun_after_reconnect() -> None:
    """Last in the frame (app.py): draws nothing; its auto-rerun is what counts."""
