"""where(), top(), merge (+) on a summary whose groups are Arrow columns give exactly what the dict of groups
gives: the same summary built both ways (the core's two hand-overs) answers every operation alike, for random
logs and random conditions (hypothesis), and mixed (one side columns, one a dict)."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import logcodes
from logcodes import _columns
from logcodes.summary import _sort_key

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

PATHS = ["/", "/a", "/a/b", "/b", "/ü", "/x%20y", "/users/42", "/users/7", "/\\xff"]
METHODS = ["GET", "POST", "HEAD"]
CODES = [200, 204, 301, 404, 499, 500, 502, 504]


def _line(path, method, code, minute, upstream):
    t = f"05/Dec/2026:10:{minute:02d}:00 +0000"
    return f'10.0.0.1 - - [{t}] "{method} {path} HTTP/1.1" {code} 12 "-" "ua" {upstream}\n'


lines = st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(METHODS), st.sampled_from(CODES),
                           st.integers(0, 3), st.sampled_from(["-", "502", "200"])), min_size=1, max_size=60)


def both(scan):
    """(the summary handed over as a dict, the same handed over as Arrow columns)."""
    old = _columns.DICT_GROUPS
    try:
        _columns.DICT_GROUPS = 10**12
        a = scan()
        _columns.DICT_GROUPS = 0
        b = scan()
    finally:
        _columns.DICT_GROUPS = old
    assert a._table is None and b._table is not None
    return a, b


def same(a, b):
    """Every answer of a and b agrees, in the same order."""
    assert b.dims == a.dims and len(b) == len(a) and b.counted == a.counted and b.protocols == a.protocols
    assert list(b.counts().items()) == list(a.counts().items())
    # The order is the Summary's own: element by element, numbers before text before None.
    keys = list(a.counts())
    assert keys == sorted(keys, key=lambda k: tuple(_sort_key(v) for v in k))
    pd.testing.assert_frame_equal(b.to_pandas(), a.to_pandas())


FORMAT = logcodes.formats.nginx('$remote_addr - - [$time_local] "$request" $status $body_bytes_sent '
                                '"$http_referer" "$http_user_agent" $upstream_status')


def scan_of(tmp_path, rows, by):
    log = tmp_path / "x.log"
    log.write_text("".join(_line(*r) for r in rows))
    return lambda: logcodes.scan(log, by=by, format=FORMAT)


CONDITIONS = st.sampled_from([
    {"code": 404}, {"code": "5xx"}, {"code": "502"}, {"code": [200, 404]}, {"code": {"4xx", 500}},
    {"code": 999}, {"code": "x"}, {"code": 404.0}, {"code": lambda c: c % 2 == 0},
    {"path_raw": "/a"}, {"path_raw": ["/a", "/b", "/nope"]}, {"path_raw": lambda p: p.startswith("/a")},
    {"path_raw": 5}, {"path_raw": None}, {"path_raw": "/ü"},
    {"method": "GET", "code": "2xx"}, {"method": {"POST", "HEAD"}},
    {"time": dt.datetime(2026, 12, 5, 10, 1)}, {"time": dt.datetime(2026, 12, 5, 10, 2, tzinfo=dt.timezone.utc)},
    {"time": lambda t: t.minute >= 2}, {"time": None},
    {"upstream_code": None}, {"upstream_code": 502}, {"upstream_code": "5xx"},
])
BY = st.sampled_from(["path_raw,code", "method,path_raw,code,time:1min", "code,upstream_code,path_raw",
                      "time:1min,method,code,path_raw,upstream_code"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=lines, by=BY, cond=CONDITIONS, n=st.integers(1, 6))
def test_where_and_top_agree(tmp_path, rows, by, cond, n):
    a, b = both(scan_of(tmp_path, rows, by))
    if not set(cond) <= set(a.dims):
        with pytest.raises(ValueError):
            b.where(**cond)
        return
    wa, wb = a.where(**cond), b.where(**cond)
    assert wb._counts_dict is None   # selected on the columns (no dict of groups made)
    for d in a.dims:
        assert b.top(d, n, where=cond) == a.top(d, n, where=cond)
    assert b._counts_dict is None
    same(wa, wb)
    same(a, b)
    for d in a.dims:
        assert b.top(d, n) == a.top(d, n)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(left=lines, right=lines, by=BY)
def test_merge_agrees(tmp_path, left, right, by):
    (tmp_path / "l").mkdir(exist_ok=True)
    (tmp_path / "r").mkdir(exist_ok=True)
    la, lb = both(scan_of(tmp_path / "l", left, by))
    ra, rb = both(scan_of(tmp_path / "r", right, by))
    want = la + ra
    for got in (lb + rb, lb + ra, la + rb, lb.merge(rb)):
        assert got._counts_dict is None
        same(want, got)
        assert got.total == want.total and got.files == want.files
    assert (lb + rb) + lb == la + (ra + la)
    same(la + ra + la, sum([lb, rb, lb]))
    assert sum([lb]) is lb


def test_merge_of_protocols_keeps_them_apart(monkeypatch):
    """An HTTP and a SIP summary merged on the columns: protocol becomes the first dimension, as with dicts."""
    samples = logcodes.samples
    http, sip = samples.path("apache_combined"), samples.path("kamailio_lab")
    h = both(lambda: logcodes.scan(http, by="code"))
    s = both(lambda: logcodes.scan(sip, by="code"))
    want = h[0] + s[0]
    assert want.dims == ("protocol", "code")
    for got in (h[1] + s[1], h[0] + s[1], h[1] + s[0]):
        same(want, got)
    mixed = both(lambda: logcodes.scan([http, sip], by="code"))
    for got in (mixed[1] + h[1], h[1] + mixed[1], mixed[1] + h[0]):
        same(mixed[0] + h[0], got)


def test_top_breaks_ties_by_text_on_the_columns(tmp_path):
    """Many values of one count: top() reads only the ones that can be among the first n, in str order."""
    rows = [(f"/p{i}", "GET", 200, 0, "-") for i in range(300)] + [("/p7", "GET", 200, 1, "-")] * 2
    a, b = both(scan_of(tmp_path, rows, "path_raw,code"))
    assert b.top("path_raw", 4) == a.top("path_raw", 4)
    assert [v for v, _ in b.top("path_raw", 4)] == ["/p7", "/p0", "/p1", "/p10"]
    assert b.top("code", 1).items == ((200, 302),)
