"""The map's scripts and shapes served by the app itself, never from a CDN.

Leaflet, jQuery and MarkerCluster come from installed XStatic packages, medmap's
own layers from ``medmap/js/``; all are copied into the app's ``static/`` folder, which Streamlit serves at ``/app/static/`` when
``server.enableStaticServing`` is on. If a map script failed to load,
streamlit-folium would draw no map at all, so nothing here is left to a
third-party host.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster

STATIC_URL: Final = "/app/static/vendor"
MAP_JS: Final = Path(__file__).parent / "js" / "medmap-map.js"
# Content-hashed: a browser never runs a cached older copy against a newer server.
MAP_JS_NAME: Final = f"medmap-map-{hashlib.sha256(MAP_JS.read_bytes()).hexdigest()[:12]}.js"

# name -> (package, file inside the package's data dir)
_FILES: Final = {
    "leaflet.js": (xs_leaflet, "leaflet.js"),
    "leaflet.css": (xs_leaflet, "leaflet.css"),
    "jquery.min.js": (xs_jquery, "jquery.min.js"),
    "leaflet.markercluster.js": (xs_markercluster, "leaflet.markercluster.js"),
    "MarkerCluster.css": (xs_markercluster, "MarkerCluster.css"),
    "MarkerCluster.Default.css": (xs_markercluster, "MarkerCluster.Default.css"),
}

# What folium declares -> our local file. Anything folium links that is not
# here (Bootstrap, Font Awesome, awesome-markers) is dropped: medmap draws its
# markers with plain Leaflet and CSS.
LOCAL_JS: Final = {
    "leaflet": f"{STATIC_URL}/leaflet.js",
    "jquery": f"{STATIC_URL}/jquery.min.js",
    "markerclusterjs": f"{STATIC_URL}/leaflet.markercluster.js",
    "medmap_map": f"{STATIC_URL}/{MAP_JS_NAME}",
}
LOCAL_CSS: Final = {
    "leaflet_css": f"{STATIC_URL}/leaflet.css",
    "markerclustercss": f"{STATIC_URL}/MarkerCluster.css",
    "markerclusterdefaultcss": f"{STATIC_URL}/MarkerCluster.Default.css",
}


def install_static_assets(static_dir: Path) -> Path:
    """Copy the vendored files into ``static_dir/vendor`` (idempotent, atomic per file)."""
    target = static_dir / "vendor"
    target.mkdir(parents=True, exist_ok=True)
    sources = {
        name: Path(package.BASE_DIR) / filename for name, (package, filename) in _FILES.items()
    }
    for name, source in {**sources, MAP_JS_NAME: MAP_JS}.items():
        destination = target / name
        if destination.is_file() and destination.stat().st_size == source.stat().st_size:
            continue
        # Write beside the target and rename, so a concurrent reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, destination)
    images = Path(xs_leaflet.BASE_DIR) / "images"
    if images.is_dir():
        shutil.copytree(images, target / "images", dirs_exist_ok=True)
    return target


GEO_URL: Final = "/app/static/geo"


def install_geo_files(static_dir: Path, files: dict[str, bytes]) -> dict[str, str]:
    """Write display geometry into ``static_dir/geo`` under content-hashed names.

    The map fetches these once per browser (and the browser caches them), so the
    megabyte of barrio shapes is not resent on every rerun. ``files`` maps a stem
    (``barrios``) to its bytes; the result maps the stem to its URL.
    """
    target = static_dir / "geo"
    target.mkdir(parents=True, exist_ok=True)
    urls = {}
    for stem, content in files.items():
        name = f"{stem}-{hashlib.sha256(content).hexdigest()[:16]}.json"
        destination = target / name
        if not destination.is_file():
            fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(tmp, destination)
        urls[stem] = f"{GEO_URL}/{name}"
    return urls
