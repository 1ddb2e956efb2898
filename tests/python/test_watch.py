"""`logcodes watch`: JSON lines, signals, standard input, the Prometheus exporter — and the acceptance runs:
rotations of both kinds with kills and restarts (exact totals), and a real Prometheus server scraping it."""

import collections
import gzip
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import pytest

import logcodes
from logcodes.prometheus import PrometheusExporter, parse_listen_address

CODES = [200, 200, 200, 200, 404, 500, 302, 503, 499, 301, 429, 204]


def make_lines(start, n):
    """Combined-log lines numbered from `start`; every 97th is junk (unparsed). Returns bytes, truth."""
    out, truth = [], collections.Counter()
    for i in range(start, start + n):
        if i % 97 == 13:
            out.append(f"garbage line {i} that is no log\n")
            truth["unparsed"] += 1
            continue
        code = CODES[i % len(CODES)]
        out.append(f'10.2.{i % 200}.{i % 250} - - [24/Nov/2026:11:{i % 60:02d}:{i % 60:02d} +0000] '
                   f'"GET /w/{i} HTTP/1.1" {code} {i % 9000} "-" "rot/{i}"\n')
        truth[code] += 1
    return "".join(out).encode(), truth


def watch_cmd(*args):
    return [sys.executable, "-m", "logcodes", "watch", *map(str, args)]


