"""Exploring a Summary: where(), top(), timeline()."""

import datetime as dt
import pickle
import random

import pytest

import logcodes

LAB = logcodes.samples.path("nginx_lab")
LAB_ERRORS = logcodes.samples.path("nginx_lab_errors")


@pytest.fixture(scope="module")
def causes():
    return logcodes.scan(LAB, errors=LAB_ERRORS, by="code,cause,path")


def test_where_selects_groups(causes):
    five = causes.where(code="5xx")
    assert set(five.counts("code")) == {c for c in causes.counts("code") if 500 <= c < 600}
    assert five.counted == sum(n for c, n in causes.counts("code").items() if c >= 500)
    timeouts = causes.where(code="5xx", cause="upstream_timeout")
    assert timeouts.counts("code", "cause") == {(504, "upstream_timeout"): 2}
    assert causes.where(code=["502", 504]).counted == causes.where(code=lambda c: c in (502, 504)).counted
    assert causes.where(cause={"upstream_timeout", "upstream_refused"}).counted == 6
    assert timeouts.total == causes.total  # what was read stays
    assert pickle.loads(pickle.dumps(timeouts)) == timeouts


def test_where_unknown_dimension_says_how(causes):
    with pytest.raises(ValueError, match=r"scan with by=\(\.\.\., 'host'\)"):
        causes.where(host="x")


def test_top_exact_from_group_by(causes):
    t = causes.top("path", 3, where={"code": "5xx"})
    assert t.exact and t.error == 0 and len(t) <= 3
    exact = causes.where(code="5xx").counts("path")
    assert [n for _, n in t] == sorted(exact.values(), reverse=True)[:len(t)]
    assert "exact" in repr(t)
    assert list(t.to_pandas().columns) == ["path", "count"]


def _many_paths(tmp_path, n=30000, seed=5):
    rnd = random.Random(seed)
    lines = []
    for i in range(n):
        # Heavy paths among a long tail of rare ones (raw, so templates do not fold them).
        path = f"/hot/{rnd.choice('abcde')}" if rnd.random() < 0.3 else f"/tail/p{rnd.randrange(20000)}x"
        lines.append(f'1.2.3.4 - - [10/Oct/2000:13:{i // 600 % 60:02d}:{i // 10 % 60:02d} +0000] '
                     f'"GET {path} HTTP/1.1" {rnd.choice([200, 200, 404, 502])} 5\n')
    p = tmp_path / "many.log"
    p.write_text("".join(lines))
    return p


def test_top_heavy_hitters_bounded_and_within_error(tmp_path):
    log = _many_paths(tmp_path)
    exact = logcodes.scan(log, by="path_raw").counts("path_raw")
    for threads in (1, 2):
        s = logcodes.scan(log, by="code", top=("path_raw", 50), threads=threads, block_size=64 << 10)
        t = s.top("path_raw", 10)
        assert not t.exact and 0 < t.error <= s.counted // 51
        assert {v for v, _ in t[:5]} == {f"/hot/{c}" for c in "abcde"}
        for value, n in t:
            assert n <= exact[value] <= n + t.error
        for value, n in exact.items():  # anything more frequent than the bound is listed
            if n > t.error:
                assert value in {v for v, _ in s.top("path_raw", 50)}
    both = s + s
    assert both.top("path_raw", 5)[0][1] >= t[0][1]
    with pytest.raises(ValueError, match="over all records"):
        s.top("path_raw", where={"code": 404})


def test_top_small_cardinality_is_exact(tmp_path):
    s = logcodes.scan(LAB, by="code", top=("path", 1000))
    exact = logcodes.scan(LAB, by="path").counts("path")
    t = s.top("path", 1000)
    assert t.exact and dict(t) == {k: v for k, v in exact.items()}


def test_top_without_the_dimension_says_how():
    s = logcodes.scan(LAB, by="code")
    with pytest.raises(ValueError, match=r"top=\('path', 1000\)"):
        s.top("path")
    with pytest.raises(ValueError, match="size"):
        logcodes.scan(LAB, top=("path", 0))
    with pytest.raises(ValueError, match="unknown dimension"):
        logcodes.scan(LAB, top=("nope", 10))


def test_timeline():
    s = logcodes.scan(logcodes.samples.path("shop_nginx"), by="time:1min,class,code")
    tl = s.timeline()
    assert list(tl.columns) == ["2xx", "3xx", "4xx"]
    assert int(tl.to_numpy().sum()) == s.counted
    assert str(tl.index.tz) == "UTC" and (tl.index[1] - tl.index[0]) == dt.timedelta(minutes=1)
    five = s.timeline("5min", by="code")
    assert int(five[404].sum()) == s.counts("code")[404]
    assert (s.timeline(by=None)["count"] == tl.sum(axis=1)).all()
    assert int(s.timeline(where={"code": 404}).to_numpy().sum()) == s.counts("code")[404]
    with pytest.raises(ValueError, match="multiple"):
        s.timeline("90s")


def test_timeline_needs_time():
    with pytest.raises(ValueError, match=r"by=\('time:1min', 'class'\)"):
        logcodes.scan(LAB, by="code").timeline()
