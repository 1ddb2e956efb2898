#!/usr/bin/env python3
"""records() throughput and memory: the generated combined log into pyarrow batches, consumed and dropped.

    python benchmarks/records_bench.py [--sizes 64MiB,1GiB] [--repeat 3] [--columns ...] [--out benchmarks/RECORDS.md]

Each run is a fresh process (so its peak RSS is its own): it reads every batch of
``logcodes.records(path)`` through ``pyarrow.RecordBatchReader`` and drops it, then checks the answer
against the generator's truth (rows and per-code counts) before any speed is reported. MB/s are input
bytes over wall time, "MB per CPU s" over the process's CPU time (steadier on a shared machine); peak
RSS comes from ``resource.getrusage`` in the child.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import gen_logs  # noqa: E402
import run as bench_run  # noqa: E402

CHILD = r"""
import json, resource, sys, time
import pyarrow as pa
import logcodes
path, columns, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
t0 = time.perf_counter()
u0 = resource.getrusage(resource.RUSAGE_SELF)
r = logcodes.records(path, columns=columns.split(",") if columns else None, batch_size=batch)
rows = batches = 0
for b in pa.RecordBatchReader.from_stream(r):
    rows += b.num_rows
    batches += 1
    del b
elapsed = time.perf_counter() - t0
u1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (u1.ru_utime - u0.ru_utime) + (u1.ru_stime - u0.ru_stime)
s = r.summary
print(json.dumps({"seconds": elapsed, "cpu": cpu, "rows": rows, "batches": batches,
                  "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "total": s.total, "invalid": s.invalid, "unparsed": s.unparsed,
                  "codes": {str(k): v for k, v in s.counts("code").items()}}))
"""


def run_once(python: str, path: Path, columns: str, batch: int) -> dict:
    out = subprocess.run([python, "-c", CHILD, str(path), columns, str(batch)], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout)


def check(res: dict, truth: dict) -> list[str]:
    diffs = []
    want = {str(k): v for k, v in truth["codes"].items()}
    if res["codes"] != want:
        diffs.append("per-code counts differ from the truth")
    if res["rows"] != sum(want.values()):
        diffs.append(f"rows {res['rows']} != {sum(want.values())}")
    if res["total"] != truth["records"] or res["invalid"] + res["unparsed"] != truth["invalid"] + truth["unparsed"]:
        diffs.append("totals differ from the truth")
    return diffs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="64MiB,1GiB")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--columns", default="", help="comma-separated (default: all)")
    ap.add_argument("--batch-size", type=int, default=65536)
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    ap.add_argument("--out", type=Path, default=None, help="write a Markdown table here")
    args = ap.parse_args()

    rows_md = []
    for label in args.sizes.split(","):
        size = gen_logs.parse_size(label)
        path, truth = bench_run.ensure_data(args.data_dir, size, args.seed, [])
        runs = []
        for _ in range(args.repeat):
            res = run_once(sys.executable, path, args.columns, args.batch_size)
            problems = check(res, truth)
            if problems:
                print(f"{path.name}: WRONG ANSWER: {'; '.join(problems)}", file=sys.stderr)
                return 1
            runs.append(res)
        secs = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        mb = path.stat().st_size / 1e6
        rss = max(r["rss_kb"] for r in runs) / 1024
        line = (f"| {path.name} | {args.columns or 'all'} | {args.batch_size} | {runs[0]['rows']:,} | "
                f"{runs[0]['batches']:,} | {secs:.2f} | {mb / secs:,.0f} | {cpu:.2f} | {mb / cpu:,.0f} | "
                f"{runs[0]['rows'] / secs / 1e6:.2f}M | "
                f"{rss:.0f} | ok |")
        print(line, flush=True)
        rows_md.append(line)
    if args.out:
        load = os.getloadavg()
        head = [
            f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {platform.machine()}, "
            f"{os.cpu_count()} cores; load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
            f"- command: `python benchmarks/records_bench.py --sizes {args.sizes} --repeat {args.repeat}"
            + (f" --columns {args.columns}" if args.columns else "") + "`; median of the runs, page cache warm",
            "",
            "| input | columns | batch | rows | batches | median s | MB/s | CPU s | MB per CPU s | rows/s | peak RSS MB | check |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        with open(args.out, "a") as f:
            f.write("\n".join(head + rows_md) + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
