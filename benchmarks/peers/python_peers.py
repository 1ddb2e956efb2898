"""Peers that are Python libraries (pandas, polars, DuckDB, CPython re), each run by `_run_reader.py` in a
fresh child process of the interpreter given to the harness; how each one counts is in `readers.py`.
The same tools (and logcodes.records() into polars / DuckDB) answering a question of questions.py run
through `_run_question.py`; their queries are in `question_readers.py`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from . import Counts, Peer
from . import question_readers
from .readers import LABELS, READERS

RUNNER = Path(__file__).resolve().parent / "_run_reader.py"
QUESTION_RUNNER = Path(__file__).resolve().parent / "_run_question.py"


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


class QuestionPeer(Peer):
    """One dataframe tool answering one question; checked group by group against the truth."""
    self_timed = True

    def __init__(self, reader: str, question: str, python: str):
        self.reader, self.question, self.python = reader, question, python
        self.module, _, self.threads = question_readers.READERS[reader]
        self.checks = question
        self.name = f"{question_readers.LABELS[reader]} by {question}"
        self.tool = question_readers.LABELS[reader]
        # pandas reads and matches in Python objects: one run at the question size is enough.
        self.max_repeat = 1 if reader == "pandas" else 0
        self.needs_logcodes = reader.startswith("records_")

    def missing(self):
        mods = [self.module] + (["logcodes", "pyarrow"] if self.needs_logcodes else [])
        probe = f"import importlib.util, sys; sys.exit(any(importlib.util.find_spec(m) is None for m in {mods!r}))"
        ok = subprocess.run([self.python, "-c", probe], capture_output=True).returncode == 0
        return None if ok else f"Python module(s) {', '.join(mods)} not all installed (benchmarks/requirements.txt)"

    def commands(self, path, threads, work):
        return [[self.python, str(QUESTION_RUNNER), self.reader, self.question, str(path),
                 "--threads", str(threads or 1)]]

    def read(self, outputs, work):
        import questions
        d = json.loads(outputs[-1].strip().splitlines()[-1])
        if "error" in d:
            raise RuntimeError(d["error"])
        return Counts(groups=questions.groups_from_rows(d["groups"]), elapsed=d["elapsed"],
                      peak_rss_kb=d.get("peak_rss_kb"))


def question_peers(python: str, question: str) -> list[Peer]:
    return [QuestionPeer(r, question, python) for r in question_readers.READERS]
