"""Peers that are programs: cat, the C floors (memchr newline count, scalar status loop), ripgrep, GoAccess.

Timed as whole processes by the harness; their counts are read from what they print or write.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from . import Counts, Peer

FLOOR_SRC = Path(__file__).resolve().parent.parent / "floor"

# The status is the token right after the request's closing quote; inside the quotes a backslash escapes the
# next byte (Apache \" and \\, nginx \xHH). Anything else on the line (referer, agent) may look like a status.
STATUS_AFTER_REQUEST = r'^[^"\n]*"(?:[^"\\\n]|\\.)*" ({code})(?: |$)'


class Cat(Peer):
    """`cat FILE > /dev/null`: what reading the file costs a separate process, with nothing parsed."""
    name = "cat"
    capture = False

    def missing(self):
        return None if shutil.which("cat") else "cat not found"

    def commands(self, path, threads, work):
        return [["cat", str(path)]]


class CFloor(Peer):
    """A tiny C program from benchmarks/floor/, compiled by the harness with `cc -O2`."""
    source = ""

    def __init__(self):
        self.exe: Path | None = None

    def missing(self):
        return None if shutil.which("cc") else "no C compiler (cc)"

    def prepare(self, build_dir: Path) -> None:
        src = FLOOR_SRC / self.source
        exe = build_dir / src.stem
        build_dir.mkdir(parents=True, exist_ok=True)
        if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
            subprocess.run(["cc", "-O2", "-Wall", "-Wextra", "-o", str(exe), str(src)], check=True)
        self.exe = exe

    def commands(self, path, threads, work):
        if self.exe is None:
            raise RuntimeError(f"{self.name}: prepare() was not called")
        return [[str(self.exe), str(path)]]

    def read(self, outputs, work):
        d = json.loads(outputs[-1])
        codes = {int(k): v for k, v in d["codes"].items()} if "codes" in d else None
        return Counts(lines=d.get("lines"), codes=codes, other=d.get("other"))


class Newlines(CFloor):
    """read() into a reused buffer + memchr('\\n'): the floor for any line-oriented scan."""
    name = "read+memchr"
    source = "newlines.c"
    checks = "lines"


class ScalarStatus(CFloor):
    """A byte-at-a-time C loop taking the token after the request's closing quote."""
    name = "scalar C"
    source = "status_scalar.c"
    checks = "codes"


class RipgrepLines(Peer):
    """`rg -c ''`: ripgrep's own line count (-a: a NUL byte in a junk line must not make it a binary file)."""
    name = "rg -c (lines)"
    checks = "lines"
    exit_ok = (0, 1)  # 1: no line matched, a count of 0

    def missing(self):
        return None if shutil.which("rg") else "ripgrep (rg) not installed"

    def commands(self, path, threads, work):
        return [["rg", "--no-mmap", "-a", "-c", "", str(path)]]

    def read(self, outputs, work):
        return Counts(lines=int(outputs[0].strip() or 0))


class RipgrepClasses(Peer):
    """Five `rg -c` passes, one per class, each with the status-after-the-request regex: per-class counts
    (ripgrep counts matching lines, it cannot group; per code would be one pass per code)."""
    name = "rg -c per class"
    checks = "classes"
    exit_ok = (0, 1)  # 1: no line of that class, a count of 0

    def missing(self):
        return None if shutil.which("rg") else "ripgrep (rg) not installed"

    def commands(self, path, threads, work):
        return [["rg", "--no-mmap", "-a", "-c", STATUS_AFTER_REQUEST.format(code=f"{d}[0-9][0-9]"), str(path)] for d in "12345"]

    def read(self, outputs, work):
        return Counts(classes={f"{d}xx": int(o.strip() or 0) for d, o in zip("12345", outputs)})


class GoAccess(Peer):
    """GoAccess, non-interactive, JSON report; its status-code panel gives per-code hits."""
    name = "GoAccess"
    checks = "codes"
    slow = True
    max_repeat = 1

    def missing(self):
        return None if shutil.which("goaccess") else "goaccess not installed (Debian package goaccess)"

    def commands(self, path, threads, work):
        return [["goaccess", str(path), "--log-format=COMBINED", "--no-global-config", "--no-progress",
                 "-o", str(work / "goaccess.json")]]

    def read(self, outputs, work):
        report = json.loads((work / "goaccess.json").read_text(errors="replace"))
        codes: dict[int, int] = {}
        for group in report.get("status_codes", {}).get("data", []):
            for item in group.get("items", []):
                m = re.match(r"\s*(\d+)", item.get("data", ""))
                if m:
                    codes[int(m.group(1))] = codes.get(int(m.group(1)), 0) + int(item["hits"]["count"])
        general = report.get("general", {})
        notes = [f"GoAccess: {general.get('failed_requests')} failed requests of {general.get('total_requests')}"]
        return Counts(codes={c: n for c, n in codes.items() if 100 <= c <= 599}, notes=notes)


def peers() -> list[Peer]:
    return [Cat(), Newlines(), RipgrepLines(), ScalarStatus(), RipgrepClasses(), GoAccess()]