class JsonlReader:
    """Reads a watch process's JSON lines in a thread, summing counts by code (and unparsed)."""

    def __init__(self, proc):
        self.proc = proc
        self.totals = collections.Counter()
        self.windows = 0
        self.problems = []
        self.seen = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        for line in self.proc.stdout:
            w = json.loads(line)
            for c in w["counts"]:
                self.totals[c["code"]] += c["count"]
            self.totals["unparsed"] += w["unparsed"]
            self.problems += w["problems"]
            self.windows += 1
            self.seen.set()

    def join(self):
        self.thread.join(timeout=30)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_jsonl_windows_and_sigterm(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    a, truth = make_lines(0, 500)
    log.write_bytes(a)
    proc = subprocess.Popen(watch_cmd(log, "--jsonl", "--interval", "0.1s", "--checkpoint", cp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = JsonlReader(proc)
    assert reader.seen.wait(20)
    b, tb = make_lines(500, 300)
    with open(log, "ab") as f:
        f.write(b)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0, proc.stderr.read()
    reader.join()
    assert reader.totals == truth + tb
    assert json.loads(cp.read_text())["files"][0]["offset"] == len(a) + len(b)


def test_stdin(tmp_path):
    a, truth = make_lines(0, 300)
    r = subprocess.run(watch_cmd("-", "--jsonl", "--interval", "0.2s", "--format", "combined"), input=a,
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    totals = collections.Counter()
    for line in r.stdout.decode().splitlines():
        w = json.loads(line)
        totals.update({c["code"]: c["count"] for c in w["counts"]})
        totals["unparsed"] += w["unparsed"]
    assert totals == truth


def test_stdin_with_checkpoint_is_an_argument_error(tmp_path):
    r = subprocess.run(watch_cmd("-", "--checkpoint", tmp_path / "cp.json"), input=b"", capture_output=True,
                       timeout=60)
    assert r.returncode == 2
    assert b"checkpoint cannot be used with '-'" in r.stderr


def test_text_output_without_jsonl(tmp_path):
    log = tmp_path / "access.log"
    log.write_bytes(make_lines(0, 100)[0])
    proc = subprocess.Popen(watch_cmd(log, "--interval", "0.1s"), stdout=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(20) == 0
    assert first.startswith("window 1: 100 records") and "1 unparsed" in first


def test_exporter_bounds_series():
    exp = PrometheusExporter(max_series=3)
    s = logcodes.scan(logcodes.samples.path("apache_combined"), by="protocol,class,code,cause")
    exp.observe({"a.log": s})
    assert exp.value("logcodes_responses_total") == s.counted
    codes = {k[2] for k in s.counts()}
    assert len(codes) > 3
    assert exp.value("logcodes_responses_total", code="other", cause="other") > 0
    # Two label sets of their own, the third slot kept for the all-"other" series.
    assert exp.value("logcodes_dropped_series_total") == len(s.counts()) - 2
    assert exp.value("logcodes_unparsed_lines_total", source="a.log") == s.unparsed
    exp.observe({"a.log": s})      # counters accumulate; the limit still holds
    assert exp.value("logcodes_responses_total") == 2 * s.counted
    assert "series=" in repr(exp)
    with pytest.raises(ValueError):
        PrometheusExporter(max_series=0)


def test_parse_listen_address():
    assert parse_listen_address("localhost:9464") == ("localhost", 9464)
    for bad in ["9464", "host:", "host:port", "h:99999"]:
        with pytest.raises(ValueError, match="HOST:PORT"):
            parse_listen_address(bad)


def test_metrics_endpoint(tmp_path):
    log = tmp_path / "access.log"
    a, truth = make_lines(0, 400)
    log.write_bytes(a)
    port = free_port()
    proc = subprocess.Popen(watch_cmd(log, "--interval", "0.1s", "--prometheus", f"127.0.0.1:{port}"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        text = ""
        while time.monotonic() < deadline:
            try:
                text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
                if "logcodes_windows_total 0.0" not in text and "logcodes_responses_total{" in text:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        got = collections.Counter()
        for line in text.splitlines():
            if line.startswith("logcodes_responses_total{"):
                labels, value = line.rsplit(" ", 1)
                code = labels.split('code="')[1].split('"')[0]
                got[int(code)] += int(float(value))
                assert f'source="{log}"' in labels
            if line.startswith("logcodes_unparsed_lines_total{"):
                got["unparsed"] += int(float(line.rsplit(" ", 1)[1]))
        assert got == truth
        assert f'logcodes_lag_bytes{{source="{log}"}} 0.0' in text
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0, proc.stderr.read()


# -- acceptance: rotations, kills and restarts ------------------------------------------------------------

class RotatingWriter(threading.Thread):
    """Appends `total` lines at about `rate` lines/s, rotating every `every` lines, by rename-and-create and
    by copy-truncate in turn; every other rotated file is gzip-compressed a moment later (the way
    logrotate's delaycompress does not)."""

    def __init__(self, log, total, rate, every):
        super().__init__(daemon=True)
        self.log, self.total, self.rate, self.every = str(log), total, rate, every
        self.truth = collections.Counter()
        self.rotations = collections.Counter()
        self.error = None

    def run(self):
        try:
            self._run()
        except BaseException as e:   # reported by the test
            self.error = e

    def _run(self):
        batch, written, k = 100, 0, 0
        start = time.monotonic()
        f = open(self.log, "ab")
        while written < self.total:
            data, truth = make_lines(written, min(batch, self.total - written))
            f.write(data)
            f.flush()
            self.truth += truth
            written += min(batch, self.total - written)
            if written % self.every == 0 and written < self.total:
                k += 1
                rotated = f"{self.log}.{k}"
                if k % 2:
                    f.close()
                    os.rename(self.log, rotated)
                    f = open(self.log, "ab")
                    self.rotations["rename"] += 1
                else:
                    shutil.copyfile(self.log, rotated)
                    f.truncate(0)    # O_APPEND: the next write lands at the new end
                    self.rotations["copytruncate"] += 1
                if k % 4 in (1, 2):
                    with open(rotated, "rb") as src, gzip.open(rotated + ".gz", "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    os.unlink(rotated)
                    self.rotations["gzip"] += 1
            ahead = written / self.rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
        f.close()


def test_rotations_kills_and_restarts_count_every_line_once(tmp_path):
    log, cp = tmp_path / "access.log", tmp_path / "cp.json"
    log.touch()
    writer = RotatingWriter(log, total=60_000, rate=12_000, every=6_000)
    cmd = watch_cmd(log, "--jsonl", "--checkpoint", cp, "--interval", "0.2s", "--format", "combined")
    totals = collections.Counter()
    problems = []
    runs = []

    def start():
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        runs.append(proc)
        return proc, JsonlReader(proc)

    def checkpointed_after_a_window(reader):
        """Waits for a window: its checkpoint was saved before it was printed, and the next window (its
        checkpoint, then its line) comes at least half an interval later."""
        reader.seen.clear()
        assert reader.seen.wait(20)
        assert cp.exists()

    proc, reader = start()
    # Rotated files there before the first look are old generations to the watcher: start writing after it.
    assert reader.seen.wait(30)
    writer.start()
    for how in (signal.SIGKILL, signal.SIGTERM, signal.SIGKILL, signal.SIGKILL):
        time.sleep(0.6)
        checkpointed_after_a_window(reader)
        proc.send_signal(how)
        assert proc.wait(20) == (0 if how == signal.SIGTERM else -signal.SIGKILL)
        reader.join()
        totals += reader.totals
        problems += reader.problems
        proc, reader = start()
    writer.join(60)
    assert writer.error is None and not writer.is_alive()
    # Until everything written is counted (or clearly will not be), then a clean stop.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum((totals + reader.totals).values()) < sum(writer.truth.values()):
        time.sleep(0.2)
    assert reader.seen.wait(30)     # the last run is up (its signal handlers too)
    time.sleep(0.5)     # a rotated file is finished one window after it stops growing
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0, proc.stderr.read()
    reader.join()
    totals += reader.totals
    problems += reader.problems
    assert problems == []
    assert writer.rotations["rename"] >= 4 and writer.rotations["copytruncate"] >= 4 and writer.rotations["gzip"] >= 4
    assert len(runs) == 5
    assert sum(writer.truth.values()) == 60_000
    assert totals == writer.truth, (totals - writer.truth, writer.truth - totals)


# -- acceptance: a real Prometheus server scrapes watch ---------------------------------------------------

PROMETHEUS = shutil.which("prometheus")


@pytest.mark.skipif(PROMETHEUS is None, reason="the prometheus server is not installed (Debian package "
                                               "'prometheus'; `make test` installs it)")
def test_prometheus_server_scrapes_watch(tmp_path):
    log = tmp_path / "access.log"
    a, truth = make_lines(0, 3000)
    log.write_bytes(a)
    watch_port, prom_port = free_port(), free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: logcodes
    static_configs:
      - targets: ['127.0.0.1:{watch_port}']
""")
    watch = subprocess.Popen(watch_cmd(log, "--interval", "0.2s", "--prometheus", f"127.0.0.1:{watch_port}"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Not with the sanitizer runtime `make test SANITIZE=1` preloads for the extension: a Go program of its own.
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")}
    prom = subprocess.Popen([PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                             f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        more, more_truth = make_lines(3000, 2000)   # appended while it is being scraped
        time.sleep(1.0)
        with open(log, "ab") as f:
            f.write(more)
        want = {str(k): v for k, v in (truth + more_truth).items() if k != "unparsed"}
        query = urllib.parse.quote("sum by (code) (logcodes_responses_total)")
        unparsed_query = urllib.parse.quote("sum(logcodes_unparsed_lines_total)")
        got, unparsed = {}, None
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            try:
                r = json.load(urllib.request.urlopen(f"http://127.0.0.1:{prom_port}/api/v1/query?query={query}",
                                                     timeout=2))
                got = {s["metric"]["code"]: int(float(s["value"][1])) for s in r["data"]["result"]}
                u = json.load(urllib.request.urlopen(
                    f"http://127.0.0.1:{prom_port}/api/v1/query?query={unparsed_query}", timeout=2))
                unparsed = int(float(u["data"]["result"][0]["value"][1])) if u["data"]["result"] else None
                if got == want and unparsed == truth["unparsed"] + more_truth["unparsed"]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        assert got == want
        assert unparsed == truth["unparsed"] + more_truth["unparsed"]
    finally:
        prom.terminate()
        watch.send_signal(signal.SIGTERM)
        prom.wait(20)
        assert watch.wait(20) == 0, watch.stderr.read()
