"""The example notebook runs from top to bottom on the bundled sample."""

import pathlib

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[2] / "examples" / "explore.ipynb"


def test_explore_notebook_runs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    outputs = {i: c.get("outputs", []) for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    errors = [o for outs in outputs.values() for o in outs if o.get("output_type") == "error"]
    assert not errors
    html = [o["data"]["text/html"] for outs in outputs.values() for o in outs
            if o.get("output_type") == "execute_result" and "text/html" in o.get("data", {})]
    assert any("logcodes.Summary" in h and "<svg" in h for h in html)
    last = outputs[max(outputs)][-1]
    assert last["data"]["text/plain"] == "True"
