"""Streamlit Community Cloud's view: a fresh venv from requirements.txt alone runs the app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, start_server, stop_server

CLOUD_DEPENDENCY_FILES = ("uv.lock", "Pipfile", "environment.yml", "pyproject.lock", "poetry.lock")


def test_requirements_is_the_only_dependency_file_cloud_would_pick():
    assert (ROOT / "requirements.txt").is_file()
    assert not [name for name in CLOUD_DEPENDENCY_FILES if (ROOT / name).exists()]
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[-1] == "."
    assert all("==" in line for line in lines[:-1]), "every dependency is pinned"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_fresh_venv_from_requirements_runs_the_app(tmp_path: Path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"],
        cwd=ROOT,
        check=True,
    )
    probe = subprocess.run(
        [str(python), "-c", "import medmap, medmap.ui; print(medmap.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "site-packages" in probe.stdout  # the installed package, not the checkout
    server = start_server(python=python)
    try:
        assert server.process.poll() is None
    finally:
        stop_server(server)
