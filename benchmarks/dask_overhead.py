#!/usr/bin/env python3
"""What Dask (and Spark) add to a scan: the same inputs scanned locally, through logcodes.dask on a
LocalCluster and, with --spark, through logcodes.spark on a local SparkSession of as many cores.

    python benchmarks/dask_overhead.py [--size 256MiB] [--blocksizes 16MiB,64MiB] [--repeat 5]
                                       [--spark] [--out benchmarks/DASK.md]

Inputs: a seeded combined log of --size from gen_logs.py (cached in benchmarks/data/, as `make bench` does)
and, as a second case, the same log plus its .gz copy (one task: gzip cannot be cut). For each case:

    local   logcodes.scan(inputs, threads=2)
    dask    logcodes.dask.scan(inputs, client=<LocalCluster(n_workers=2, threads_per_worker=1)>,
            blocksize=B) for each of --blocksizes (planning included)
    spark   logcodes.spark.scan(<SparkSession local[2]>, inputs, blocksize=B) (--spark; planning, task
            serialisation and the executors' treeReduce included)

Every run is checked before its time counts: the local scan against the generator's truth, each Dask scan
with == (and its file list) against the local one. Trials run round-robin after one untimed warm-up of
each; the table gives the median seconds and the ratio to the local median. The cluster's start-up is
timed once and reported apart (a long-lived cluster pays it once).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import gen_logs  # noqa: E402
from run import check_scan, ensure_data, load_avg, machine_info  # noqa: E402

import logcodes  # noqa: E402
import logcodes.dask  # noqa: E402
import logcodes.spark  # noqa: E402  (pyspark itself is imported only with --spark)

BY = ("class", "code")


def as_result(s: logcodes.Summary) -> dict:
    return {"total": s.total, "unparsed": s.unparsed, "invalid": s.invalid,
            "codes": {str(k): v for k, v in s.counts("code").items()}}


def start_spark():
    """A local[2] SparkSession whose Python workers are this interpreter; (session, seconds to start)."""
    import os

    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    t0 = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("logcodes-bench").config("spark.ui.enabled", "false")
             .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.parallelize([0], 1).count()   # the Python worker daemon started
    return spark, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="256MiB", help="size of the generated log (default 256MiB)")
    ap.add_argument("--blocksizes", default="16MiB,64MiB", help="Dask block sizes, comma-separated")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(HERE / "DASK.md"))
    ap.add_argument("--note", default="", help="a line for the output, e.g. how busy the machine was")
    ap.add_argument("--spark", action="store_true", help="also time logcodes.spark on a local[2] SparkSession")
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    path, truth = ensure_data(HERE / "data", gen_logs.parse_size(args.size), args.seed, ["gz"])
    cases = {"plain": [str(path)], "plain + gz": [str(path), f"{path}.gz"]}
    blocksizes = [b.strip() for b in args.blocksizes.split(",") if b.strip()]
    load_start = load_avg()

    started = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    startup = time.perf_counter() - started
    spark = None
    spark_startup = 0.0
    if args.spark:
        spark, spark_startup = start_spark()
    problems: List[str] = []
    rows = []
    try:
        for case, inputs in cases.items():
            reference = logcodes.scan(inputs, by=BY, threads=2)
            want = dict(truth)
            if len(inputs) == 2:   # the .gz holds the same records again
                want = {**truth, "records": 2 * truth["records"], "unparsed": 2 * truth["unparsed"],
                        "invalid": 2 * truth["invalid"], "codes": {c: 2 * n for c, n in truth["codes"].items()}}
            diffs = check_scan(as_result(reference), want)
            if diffs:
                problems.append(f"{case}: local scan WRONG: {'; '.join(diffs)}")
                continue
            runs: Dict[str, Callable[[], logcodes.Summary]] = {
                "local threads=2": lambda inputs=inputs: logcodes.scan(inputs, by=BY, threads=2)}
            for b in blocksizes:
                runs[f"dask blocksize={b}"] = (lambda inputs=inputs, b=b:
                                               logcodes.dask.scan(inputs, client=client, blocksize=b, by=BY))
            if spark is not None:
                for b in blocksizes:
                    runs[f"spark blocksize={b}"] = (lambda inputs=inputs, b=b:
                                                    logcodes.spark.scan(spark, inputs, blocksize=b, by=BY))
            times: Dict[str, List[float]] = {name: [] for name in runs}
            for trial in range(args.repeat + 1):       # trial 0: warm-up, not timed
                for name, run in runs.items():
                    t0 = time.perf_counter()
                    s = run()
                    elapsed = time.perf_counter() - t0
                    if s != reference or s.files != reference.files:
                        problems.append(f"{case} {name}: result differs from the local scan")
                        times[name] = []
                        break
                    if trial:
                        times[name].append(elapsed)
            local = statistics.median(times["local threads=2"])
            for name, ts in times.items():
                if not ts:
                    continue
                cluster_run = name.startswith(("dask", "spark"))
                blocksize = name.split("=", 1)[1] if cluster_run else "-"
                tasks = len(logcodes.dask.plan(inputs, blocksize=blocksize)) if cluster_run else "-"
                med = statistics.median(ts)
                rows.append((case, name, tasks, med, min(ts), med / local))
                print(f"{case:12} {name:24} tasks={tasks!s:5} median {med:.3f}s  x{med / local:.2f}", file=sys.stderr)
    finally:
        client.close()
        cluster.close()
        if spark is not None:
            spark.stop()

    info = machine_info()
    mib = truth["bytes"] / 2**20
    out = [
        "# Dask and Spark overhead" if args.spark else "# Dask overhead",
        "",
        f"`python benchmarks/dask_overhead.py --size {args.size} --blocksizes {args.blocksizes} --repeat {args.repeat}"
        f"{' --spark' if args.spark else ''}`,"
        f" {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        "**Rough figures**: measured on a shared, busy machine (other jobs were running; see the load average); "
        "a quiet run will replace them." if args.note == "" else args.note,
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable), Python {info['python']}; "
        f"load average at start {load_start}, at end {load_avg()}.",
        "",
        f"Input: a generated combined log of {mib:.0f} MiB ({truth['lines']:,} lines, seed {args.seed}), alone "
        "and with its .gz copy (gzip is one task). Local: `logcodes.scan(threads=2)`. Dask: "
        "`logcodes.dask.scan` on a `LocalCluster(n_workers=2, threads_per_worker=1)`, planning and the "
        "tree merge included. Every result was checked (local against the generator's truth, Dask `==` local "
        f"and the same file list). Median and best of {args.repeat} runs after a warm-up.",
        "",
        f"Cluster start-up (once, not in the table): Dask {startup:.2f} s"
        + (f", Spark session {spark_startup:.2f} s." if args.spark else "."),
        "",
        "| inputs | run | tasks | median s | best s | vs local |",
        "|---|---|---:|---:|---:|---:|",
    ]
    out += [f"| {c} | {n} | {t} | {m:.3f} | {b:.3f} | {r:.2f}x |" for c, n, t, m, b, r in rows]
    if problems:
        out += ["", "Problems:", ""] + [f"- {p}" for p in problems]
    Path(args.out).write_text("\n".join(out) + "\n")
    print("\n".join(out))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
