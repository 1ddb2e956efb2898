"""URL inputs against real servers on 127.0.0.1: SeaweedFS's S3 gateway and nginx (tests/python/cloud_servers.py).

Every result is compared with the local scan of the same bytes; the error contract is the local one.
"""

from __future__ import annotations

import gzip
import pathlib
import subprocess
import threading

import pytest

import logcodes
from logcodes import remote

from cloud_servers import SECRET_KEY, nginx, seaweed
from conftest import make_combined

BUCKET = "logs"
ALB_PREFIX = "AWSLogs/123456789012/elasticloadbalancing/us-east-1"
DATA = pathlib.Path(__file__).resolve().parent.parent / "data"


def figures(s: logcodes.Summary):
    return (s.counts(), s.total, s.counted, s.invalid, s.unparsed, s.filtered)


def alb_lines(day: int) -> bytes:
    """The AWS documentation's ALB lines, moved to 2018-07-<day> (a few to the next day's first minutes)."""
    out = []
    for i, line in enumerate((DATA / "alb_access_aws_docs.log").read_bytes().splitlines()):
        when = b"2018-07-%02dT%s" % (day, b"23:59:59.5Z" if i % 3 == 0 else b"12:00:%02d.1Z" % i)
        out.append(line.replace(b"2018-07-02T22:23:00.186641Z", when, 1))
    return b"\n".join(out) + b"\n"


