"""The tools `make bench` compares logcodes with, on the same files in the same run.

Each peer knows how to run on a file (one or more commands, timed as whole processes, or a Python child that
times only its own work, as logcodes is timed) and how to read its counts back, so the harness can check them
against the generator's truth:

    floors      cat, read()+memchr newline count, ripgrep line count: count lines at most (checked on lines)
    extractors  a scalar C status loop, ripgrep per class, GoAccess, pandas, polars, DuckDB, CPython re:
                per-code (or per-class) counts, checked exactly
    questions   polars, DuckDB, pandas and logcodes.records() into polars / DuckDB answering the questions of
                questions.py (by code and path, by hour and class ...): every group checked exactly

A peer that miscounts is reported WRONG with the difference; it is neither dropped nor helped.
"""

from __future__ import annotations

import abc

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Counts", "Peer", "verdict", "class_of", "all_peers"]


@dataclass
class Counts:
    """What a peer reported. None means the peer does not give that figure."""

    lines: int | None = None                 # newline-terminated lines (plus a last unterminated one)
    codes: dict[int, int] | None = None      # per status code, 100-599
    classes: dict[str, int] | None = None    # per class, "1xx".."5xx"
    other: int | None = None                 # non-blank lines the peer found no status code in
    elapsed: float | None = None             # the peer's own timing of its work (Python peers), seconds
    peak_rss_kb: int | None = None           # the peer's own VmHWM (Python peers)
    groups: dict | None = None               # {key tuple: n}: the answer to a question (questions.py)
    notes: list[str] = field(default_factory=list)


def class_of(code: int) -> str:
    return f"{code // 100}xx"


def _diff(got: dict, want: dict, what: str, limit: int = 8) -> list[str]:
    keys = sorted(set(got) | set(want), key=str)
    out = [f"{what} {k}: {got.get(k, 0)} != {want.get(k, 0)}" for k in keys if got.get(k, 0) != want.get(k, 0)]
    return out[:limit] + ([f"... {len(out) - limit} more"] if len(out) > limit else [])


def verdict(counts: Counts, truth: dict, checks: str) -> tuple[str, list[str]]:
    """("ok" | "WRONG" | "n/a", differences) for what this peer claims to count (`checks`):
    "codes" (every code exact), "classes" (every class exact), "lines" (line count), a question of
    questions.py (every group exact) or "none"."""
    import questions  # benchmarks/, on the path of whoever loads the peers
    if checks in questions.QUESTIONS:
        if counts.groups is None:
            return "WRONG", ["no groups"]
        diffs = questions.diff(counts.groups, questions.truth_groups(truth, checks))
        return ("WRONG" if diffs else "ok"), diffs
    want_codes = {int(k): v for k, v in truth["codes"].items()}
    not_codes = truth["records"] - sum(want_codes.values())  # invalid status + not a log line
    if checks == "codes":
        if counts.codes is None:
            return "WRONG", ["no per-code counts"]
        diffs = _diff(counts.codes, want_codes, "code")
        missing = sum(want_codes.values()) - sum(counts.codes.values())
        if diffs and missing:
            diffs.append(f"{missing:+d} records without a code vs the truth" if missing < 0 else
                         f"{missing} records with a code not counted")
        if counts.other is not None and counts.other != not_codes:
            diffs.append(f"lines without a code {counts.other} != {not_codes} (invalid + unparsed)")
        return ("WRONG" if diffs else "ok"), diffs
    if checks == "classes":
        want: dict[str, int] = {}
        for c, n in want_codes.items():
            want[class_of(c)] = want.get(class_of(c), 0) + n
        if counts.classes is None:
            return "WRONG", ["no per-class counts"]
        diffs = _diff(counts.classes, want, "class")
        return ("WRONG" if diffs else "ok"), diffs
    if checks == "lines":
        if counts.lines != truth["lines"]:
            return "WRONG", [f"lines {counts.lines} != {truth['lines']}"]
        return "ok", []
    return "n/a", []


class Peer(abc.ABC):
    """One tool, run on one file. Subclasses set the class attributes and implement commands() and read()."""

    name = ""
    checks = "none"           # what read() gives that can be checked: codes, classes, lines, none
    slow = False              # run on the smallest combined file only, with fewer repeats
    max_repeat = 0            # 1: a single run is enough (very slow tools); 0: no limit
    threads: tuple[int | None, ...] = (None,)  # thread counts it can be told to use; None: not configurable
    self_timed = False        # the command prints its own elapsed time and peak RSS (a Python child)
    capture = True            # stdout is read (False: sent to /dev/null, as `cat FILE > /dev/null`)
    exit_ok: tuple[int, ...] = (0,)  # exit statuses that mean success

    def missing(self) -> str | None:
        """Why this peer cannot run here (a tool or module not installed), or None."""
        return None

    def prepare(self, build_dir: Path) -> None:
        """Untimed set-up, once per run (compiling the C floors)."""

    @abc.abstractmethod
    def commands(self, path: Path, threads: int | None, work: Path) -> list[list[str]]:
        """The processes of one trial, run one after the other; their times add up."""

    def read(self, outputs: list[str], work: Path) -> Counts:
        """Counts from the trial's standard outputs (one per command) and files it wrote under `work`."""
        return Counts()

    def label(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<peer {self.name!r} checks={self.checks} slow={self.slow}>"


def all_peers(python: str) -> list[Peer]:
    """Every peer, fast ones first; `python` is the interpreter that runs the Python peers."""
    from . import native, python_peers
    return native.peers() + python_peers.peers(python)


def question_peers(python: str, question: str) -> list[Peer]:
    """The dataframe tools answering one question of questions.py."""
    from . import python_peers
    return python_peers.question_peers(python, question)
