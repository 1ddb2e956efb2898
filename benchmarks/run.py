#!/usr/bin/env python3
"""Benchmark harness behind `make bench`.

For each size: generate (or reuse from benchmarks/data/) a seeded combined log with its truth and .gz/.zst
copies, warm the page cache, then time `--repeat` runs of each case, round-robin:

    logcodes   plain file, each of --threads (default 1 and 2)
    logcodes   .gz and .zst copies, 1 thread and --threads (the second decodes while the first parses), and
               .bgzf.gz (bgzip) and .frames.zst (pzstd) copies, decoded in pieces on every thread
    wc -l                          floor on the plain file
    gzip -dc / igzip -dc / zstd -dc > /dev/null  floors for the compressed copies

    peers (peers/): read()+memchr and a scalar C status loop (floor/, compiled here), cat, ripgrep on every
    size; GoAccess, pandas, polars, DuckDB and CPython re on the smallest size (--slow-repeat runs)

The questions (questions.py; --question-sizes, default 1GiB): by code and path (templated and as written), by
UTC hour and class, and by code, answered by logcodes (1 and 2 threads) and by polars, DuckDB, pandas and
logcodes.records() into polars / DuckDB, every group checked against the truth. The cardinality case
(cardinality.py; --cardinality, default 1M,10M groups): scan(by=path_raw,code) + to_pandas() against
records() + polars group_by.

Then the same records rendered by gen_logs.py as nginx_custom and nginx_json (--nginx-sizes): logcodes with
formats.nginx(<the log_format>) (threads 1 and 2 / 1), the nginx_json preset when logcodes has it, and wc -l;
as an IIS-style W3C log (--w3c-sizes); and a SIP trace from gen_variants.py (--variant-sizes).

Every logcodes run is checked against the truth before its speed is reported; a mismatch is shown as
WRONG and makes the exit status nonzero; a peer that miscounts is reported WRONG with the difference (not a
failure of the run). Writes benchmarks/RESULTS.md (targets met or missed, scaling, all rows), results.png and
results.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cardinality  # noqa: E402
import gen_logs  # noqa: E402
import gen_variants  # noqa: E402
import peers as peer_tools  # noqa: E402
import questions  # noqa: E402
import report_extras  # noqa: E402
import wrapped_logs  # noqa: E402

SCAN_ONCE = HERE / "_scan_once.py"
BUILD_DIR = HERE.parent / "build" / "bench"  # the C floors, compiled by the harness
DEFAULT_SIZES = "64MiB,256MiB,1GiB"
QUICK_SIZES = "64MiB"
# The same records as nginx log_format layouts (gen_logs.py --layout).
NGINX_LAYOUTS = ("nginx_custom", "nginx_json")
NGINX_SIZES = "64MiB,256MiB"
# The same records again as an IIS-style W3C extended log (#Fields directives; gen_logs.py --layout w3c).
W3C_SIZES = "256MiB"
# The combined records inside syslog and CRI envelopes (wrapped_logs.py), against the bare file in the same run.
WRAPPED_SIZES = "64MiB"
# The SIP trace from gen_variants.py.
VARIANT_SIZES = "256MiB"
QUICK_VARIANT_SIZES = "64MiB"
# The questions (questions.py) and the cardinality case (cardinality.py, in distinct paths = groups).
QUESTION_SIZES = "1GiB"
CARDINALITY = "1M,10M"
QUICK_CARDINALITY = "100k"


# ---------------------------------------------------------------------------------------------------
# Child processes, with their own CPU time and peak RSS.

class Trial:
    __slots__ = ("wall", "cpu", "rc", "out", "err")

    def __init__(self, wall, cpu, rc, out, err):
        self.wall, self.cpu, self.rc, self.out, self.err = wall, cpu, rc, out, err


def run_child(cmd: list[str], *, capture: bool = True) -> Trial:
    """Runs cmd; stdout is captured or sent to /dev/null (the `> /dev/null` of the shell floors).

    CPU time comes from this child's own rusage. Its ru_maxrss is not used: exec keeps the pre-exec
    high-water mark, i.e. that of this (large) Python process it was forked from.
    """
    with tempfile.TemporaryFile() as errf:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=errf)
        out = p.stdout.read() if capture else b""
        if hasattr(os, "wait4"):
            _, status, ru = os.wait4(p.pid, 0)
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            cpu = ru.ru_utime + ru.ru_stime
        else:
            p.wait()
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if capture:
            p.stdout.close()
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    return Trial(wall, cpu, p.returncode, out.decode(errors="replace"), err)


def gnu_time() -> str | None:
    """/usr/bin/time when it is GNU time (-f/-o): it forks the command from a small process, so its %M
    is the command's own peak RSS."""
    exe = shutil.which("time", path="/usr/bin:/bin") or None
    if not exe:
        return None
    with tempfile.NamedTemporaryFile("r") as f:
        try:
            ok = subprocess.run([exe, "-f", "%M", "-o", f.name, "true"], capture_output=True).returncode == 0
            return exe if ok and f.read().strip().splitlines()[-1].isdigit() else None
        except (OSError, IndexError):
            return None