@pytest.fixture(scope="module")
def local(tmp_path_factory) -> pathlib.Path:
    d = tmp_path_factory.mktemp("local")
    data, _, _, _ = make_combined(100_000, seed=21)   # more than one 8 MiB read
    (d / "big.log").write_bytes(data)
    (d / "small.log.gz").write_bytes(gzip.compress(make_combined(3000, seed=5)[0]))
    subprocess.run(["zstd", "-q", "-o", str(d / "small.log.zst"), str(d / "big.log")], check=True)
    raw = gzip.compress(make_combined(3000, seed=6)[0])
    (d / "cut.log.gz").write_bytes(raw[: len(raw) * 2 // 3])
    for day in range(1, 11):
        sub = d / ALB_PREFIX / "2018" / "07" / f"{day:02d}"
        sub.mkdir(parents=True)
        name = f"123456789012_elasticloadbalancing_us-east-1_app.my-lb.50dc6c495c0c9188_201807{day:02d}T2355Z_x.log.gz"
        (sub / name).write_bytes(gzip.compress(alb_lines(day)))
    return d


@pytest.fixture(scope="module")
def s3(tmp_path_factory, local):
    with seaweed(tmp_path_factory.mktemp("seaweed")) as server:
        fs = server.filesystem()
        fs.mkdir(BUCKET)
        fs.put(str(local) + "/", f"{BUCKET}/", recursive=True)
        yield server


def opts(server):
    return {"storage_options": server.storage_options()}


@pytest.mark.parametrize("name", ["big.log", "small.log.gz", "small.log.zst"])
def test_objects_equal_the_local_scan(s3, local, name):
    want = logcodes.scan(local / name, by="class,code")
    got = logcodes.scan(f"s3://{BUCKET}/{name}", by="class,code", **opts(s3))
    assert figures(got) == figures(want)
    assert got.files[0].path == f"s3://{BUCKET}/{name}"
    assert got.files[0].format == want.files[0].format


def test_plain_object_split_across_threads_and_byte_ranges(s3, local):
    want = logcodes.scan(local / "big.log", by="code,method")
    url = f"s3://{BUCKET}/big.log"
    threaded = logcodes.scan(url, by="code,method", threads=4, block_size="64KiB", **opts(s3))
    assert figures(threaded)[1:] == figures(want)[1:] and threaded.counts("code", "method") == want.counts("code", "method")
    size = (local / "big.log").stat().st_size
    cuts = [0, 1, size // 3, size // 3 + 1, 2 * size // 3, size]
    pieces = [logcodes.scan(url, by="code,method", byte_range=(b, e), threads=1, **opts(s3))
              for b, e in zip(cuts, cuts[1:])]
    merged = pieces[0]
    for p in pieces[1:]:
        merged = merged + p
    assert merged.counts("code", "method") == want.counts("code", "method")
    assert (merged.total, merged.unparsed, merged.invalid) == (want.total, want.unparsed, want.invalid)


def test_glob_and_records(s3, local):
    got = logcodes.scan(f"s3://{BUCKET}/small.log.*", **opts(s3))
    assert [f.path for f in got.files] == [f"s3://{BUCKET}/small.log.gz", f"s3://{BUCKET}/small.log.zst"]
    want = logcodes.scan([local / "small.log.gz", local / "small.log.zst"])
    assert figures(got) == figures(want)
    r = logcodes.records(f"s3://{BUCKET}/small.log.gz", columns=["code"], **opts(s3)).to_arrow()
    assert r.num_rows == logcodes.scan(local / "small.log.gz").counted


def test_credentials_from_the_environment(s3, local, monkeypatch):
    import s3fs

    for k, v in s3.env().items():
        monkeypatch.setenv(k, v)
    # fsspec keeps one filesystem per set of arguments: one made earlier in this process (by another test,
    # with another server in the environment) would be reused with that server's endpoint.
    s3fs.S3FileSystem.clear_instance_cache()
    got = logcodes.scan(f"s3://{BUCKET}/small.log.gz")
    assert figures(got) == figures(logcodes.scan(local / "small.log.gz"))


def test_alb_layout_pruned_by_since_until(s3, local):
    window = dict(since="2018-07-05T00:00:00Z", until="2018-07-06T00:00:00Z")
    listed = remote.expand(f"s3://{BUCKET}/{ALB_PREFIX}/", s3.storage_options(),
                           window=(1530748800000, 1530835200000))
    days = sorted({u.split("/")[-2] for u in listed})
    assert days == ["04", "05", "06"]          # the window, a day of slack either side; not the other 7 days
    got = logcodes.scan(f"s3://{BUCKET}/{ALB_PREFIX}/", by="class,code", **window, **opts(s3))
    everything_local = logcodes.scan(sorted((local / ALB_PREFIX).rglob("*.gz")), by="class,code", **window)
    # The same records counted as from all ten days; only the three days listed were read.
    assert (got.counts(), got.counted) == (everything_local.counts(), everything_local.counted)
    same_files = logcodes.scan(sorted(p for p in (local / ALB_PREFIX).rglob("*.gz") if p.parent.name in days),
                               by="class,code", **window)
    assert figures(got) == figures(same_files)
    assert got.counted > 0 and got.filtered > 0
    everything = logcodes.scan(f"s3://{BUCKET}/{ALB_PREFIX}/**/*.log.gz", **opts(s3))
    assert len(everything.files) == 10


def test_missing_object_and_empty_glob(s3):
    with pytest.raises(FileNotFoundError) as e:
        logcodes.scan(f"s3://{BUCKET}/nope.log", **opts(s3))
    assert "nope.log" in str(e.value)
    with pytest.raises(FileNotFoundError):
        logcodes.scan(f"s3://{BUCKET}/nothing-*.log", **opts(s3))


def test_cut_gzip_names_the_url_and_offset(s3, local):
    url = f"s3://{BUCKET}/cut.log.gz"
    with pytest.raises(logcodes.TruncatedInputError) as e:
        logcodes.scan(url, **opts(s3))
    with pytest.raises(logcodes.TruncatedInputError) as local_e:
        logcodes.scan(local / "cut.log.gz")
    assert url in str(e.value) and e.value.offset == local_e.value.offset
    assert figures(e.value.summary) == figures(local_e.value.summary)


def test_credentials_never_shown(s3, local):
    url = f"s3://logcodes-test:{SECRET_KEY}@{BUCKET}/nope.log"
    assert remote.safe_url(url) == f"s3://{BUCKET}/nope.log"
    with pytest.raises(FileNotFoundError) as e:
        logcodes.scan(f"s3://{BUCKET}/nope.log", **opts(s3))
    assert SECRET_KEY not in str(e.value)
    s = logcodes.scan(f"s3://{BUCKET}/small.log.gz", **opts(s3))
    assert SECRET_KEY not in repr(s) and SECRET_KEY not in str(s.to_dict())


def _stop_after_reads(server, monkeypatch, restart: bool, after: int = 2):
    """Stops the real server once `after` ranged reads have been answered — the probe's first bytes, then
    the scan's first chunk — and, with `restart`, starts it again half a second later: the next read meets
    a server that is not there."""
    import s3fs

    state = {"reads": 0}
    original = s3fs.S3FileSystem._cat_file   # the coroutine every (cached) instance's cat_file() runs

    async def cat_file(self, path, start=None, end=None, **kw):
        data = await original(self, path, start=start, end=end, **kw)
        state["reads"] += 1
        if state["reads"] == after:
            server.stop()
            if restart:
                threading.Timer(0.5, server.start).start()
        return data

    monkeypatch.setattr(s3fs.S3FileSystem, "_cat_file", cat_file)
    s3fs.S3FileSystem.clear_instance_cache()   # instances bind their cat_file() when made: make new ones
    return state


def test_server_stopped_mid_scan_and_back_is_retried(s3, local, monkeypatch):
    monkeypatch.setattr(remote, "BACKOFF_SECONDS", 1.0)   # tries at +1, +2, +4, +8 s: the server is back by then
    state = _stop_after_reads(s3, monkeypatch, restart=True)
    got = logcodes.scan(f"s3://{BUCKET}/big.log", threads=1, **opts(s3))
    assert state["reads"] >= 3, state                    # the object is more than one chunk: read after the stop
    assert figures(got) == figures(logcodes.scan(local / "big.log"))


def test_server_gone_mid_scan_raises_with_the_partial_summary(s3, local, monkeypatch):
    monkeypatch.setattr(remote, "RETRIES", 1)
    monkeypatch.setattr(remote, "BACKOFF_SECONDS", 0.1)
    want = logcodes.scan(local / "big.log")
    _stop_after_reads(s3, monkeypatch, restart=False)
    try:
        with pytest.raises(logcodes.ReadError) as e:
            logcodes.scan(f"s3://{BUCKET}/big.log", threads=1, storage_options=s3.storage_options(retries=1))
    finally:
        s3.start()
    partial = e.value.summary
    assert f"s3://{BUCKET}/big.log" in str(e.value) and "after 2 tries" in str(e.value)
    assert 0 < partial.total < want.total               # what was read, never more, and said to be partial
    have = partial.counts("code")
    assert all(n <= want.counts("code")[c] for c, n in have.items())


def test_http_ranges_from_nginx(local, tmp_path):
    with nginx(local, tmp_path) as base:
        want = logcodes.scan(local / "big.log", by="code")
        got = logcodes.scan(f"{base}/big.log", by="code", threads=4, block_size="64KiB")
        assert figures(got) == figures(want)
        size = (local / "big.log").stat().st_size
        halves = [logcodes.scan(f"{base}/big.log", by="code", byte_range=r, threads=1)
                  for r in ((0, size // 2), (size // 2, size))]
        assert figures(halves[0] + halves[1])[:5] == figures(want)[:5]
        gz = logcodes.scan(f"{base}/small.log.gz")
        assert figures(gz) == figures(logcodes.scan(local / "small.log.gz"))
        with pytest.raises(FileNotFoundError):
            logcodes.scan(f"{base}/missing.log")


def test_cli_reads_urls_with_credentials_from_the_environment(s3, local):
    import json
    import os
    import sys

    env = {**os.environ, **s3.env()}
    run = subprocess.run([sys.executable, "-m", "logcodes", "summarize", f"s3://{BUCKET}/small.log.zst", "--json"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["total"] == logcodes.scan(local / "small.log.zst").total
    missing = subprocess.run([sys.executable, "-m", "logcodes", "summarize", f"s3://{BUCKET}/nope.log"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert missing.returncode != 0 and f"s3://{BUCKET}/nope.log" in missing.stderr
    assert SECRET_KEY not in missing.stderr + missing.stdout
