"""Peers that are Python libraries (pandas, polars, DuckDB, CPython re), each run by `_run_reader.py` in a
fresh child process of the interpreter given to the harness; how each one counts is in `readers.py`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from . import Counts, Peer
from .readers import LABELS, READERS

RUNNER = Path(__file__).resolve().parent / "_run_reader.py"


class PythonPeer(Peer):
    checks = "codes"
    slow = True
    self_timed = True

    def __init__(self, reader: str, python: str):
        self.reader, self.python = reader, python
        self.module, _, self.threads = READERS[reader]
        self.name = LABELS[reader]

    def missing(self):
        probe = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({self.module!r}) is None)"
        ok = subprocess.run([self.python, "-c", probe], capture_output=True).returncode == 0
        return None if ok else f"Python module {self.module} not installed (benchmarks/requirements.txt)"

    def commands(self, path, threads, work):
        return [[self.python, str(RUNNER), self.reader, str(path), "--threads", str(threads or 1)]]

    def read(self, outputs, work):
        d = json.loads(outputs[-1].strip().splitlines()[-1])
        if "error" in d:
            raise RuntimeError(d["error"])
        return Counts(codes={int(k): v for k, v in d["codes"].items()}, elapsed=d["elapsed"],
                      peak_rss_kb=d.get("peak_rss_kb"))


def peers(python: str) -> list[Peer]:
    return [PythonPeer(r, python) for r in READERS]