def peak_rss_kb(time_exe: str | None, cmd: list[str]) -> int | None:
    """One untimed run of cmd under GNU time, for its peak RSS (None when that is not available)."""
    if not time_exe:
        return None
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.run([time_exe, "-f", "%M", "-o", f.name] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        try:
            return int(f.read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            return None


# ---------------------------------------------------------------------------------------------------
# Data.

def ensure_data(data_dir: Path, size: int, seed: int, exts: list[str], layout: str = "combined") -> tuple[Path, dict]:
    """The cached log for (layout, size, seed), regenerated when missing or stale, and its truth."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{layout}-{gen_logs.size_label(size)}-seed{seed}.log"
    truth_path = Path(str(path) + ".truth.json")
    truth = None
    if path.exists() and truth_path.exists():
        try:
            t = json.loads(truth_path.read_text())
            if (t.get("generator_version") == gen_logs.GEN_VERSION and t.get("seed") == seed
                    and t.get("layout", "combined") == layout and t.get("log_format") == gen_logs.LOG_FORMATS.get(layout)
                    and t.get("size_requested") == size and path.stat().st_size == t.get("bytes")):
                truth = t
        except (OSError, ValueError):
            pass
    if truth is not None and truth.get("truth_version", 1) < gen_logs.TRUTH_VERSION:
        # The same bytes with an older truth: count the truth again, leave the log (and its copies) alone.
        print(f"counting the truth of {path.name} again ...", file=sys.stderr)
        truth = gen_logs.generate(str(path), size, seed, layout=layout, write=False)
    if truth is None:
        print(f"generating {path.name} ...", file=sys.stderr)
        truth = gen_logs.generate(str(path), size, seed, layout=layout)
    stale = [e for e in exts
             if not Path(f"{path}.{e}").exists() or Path(f"{path}.{e}").stat().st_mtime < path.stat().st_mtime]
    if stale:
        print(f"compressing {path.name} -> {', '.join(stale)} ...", file=sys.stderr)
        gen_logs.compress_copies(str(path), stale)
    return path, truth


def ensure_variant(data_dir: Path, layout: str, size: int, seed: int) -> tuple[Path, dict]:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{layout}-{gen_logs.size_label(size)}-seed{seed}.log"
    truth_path = Path(str(path) + ".truth.json")
    if path.exists() and truth_path.exists():
        try:
            t = json.loads(truth_path.read_text())
            if t.get("generator") == "gen_variants/1" and path.stat().st_size == t.get("bytes"):
                return path, t
        except (OSError, ValueError):
            pass
    print(f"generating {path.name} ...", file=sys.stderr)
    return path, gen_variants.generate(str(path), layout, size, seed)


# An nginx-style error log for a generated combined log: for every 502 a refused connection and for every
# 504 a timeout, at the same wall-clock second and for the same request, as nginx writes them.
AWK_ERRORS = r"""
BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " "); for (i = 1; i <= 12; i++) m[names[i]] = sprintf("%02d", i) }
$0 ~ /" 50[24] / {
  if (!match($0, /\[[^]]+\]/)) next; t = substr($0, RSTART + 1, RLENGTH - 2)
  if (!match($0, /"[A-Z]+ [^ ]+/)) next; r = substr($0, RSTART + 1, RLENGTH - 1); split(r, a, " ")
  split(t, b, /[\/: ]/)
  what = ($0 ~ /" 502 /) ? "connect() failed (111: Connection refused) while connecting to upstream" \
                         : "upstream timed out (110: Connection timed out) while reading response header from upstream"
  printf "%s/%s/%s %s:%s:%s [error] 1#1: *%d %s, client: 10.0.0.1, server: bench, request: \"%s %s HTTP/1.1\", upstream: \"http://10.0.0.9:8080%s\", host: \"bench\"\n", b[3], m[b[2]], b[1], b[4], b[5], b[6], NR, what, a[1], a[2], a[2]
}
"""


def ensure_error_log(path: Path) -> Path:
    out = Path(f"{path}.error.log")
    if not out.exists() or out.stat().st_mtime < path.stat().st_mtime:
        print(f"writing {out.name} ...", file=sys.stderr)
        with open(out, "w") as f:
            subprocess.run(["awk", AWK_ERRORS, str(path)], stdout=f, check=True, env={**os.environ, "LC_ALL": "C"})
    return out


def warm(paths: list[Path]) -> None:
    for p in paths:
        subprocess.run(["cat", str(p)], stdout=subprocess.DEVNULL, check=True)


# ---------------------------------------------------------------------------------------------------
# Cases and checks.

class Case:
    def __init__(self, tool, input_label, path, threads, cmd, kind, capture=True, layout="combined", peer=None,
                 question=None):
        self.tool, self.input, self.path, self.threads = tool, input_label, path, threads
        self.cmd, self.kind, self.capture, self.layout = cmd, kind, capture, layout
        self.peer = peer  # kind "peer": a peers.Peer, whose commands() replace cmd
        self.question = question  # a question of questions.py whose groups are checked, or None
        self.rss_kb: int | None = None  # floors: from one untimed GNU time run
        self.trials: list[dict] = []
        self.problems: list[str] = []

    @property
    def name(self):
        t = f" t={self.threads}" if self.threads else ""
        return f"{self.tool}{t} {self.input}"


def check_scan(res: dict, truth: dict, question: str | None = None) -> list[str]:
    """Differences between one logcodes run and the truth (empty when it matches): totals, every code (when
    the run grouped by code) and, for a question, every group."""
    diffs = []
    if res.get("total") != truth["records"]:
        diffs.append(f"total {res.get('total')} != {truth['records']}")
    # nginx_json lines whose status is 000/009 are not valid JSON (as nginx writes them): a reader may call
    # them invalid or unparsed. Only those may move between the two; totals and every code stay exact.
    slack = truth.get("invalid_not_json", 0)
    unp, inv = res.get("unparsed"), res.get("invalid")
    if not slack or not isinstance(unp, int) or not isinstance(inv, int):
        for key in ("unparsed", "invalid"):
            if res.get(key) != truth[key]:
                diffs.append(f"{key} {res.get(key)} != {truth[key]}")
    elif unp + inv != truth["unparsed"] + truth["invalid"] or not truth["unparsed"] <= unp <= truth["unparsed"] + slack:
        diffs.append(f"invalid+unparsed {inv}+{unp} != {truth['invalid']}+{truth['unparsed']} "
                     f"(up to {slack} 000/009 lines may count as either)")
    if question:
        diffs += questions.diff(questions.groups_from_rows(res.get("groups", [])), questions.truth_groups(truth, question))
        if "codes" not in res:
            return diffs
    got, want = res.get("codes", {}), truth["codes"]
    missing = 0
    for code in sorted(set(got) | set(want), key=lambda c: int(c)):
        if got.get(code, 0) != want.get(code, 0):
            diffs.append(f"code {code}: {got.get(code, 0)} != {want.get(code, 0)}")
            missing += want.get(code, 0) - got.get(code, 0)
    if len(diffs) > 8:
        diffs = diffs[:8] + [f"... {len(diffs) - 8} more"]
    bad = truth.get("non_utf8", {})
    if missing and bad.get("codes") and all(
            want.get(c, 0) - got.get(c, 0) == bad["codes"].get(c, 0) for c in set(got) | set(want)):
        diffs.append(f"the missing records are exactly the {missing} lines with raw non-UTF-8 bytes in $request, "
                     "which nginx escape=json writes unescaped")
    return diffs


def run_peer_trial(case: Case, truth: dict) -> dict:
    """One trial of a peer: its commands one after the other (times add up), then its counts read back and
    checked against the truth for what the peer counts (codes, classes or lines)."""
    peer = case.peer
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        work = Path(tmp)
        outs, wall, cpu, rc, err = [], 0.0, 0.0, 0, ""
        for cmd in peer.commands(case.path, case.threads, work):
            tr = run_child(cmd, capture=peer.capture)
            outs.append(tr.out)
            wall, cpu = wall + tr.wall, cpu + tr.cpu
            if tr.rc not in peer.exit_ok:
                rc, err = tr.rc, (tr.err.strip() or tr.out.strip())
        rec = {"wall": wall, "cpu": cpu, "rss_kb": case.rss_kb, "rc": rc, "seconds": wall, "checks": peer.checks}
        if rc != 0:
            rec["status"] = "ERROR"
            case.problems.append(f"exit {rc}: {err.strip()[-300:]}")
            return rec
        try:
            counts = peer.read(outs, work)
        except (ValueError, KeyError, OSError, RuntimeError) as e:
            rec["status"] = "ERROR"
            case.problems.append(f"cannot read its counts: {type(e).__name__}: {e}")
            return rec
    if counts.elapsed is not None:  # a Python peer timed its own work, as logcodes is timed
        rec["seconds"] = counts.elapsed
        rec["rss_kb"] = counts.peak_rss_kb
    rec["result"] = {k: v for k, v in (("lines", counts.lines), ("other", counts.other),
                                        ("codes", {str(c): n for c, n in sorted((counts.codes or {}).items())}),
                                        ("classes", counts.classes),
                                        ("groups", len(counts.groups) if counts.groups is not None else None)) if v}
    status, diffs = peer_tools.verdict(counts, truth, peer.checks)
    rec["status"] = status
    if diffs:
        case.problems.append("; ".join(diffs))
    case.problems.extend(counts.notes)
    return rec


def run_trial(case: Case, truth: dict) -> dict:
    if case.kind == "peer":
        return run_peer_trial(case, truth)
    tr = run_child(case.cmd, capture=case.capture)
    rec = {"wall": tr.wall, "cpu": tr.cpu, "rss_kb": case.rss_kb, "rc": tr.rc}
    if case.kind == "logcodes":
        try:
            res = json.loads(tr.out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            res = {"error": f"no JSON from child (exit {tr.rc}): {tr.err.strip()[-500:]}"}
        if "error" in res or tr.rc != 0:
            rec["status"] = "ERROR"
            case.problems.append(res.get("error") or f"exit {tr.rc}: {tr.err.strip()[-500:]}")
            return rec
        rec["seconds"] = res["elapsed"]  # the scan itself, without interpreter start-up
        rec["version"] = res.get("version", "")
        rec["rss_kb"] = res.get("peak_rss_kb")
        rec["result"] = {k: res[k] for k in ("total", "unparsed", "invalid", "codes") if k in res}
        if "groups" in res:
            rec["result"]["groups"] = len(res["groups"])
        diffs = check_scan(res, truth, case.question)
        rec["status"] = "WRONG" if diffs else "ok"
        if diffs:
            case.problems.append("; ".join(diffs))
        return rec
    rec["seconds"] = tr.wall
    if tr.rc != 0:
        rec["status"] = "ERROR"
        case.problems.append(f"exit {tr.rc}: {tr.err.strip()[-300:]}")
    elif case.kind == "wc":
        n = int(tr.out.split()[0])
        rec["status"] = "ok" if n == truth["lines"] else "WRONG"
        if n != truth["lines"]:
            case.problems.append(f"lines {n} != {truth['lines']}")
    else:
        rec["status"] = "n/a"
    return rec


def summarize(case: Case, truth: dict) -> dict:
    done = [t for t in case.trials if "seconds" in t]
    statuses = {t["status"] for t in case.trials}
    status = next((s for s in ("ERROR", "WRONG", "ok") if s in statuses), "n/a")
    row = {"layout": case.layout, "tool": case.tool, "input": case.input, "threads": case.threads,
           "question": case.question,
           "runs": len(done), "status": status,
           "checks": case.question or (case.peer.checks if case.peer else case.kind),
           "peer": case.peer is not None, "bytes": truth["bytes"], "lines": truth["lines"],
           "problems": sorted(set(case.problems)), "trials": case.trials}
    if done:
        med = statistics.median(t["seconds"] for t in done)
        row.update(seconds=med, mb_s=truth["bytes"] / 1e6 / med if med > 0 else None,
                   lines_s=truth["lines"] / med if med > 0 else None,
                   cpu_s=statistics.median(t["cpu"] for t in done),
                   rss_mb=(max(t["rss_kb"] for t in done) * 1024 / 1e6
                           if all(t["rss_kb"] is not None for t in done) else None))
    return row


# ---------------------------------------------------------------------------------------------------
# Reporting.

COLUMNS = ["layout", "tool", "input", "threads", "median s", "MB/s", "lines/s", "CPU s", "peak RSS MB",
           "vs combined 1t", "vs combined 2t", "check"]
RIGHT = {3, 4, 5, 6, 7, 8, 9, 10}
BASE_TOOL = "logcodes combined"


def add_ratios(rows: list[dict]) -> None:
    """ratio = MB/s over logcodes's built-in combined parser, 1 (ratio) and 2 threads (ratio2), plain file, same
    run: the same size when the run has it, else the largest combined size (steady state)."""
    for key, threads in (("ratio", 1), ("ratio2", 2)):
        base = {r["size"]: r["mb_s"] for r in rows
                if r["tool"] == BASE_TOOL and r["threads"] == threads and r["input"].endswith(".log")
                and r["status"] == "ok" and r.get("mb_s")}
        largest = max(base, key=gen_logs.parse_size) if base else None
        for r in rows:
            if r["layout"] == "cardinality":  # other files, other work: the cardinality table compares them
                continue
            ref = r["size"] if r["size"] in base else largest
            if ref and r.get("mb_s") and shows_speed(r):
                r[key], r[key + "_base"] = r["mb_s"] / base[ref], f"combined {ref} {threads}t"


def shows_speed(r: dict) -> bool:
    """A logcodes row that miscounts has no speed worth quoting (it stays in results.json); a peer that
    miscounts keeps its speed, next to its WRONG verdict, since that is what users of the peer get."""
    if r["status"] in ("ERROR", "LIMIT"):
        return False
    return r["status"] != "WRONG" or r.get("peer", False)


def fmt_ratio(r: dict, key: str, threads: int) -> str:
    if key not in r:
        return "n/a"
    return f"{r[key]:.2f}x" + ("" if r[key + "_base"] == f"combined {r['size']} {threads}t" else "*")


CHECKED = {"codes": "codes", "classes": "classes", "lines": "lines only", "wc": "lines only",
           "groups": "every group"} | {q: "every group" for q in questions.QUESTIONS}


def fmt_check(r: dict) -> str:
    if r["status"] == "LIMIT":
        return "**over limit**"
    status = r["status"] if r["status"] in ("ok", "n/a") else f"**{r['status']}**"
    what = CHECKED.get(r.get("checks", ""))
    return f"{status} ({what})" if what and r["status"] in ("ok", "WRONG") else status


def fmt_rows(rows: list[dict]) -> list[list[str]]:
    out = []
    for r in rows:
        has = "seconds" in r and shows_speed(r)
        out.append([
            r["layout"], r["tool"], r["input"], str(r["threads"] or "-"),
            f"{r['seconds']:.3f}" if has else "-",
            f"{r['mb_s']:,.0f}" if has and r["mb_s"] else "-",
            f"{r['lines_s'] / 1e6:,.2f}M" if has and r["lines_s"] else "-",
            f"{r['cpu_s']:.2f}" if has else "-",
            f"{r['rss_mb']:.0f}" if (has or r["status"] == "LIMIT") and r.get("rss_mb") is not None else "n/a",
            fmt_ratio(r, "ratio", 1), fmt_ratio(r, "ratio2", 2), fmt_check(r),
        ])
    return out


def text_table(rows: list[list[str]]) -> str:
    cells = [COLUMNS] + [[c.replace("**", "") for c in r] for r in rows]
    w = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    line = lambda r: "  ".join(c.rjust(w[i]) if i in RIGHT else c.ljust(w[i]) for i, c in enumerate(r))
    return "\n".join([line(cells[0]), "  ".join("-" * x for x in w)] + [line(r) for r in cells[1:]])


def md_table(rows: list[list[str]]) -> str:
    head = "| " + " | ".join(COLUMNS) + " |"
    sep = "|" + "|".join("---:" if i in RIGHT else "---" for i in range(len(COLUMNS))) + "|"
    return "\n".join([head, sep] + ["| " + " | ".join(r) + " |" for r in rows])


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith(("model name", "hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": platform.machine(), "cpu": cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
            "python": platform.python_version(), "kernel": platform.release()}


TABLE_NOTES = (
    "MB/s and lines/s are uncompressed bytes (MB = 10^6 bytes) and lines over the median wall time; "
    "logcodes times cover `logcodes.scan` only, floors the whole process. CPU s is user+sys of the child process "
    "(median), peak RSS the largest over the runs (for logcodes it includes the Python interpreter). "
    "`vs combined 1t` is MB/s relative to `logcodes combined` (the built-in combined parser, 1 thread, plain file) "
    "of the same size in this run; `*` marks rows of a size without a combined run, compared with the largest "
    "combined size instead (2.00x = twice as fast).\n\n"
    "Layouts: `combined`, `nginx_custom` and `nginx_json` hold the same seeded records (`gen_logs.py --layout`). "
    "nginx_custom is an nginx escape=default log_format with `rt=$request_time uct=\"...\" us=\"$upstream_status\" "
    "ua=\"$upstream_addr\"` (retry lists such as `502, 200`), read with `formats.nginx(<that log_format>)`; "
    "nginx_json is an escape=json log_format, read with the same compiled token format (`nginx log_format`) and "
    "with the `nginx_json` preset when logcodes has it. The exact log_format strings are in each truth file "
    "(`log_format`). sip_trace comes from `gen_variants.py` (counted as transactions).\n\n"
    "`check`: the run's counts equal the generator's truth (total, unparsed, invalid, every code). One allowance, "
    "for nginx_json only: lines whose status nginx printed as `000` or `009` are not valid JSON (as nginx writes "
    "them), so a reader may count them as invalid (a token reader sees status \"009\") or as unparsed (a strict "
    "JSON parser). Such a row is ok only if total and every code count are exact, invalid+unparsed equals the "
    "truth's, and no more lines than those are unparsed. Lines with raw non-UTF-8 bytes (TLS junk in $request, "
    "which escape=json passes through) keep their status: dropping them is WRONG.\n\n"
    "Peers (benchmarks/README.md lists how each one runs) share the files and the run: programs are timed as "
    "whole processes, Python peers (pandas, polars, DuckDB, re) time their own work after the import, as logcodes "
    "is timed; the slow ones run on the smallest combined file only. Their check says what was compared with "
    "the truth: every code, every class, or the line count only. A peer that miscounts is **WRONG** but keeps "
    "its speed (what a user of that tool gets); the difference is listed under Problems. `w3c` holds the same "
    "records as an IIS-style W3C extended log (gen_logs.py --layout w3c).")


QUESTION_NOTES = (
    "Questions (benchmarks/questions.py): `class,code` by status code, `code,path` by code and templated path "
    "(logcodes's `path`: `/users/{id}` ...), `code,path_raw` by code and the path as written, `time:1h,class` by UTC "
    "hour and class. logcodes answers with `scan(by=...)` (only the scan timed); polars, DuckDB and pandas read "
    "whole lines and take the request, status and time with one regex (benchmarks/peers/question_readers.py), "
    "the path as the request target before `?`; their templated paths apply logcodes's documented rules to the "
    "distinct raw paths after grouping, then group again. `logcodes records() + polars / DuckDB`: the records' "
    "columns into the dataframe tool, then its group-by (records() itself runs on one thread). pandas runs once.")
CARDINALITY_NOTES = (
    "benchmarks/cardinality.py: one request per distinct path, so groups = lines. Timed from the call to a "
    "DataFrame in hand: `scan(by=(\"path_raw\", \"code\"))` + `to_pandas()`, against `records(columns=[\"path\", "
    "\"code\"])` + polars `group_by`. Both answers are checked against the generator (groups, records, every code, "
    "a digest of the rows). A child past the memory or time limit is stopped: the row shows how far it got.")


def write_reports(out_dir: Path, info: dict, args, rows: list[dict], table: list[list[str]], notes: list[str]):
    md = [
        "# logcodes benchmark results",
        "",
        f"- date: {info['date']}",
        f"- machine: {info['machine']}, {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable)",
        f"- Python {info['python']}, kernel {info['kernel']}"
        + (f", logcodes {info['logcodes_version']}" if info.get("logcodes_version") else ""),
        f"- command: `{info['command']}`; median of {args.repeat} runs, page cache warm"
        + ("; logcodes rows skipped (--peers-only)" if args.peers_only else ""),
        f"- load average (1/5/15 min) at start {info['load_avg_start']}, at end {info['load_avg_end']}",
    ]
    if busy(info):
        md.append(f"- **noisy**: other work shared the {info['usable_cores']} cores during this run (load average "
                  "at start or end above what this run alone explains); the figures are rough, a run on a quiet machine replaces them")
    plot_problem = report_extras.plot(rows, out_dir / "results.png")
    md += [
        "",
        "## Targets",
        "",
        *report_extras.targets_table(rows),
        "",
        "Ratios are MB/s over MB/s of two rows of this run on the same file (slow peers: the smallest combined "
        "file). A peer that miscounts keeps its measured speed here, marked.",
        "",
        *report_extras.bounds_section(rows, HERE / "callgrind_baseline.json"),
        *(["## The questions", "", *report_extras.question_table(rows), QUESTION_NOTES, ""]
          if any(r.get("question") for r in rows) else []),
        *(["## Cardinality", "", *report_extras.cardinality_table(rows), CARDINALITY_NOTES, ""]
          if any(r["layout"] == "cardinality" for r in rows) else []),
        "## Scaling (logcodes, combined, plain file)",
        "",
        *report_extras.scaling_table(rows),
        "",
        "![MB/s per tool and scaling](results.png)" if not plot_problem else f"({plot_problem})",
        "",
        "## All rows",
        "",
        md_table(table),
        "",
        TABLE_NOTES,
        "",
    ]
    if notes:
        md += ["## Problems", ""] + [f"- {n}" for n in notes] + [""]
    md += ["## Reproduce", "", "```",
           "make bench              # combined 64MiB, 256MiB and 1GiB with all peers, nginx layouts 64MiB and 256MiB,",
           "                        # the questions on 1GiB, the cardinality case with 1M and 10M groups",
           "python benchmarks/run.py --question-sizes 1GiB,4GiB   # the questions on 4 GiB as well",
           "python benchmarks/run.py --question-sizes '' --cardinality ''   # without the questions and the cardinality case",
           "python benchmarks/run.py --sizes 64MiB,1GiB,4GiB   # with the 4 GiB size",
           "python benchmarks/run.py --quick   # 64MiB only", "```", ""]
    (out_dir / "RESULTS.md").write_text("\n".join(md))
    slim = [{k: v for k, v in r.items()} for r in rows]
    (out_dir / "results.json").write_text(json.dumps({"meta": info, "rows": slim}, indent=1) + "\n")


# ---------------------------------------------------------------------------------------------------

def logcodes_importable(python: str) -> tuple[bool, str, list[str], str]:
    """(importable, version, built-in format names, error) in the interpreter that runs the scans."""
    p = subprocess.run([python, "-c", "import json, logcodes, sys; sys.stdout.write(json.dumps("
                        "[str(getattr(logcodes, '__version__', '')), list(logcodes.formats.available())]))"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        return False, "", [], p.stderr.strip()
    version, formats = json.loads(p.stdout)
    return True, version, formats, ""


def logcodes_build(python: str) -> str | None:
    """Path, size and mtime of the installed extension module: a reinstall during a run mixes two builds."""
    p = subprocess.run([python, "-c", "import os, logcodes._core as c; s = os.stat(c.__file__); "
                        "print(c.__file__, s.st_size, s.st_mtime_ns)"], capture_output=True, text=True)
    return p.stdout.strip() or None if p.returncode == 0 else None


def busy(info: dict) -> bool:
    """Whether the load average (1 min) says other work ran beside the benchmark: at start, more than half the
    cores busy; at end (the benchmark's own one or two threads included), more than all of them."""
    cores = info.get("usable_cores") or 1
    for key, limit in (("load_avg_start", 0.5 * cores), ("load_avg_end", 1.0 * cores)):
        try:
            if float(info[key].split()[0]) > limit:
                return True
        except (KeyError, ValueError, IndexError):
            pass
    return False


def load_avg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def run_cases(label: str, cases: list[Case], truth: dict, warm_paths: list[Path], repeat: int, time_exe,
              rows: list[dict], notes: list[str], size_label: str) -> None:
    warm(warm_paths)  # untimed: every timed run reads from the page cache
    for c in cases:
        if c.kind == "peer" and not c.peer.self_timed:
            with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
                rss = [peak_rss_kb(time_exe, cmd) for cmd in c.peer.commands(c.path, c.threads, Path(tmp))]
            c.rss_kb = max(rss) if rss and None not in rss else None
        elif c.kind not in ("logcodes", "peer"):
            c.rss_kb = peak_rss_kb(time_exe, c.cmd)
    # Round-robin over cases so slow drift (thermal, noisy neighbours) spreads over all of them.
    for rep in range(repeat):
        for c in cases:
            rec = run_trial(c, truth)
            c.trials.append(rec)
            s = f"{rec['seconds']:.3f}s" if "seconds" in rec else "-"
            print(f"[{label} {rep + 1}/{repeat}] {c.name}: {s} {rec['status']}", file=sys.stderr)
    for c in cases:
        row = summarize(c, truth)
        row["size"] = size_label
        rows.append(row)
        for p in row["problems"]:
            notes.append(f"{row['status']}: {c.layout} {c.name}: {p}")


def select_peers(spec: str, python: str, notes: list[str]) -> list:
    """The peers asked for that can run here, compiled; each one that cannot gets a note saying why."""
    if spec.strip().lower() == "none":
        return []
    wanted = [w.strip().lower() for w in spec.split(",") if w.strip() and w.strip().lower() != "all"]
    chosen = []
    for p in peer_tools.all_peers(python):
        if wanted and not any(w in p.name.lower() for w in wanted):
            continue
        why = p.missing()
        if why:
            notes.append(f"peer `{p.name}` left out: {why}")
            continue
        try:
            p.prepare(BUILD_DIR)
        except (OSError, subprocess.CalledProcessError) as e:
            notes.append(f"peer `{p.name}` left out: set-up failed: {e}")
            continue
        chosen.append(p)
    return chosen


# --questions takes these short names (the questions themselves hold commas).
QUESTION_NAMES = {"code": "class,code", "path": "code,path", "path_raw": "code,path_raw", "time": "time:1h,class"}


def select_questions(spec: str) -> list[str]:
    names = [w.strip() for w in spec.split(",") if w.strip()]
    if names in ([], ["all"]):
        return list(questions.QUESTIONS)
    if names == ["none"]:
        return []
    unknown = [n for n in names if n not in QUESTION_NAMES]
    if unknown:
        raise SystemExit(f"error: --questions: unknown {', '.join(unknown)} (use all, none or {', '.join(QUESTION_NAMES)})")
    return [QUESTION_NAMES[n] for n in names]


def select_question_peers(spec: str, python: str, question: str, notes: list[str]) -> list:
    """The dataframe tools asked for (a part of their name: polars, duckdb, pandas, records) that can run here."""
    if spec.strip().lower() == "none":
        return []
    wanted = [w.strip().lower() for w in spec.split(",") if w.strip() and w.strip().lower() != "all"]
    chosen = []
    for p in peer_tools.question_peers(python, question):
        if wanted and not any(w in p.name.lower() for w in wanted):
            continue
        why = p.missing()
        if why:
            note = f"peer `{p.tool}` left out of the questions: {why}"
            if note not in notes:
                notes.append(note)
            continue
        chosen.append(p)
    return chosen


def question_cases(args, size: int, threads: list[int], scan_cmd, notes: list[str]) -> tuple[Path, dict, list]:
    """(file, truth, [(cases, runs), ...]) for the questions on the combined file of `size`: logcodes --repeat
    times, the dataframe tools --slow-repeat times (at most --repeat), pandas once."""
    path, truth = ensure_data(args.data_dir, size, args.seed, [])
    fmt = truth["format"] if args.format == "truth" else args.format
    name = f"{gen_logs.size_label(size)}.log"
    cases, peers, once = [], [], []
    for q in select_questions(args.questions):
        if not args.peers_only:
            for t in threads:
                cases.append(Case(f"logcodes by {q}", name, path, t,
                                  scan_cmd(path, t, "--format", fmt, "--by", questions.SCAN_BY[q], "--groups"),
                                  "logcodes", question=q))
        for p in select_question_peers(args.question_peers, args.python, q, notes):
            for t in p.threads:
                if t in threads:
                    (once if p.max_repeat == 1 else peers).append(
                        Case(p.label(), name, path, t, None, "peer", peer=p, question=q))
    return path, truth, [(cases, args.repeat), (peers, min(args.slow_repeat, args.repeat)), (once, 1)]


def peer_cases(peer_list: list, input_label: str, path: Path, threads: list[int]) -> list[Case]:
    cases = []
    for p in peer_list:
        for t in p.threads:
            if t is None or t in threads:
                cases.append(Case(p.label(), input_label, path, t, None, "peer", peer=p))
    return cases


def sizes_of(text: str) -> list[int]:
    return [gen_logs.parse_size(s) for s in text.split(",") if s.strip()]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help=f"combined sizes, comma-separated (default {DEFAULT_SIZES})")
    ap.add_argument("--nginx-sizes", default=NGINX_SIZES,
                    help=f"sizes for the nginx_custom / nginx_json layouts (default {NGINX_SIZES}; '' skips them)")
    ap.add_argument("--w3c-sizes", default=W3C_SIZES,
                    help=f"sizes for the w3c layout (default {W3C_SIZES}; '' skips it)")
    ap.add_argument("--wrapped-sizes", default=WRAPPED_SIZES,
                    help=f"sizes for the syslog- and CRI-wrapped combined logs (default {WRAPPED_SIZES}; '' skips them)")
    ap.add_argument("--variant-sizes", default=VARIANT_SIZES,
                    help=f"sizes for the sip_trace layout (default {VARIANT_SIZES}; '' skips it)")
    ap.add_argument("--question-sizes", default=QUESTION_SIZES,
                    help=f"combined sizes on which logcodes and the dataframe tools answer the questions of "
                         f"questions.py (default {QUESTION_SIZES}; '' skips them)")
    ap.add_argument("--questions", default="all",
                    help=f"which questions: all, none, or some of {', '.join(QUESTION_NAMES)} "
                         "(class,code / code,path / code,path_raw / time:1h,class)")
    ap.add_argument("--question-peers", default="all",
                    help="tools answering the questions: all, none, or parts of names: polars, duckdb, pandas, records")
    ap.add_argument("--cardinality", default=CARDINALITY,
                    help=f"the cardinality case: distinct paths (= groups) per log, e.g. 1M,10M (default {CARDINALITY}; "
                         f"--quick {QUICK_CARDINALITY}; '' skips it)")
    ap.add_argument("--cardinality-max-rss-mb", type=int, default=4000,
                    help="a cardinality child resident past this is stopped and shown over the limit (default 4000)")
    ap.add_argument("--cardinality-timeout", type=float, default=60.0,
                    help="a cardinality child running longer is stopped and shown over the limit (default 60 s)")
    ap.add_argument("--quick", action="store_true",
                    help=f"only {QUICK_SIZES} for every layout and the questions, {QUICK_CARDINALITY} groups")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per case; the median is reported")
    ap.add_argument("--threads", default="1,2", help="logcodes thread counts on the plain combined / nginx_custom file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", default="truth",
                    help="format= for the combined rows: 'truth' (the generated format, combined) or e.g. auto")
    ap.add_argument("--block-size", type=int, default=None, help="block_size= for logcodes.scan")
    ap.add_argument("--python", default=sys.executable, help="interpreter that imports logcodes")
    ap.add_argument("--peers-only", action="store_true", help="skip the logcodes rows (floors and peers only)")
    ap.add_argument("--peers", default="all",
                    help="peers to run on the combined files: 'all', 'none', or names such as scalar,duckdb "
                         "(a case-insensitive part of the tool name)")
    ap.add_argument("--slow-repeat", type=int, default=3,
                    help="timed runs of the slow peers (pandas, polars, DuckDB, re: smallest combined size only; "
                         "GoAccess runs once) and of the dataframe tools answering the questions (pandas once)")
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    ap.add_argument("--out-dir", type=Path, default=HERE, help="where RESULTS.md and results.json go")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    sizes = sizes_of(QUICK_SIZES if args.quick else args.sizes)
    nginx_sizes = sizes_of(QUICK_SIZES if args.quick else args.nginx_sizes)
    w3c_sizes = sizes_of(QUICK_SIZES if args.quick else args.w3c_sizes)
    variant_sizes = sizes_of(QUICK_VARIANT_SIZES if args.quick else args.variant_sizes)
    wrapped_sizes = sizes_of(QUICK_SIZES if args.quick else args.wrapped_sizes)
    question_sizes = sizes_of(QUICK_SIZES if args.quick else args.question_sizes)
    select_questions(args.questions)  # an unknown name stops the run before anything is timed
    groups = [cardinality.parse_count(g) for g in (QUICK_CARDINALITY if args.quick else args.cardinality).split(",")
              if g.strip()]
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    info = machine_info()
    info["command"] = " ".join(["python benchmarks/run.py"] + (argv if argv is not None else sys.argv[1:]))

    formats: list[str] = []
    if not args.peers_only:
        ok, version, formats, err = logcodes_importable(args.python)  # also warms the import for the timed runs
        if not ok:
            print("error: `import logcodes` fails, so logcodes cannot be benchmarked.\n"
                  f"  interpreter: {args.python}\n  {err.splitlines()[-1] if err else ''}\n"
                  "  Build and install the Python package for this interpreter first (or pass --python), or run with "
                  "--peers-only to time only the floors (wc, cat, gzip, zstd).", file=sys.stderr)
            return 2
        info["logcodes_version"] = version
        info["logcodes_build"] = logcodes_build(args.python)
    info["load_avg_start"] = load_avg()

    time_exe = gnu_time()
    compressors = (("gz", "gzip"), ("zst", "zstd"), ("bgzf.gz", "bgzip"), ("frames.zst", "pzstd"))
    exts = [e for e, tool in compressors if shutil.which(tool)]
    notes = [f"`{t}` not found: no .{e} rows" for e, t in compressors if e not in exts]
    if not args.peers_only and nginx_sizes and "nginx_json" not in formats:
        notes.append("logcodes has no `nginx_json` preset: no preset rows for nginx_json")

    def scan_cmd(p, t, *spec):
        c = [args.python, str(SCAN_ONCE), str(p), "--threads", str(t), *spec]
        return c + (["--block-size", str(args.block_size)] if args.block_size else [])

    peer_list = select_peers(args.peers, args.python, notes)
    rows: list[dict] = []
    for size in sizes:
        path, truth = ensure_data(args.data_dir, size, args.seed, exts)
        label = gen_logs.size_label(size)
        fmt = truth["format"] if args.format == "truth" else args.format
        files = {"": path} | {e: Path(f"{path}.{e}") for e in exts}
        name = lambda e: f"{label}.log" + (f".{e}" if e else "")

        cases: list[Case] = []
        if not args.peers_only:
            for t in threads:
                cases.append(Case(BASE_TOOL, name(""), path, t, scan_cmd(path, t, "--format", fmt), "logcodes"))
            for e in exts:
                # 2 threads on one compressed file: one member / frame decodes on one thread while the other
                # parses (read-ahead); BGZF and pzstd's frames decode in pieces on both while one parses.
                for t in sorted({1, *threads}):
                    cases.append(Case(BASE_TOOL, name(e), files[e], t, scan_cmd(files[e], t, "--format", fmt), "logcodes"))
            if size == max(sizes):
                # Causes from the error log: the join should cost little next to the scan itself.
                errors = ensure_error_log(path)
                for t in threads:
                    cases.append(Case("logcodes by code,cause", name(""), path, t,
                                      scan_cmd(path, t, "--format", fmt, "--by", "code,cause"), "logcodes"))
                    cases.append(Case("logcodes by code,cause + error log", name(""), path, t,
                                      scan_cmd(path, t, "--format", fmt, "--by", "code,cause", "--errors", str(errors)),
                                      "logcodes"))
        cases.append(Case("wc -l", name(""), path, None, ["wc", "-l", str(path)], "wc"))
        cases += peer_cases([p for p in peer_list if not p.slow], name(""), path, threads)
        if "gz" in exts:
            cases.append(Case("gzip -dc", name("gz"), files["gz"], None, ["gzip", "-dc", str(files["gz"])],
                              "floor", capture=False))
            if shutil.which("igzip"):  # ISA-L's own decompressor: what logcodes decodes gzip with
                cases.append(Case("igzip -dc", name("gz"), files["gz"], None, ["igzip", "-dc", str(files["gz"])],
                                  "floor", capture=False))
        if "zst" in exts:
            cases.append(Case("zstd -dc", name("zst"), files["zst"], None, ["zstd", "-dc", str(files["zst"])],
                              "floor", capture=False))
        # The decoders alone on the files logcodes cuts into pieces (each decodes them on one thread).
        if "bgzf.gz" in exts and shutil.which("igzip"):
            cases.append(Case("igzip -dc", name("bgzf.gz"), files["bgzf.gz"], None,
                              ["igzip", "-dc", str(files["bgzf.gz"])], "floor", capture=False))
        if "frames.zst" in exts:
            cases.append(Case("zstd -dc", name("frames.zst"), files["frames.zst"], None,
                              ["zstd", "-dc", str(files["frames.zst"])], "floor", capture=False))
        run_cases(label, cases, truth, list(files.values()), args.repeat, time_exe, rows, notes, label)
        if size == min(sizes):
            # The slow peers on the smallest file only, with fewer runs; their ratios are to logcodes on this file.
            for once in (False, True):
                slow = [p for p in peer_list if p.slow and (p.max_repeat == 1) == once]
                if slow:
                    run_cases(f"{label} peers", peer_cases(slow, name(""), path, threads), truth, [path],
                              1 if once else min(args.slow_repeat, args.repeat), time_exe, rows, notes, label)

    for size in question_sizes:
        label = gen_logs.size_label(size)
        path, truth, groups_of_cases = question_cases(args, size, threads, scan_cmd, notes)
        for group, n in groups_of_cases:
            if group:
                run_cases(f"{label} questions", group, truth, [path], n, time_exe, rows, notes, label)

    if groups and args.peers_only:
        notes.append("--peers-only: no cardinality rows (both ways run logcodes)")
    elif groups and subprocess.run([args.python, "-c", "import polars, pyarrow"], capture_output=True).returncode:
        notes.append("polars or pyarrow not installed: no cardinality rows (benchmarks/requirements.txt)")
    elif groups:
        for g in groups:
            for row in cardinality.measure(args.python, args.data_dir, g, max(threads), min(args.repeat, 3),
                                           args.cardinality_max_rss_mb, args.cardinality_timeout,
                                           log=lambda m: print(m, file=sys.stderr)):
                rows.append(row)
                notes.extend(f"{'over the limit' if row['status'] == 'LIMIT' else row['status']}: cardinality "
                             f"{row['tool']} {row['size']} groups: {p}" for p in row["problems"])

    for size in nginx_sizes:
        label = gen_logs.size_label(size)
        for layout in NGINX_LAYOUTS:
            path, truth = ensure_data(args.data_dir, size, args.seed, [], layout=layout)
            name = f"{label}.log"
            nginx_fmt = ["--nginx-format", truth["log_format"]]
            cases = []
            if not args.peers_only:
                for t in (threads if layout == "nginx_custom" else [1]):
                    cases.append(Case("logcodes nginx log_format", name, path, t, scan_cmd(path, t, *nginx_fmt),
                                      "logcodes", layout=layout))
                if layout == "nginx_json" and "nginx_json" in formats:
                    cases.append(Case("logcodes nginx_json preset", name, path, 1,
                                      scan_cmd(path, 1, "--format", "nginx_json"), "logcodes", layout=layout))
            cases.append(Case("wc -l", name, path, None, ["wc", "-l", str(path)], "wc", layout=layout))
            run_cases(f"{label} {layout}", cases, truth, [path], args.repeat, time_exe, rows, notes, label)

    for size in w3c_sizes:
        label = gen_logs.size_label(size)
        path, truth = ensure_data(args.data_dir, size, args.seed, [], layout="w3c")
        cases = []
        if not args.peers_only:
            for t in threads:
                cases.append(Case("logcodes w3c", f"{label}.log", path, t, scan_cmd(path, t, "--format", "w3c"),
                                  "logcodes", layout="w3c"))
        cases.append(Case("wc -l", f"{label}.log", path, None, ["wc", "-l", str(path)], "wc", layout="w3c"))
        run_cases(f"{label} w3c", cases, truth, [path], args.repeat, time_exe, rows, notes, label)

    for size in wrapped_sizes:
        # The bare file and its wrapped copies, round-robin in one run: the ratio compares like with like.
        label = gen_logs.size_label(size)
        path, truth = ensure_data(args.data_dir, size, args.seed, [])
        wrapped = {w: wrapped_logs.ensure(path, w) for w in wrapped_logs.WRAPPERS}
        cases = []
        if not args.peers_only:
            cases.append(Case("logcodes combined", f"{label}.log", path, 1, scan_cmd(path, 1, "--format", "auto"),
                              "logcodes", layout="wrapped"))
            for w, wpath in wrapped.items():
                cases.append(Case(f"logcodes {w}+combined", f"{label}.{w}.log", wpath, 1,
                                  scan_cmd(wpath, 1, "--format", "auto"), "logcodes", layout="wrapped"))
        run_cases(f"{label} wrapped", cases, truth, [path, *wrapped.values()], args.repeat, time_exe, rows, notes,
                  label)
        for r in rows:  # MB/s of a wrapped copy: its own bytes (the records and their truth are the bare file's)
            w = next((w for w in wrapped if r["layout"] == "wrapped" and r["tool"] == f"logcodes {w}+combined"
                      and r["size"] == label), None)
            if w and r.get("seconds"):
                r["bytes"] = wrapped[w].stat().st_size
                r["mb_s"] = r["bytes"] / 1e6 / r["seconds"]

    for size in variant_sizes:
        label = gen_logs.size_label(size)
        layout = "sip_trace"
        path, truth = ensure_variant(args.data_dir, layout, size, args.seed)
        name = f"{label}.log"
        cases = []
        if not args.peers_only:
            for t in threads:  # cut at message starts for threads, as every plain file is
                cases.append(Case("logcodes sip_trace", name, path, t,
                                  scan_cmd(path, t, "--format", "sip_trace", "--count", "transactions"),
                                  "logcodes", layout=layout))
        cases.append(Case("wc -l", name, path, None, ["wc", "-l", str(path)], "wc", layout=layout))
        run_cases(f"{label} {layout}", cases, truth, [path], args.repeat, time_exe, rows, notes, label)

    info["load_avg_end"] = load_avg()
    # Timings are only comparable when nothing else ran and the package under test stayed the same.
    if not args.peers_only and logcodes_build(args.python) != info.get("logcodes_build"):
        notes.append("logcodes was reinstalled during this run: its rows mix two builds; run again")
    add_ratios(rows)
    table = fmt_rows(rows)
    print()
    print(text_table(table))
    # A peer that miscounts is a finding, not a failure of the run; logcodes (or a floor) that does is.
    bad = [r for r in rows if r["status"] in ("WRONG", "ERROR") and not r["peer"]]
    if bad:
        print("\n" + "!" * 72, file=sys.stderr)
        for n in notes:
            print(f"!! {n}", file=sys.stderr)
        print(f"!! {len(bad)} logcodes or floor row(s) WRONG or ERROR: their speeds do not count", file=sys.stderr)
        print("!" * 72, file=sys.stderr)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_reports(args.out_dir, info, args, rows, table, notes)
    print(f"\nwrote {args.out_dir / 'RESULTS.md'} and {args.out_dir / 'results.json'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
