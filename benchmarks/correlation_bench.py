#!/usr/bin/env python3
"""What joining access-log errors with an error log costs: a generated combined log scanned by code,cause
alone and with an nginx error log of the same requests (every 502 a refused connection, every 504 a read
timeout, as nginx writes them), padded with the noise a real error log carries — open() failures of the 404s
and buffering warnings of a share of the 200s — to the size asked (default 100 MB).

    python benchmarks/correlation_bench.py --size 1GiB --error-size 100MB --repeat 5 --threads 1,2

Each run is a fresh process (benchmarks/_scan_once.py); the two cases alternate so drift hits both alike.
Every run's answer is checked: codes equal the generator's truth, and with the error log every 502 is
upstream_refused and every 504 upstream_timeout. Writes benchmarks/CORRELATION.md.
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
from run import ensure_data  # noqa: E402

# The matched events (as run.py's AWK_ERRORS) and the noise: a 404's open() failure for every 404 line and a
# buffering warning for every `warn_every`-th 200, nginx's own wording (ngx_http_static_module.c,
# ngx_event_pipe.c).
AWK = r"""
BEGIN { split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", names, " "); for (i = 1; i <= 12; i++) m[names[i]] = sprintf("%02d", i) }
{
  if (!match($0, /\[[^]]+\]/)) next; t = substr($0, RSTART + 1, RLENGTH - 2)
  if (!match($0, /"[A-Z]+ [^ ]+/)) next; r = substr($0, RSTART + 1, RLENGTH - 1); split(r, a, " ")
  split(t, b, /[\/: ]/)
  stamp = sprintf("%s/%s/%s %s:%s:%s", b[3], m[b[2]], b[1], b[4], b[5], b[6])
  head = sprintf("client: 10.0.0.1, server: bench, request: \"%s %s HTTP/1.1\"", a[1], a[2])
  if ($0 ~ /" 502 /) {
    printf "%s [error] 1#1: *%d connect() failed (111: Connection refused) while connecting to upstream, %s, upstream: \"http://10.0.0.9:8080%s\", host: \"bench\"\n", stamp, NR, head, a[2]
  } else if ($0 ~ /" 504 /) {
    printf "%s [error] 1#1: *%d upstream timed out (110: Connection timed out) while reading response header from upstream, %s, upstream: \"http://10.0.0.9:8080%s\", host: \"bench\"\n", stamp, NR, head, a[2]
  } else if ($0 ~ /" 404 /) {
    printf "%s [error] 1#1: *%d open() \"/srv/www%s\" failed (2: No such file or directory), %s, host: \"bench\"\n", stamp, NR, a[2], head
  } else if ($0 ~ /" 200 / && NR % warn_every == 0) {
    printf "%s [warn] 1#1: *%d an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/%d/%02d/00000%d while reading upstream, %s, upstream: \"http://10.0.0.9:8080%s\", host: \"bench\"\n", stamp, NR, NR % 10, NR % 100, NR, head, a[2]
  }
}
"""


def error_log(access: Path, want: int) -> Path:
    out = Path(f"{access}.error-{want // 10**6}MB.log")
    if out.exists() and out.stat().st_mtime >= access.stat().st_mtime:
        return out
    # Pick the share of 200s that carry a warning so the file comes out near the size asked.
    warn_every = 1
    for attempt in range(6):
        with open(out, "w") as f:
            subprocess.run(["awk", "-v", f"warn_every={warn_every}", AWK, str(access)], stdout=f, check=True,
                           env={**os.environ, "LC_ALL": "C"})
        size = out.stat().st_size
        if size <= want * 1.1 or attempt == 5:
            break
        warn_every = max(warn_every + 1, int(warn_every * size / want + 0.5))
    return out


def run_once(path: Path, threads: int, errors: Path | None, python: str) -> dict:
    cmd = [python, str(HERE / "_scan_once.py"), str(path), "--threads", str(threads), "--format", "combined",
           "--by", "code,cause"]
    if errors:
        cmd += ["--errors", str(errors)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    res = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {"error": p.stderr[-500:]}
    if "error" in res:
        raise SystemExit(f"scan failed: {res['error']}")
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1GiB")
    ap.add_argument("--error-size", default="100MB")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--out", type=Path, default=HERE / "CORRELATION.md")
    a = ap.parse_args()
    size, want = gen_logs.parse_size(a.size), gen_logs.parse_size(a.error_size)
    access, truth = ensure_data(a.data_dir, size, a.seed, [])
    errors = error_log(access, want)
    n_errors = sum(1 for _ in open(errors, "rb"))
    expect = {str(k): v for k, v in truth["codes"].items()} if "codes" in truth else None
    load0 = os.getloadavg()
    rows = []
    for t in (int(x) for x in a.threads.split(",")):
        times: dict[str, list[float]] = {"alone": [], "joined": []}
        cpus: dict[str, list[float]] = {"alone": [], "joined": []}
        for _ in range(a.repeat):
            for case in ("alone", "joined"):
                res = run_once(access, t, errors if case == "joined" else None, a.python)
                if expect is not None and res["codes"] != expect:
                    raise SystemExit(f"{case}: counts differ from the generator's truth")
                times[case].append(res["elapsed"])
                cpus[case].append(res.get("cpu", float("nan")))
        rows.append((t, statistics.median(times["alone"]), statistics.median(times["joined"]),
                     statistics.median(cpus["alone"]), statistics.median(cpus["joined"])))
    # The answer of the joined scan, checked once more with the causes themselves.
    import logcodes
    s = logcodes.scan(access, errors=errors, format="combined", by="code,cause")
    c = s.counts()
    # A 502/504 may stay unknown where the AWK above cannot rewrite its request (escaped quotes in the
    # generator's hostile lines), never take another cause.
    wrong = {k: v for k, v in c.items() if k[0] in (502, 504)
             and k[1] not in ({502: "upstream_refused", 504: "upstream_timeout"}[k[0]], "unknown")}
    unknown = sum(v for k, v in c.items() if k[0] in (502, 504) and k[1] == "unknown")
    load1 = os.getloadavg()
    lines = [
        "# Cost of the error-log join",
        "",
        f"`python benchmarks/correlation_bench.py --size {a.size} --error-size {a.error_size} --repeat {a.repeat} "
        f"--threads {a.threads}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load average at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, at end "
        f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}.",
        "",
        f"Input: a generated combined log of {a.size} ({access.stat().st_size:,} bytes, seed {a.seed}) and its nginx "
        f"error log of {errors.stat().st_size:,} bytes ({n_errors:,} events: every 502 and 504 with its cause, "
        "every 404's open() failure and warnings for a share of the 200s). `scan(by=\"code,cause\")` alone and "
        "with `errors=`; median of the runs, each a fresh process, the two cases alternating. The target is on the "
        "elapsed times; the CPU times (every thread's, during the scan) say what the join costs when other "
        "processes share the cores.",
        "",
        "| threads | alone s | with error log s | ratio (target ≤ 2.0x) | CPU alone s | CPU with error log s | CPU ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t, alone, joined, cpu_alone, cpu_joined in rows:
        lines.append(f"| {t} | {alone:.3f} | {joined:.3f} | {joined / alone:.2f}x "
                     f"({'met' if joined / alone <= 2 else 'missed'}) | {cpu_alone:.3f} | {cpu_joined:.3f} | "
                     f"{cpu_joined / cpu_alone:.2f}x |")
    lines += ["", f"Checked: every run's codes equal the generator's truth; joined by path {s.joins['path']:,}, by "
              f"time {s.joins['time']:,}, not joined {s.joins['none']:,} (500s and 503s, which no event explains, and "
              f"{unknown} 502/504 whose hostile request line the generator of the error log cannot copy); 502/504 "
              f"with a wrong cause: {sum(wrong.values())}.", ""]
    a.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
