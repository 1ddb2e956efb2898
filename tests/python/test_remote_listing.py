"""Listing, globbing and date pruning of URL inputs, on fsspec's in-memory filesystem (``memory://``): no
server needed, the same code paths as S3 (tests/python/test_remote.py runs those against a real server)."""

from __future__ import annotations

import gzip

import pytest

import logcodes
from logcodes import remote

fsspec = pytest.importorskip("fsspec", reason="fsspec is not installed (pip install 'logcodes[s3]')")

LINE = '10.0.0.1 - - [%02d/Nov/2026:%02d:00:00 +0000] "GET /x HTTP/1.1" %d 5 "-" "curl"\n'


@pytest.fixture()
def memfs():
    fs = fsspec.filesystem("memory")
    for top in ("/hive", "/nested"):
        if fs.exists(top):
            fs.rm(top, recursive=True)
    for day in range(20, 30):
        data = "".join(LINE % (day, h, 500 if h % 5 == 0 else 200) for h in range(24)).encode()
        fs.pipe(f"/hive/app/dt=2026-11-{day:02d}/part-0.log", data)
        fs.pipe(f"/hive/app/dt=2026-11-{day:02d}/part-1.log.gz", gzip.compress(data))
        fs.pipe(f"/nested/year=2026/month=11/day={day:02d}/hour=00/a.log", data)
    fs.pipe("/hive/app/_SUCCESS", b"")
    yield fs
    fs.rm("/hive", recursive=True)
    fs.rm("/nested", recursive=True)


def test_hive_partitions_pruned_and_counts_equal(memfs):
    window = (1795478400000, 1795564800000)      # 2026-11-24T00:00Z .. 2026-11-25T00:00Z
    listed = remote.expand("memory://hive/app/", window=window)
    days = sorted({u.split("dt=")[1][:10] for u in listed if "dt=" in u})
    assert days == ["2026-11-23", "2026-11-24", "2026-11-25"]
    assert "memory:///hive/app/_SUCCESS" in listed         # an object beside the partitions is kept (fsspec names memory objects with three slashes)
    got = logcodes.scan("memory://hive/app/**/part-*", since="2026-11-24T00:00:00Z", until="2026-11-25T00:00:00Z")
    assert got.counted == 2 * 24 and got.counts("code") == {200: 2 * 19, 500: 2 * 5}
    assert len(got.files) == 6                               # three days of two objects, not ten


def test_year_month_day_hour_levels(memfs):
    listed = remote.expand("memory://nested/", window=(1795478400000, 1795482000000))
    assert sorted(u.split("day=")[1][:2] for u in listed) == ["23", "24", "25"]
    assert len(remote.expand("memory://nested/")) == 10   # no window: everything


def test_glob_missing_and_prefix_errors(memfs):
    with pytest.raises(FileNotFoundError):
        logcodes.scan("memory://hive/app/dt=1999-*/part-0.log")
    with pytest.raises(FileNotFoundError):
        logcodes.scan("memory://hive/nothing/here.log")
    s = logcodes.scan("memory://hive/app/dt=2026-11-2[01]/part-0.log")
    assert [f.path for f in s.files] == ["memory:///hive/app/dt=2026-11-20/part-0.log",
                                         "memory:///hive/app/dt=2026-11-21/part-0.log"]


@pytest.mark.parametrize("text, shown", [
    ("https://user:pw@host/a.log", "https://host/a.log"),
    ("s3://KEY:SECRET@bucket/k", "s3://bucket/k"),
    ("https://h/a?X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&x=1", "https://h/a?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&x=1"),
    ("https://h/a?sig=abc&sv=2020", "https://h/a?sig=REDACTED&sv=2020"),
    ("no url here", "no url here"),
])
def test_safe_url(text, shown):
    assert remote.safe_url(text) == shown
