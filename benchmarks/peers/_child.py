"""What the peers' child runners (_run_reader.py, _run_question.py) do before the clock starts."""

import importlib.util
import json
import os


def setup_or_report(table: dict, reader: str, threads: int):
    """The reader's setup function, with its thread pools sized first; None (after printing the harness's
    error line) when its Python module is not installed."""
    module, setup, _ = table[reader]
    if importlib.util.find_spec(module) is None:
        print(json.dumps({"error": f"Python module {module} not installed"}))
        return None
    # Thread pools read these when the library loads.
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)
    return setup
