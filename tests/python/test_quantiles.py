"""Latency quantiles: DDSketch answers are within the stated relative error of numpy's exact ones."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import logcodes
from logcodes import _core, formats

QS = [0.0, 0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0]
NGINX = formats.nginx("""'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                         'rt=$request_time';""")


def _within(estimate, values, q, alpha):
    """The estimate is within alpha of the exact value at rank floor(q (n-1)) — so within the
    [lower, higher] bracket numpy gives, widened by alpha."""
    lo = np.quantile(values, q, method="lower")
    hi = np.quantile(values, q, method="higher")
    slack = 1e-9 * max(abs(lo), abs(hi))  # float rounding at bucket edges
    return lo * (1 - alpha) - slack <= estimate <= hi * (1 + alpha) + slack


durations = st.lists(st.one_of(st.floats(min_value=1e-6, max_value=1e5, allow_nan=False), st.just(0.0)),
                     min_size=1, max_size=400)


@settings(max_examples=80, deadline=None)
@given(values=durations, alpha=st.sampled_from([0.01, 0.02, 0.05]), split=st.integers(0, 400))
def test_sketch_quantiles_within_relative_error(values, alpha, split):
    a, b = _core.DDSketch(alpha), _core.DDSketch(alpha)
    a.add_many(values[:split])
    b.add_many(values[split:])
    a.merge(b)  # merged halves answer like one sketch
    assert a.count == len(values)
    assert not a.collapsed  # 11 decades fit in 2048 buckets at 1 % (17 decades would)
    for q in QS:
        assert _within(a.quantile(q), values, q, alpha), (q, a.quantile(q))


def test_bounded_buckets_keep_the_tail():
    s = _core.DDSketch(0.01, max_buckets=64)
    values = [10.0 ** e for e in range(-9, 7)]
    s.add_many(values)
    assert s.collapsed and s.count == len(values)
    for q in (1.0,):  # the lowest buckets are folded together, the largest value keeps its bound
        assert _within(s.quantile(q), values, q, 0.01)


def _lines(ms_values, codes):
    return "".join(f'1.2.3.4 - - [10/Oct/2000:13:55:{i % 60:02d} +0000] "GET /x/{i % 7} HTTP/1.1" {c} 5 '
                   f"rt={ms / 1000:.3f}\n" for i, (ms, c) in enumerate(zip(ms_values, codes)))


@settings(max_examples=30, deadline=None)
@given(ms=st.lists(st.integers(0, 600_000), min_size=1, max_size=300),
       code_seed=st.integers(0, 2**16))
def test_scan_quantiles_per_group_match_numpy(ms, code_seed):
    rng = np.random.default_rng(code_seed)
    codes = rng.choice([200, 404, 502], size=len(ms))
    stream = logcodes.Stream(format=NGINX, by="code", quantiles="duration")
    stream.feed(_lines(ms, codes))
    s = stream.close()
    df = s.quantiles("duration", [0.5, 0.9, 0.99])
    secs = np.array(ms) / 1000
    for row in df.itertuples(index=False):
        group = secs[codes == row.code]
        assert row.count == len(group)
        for q, col in ((0.5, row.p50), (0.9, row.p90), (0.99, row.p99)):
            assert _within(col, group, q, 0.01)
    overall = s.quantiles("duration", [0.99], by=())
    assert overall["count"][0] == len(ms) and _within(overall["p99"][0], secs, 0.99, 0.01)


def test_real_apache_microseconds(data):
    fmt = formats.apache(r'LogFormat "%h %l %u %t \"%r\" %>s %b %D \"%{Host}i\" \"%{User-Agent}i\" %{X-Request-Id}i" c')
    log = data / "lab_apache_formats" / "access_custom.log"
    s = logcodes.scan(log, format=fmt, by="class", quantiles="duration", accuracy=0.02)
    exact = np.array([int(r["duration"]) / 1e6 for r in fmt.parse_lines(log.read_text().splitlines())
                      if isinstance(r, dict) and "duration" in r])
    df = s.quantiles(q=[0.5, 0.99], by=())
    assert df["count"][0] == len(exact) == s.counted
    assert _within(df["p50"][0], exact, 0.5, 0.02) and _within(df["p99"][0], exact, 0.99, 0.02)
    assert s.accuracy == pytest.approx(0.02)


def test_merge_pickle_where(tmp_path):
    a = logcodes.Stream(format=NGINX, by="code", quantiles="duration")
    a.feed(_lines([100, 200, 300], [200, 200, 502]))
    b = logcodes.Stream(format=NGINX, by="code", quantiles="duration")
    b.feed(_lines([400, 5000], [200, 502]))
    merged = a.close() + b.close()
    back = pickle.loads(pickle.dumps(merged))
    got = back.quantiles(q=[1.0], where={"code": "5xx"})
    assert list(got["code"]) == [502] and got["count"][0] == 2
    assert got["p100"][0] == pytest.approx(5.0, rel=0.01)
    assert back.where(code=200).quantiles(q=[0.0])["p0"][0] == pytest.approx(0.1, rel=0.01)


def test_clear_errors(tmp_path):
    s = logcodes.scan(logcodes.samples.path("shop_nginx"), by="code")
    with pytest.raises(ValueError, match='quantiles="duration"'):
        s.quantiles()
    with pytest.raises(ValueError, match="quantiles can be kept for"):
        logcodes.scan(logcodes.samples.path("shop_nginx"), quantiles="bytes")
    with pytest.raises(ValueError, match="accuracy"):
        logcodes.scan(logcodes.samples.path("shop_nginx"), quantiles="duration", accuracy=1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        logcodes.Stream(format=NGINX, quantiles="duration").close().quantiles(q=[1.5])


def test_threads_and_blocks_do_not_change_quantiles(tmp_path):
    rng = np.random.default_rng(3)
    ms = rng.integers(0, 20_000, size=20_000)
    codes = rng.choice([200, 404, 502], size=len(ms))
    log = tmp_path / "rt.log"
    log.write_text(_lines(ms, codes))
    runs = [logcodes.scan(log, format=NGINX, by="code", quantiles="duration", threads=t, block_size=b)
            .quantiles(q=[0.01, 0.5, 0.99, 1.0]) for t, b in ((1, 1 << 20), (2, 8 << 10), (2, 100_003))]
    for other in runs[1:]:
        assert other.equals(runs[0])  # the sketches merge exactly: bucket counts add


def test_to_dict_carries_quantiles_and_top():
    import json

    st_ = logcodes.Stream(format=NGINX, by="code", quantiles="duration", top=("path", 10))
    st_.feed(_lines([100, 200, 5000], [200, 200, 502]))
    d = json.loads(json.dumps(st_.close().to_dict()))
    assert d["quantiles"]["columns"] == ["code", "count", "p50", "p90", "p99"]
    assert [g[:2] for g in d["quantiles"]["groups"]] == [[200, 2], [502, 1]]
    assert d["quantiles"]["groups"][1][2] == pytest.approx(5.0, rel=0.01)
    assert d["top"]["exact"] and sorted(d["top"]["items"]) == [["/x/{id}", 3]]
