#!/usr/bin/env python3
"""`make microbench`: Google Benchmark micro-benchmarks of each stage (framer, parsers, classifier,
aggregator, whole pipeline) on generated inputs; writes benchmarks/MICRO.md and micro.json.

    python benchmarks/micro.py [--size 16MiB] [--repetitions 5] [--filter REGEX]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import micro_data  # noqa: E402
import run  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="16MiB", help="bytes per generated input (default 16MiB)")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--filter", default="", help="only benchmarks matching this regex")
    ap.add_argument("--out-dir", type=Path, default=HERE)
    args = ap.parse_args(argv)

    data = micro_data.ensure(run.gen_logs.parse_size(args.size))
    exe = micro_data.build(["logcodes_micro"]) / "logcodes_micro"
    cmd = [str(exe), "--benchmark_format=json", f"--benchmark_repetitions={args.repetitions}",
           "--benchmark_report_aggregates_only=true"]
    if args.filter:
        cmd.append(f"--benchmark_filter={args.filter}")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env={**os.environ, "LOGCODES_BENCH_DATA": str(data)}).stdout
    report = json.loads(out)
    rows = []
    for b in report["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        rows.append({"name": b["run_name"], "ms": b["real_time"], "MB/s": b.get("bytes_per_second", 0) / 1e6,
                     "items/s": b.get("items_per_second")})
    info = run.machine_info()
    (args.out_dir / "micro.json").write_text(json.dumps({"machine": info, "size": args.size, "rows": rows,
                                                          "context": report.get("context")}, indent=1) + "\n")
    lines = ["# logcodes micro-benchmarks", "",
             f"- {info.get('date', '')}, {info.get('cpu', '')}; inputs: generated, {args.size} per layout; "
             f"median of {args.repetitions} repetitions (Google Benchmark)",
             f"- command: `python benchmarks/micro.py --size {args.size} --repetitions {args.repetitions}`", "",
             "| benchmark | median ms | MB/s | records/s |", "|---|---:|---:|---:|"]
    for r in rows:
        items = f"{r['items/s'] / 1e6:,.1f}M" if r["items/s"] else ""
        lines.append(f"| {r['name']} | {r['ms']:,.2f} | {r['MB/s']:,.0f} | {items} |")
    lines += ["", "Stages: `BM_Framer` frames 1 MiB blocks into lines; `parse_layout/*` runs one parser over "
              "pre-split lines; `BM_Classify` judges parsed status tokens; `aggregate/*` counts parsed records "
              "by the named dimensions; `pipeline/*` is everything after the read (framing, parsing, "
              "classifying, counting by class and code) as a stream is scanned. MB/s is of the layout's input "
              "bytes, so stages can be compared with each other and with `make bench`."]
    (args.out_dir / "MICRO.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
