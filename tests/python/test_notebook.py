"""The example notebook runs from top to bottom on the bundled samples, from any directory, with
``jupyter nbconvert --execute`` as a reader would run it; its charts show inline."""

import pathlib
import shutil
import subprocess
import sys

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbconvert", reason="the notebook test runs `jupyter nbconvert` (requirements-dev.txt)")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "examples" / "explore.ipynb"


def test_explore_notebook_runs_from_anywhere_with_inline_charts(tmp_path):
    source = NOTEBOOK.read_text(encoding="utf-8")
    assert 'matplotlib.use("Agg")' not in source and "../tests" not in source
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "explore.ipynb"
    shutil.copy(NOTEBOOK, copy)
    run = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                          "--ExecutePreprocessor.timeout=180", "--output", "ran.ipynb", str(copy)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    nb = nbformat.read(elsewhere / "ran.ipynb", as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 2
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("logcodes.Summary" in h and "<svg" in h for h in html)
    assert any("logcodes.Top" in h for h in html)
    assert outputs[-1]["data"]["text/plain"] == "True"


def test_committed_notebook_has_its_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("outputs") for c in code)
    assert sum("image/png" in o.get("data", {}) for c in code for o in c["outputs"]) >= 2
    assert "site-packages" not in NOTEBOOK.read_text(encoding="utf-8")   # no local path saved with the outputs
