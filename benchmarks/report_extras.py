"""The parts of RESULTS.md built from all rows of a run: the scaling table, the targets of the performance
issue (met, or missed by how much) and the plot (results.png).

Rows are the harness's dicts: layout, tool, input, threads, size, status, mb_s, rss_mb ...
"""

from __future__ import annotations

from pathlib import Path

import gen_logs
import questions

BASE_TOOL = "logcodes combined"
FLOOR_TOOL = "read+memchr"
PANDAS = ("pandas read_csv", "pandas read_csv (pyarrow)", "pandas lines + str.extract")


def _size(r: dict) -> int:
    return gen_logs.parse_size(r["size"])


def find(rows: list[dict], tool: str, *, size: str | None = None, threads: int | None = None,
         layout: str = "combined", suffix: str = ".log", any_status: bool = False) -> dict | None:
    """The row of this tool (and size / threads / input suffix) with a speed; the largest size when none given.
    Rows that are WRONG or ERROR count only with any_status (their speed is then marked as such)."""
    found = [r for r in rows if r["tool"] == tool and r["layout"] == layout and r["input"].endswith(suffix)
             and (size is None or r["size"] == size) and (threads is None or r["threads"] == threads)
             and r.get("mb_s") and (any_status or r["status"] not in ("WRONG", "ERROR"))]
    return max(found, key=_size) if found else None


