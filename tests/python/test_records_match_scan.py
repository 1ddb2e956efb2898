"""records() and scan() agree: every column named like a scan dimension holds, row by row, the value the
scan groups that record under, so rows counted by a column equal scan(by=dim).counts(dim).

Both read the values from one place in the core (derived.hpp). What cannot agree, and why:
- ``time``: a scan groups by the start of a time bucket, records hold the exact time (ms): the rows are
  compared after flooring their time to the scan's bucket.
- ``count="calls"`` (SIP): a scan counts call attempts, judged by all their messages; records are messages
  or transactions and refuse the calls level, so there is nothing to compare.
- a scan given error logs explains access-log errors with their events (``cause`` from correlation);
  records() reads no error logs, so their ``cause`` is what the record says itself, as in a scan without them.
- scan keys keep the first 2048 bytes of a text value (a hostile log cannot make one key huge); records keep
  the whole value (test_long_text_is_cut_in_scan_keys_only).
"""

import collections
import datetime as dt
import pathlib
import re

import pytest
from hypothesis import given, settings, strategies as st

import logcodes
from logcodes import formats

pa = pytest.importorskip("pyarrow")

DATA = pathlib.Path(__file__).resolve().parent.parent / "data"
BUCKET = 60  # seconds: scan by "time:1min"

# Every dimension that is also a records() column.
SHARED = ("protocol", "class", "code", "reason", "method", "host", "path", "path_raw", "file", "time", "upstream_code",
          "cause")


def _nginx_upstream_format():
    conf = (DATA / "lab_nginx_proxy" / "nginx.conf").read_text()
    return formats.nginx(re.search(r"log_format upstream (.*?);\n", conf, re.S).group(1))


# (id, input, format, columns it fills, a cause slug prefix it holds): real logs of each family whose values
# the dimensions read, so that every comparison below compares something.
INPUTS = [
    ("combined", logcodes.samples.path("apache_combined"), "auto", {"time", "method", "path"}, "unknown"),
    ("nginx_main_gz", logcodes.samples.path("shop_nginx"), "auto", {"time", "method", "path"}, "unknown"),
    ("nginx_upstream_status", DATA / "lab_nginx_proxy" / "access_upstream.log", "upstream",
     {"time", "method", "path", "upstream_code"}, "upstream_5"),
    ("iis_w3c_substatus", DATA / "iis85_w3c_lnav.log", "auto", {"time", "method", "path"}, "iis_404"),
    ("iis_httperr", DATA / "iis_httperr_beats.log", "auto", {"time", "method", "path"}, "httperr_"),
    ("alb", DATA / "alb_access_aws_docs.log", "auto", {"time", "method", "host", "path", "upstream_code"}, "alb_"),
    ("sip_trace", DATA / "lab_sipp" / "uac_messages.log", "auto", {"time", "method", "reason"}, "q850_17"),
    ("sip_capture", DATA / "lab_kamailio" / "capture.pcap", "auto", {"time", "method", "reason"}, "sip_warning_"),
]


def _format(fmt):
    return _nginx_upstream_format() if fmt == "upstream" else fmt


def _bucket(value):
    if value is None:
        return None
    seconds = int(value.timestamp()) // BUCKET * BUCKET  # floor: timestamp() of a whole-ms time is exact
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


def rows_by(table, column):
    values = table.column(column).to_pylist()
    if column == "time":
        values = [_bucket(v) for v in values]
    return dict(collections.Counter(values))


def scan_by(path, dim, **kw):
    by = f"time:{BUCKET}s" if dim == "time" else dim
    return logcodes.scan(path, by=by, **kw).counts(dim)


@pytest.fixture(scope="module", params=INPUTS, ids=[i[0] for i in INPUTS])
def case(request):
    _, path, fmt, filled, cause = request.param
    fmt = _format(fmt)
    return path, fmt, pa.table(logcodes.records(path, format=fmt)), filled, cause


@pytest.mark.parametrize("dim", SHARED)
def test_rows_by_column_equal_scan_by_dimension(case, dim):
    path, fmt, table, _, _ = case
    assert table.num_rows > 0
    assert rows_by(table, dim) == scan_by(path, dim, format=fmt)


def test_the_inputs_fill_what_they_log(case):
    _, _, table, filled, cause = case
    assert {c for c in SHARED if table.column(c).null_count == 0} >= {"protocol", "class", "code", "file"}
    assert {c for c in filled if table.column(c).null_count < table.num_rows} == filled
    assert any(c and c.startswith(cause) for c in table.column("cause").to_pylist())


@pytest.mark.parametrize("count", ["messages", "transactions"])
@pytest.mark.parametrize("path", [DATA / "lab_sipp" / "uac_messages.log", DATA / "lab_kamailio" / "capture.pcap"],
                         ids=["trace", "capture"])
def test_sip_count_levels_agree(path, count):
    table = pa.table(logcodes.records(path, count=count, columns=["code", "method", "reason", "cause", "time"]))
    for dim in ("code", "method", "reason", "cause", "time"):
        assert rows_by(table, dim) == scan_by(path, dim, count=count), dim


def test_templated_paths_differ_from_raw_ones():
    table = pa.table(logcodes.records(logcodes.samples.path("shop_nginx"), columns=["path", "path_raw"]))
    pairs = set(zip(table.column("path").to_pylist(), table.column("path_raw").to_pylist()))
    assert ("/image/{id}/productModel/200x200", "/image/60844/productModel/200x200") in pairs


def test_path_rules_apply_to_the_path_column_as_to_the_dimension():
    path = logcodes.samples.path("apache_combined")
    rules = [(r"^/presentations/[^/]+", "/presentations/{talk}"), (r"\.png$", ".{img}")]
    table = pa.table(logcodes.records(path, columns=["path", "path_raw"], path_rules=rules))
    got = rows_by(table, "path")
    assert got == scan_by(path, "path", path_rules=rules)
    assert "/presentations/{talk}/images/kibana-search.{img}" in got
    assert rows_by(table, "path_raw") == scan_by(path, "path_raw", path_rules=rules)  # rules leave path_raw alone
    with pytest.raises(ValueError, match="path rule 0"):  # as scan() says it
        logcodes.records(path, path_rules=[("(", "{x}")])


def test_long_text_is_cut_in_scan_keys_only(tmp_path):
    long_path = "/a" * 1500  # 3000 bytes: over the 2048 bytes a scan key keeps
    f = tmp_path / "long.log"
    f.write_text(f'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET {long_path} HTTP/1.1" 200 1 "-" "ua"\n')
    [row] = logcodes.records(f, columns=["path_raw"]).to_arrow().to_pylist()
    assert row["path_raw"] == long_path
    assert scan_by(f, "path_raw") == {long_path[:2048]: 1}


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 300))
def test_generated_combined_lines_agree(tmp_path_factory, seed, n):
    from conftest import make_combined

    body, _, _, _ = make_combined(n, seed=seed)
    p = tmp_path_factory.mktemp("agree") / "gen.log"
    p.write_bytes(body)
    dims = ("class", "code", "method", "path", "path_raw", "time", "cause")
    table = pa.table(logcodes.records(p, format="combined", columns=list(dims)))
    for dim in dims:
        assert rows_by(table, dim) == scan_by(p, dim, format="combined"), dim
