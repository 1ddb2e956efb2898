#!/usr/bin/env python3
"""`make callgrind`: instructions per input byte of the main scan paths, counted by valgrind's callgrind
(repeatable whatever else the machine does), compared with the committed baseline so regressions show.

Each case scans a generated input with the C++ scan driver (no Python) on one thread, at two sizes; the
difference of the two instruction counts over the difference of the sizes is the cost per byte, free of
start-up costs.

    python benchmarks/callgrind.py            # compare with benchmarks/callgrind_baseline.json
    python benchmarks/callgrind.py --update   # write the current counts as the new baseline
    python benchmarks/callgrind.py --check    # exit 1 when a case costs over --tolerance more than its baseline
    python benchmarks/callgrind.py --case sip_trace --update   # one case only (the others' baselines are kept)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import micro_data  # noqa: E402
import run  # noqa: E402

BASELINE = HERE / "callgrind_baseline.json"
SMALL, LARGE = 2 << 20, 8 << 20

# name -> (layout, driver arguments)
CASES = {
    "combined class,code": ("combined", ["--format", "combined", "--by", "class,code"]),
    "combined code,path": ("combined", ["--format", "combined", "--by", "code,path"]),
    "combined code,time 1min": ("combined", ["--format", "combined", "--by", "code,time", "--bucket", "60"]),
    "combined auto-detected": ("combined", ["--format", "auto", "--by", "class,code"]),
    "nginx log_format (custom)": ("nginx_custom", ["--nginx-format-file", "{format}", "--by", "class,code"]),
    "nginx_json preset": ("nginx_json", ["--format", "nginx_json", "--by", "class,code"]),
    "sip_trace": ("sip_trace", ["--format", "sip_trace", "--by", "class,code"]),
}


def instructions(exe: Path, args: list[str]) -> int:
    res = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", str(exe), *args],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise SystemExit(f"callgrind failed on {args}:\n{res.stderr[-2000:]}")
    m = re.search(r"Collected\s*:\s*(\d+)", res.stderr)
    if not m:
        raise SystemExit(f"no instruction count in callgrind's output:\n{res.stderr[-2000:]}")
    return int(m.group(1))


def measure(exe: Path, small: Path, large: Path, names: list[str]) -> dict[str, dict]:
    out = {}
    for name in names:
        layout, spec = CASES[name]
        counts, sizes = [], []
        for folder in (small, large):
            args = [a.replace("{format}", str(folder / f"{layout}.format")) for a in spec]
            path = folder / f"{layout}.log"
            counts.append(instructions(exe, [*args, "--threads", "1", str(path)]))
            sizes.append(path.stat().st_size)
        per_byte = (counts[1] - counts[0]) / (sizes[1] - sizes[0])
        out[name] = {"instructions_per_byte": round(per_byte, 3), "instructions": counts, "bytes": sizes}
        print(f"{name:28s} {per_byte:7.3f} instructions/byte", flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update", action="store_true", help="write the counts as the new baseline")
    ap.add_argument("--check", action="store_true", help="exit 1 on a regression over --tolerance")
    ap.add_argument("--tolerance", type=float, default=0.05, help="allowed relative increase (default 0.05)")
    ap.add_argument("--case", action="append", choices=list(CASES), metavar="NAME",
                    help="measure only this case (repeatable; default: all): " + ", ".join(CASES))
    args = ap.parse_args(argv)
    if not shutil.which("valgrind"):
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    small, large = micro_data.ensure(SMALL), micro_data.ensure(LARGE)
    exe = micro_data.build(["logcodes_scan_driver"]) / "logcodes_scan_driver"
    now = measure(exe, small, large, args.case or list(CASES))
    base = json.loads(BASELINE.read_text())["cases"] if BASELINE.exists() else {}
    worse = []
    print(f"\n{'case':28s} {'now':>8s} {'baseline':>9s} {'change':>8s}")
    for name, r in now.items():
        b = base.get(name, {}).get("instructions_per_byte")
        change = "" if b is None else f"{(r['instructions_per_byte'] / b - 1) * 100:+.1f}%"
        print(f"{name:28s} {r['instructions_per_byte']:8.3f} {b if b is not None else '-':>9} {change:>8s}")
        if b is not None and r["instructions_per_byte"] > b * (1 + args.tolerance):
            worse.append(name)
    if args.update:
        info = run.machine_info()
        cases = {name: now.get(name, base.get(name)) for name in CASES if name in now or name in base}
        BASELINE.write_text(json.dumps({"date": info["date"], "machine": info["machine"], "cpu": info["cpu"],
                                        "sizes": [SMALL, LARGE], "cases": cases}, indent=1) + "\n")
        print(f"baseline written to {BASELINE}")
    if worse:
        print(f"regressions over {args.tolerance:.0%}: {', '.join(worse)}", file=sys.stderr)
        return 1 if args.check else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
