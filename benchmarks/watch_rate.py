"""Does `logcodes watch` keep up with a live log? A writer appends combined-log lines at a target rate for a
while; `logcodes watch --jsonl` follows the file pinned to one core. For each rate: lines counted vs
written (must be equal), the largest lag seen while writing, how long after the writer stopped the last
line was counted, and the watcher's CPU time. Results go to benchmarks/WATCH.md.

    python benchmarks/watch_rate.py                       # 100k ... 1.6M lines/s, 10 s each
    python benchmarks/watch_rate.py --rates 100000 --seconds 5
"""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from typing import Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = [200] * 12 + [304, 404, 404, 301, 302, 500, 502, 503, 499, 429]


def batch(start: int, n: int) -> bytes:
    out = []
    for i in range(start, start + n):
        code = CODES[i % len(CODES)]
        out.append(f'10.{i % 7}.{i % 200}.{i % 250} - - [24/Nov/2026:12:{i % 60:02d}:{(i * 7) % 60:02d} +0000] '
                   f'"GET /shop/item/{i % 5000}?ref={i % 13} HTTP/1.1" {code} {i % 90000} '
                   f'"https://example.test/" "Mozilla/5.0 (X11; Linux x86_64) bench/{i % 97}"\n')
    return "".join(out).encode()


def cpu_seconds(pid: int) -> "float | None":
    """User + system CPU time of a running process (Linux /proc), None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def run(rate: int, seconds: float, interval: str, core: int, writer_core: int) -> Dict[str, object]:
    tmp = tempfile.mkdtemp(prefix="watch-rate-")
    log = os.path.join(tmp, "access.log")
    open(log, "wb").close()
    cmd = [sys.executable, "-m", "logcodes", "watch", log, "--jsonl", "--interval", interval, "--format", "combined"]
    if shutil.which("taskset") and core >= 0:
        cmd = ["taskset", "-c", str(core)] + cmd
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    counted = [0]
    lags: List[int] = []
    last_count_at = [0.0]

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            w = json.loads(line)
            n = w["counted"] + w["unparsed"] + w["invalid"]
            if n:
                counted[0] += n
                last_count_at[0] = time.monotonic()
            lags.append(w["lag_bytes"])

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(1.0)   # the watcher is up
    if writer_core >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {writer_core})
    step = max(2000, rate // 100)     # lines per write: about 100 writes a second
    block = batch(0, step)
    written = 0
    start = time.monotonic()
    with open(log, "ab") as f:
        while time.monotonic() - start < seconds:
            f.write(block)
            f.flush()
            written += step
            ahead = written / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    wrote_for = time.monotonic() - start
    lags_while_writing = list(lags)
    stopped = time.monotonic()
    deadline = stopped + 60
    while counted[0] < written and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    caught_up_after = max(0.0, last_count_at[0] - stopped) if counted[0] >= written else None
    cpu = cpu_seconds(proc.pid)
    proc.terminate()
    proc.wait(30)
    reader.join(10)
    shutil.rmtree(tmp, ignore_errors=True)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
    line_bytes = len(block) / step
    return {
        "target_rate": rate,
        "achieved_write_rate": round(written / wrote_for),
        "written": written,
        "counted": counted[0],
        "exact": counted[0] == written,
        "max_lag_lines_at_window_end": round(max(lags_while_writing or [0]) / line_bytes),
        "caught_up_after_s": None if caught_up_after is None else round(caught_up_after, 2),
        "watch_cpu_s": None if cpu is None else round(cpu, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rates", default="100000,200000,400000,800000,1600000")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--interval", default="1s")
    ap.add_argument("--core", type=int, default=1, help="core the watcher is pinned to (-1: none)")
    ap.add_argument("--writer-core", type=int, default=0, help="core the writer runs on (-1: any)")
    ap.add_argument("--out", default=os.path.join(HERE, "WATCH.md"))
    args = ap.parse_args()
    load_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    for rate in (int(r) for r in args.rates.split(",")):
        r = run(rate, args.seconds, args.interval, args.core, args.writer_core)
        # Kept up: every line counted, and within two windows of the writer stopping.
        r["kept_up"] = bool(r["exact"]) and r["caught_up_after_s"] is not None and \
            float(r["caught_up_after_s"]) <= 2 * float(args.interval.rstrip("s"))  # type: ignore[arg-type]
        rows.append(r)
        print(json.dumps(r), flush=True)
    kept = [r["target_rate"] for r in rows if r["kept_up"]]
    with open(args.out, "w") as f:
        f.write("# `logcodes watch`: how fast a log can grow\n\n")
        f.write(f"`python benchmarks/watch_rate.py` ({_dt.date.today()}, {platform.machine()}, "
                f"{os.cpu_count()} cores, Python {platform.python_version()}): a writer appends combined-log "
                f"lines (~{len(batch(0, 100)) // 100} bytes each) at each target rate for {args.seconds:g} s "
                f"while `logcodes watch --jsonl --interval {args.interval}` follows the file pinned to one core "
                f"(`taskset -c {args.core}`).\n\n")
        load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
        f.write(f"Load average (1/5/15 min) at start {load_start}, at end {load_end}: figures from a machine "
                "busy with other work are rough.\n\n")
        f.write("| target lines/s | written lines/s | written | counted | exact | largest lag at a window's end "
                "(lines) | all counted after (s) | watch CPU (s) | kept up |\n"
                "|---:|---:|---:|---:|:-:|---:|---:|---:|:-:|\n")
        for r in rows:
            f.write(f"| {r['target_rate']:,} | {r['achieved_write_rate']:,} | {r['written']:,} | {r['counted']:,} | "
                    f"{'yes' if r['exact'] else 'NO'} | {r['max_lag_lines_at_window_end']:,} | "
                    f"{r['caught_up_after_s']} | {r['watch_cpu_s']} | {'yes' if r['kept_up'] else 'no'} |\n")
        if kept and len(kept) == len(rows):
            f.write(f"\nEvery rate tried was kept up with, up to {max(kept):,} lines/s: the ceiling lies higher "
                    f"(the watcher needed {rows[-1]['watch_cpu_s']} s of CPU for {args.seconds:g} s of it).\n")
        elif kept:
            f.write(f"\nHighest rate kept up with: {max(kept):,} lines/s.\n")
        else:
            f.write("\nNo rate was kept up with.\n")
        f.write("\n*Kept up*: every line written was counted (`exact`) and the last one within two windows of the "
                "writer stopping. *Lag* is what was appended while a window was being read. *watch CPU* is the "
                "user + system time of the watcher process over the whole run, start-up included: divided by the "
                "seconds written it is the share of its one core the stage needed. Where *written lines/s* is "
                "below the target, the Python writer (on the other core) was the limit, not the watcher.\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
