#!/usr/bin/env python3
"""The installed manylinux wheel against the source build: import time and scan speed, same session.

    python benchmarks/wheel_vs_source.py --wheel dist/logcodes-...-cp311-...whl [--file FILE] [--repeat 7]

The source build is the interpreter running this script (``.venv``, built by ``make install``); the wheel is
installed into a fresh virtualenv of the same interpreter (``build/bench-wheel-venv``). Each trial is a fresh
process and the two alternate, so a load change on the machine hits both alike; medians are reported with
the load average (``os.getloadavg()``) before and after, since the machine may be shared.

- import: ``python -X importtime -c "import logcodes"``: the cumulative time of ``logcodes`` and the time
  of ``logcodes._core`` alone (loading the extension and its libraries: where the two builds differ);
- scan: ``_scan_once.py FILE --threads N`` (only ``logcodes.scan`` is timed), totals checked equal; and each
  process's CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import venv
from typing import Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def wheel_python(wheel: str) -> str:
    env_dir = os.path.join(ROOT, "build", "bench-wheel-venv")
    py = os.path.join(env_dir, "bin", "python")
    if not os.path.exists(py):
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    subprocess.run([py, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", wheel], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", "tqdm>=4.60", "prometheus_client>=0.17"], check=True)
    return py


def import_times(py: str) -> Dict[str, float]:
    out = subprocess.run([py, "-X", "importtime", "-c", "import logcodes"], capture_output=True, text=True,
                         check=True, cwd="/").stderr
    times: Dict[str, float] = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 3 and parts[2] in ("logcodes", "logcodes._core"):
            self_us, cumulative_us = int(parts[0].split(":")[-1]), int(parts[1])
            times[parts[2]] = (cumulative_us if parts[2] == "logcodes" else self_us) / 1e6
    return times


def scan_once(py: str, path: str, threads: int) -> Dict[str, float]:
    """One fresh process's scan; with its CPU seconds (user + system, start-up and import included), which a
    busy machine disturbs less than the wall clock."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([py, os.path.join(HERE, "_scan_once.py"), path, "--threads", str(threads)],
                         capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out.stdout)
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--file", default=os.path.join(HERE, "data", "combined-1GiB-seed1.log"))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--import-repeat", type=int, default=21)
    ap.add_argument("--threads", default="1,2")
    a = ap.parse_args()
    builds = {"source": sys.executable, "wheel": wheel_python(a.wheel)}
    for name, py in builds.items():
        where = subprocess.run([py, "-c", "import logcodes._core as c; print(c.__file__)"], capture_output=True,
                               text=True, check=True, cwd="/").stdout.strip()
        print(f"{name}: {where}")
    load_before = os.getloadavg()

    imports: Dict[str, Dict[str, List[float]]] = {b: {"logcodes": [], "logcodes._core": []} for b in builds}
    for _ in range(a.import_repeat):
        for name, py in builds.items():
            for mod, t in import_times(py).items():
                imports[name][mod].append(t)

    subprocess.run(["cat", a.file], stdout=subprocess.DEVNULL, check=True)  # the page cache, for both alike
    size = os.path.getsize(a.file)
    scans: Dict[str, Dict[int, List[float]]] = {b: {} for b in builds}
    cpu: Dict[str, Dict[int, List[float]]] = {b: {} for b in builds}
    totals = set()
    for threads in [int(t) for t in a.threads.split(",")]:
        for _ in range(a.repeat):
            for name, py in builds.items():
                r = scan_once(py, a.file, threads)
                if "error" in r:
                    raise SystemExit(f"{name}: {r['error']}")
                totals.add(json.dumps([r["total"], r["unparsed"], r["invalid"], r["codes"]]))
                scans[name].setdefault(threads, []).append(r["elapsed"])
                cpu[name].setdefault(threads, []).append(r["cpu"])
    if len(totals) != 1:
        raise SystemExit(f"the builds disagree on what they read: {sorted(totals)}")
    load_after = os.getloadavg()

    print(f"\nload average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} ({os.cpu_count()} cores)")
    print(f"\nimport (median of {a.import_repeat}, ms)   source   wheel   wheel/source")
    for mod in ("logcodes", "logcodes._core"):
        s, w = statistics.median(imports["source"][mod]), statistics.median(imports["wheel"][mod])
        print(f"  {mod:<30} {s * 1e3:7.1f} {w * 1e3:7.1f}   {w / s:6.3f}")
    print(f"\nscan of {os.path.basename(a.file)} ({size / 2**30:.2f} GiB; median of {a.repeat}, s)   source   "
          "wheel   wheel/source")
    for threads in sorted(scans["source"]):
        s, w = statistics.median(scans["source"][threads]), statistics.median(scans["wheel"][threads])
        print(f"  threads={threads:<27} {s:7.3f} {w:7.3f}   {w / s:6.3f}   ({size / s / 1e9:.2f} vs "
              f"{size / w / 1e9:.2f} GB/s)")
    print(f"\nthe same scans' CPU time (user + system of the process, s)   source   wheel   wheel/source")
    for threads in sorted(cpu["source"]):
        s, w = statistics.median(cpu["source"][threads]), statistics.median(cpu["wheel"][threads])
        print(f"  threads={threads:<27} {s:7.3f} {w:7.3f}   {w / s:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