def scaling_table(rows: list[dict]) -> list[str]:
    """logcodes on the plain combined file by size and threads, with peak RSS and the memchr floor."""
    sizes = sorted({r["size"] for r in rows if r["tool"] == BASE_TOOL and r["layout"] == "combined"},
                   key=gen_logs.parse_size)
    if not sizes:
        return []
    out = ["| size | 1 thread MB/s | 2 threads MB/s | 2t / 1t | CPU s 1t / 2t | peak RSS MB 1t / 2t | "
           "read+memchr MB/s |", "|---|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        one, two = find(rows, BASE_TOOL, size=size, threads=1), find(rows, BASE_TOOL, size=size, threads=2)
        floor = find(rows, FLOOR_TOOL, size=size)
        f = lambda r, k, fmt: format(r[k], fmt) if r and r.get(k) is not None else "-"
        speedup = f"{two['mb_s'] / one['mb_s']:.2f}x" if one and two else "-"
        out.append(f"| {size} | {f(one, 'mb_s', ',.0f')} | {f(two, 'mb_s', ',.0f')} | {speedup} | "
                   f"{f(one, 'cpu_s', '.2f')} / {f(two, 'cpu_s', '.2f')} | "
                   f"{f(one, 'rss_mb', '.0f')} / {f(two, 'rss_mb', '.0f')} | {f(floor, 'mb_s', ',.0f')} |")
    return out


class Target:
    """One target of the issue: `value` against `goal`, higher is better unless `at_most`."""

    def __init__(self, text: str, value: float | None, goal: float, how: str, *, at_most: bool = False,
                 unit: str = "x", note: str = "", over: str = ""):
        self.text, self.value, self.goal, self.how = text, value, goal, how
        self.at_most, self.unit, self.note = at_most, unit, note
        self.over = over  # the run was stopped at a limit: missed, and how far it got

    def _fmt(self, v: float) -> str:
        if self.unit in ("MB/s", "MB"):
            return f"{v:,.0f} {self.unit}"
        return f"{v:.0f} %" if self.unit == "%" else f"{v:.2f} s" if self.unit == "s" else f"{v:.2f}x"

    def verdict(self) -> str:
        if self.value is None:
            return f"**missed**: {self.over}" if self.over else "not measured"
        if self.at_most:
            if self.value <= self.goal:
                return "met"
            return f"**missed** by {self.value / self.goal - 1:.0%} (at most {self._fmt(self.goal)})"
        if self.value >= self.goal:
            return "met"
        return f"**missed** by {1 - self.value / self.goal:.0%} ({self._fmt(self.value)} of {self._fmt(self.goal)})"

    def row(self) -> str:
        value = "-" if self.value is None else self._fmt(self.value)
        how = self.how + (f"; {self.note}" if self.note else "")
        return f"| {self.text} | {value} | {self.verdict()} | {how} |"


def _ratio(a: dict | None, b: dict | None) -> float | None:
    return a["mb_s"] / b["mb_s"] if a and b else None


def _wrong(r: dict | None) -> str:
    return f"{r['tool']} miscounts (WRONG); its speed as measured" if r and r["status"] == "WRONG" else ""


def targets(rows: list[dict]) -> list[Target]:
    lc1, lc2 = find(rows, BASE_TOOL, threads=1), find(rows, BASE_TOOL, threads=2)
    big = lc1["size"] if lc1 else None
    small = min((r["size"] for r in rows if r["tool"] == BASE_TOOL), key=gen_logs.parse_size, default=None)
    s1, s2 = find(rows, BASE_TOOL, size=small, threads=1), find(rows, BASE_TOOL, size=small, threads=2)
    at = f"combined {big}" if big else "combined"
    t = [Target("combined, class + code, 1 thread >= 3 GB/s", lc1 and lc1["mb_s"], 3000, at, unit="MB/s")]
    scalar = find(rows, "scalar C", size=big, any_status=True)
    t.append(Target(">= 2x the scalar C loop (1 thread)", _ratio(lc1, scalar), 2, at, note=_wrong(scalar)))
    floor = find(rows, FLOOR_TOOL, size=big, any_status=True)
    t.append(Target("within 2x of the read() + memchr floor (floor / logcodes)", _ratio(floor, lc1), 2, at,
                    at_most=True))
    t.append(Target("2 threads >= 1.8x 1 thread", _ratio(lc2, lc1), 1.8, at))
    # pandas at its best on one thread: the fastest way that counts right, else the fastest way.
    tried = [r for r in (find(rows, tool, size=small, threads=1, any_status=True) for tool in PANDAS) if r]
    right = [r for r in tried if r["status"] == "ok"]
    pandas = max(right or tried, key=lambda r: r["mb_s"], default=None)
    faster = [r for r in tried if pandas and r["mb_s"] > pandas["mb_s"]]
    note = _wrong(pandas) or "; ".join(f"{r['tool']} is faster ({r['mb_s']:,.0f} MB/s) but miscounts" for r in faster)
    t.append(Target(">= 50x pandas (1 thread each)", _ratio(s1, pandas), 50,
                    f"combined {small}" + (f" vs {pandas['tool']}" if pandas else ""), note=note))
    for peer in ("DuckDB regexp_extract", "polars str.extract"):
        other = find(rows, peer, size=small, threads=2, any_status=True)
        t.append(Target(f">= 3x {peer.split()[0]}, both using 2 threads", _ratio(s2, other), 3,
                        f"combined {small} vs {peer}", note=_wrong(other)))
    for by in ("code,path", "time:1h,class"):
        r = find(rows, f"logcodes by {by}", threads=1)
        t.append(Target(f"by={by}, 1 thread >= 1 GB/s", r and r["mb_s"], 1000, at, unit="MB/s"))
    for layout, tool in (("nginx_custom", "logcodes nginx log_format"), ("nginx_json", "logcodes nginx_json preset"),
                         ("nginx_json", "logcodes nginx log_format")):
        r = find(rows, tool, layout=layout, threads=1)
        t.append(Target(f"{layout} ({tool.removeprefix('logcodes ')}), 1 thread >= 1 GB/s", r and r["mb_s"], 1000,
                        f"{layout} {r['size']}" if r else layout, unit="MB/s"))
    for w in ("syslog", "cri"):
        # Records per second against the bare file of the same run (the wrapped file has more bytes per record).
        bare = find(rows, BASE_TOOL, layout="wrapped", threads=1)
        wr = find(rows, f"logcodes {w}+combined", layout="wrapped", threads=1, suffix=f".{w}.log",
                  size=bare["size"] if bare else None)
        ratio = 100 * bare["seconds"] / wr["seconds"] if bare and wr else None
        t.append(Target(f"{w}-wrapped combined, 1 thread >= 80 % of bare combined (records/s)", ratio, 80,
                        f"combined {bare['size']}, same run, medians" if bare else "combined", unit="%"))
    r = find(rows, "logcodes sip_trace", layout="sip_trace", threads=1)
    t.append(Target("SIP text trace, 1 thread >= 1 GB/s", r and r["mb_s"], 1000,
                    f"sip_trace {r['size']}" if r else "sip_trace", unit="MB/s"))
    # Layouts whose lines depend on lines before them are cut for threads too (SIP at message starts, W3C
    # under the #Fields before each piece): they scale as the combined log does.
    for layout, tool in (("sip_trace", "logcodes sip_trace"), ("w3c", "logcodes w3c")):
        one, two = (find(rows, tool, layout=layout, threads=n) for n in (1, 2))
        t.append(Target(f"{layout}, 2 threads >= 1.8x 1 thread", _ratio(two, one), 1.8,
                        f"{layout} {one['size']}" if one else layout))
    for ext, tools in (("gz", ("igzip -dc", "gzip -dc")), ("zst", ("zstd -dc",))):
        # With 2 threads one decodes while the other parses: the scan can run at the decoder's own speed.
        runs = [r for r in (find(rows, BASE_TOOL, size=big, threads=n, suffix=f".log.{ext}") for n in (1, 2)) if r]
        lc = max(runs, key=lambda r: r["mb_s"], default=None)
        dec = next((d for d in (find(rows, tool, size=big, suffix=f".log.{ext}") for tool in tools) if d), None)
        on = f"{at}.{ext}, {lc['threads']} thread(s), vs `{dec['tool']}`" if dec and lc else at
        t.append(Target(f".{ext} input >= 90 % of the decompressor alone", _ratio(lc, dec) and 100 * _ratio(lc, dec),
                        90, on, unit="%"))
    for ext, tool in (("bgzf.gz", "igzip -dc"), ("frames.zst", "zstd -dc")):
        # Decoded in pieces on both threads while the scanning thread parses (docs/compressed.md).
        lc = find(rows, BASE_TOOL, size=big, threads=2, suffix=f".log.{ext}")
        dec = find(rows, tool, size=big, suffix=f".log.{ext}")
        t.append(Target(f".{ext} input, 2 threads >= 1.6x the decompressor alone", _ratio(lc, dec), 1.6,
                        f"{at}.{ext} vs `{tool}`"))
    t += question_targets(rows) + cardinality_targets(rows)
    rs, rb = find(rows, BASE_TOOL, size=small, threads=1), lc1
    growth = (100 * (rb["rss_mb"] / rs["rss_mb"] - 1) if rs and rb and rs.get("rss_mb") and rb.get("rss_mb")
              and rs is not rb else None)
    t.append(Target("peak RSS independent of input size (growth <= 10 %)", growth, 10,
                    f"1 thread, {small} vs {big}", at_most=True, unit="%"))
    return t


# The questions with a ratio target against polars (issue 19): by code, by code and templated path, by hour.
RATIO_QUESTIONS = ("class,code", "code,path", "time:1h,class")
CARD_TOOL = 'logcodes scan(by=("path_raw","code")) + to_pandas()'
CARD_PEER = "logcodes records() + polars group_by"


def question_targets(rows: list[dict]) -> list[Target]:
    """logcodes >= 3x polars for each question, 1 thread each and 2 threads each, on the largest question file."""
    out = []
    for q in RATIO_QUESTIONS:
        for n in (1, 2):
            lc = find(rows, f"logcodes by {q}", threads=n)
            peer = find(rows, f"polars by {q}", size=lc["size"] if lc else None, threads=n, any_status=True)
            on = f"combined {lc['size']}" if lc else "combined"
            out.append(Target(f"by {q}: >= 3x polars, {n} thread{'s' if n > 1 else ''} each", _ratio(lc, peer), 3,
                              on, note=_wrong(peer)))
    return out


def _card(rows: list[dict], tool: str, groups: int) -> dict | None:
    return next((r for r in rows if r["layout"] == "cardinality" and r["tool"] == tool and r["groups"] == groups), None)


def cardinality_targets(rows: list[dict]) -> list[Target]:
    """scan(by=path_raw,code) + to_pandas(): 1M groups <= 1 s; 10M groups <= 10 s and <= 2 GB peak RSS."""
    out = []
    for groups, secs, rss in ((10**6, 1.0, None), (10**7, 10.0, 2000)):
        r, peer = _card(rows, CARD_TOOL, groups), _card(rows, CARD_PEER, groups)
        label = f"{groups // 10**6}M"
        ok = r is not None and r["status"] == "ok"
        over = r["problems"][0] if r and r["status"] == "LIMIT" and r["problems"] else ""
        if r and r["status"] in ("WRONG", "ERROR"):
            over = f"{r['status']}: {'; '.join(r['problems'])[:200]}"
        note = f"records() + polars: {peer['seconds']:.2f} s, {peer['rss_mb']:,.0f} MB" if peer and peer.get("seconds") else ""
        on = f"{r['input']}, {r['threads']} threads" if r else f"{label} groups"
        out.append(Target(f"cardinality {label} groups: scan + to_pandas() <= {secs:g} s", r["seconds"] if ok else None,
                          secs, on, at_most=True, unit="s", note=note, over=over))
        if rss:
            out.append(Target(f"cardinality {label} groups: peak RSS <= {rss:,} MB", r["rss_mb"] if ok else None, rss,
                              on, at_most=True, unit="MB", over=over))
    return out


def question_table(rows: list[dict]) -> list[str]:
    """Per question file: MB/s of every tool and thread count for each question, and logcodes's lead over it
    (logcodes MB/s / the tool's, same threads)."""
    out: list[str] = []
    qrows = [r for r in rows if r.get("question")]
    for size in sorted({r["size"] for r in qrows}, key=gen_logs.parse_size):
        here = [r for r in qrows if r["size"] == size]
        asked = [q for q in questions.QUESTIONS if any(r["question"] == q for r in here)]
        tools: list[tuple[str, int]] = []
        for r in here:
            key = (r["tool"].rsplit(" by ", 1)[0], r["threads"])
            if key not in tools:
                tools.append(key)
        tools.sort(key=lambda k: (not k[0].startswith("logcodes by") and k[0] != "logcodes", k[0], k[1]))
        out += [f"On `{here[0]['input']}` (MB/s over the file's bytes; `(3.1x)`: logcodes with the same threads is "
                "3.1 times as fast; every answer checked group by group against the truth):", "",
                "| tool | threads | " + " | ".join(asked) + " | peak RSS MB |",
                "|---|---:|" + "---:|" * len(asked) + "---:|"]
        for tool, n in tools:
            cells, rss = [], []
            for q in asked:
                r = next((x for x in here if x["question"] == q and x["tool"] == f"{tool} by {q}" and x["threads"] == n),
                         None)
                lc = find(rows, f"logcodes by {q}", size=size, threads=n)
                if r is None:
                    cells.append("-")
                    continue
                if r.get("rss_mb"):
                    rss.append(r["rss_mb"])
                if not r.get("mb_s") or r["status"] == "ERROR" or (r["status"] == "WRONG" and not r["peer"]):
                    cells.append(f"**{r['status']}**")
                    continue
                cell = f"{r['mb_s']:,.0f}"
                if lc and r is not lc:
                    cell += f" ({lc['mb_s'] / r['mb_s']:.1f}x)"
                cells.append(cell + (" **WRONG**" if r["status"] == "WRONG" else ""))
            out.append(f"| {tool} | {n} | " + " | ".join(cells) + f" | {max(rss):,.0f} |" if rss else
                       f"| {tool} | {n} | " + " | ".join(cells) + " | - |")
        out.append("")
    return out


def cardinality_table(rows: list[dict]) -> list[str]:
    crow = [r for r in rows if r["layout"] == "cardinality"]
    if not crow:
        return []
    out = ["| groups | way | threads | seconds | MB/s | peak RSS MB | check |", "|---:|---|---:|---:|---:|---:|---|"]
    for r in sorted(crow, key=lambda r: (r["groups"], r["tool"] != CARD_TOOL)):
        secs = f"{r['seconds']:.2f}" if r.get("seconds") and r["status"] == "ok" else "-"
        mbs = f"{r['mb_s']:,.0f}" if r.get("mb_s") and r["status"] == "ok" else "-"
        rss = f"{r['rss_mb']:,.0f}" if r.get("rss_mb") else "-"
        check = {"ok": "ok (every group)", "LIMIT": "**over limit**: " + "; ".join(r["problems"])}.get(
            r["status"], f"**{r['status']}**: " + "; ".join(r["problems"])[:200])
        out.append(f"| {r['groups']:,} | {r['tool']} | {r['threads']} | {secs} | {mbs} | {rss} | {check} |")
    return out + [""]


def targets_table(rows: list[dict]) -> list[str]:
    return ["| target | measured | verdict | on |", "|---|---:|---|---|"] + [t.row() for t in targets(rows)]


def plot(rows: list[dict], out: Path) -> str | None:
    """results.png: MB/s per tool on the largest combined file (log scale; slow peers on the smallest) and
    logcodes's scaling over size and threads. Returns why not, when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib not installed: no plot"
    bars = {}
    for r in rows:
        if r["layout"] != "combined" or not r.get("mb_s") or r["status"] == "ERROR" or r.get("question"):
            continue  # the questions have their own table
        key = (r["tool"] + (f" {r['threads']}t" if r["threads"] else "") + ("" if r["input"].endswith(".log")
               else " ." + r["input"].rsplit(".", 1)[1]))
        if "by " in r["tool"] and "+" in r["tool"]:
            continue
        if key not in bars or _size(r) > _size(bars[key]):
            bars[key] = r
    items = sorted(bars.items(), key=lambda kv: kv[1]["mb_s"])
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(14, max(5, 0.32 * len(items) + 1.5)),
                                  gridspec_kw={"width_ratios": [3, 2]})
    colors = ["tab:red" if r["status"] == "WRONG" else "tab:blue" if r["tool"].startswith("logcodes") else "tab:gray"
              for _, r in items]
    ax.barh(range(len(items)), [r["mb_s"] for _, r in items], color=colors)
    ax.set_yticks(range(len(items)),
                  [f"{k} [{r['size']}]" + (" WRONG" if r["status"] == "WRONG" else "") for k, r in items], fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("MB/s (log scale; uncompressed bytes, median)")
    ax.set_title("combined log: class + code counts (red: miscounts)")
    ax.grid(axis="x", which="both", alpha=0.3)
    for threads, style in ((1, "o-"), (2, "s-")):
        pts = sorted(((_size(r), r["mb_s"]) for r in rows if r["tool"] == BASE_TOOL and r["layout"] == "combined"
                      and r["input"].endswith(".log") and r["threads"] == threads and r.get("mb_s")
                      and r["status"] == "ok"))
        if pts:
            ax2.plot([p[0] / 2**20 for p in pts], [p[1] for p in pts], style, label=f"logcodes {threads} thread(s)")
    pts = sorted((_size(r), r["mb_s"]) for r in rows if r["tool"] == FLOOR_TOOL and r.get("mb_s"))
    if pts:
        ax2.plot([p[0] / 2**20 for p in pts], [p[1] for p in pts], "k^--", label="read() + memchr floor")
    ax2.set_xscale("log", base=2)
    ax2.set_xlabel("input size (MiB)")
    ax2.set_ylabel("MB/s")
    ax2.set_ylim(bottom=0)
    ax2.set_title("scaling over size and threads")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return None


# What bounds a target when it is missed: the evidence, kept next to the code it is about. Keys are the start
# of a Target's text; the text may use {ipb[<callgrind case>]} (instructions per input byte from
# callgrind_baseline.json) and {floor_by_size} (logcodes vs the floors at every combined size of the run).
BOUNDS = {
    "within 2x of the read() + memchr floor": (
        "both read the same file into a reused buffer with read(); the floor then only finds newlines, "
        "logcodes parses every line ({ipb[combined class,code]:.2f} instructions per byte on this path, "
        "`make callgrind`: newline masks 64 bytes at a time, six short SSE2 searches per line for the "
        "client, brackets, the request's closing quote and the status, then classify and count). How fast "
        "read() itself runs depends on how the page cache holds the file: where it serves reads faster "
        "(see `cat`) the floor speeds up with it and logcodes, bound by parsing, much less. By size: "
        "{floor_by_size}."),
    ">= 50x pandas": (
        "the fastest pandas way that counts right (whole lines + `str.extract`) is regex-bound in pandas; "
        "50x of it is more than logcodes parses on one thread on this file ({ipb[combined class,code]:.2f} "
        "instructions per byte, `make callgrind`), so the margin here is logcodes's own parse cost; the "
        "pandas ways that are faster (`read_csv`) lose lines on hostile input (see Problems). Run three times "
        "(`--slow-repeat 3`), pandas's later runs are about 1.5x faster than its first, which is why a "
        "single run read near 50x."),
    "nginx_json (nginx_json preset)": (
        "simdjson On-Demand parses each line as a document ({ipb[nginx_json preset]:.2f} instructions per "
        "byte, `make callgrind`); the keys of the nginx_json map are looked up in a flat table."),
    "by class,code: >= 3x polars": (
        "logcodes spends {ipb[combined class,code]:.2f} instructions per byte on this path (`make callgrind`); "
        "at 2 threads the ratio also carries logcodes's own scaling (the `2 threads >= 1.8x` target above) "
        "against polars's, whose regex runs per line on every core."),
    "by code,path: >= 3x polars": (
        "every record's path is templated (segments split and classified) and hashed into the group table "
        "({ipb[combined code,path]:.2f} instructions per byte against {ipb[combined class,code]:.2f} for class "
        "and code, `make callgrind`); polars extracts the path once per record with its regex and templates "
        "only the distinct paths after grouping."),
    "by time:1h,class: >= 3x polars": (
        "each record's time is parsed and bucketed before it is counted ({ipb[combined code,time 1min]:.2f} "
        "instructions per byte for a time bucket, `make callgrind`), against one regex and a vectorised "
        "`str.to_datetime` in polars."),
    "cardinality": (
        "every distinct key is new to the group table: one random access into a table far larger than the "
        "caches per record on each worker, then once more when the smaller worker's table is taken into the "
        "larger (its keys stay where they are); the groups are then sorted on 16 key bytes at a time and "
        "gathered into Arrow buffers on the scan's threads, and `to_pandas()` orders the rows by code and "
        "count, which moves every path once more (pandas's stable sort and take). Much of the rest is the "
        "first touch of fresh memory, which this VM makes costly (`clear_page` is about a quarter of the "
        "CPU time in `perf` at 10 M groups)."),
    ".bgzf.gz input, 2 threads": (
        "two cores carry igzip's decoding and the parse of every byte: the best elapsed time is half the CPU "
        "time of the scan (decoding in pieces costs about 6 % more CPU than one decoder: the copy to the parser "
        "and the queues' first-touched pages), which is about 1.55x igzip alone; more cores lift it until the "
        "one parsing thread is the bound (docs/compressed.md)."),
    ".frames.zst input, 2 threads": (
        "zstd decodes so fast that the parse is almost as much work as the decoding: two cores carry both, so "
        "the best elapsed time, half the scan's CPU time, is about 1.3x `zstd -dc` alone; more cores lift it "
        "until the one parsing thread is the bound (docs/compressed.md)."),
    "SIP text trace": (
        "a SIP trace is about two dozen short lines per message; {ipb[sip_trace]:.2f} instructions per byte "
        "(`make callgrind`), spent on header names and values, copying the fields a record keeps, and the "
        "transaction filter's table (one random memory access per response)."),
}


def _floor_by_size(rows: list[dict]) -> str:
    parts = []
    sizes = sorted({r["size"] for r in rows if r["tool"] == BASE_TOOL and r["layout"] == "combined"},
                   key=gen_logs.parse_size)
    for size in sizes:
        lc, floor, cat = (find(rows, t, size=size, threads=1 if t == BASE_TOOL else None, any_status=True)
                          for t in (BASE_TOOL, FLOOR_TOOL, "cat"))
        if lc and floor:
            cat_text = f", cat {cat['mb_s']:,.0f} MB/s" if cat else ""
            parts.append(f"{size}: logcodes {lc['mb_s']:,.0f} MB/s, read+memchr {floor['mb_s']:,.0f} MB/s "
                         f"({floor['mb_s'] / lc['mb_s']:.2f}x){cat_text}")
    return "; ".join(parts) or "no floor rows"


def bounds_section(rows: list[dict], baseline: Path) -> list[str]:
    """One paragraph per missed target: by how much, and what bounds it."""
    missed = [t for t in targets(rows) if t.verdict().startswith("**missed**")]
    if not missed:
        return []
    import json

    ipb: dict[str, float] = {}
    if baseline.exists():
        ipb = {k: v["instructions_per_byte"] for k, v in json.loads(baseline.read_text())["cases"].items()}

    class _Missing(dict):
        def __missing__(self, key):
            return float("nan")

    out = ["## What bounds the missed targets", ""]
    for t in missed:
        text = next((v for k, v in BOUNDS.items() if t.text.startswith(k)), "no profile recorded for it yet.")
        text = text.format(ipb=_Missing(ipb), floor_by_size=_floor_by_size(rows))
        out.append(f"- **{t.text}**: {t.verdict().replace('**', '')}. {text[0].upper()}{text[1:]}")
    return out + [""]
