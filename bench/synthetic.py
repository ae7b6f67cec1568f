"""Synthetic offices for scale mode, written to a temporary copy of ``data/``.

Never writes into ``data/``: the copy lives in a temporary directory and the
apps find it through ``MEDMAP_DATA_DIR``, medmap's normal data path.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

SOURCE_ID = "SYNTHBENCH"
SOURCE_TITLE = "Synthetic benchmark data — not real"
ID_PREFIX = "synthetic-office"


def make_data_dir(root: Path, target: Path, n: int, seed: int = 20240601) -> Path:
    """Copy ``root/data`` to ``target`` and append ``n`` synthetic companies with coordinates.

    Each office is a uniformly random point inside a uniformly chosen barrio of
    ``geo/barrios.geojson`` (``GeoSeries.sample_points``), with a random sector of
    ``sectors.csv``, precision ``coordinates`` and a synthetic source.
    """
    source = root / "data"
    if target.resolve() == source.resolve():
        raise ValueError("synthetic data must never be written into data/")
    shutil.copytree(source, target)
    rng = np.random.default_rng(seed)
    barrios = gpd.read_file(root / "geo" / "barrios.geojson")
    per_barrio = np.bincount(rng.integers(0, len(barrios), n), minlength=len(barrios))
    points = barrios.geometry.sample_points(size=per_barrio, rng=rng).explode(index_parts=False)
    points = points[~points.is_empty]
    assert len(points) == n, (len(points), n)
    sectors = pd.read_csv(source / "sectors.csv", dtype=str)["sector"].to_numpy()
    chosen = rng.choice(sectors, size=n)

    sources = pd.read_csv(source / "sources.csv", dtype=str)
    if SOURCE_ID in set(sources["source_id"]):
        raise ValueError(f"{SOURCE_ID} already exists in sources.csv")
    _ensure_newline(target / "sources.csv")
    with (target / "sources.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerow([SOURCE_ID, SOURCE_TITLE, "", ""])

    entities = target / "entities.csv"
    with entities.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    _ensure_newline(entities)
    width = len(str(n))
    with entities.open("a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        for i, (point, sector) in enumerate(zip(points, chosen, strict=True), start=1):
            row = dict.fromkeys(header, "")
            row.update(
                entity_id=f"{ID_PREFIX}-{i:0{width}d}",
                name=f"Synthetic office {i}",
                kind="company",
                sector=sector,
                sector_unverified="false",
                status="active",
                location_precision="coordinates",
                lat=f"{point.y:.6f}",
                lon=f"{point.x:.6f}",
                location_source=SOURCE_ID,
                sources=SOURCE_ID,
                note="Synthetic benchmark row — not real",
            )
            writer.writerow([row[c] for c in header])
    return target


def _ensure_newline(path: Path) -> None:
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("ab") as f:
            f.write(b"\n")
