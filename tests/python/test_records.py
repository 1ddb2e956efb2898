"""records(): Arrow record batches through the PyCapsule interface, read by pyarrow, polars and DuckDB."""

import gc
import gzip
import pathlib
import re

import pytest
from hypothesis import given, settings, strategies as st

import logcodes
from test_corpus_formats import CASES

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")

DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs"
LINE = '1.2.3.4 - - [10/Oct/2000:13:55:{s:02d} -0700] "{m} {p} HTTP/1.1" {c} {b} "-" "ua"\n'


def write_log(tmp_path, rows, name="a.log"):
    p = tmp_path / name
    p.write_text("".join(LINE.format(s=i % 60, m=m, p=path, c=c, b=b) for i, (m, path, c, b) in enumerate(rows)))
    return p


@pytest.mark.parametrize("path,fmt,counts,totals", CASES, ids=[c[0].split("/")[-1] for c in CASES])
def test_consumers_agree_with_scan(corpus, path, fmt, counts, totals):
    f = corpus / path
    expected = logcodes.scan(f, by="code").counts("code")
    assert expected == counts
    r = logcodes.records(f)
    table = pa.table(r)
    assert table.num_rows == sum(counts.values())
    by_code = {row["code"]: row["code_count"] for row in table.group_by("code").aggregate([("code", "count")]).to_pylist()}
    assert by_code == expected
    series = pl.from_arrow(r)  # polars reads any non-pyarrow Arrow stream as a Series of structs
    frame = series.struct.unnest()
    assert dict(frame.group_by("code").len().iter_rows()) == expected
    assert r.to_polars().equals(frame)
    rel = duckdb.sql("select code, count(*) from r group by 1")
    assert dict(rel.fetchall()) == expected
    s = r.summary
    assert s is not None and s.counts("code") == expected
    assert (s.total, s.invalid, s.unparsed) == totals[:3]


def test_schema_and_types(corpus):
    r = logcodes.records(corpus / "access_combined/elastic_apache_logs_2015.log")
    schema = r.schema
    assert schema.names == list(logcodes.RECORD_COLUMNS)
    assert schema.field("time").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("code").type == pa.int16()
    assert schema.field("bytes").type == pa.int64()
    assert schema.field("duration").type == pa.float64()
    assert schema.field("path").type == pa.utf8()
    for col in ("protocol", "class", "reason", "method", "cause", "file"):  # few distinct values: dictionaries
        assert schema.field(col).type == pa.dictionary(pa.int32(), pa.utf8())
    t = r.to_arrow()
    first = t.slice(0, 1).to_pylist()[0]
    assert first["protocol"] == "http" and first["class"] == f"{first['code'] // 100}xx"
    assert first["file"].endswith("elastic_apache_logs_2015.log") and first["line"] == 1
    assert first["time"].tzinfo is not None
    # combined logs have no host, no duration, no upstream: all null
    for col in ("host", "duration", "upstream_code"):
        assert t.column(col).null_count == t.num_rows


def test_columns_selected_and_validated(tmp_path):
    f = write_log(tmp_path, [("GET", "/a", 200, 5)])
    r = logcodes.records(f, columns=["path", "code"])
    assert r.columns == ["path", "code"]
    assert r.to_arrow().to_pylist() == [{"path": "/a", "code": 200}]
    assert logcodes.records(f, columns="code,method").columns == ["code", "method"]
    with pytest.raises(ValueError, match="columns: unknown column 'status'; valid columns: time, protocol"):
        logcodes.records(f, columns=["status"])
    with pytest.raises(ValueError, match="columns"):
        logcodes.records(f, columns=[])
    with pytest.raises(ValueError, match="batch_size"):
        logcodes.records(f, batch_size=0)


def test_nulls_query_and_times(tmp_path):
    f = write_log(tmp_path, [("GET", "/a?q=1", 200, "-"), ("POST", "/b", 404, 7)])
    rows = logcodes.records(f, columns=["time", "path", "query", "bytes", "reason", "cause"]).to_arrow().to_pylist()
    assert rows[0]["query"] == "q=1" and rows[1]["query"] is None
    assert rows[0]["bytes"] is None and rows[1]["bytes"] == 7
    assert rows[1]["reason"] == "Not Found" and rows[1]["cause"] == "unknown" and rows[0]["cause"] is None
    # -0700 applied: 13:55:00 local is 20:55:00 UTC
    assert rows[0]["time"].isoformat() == "2000-10-10T20:55:00+00:00"


@pytest.mark.parametrize("batch_size", [1, 7, 1000, 65536])
def test_batch_sizes_give_the_same_table(corpus, batch_size):
    f = corpus / "access_combined/lnav_zanbil_shop_access_1000.log"
    reference = logcodes.records(f).to_arrow()
    r = logcodes.records(f, batch_size=batch_size)
    batches = list(r)
    assert all(b.num_rows <= batch_size for b in batches)
    # dictionaries differ from batch to batch; the values do not
    assert pa.Table.from_batches(batches).to_pylist() == reference.to_pylist()


def test_unparsed_and_invalid_are_counted_not_rows(tmp_path):
    f = tmp_path / "mixed.log"
    f.write_bytes(LINE.format(s=1, m="GET", p="/", c=200, b=1).encode() + b"junk \xff\n"
                  + LINE.format(s=2, m="GET", p="/", c="-", b=1).encode())
    r = logcodes.records(f, format="combined")
    assert r.summary is None  # nothing read yet
    assert r.to_arrow().num_rows == 1
    s = r.summary
    assert (s.total, s.counted, s.unparsed, s.invalid) == (3, 1, 1, 1)
    assert s.unparsed_samples[0].line == 2


def test_gzip_and_several_files_keep_order(tmp_path):
    a = write_log(tmp_path, [("GET", "/a1", 200, 1), ("GET", "/a2", 500, 1)], "a.log")
    b = tmp_path / "b.log.gz"
    b.write_bytes(gzip.compress(LINE.format(s=3, m="PUT", p="/b1", c=201, b=0).encode()))
    t = logcodes.records([a, b], columns=["path", "file", "line"]).to_arrow()
    assert t.column("path").to_pylist() == ["/a1", "/a2", "/b1"]
    assert t.column("line").to_pylist() == [1, 2, 1]
    assert t.column("file").to_pylist()[2].endswith("b.log.gz")


def test_truncated_input_raises_after_its_rows(tmp_path):
    a = write_log(tmp_path, [("GET", "/a", 200, 1)] * 50)
    cut = tmp_path / "cut.log.gz"
    cut.write_bytes(gzip.compress(a.read_bytes())[:-20])
    r = logcodes.records([cut, a])
    with pytest.raises(logcodes.TruncatedInputError) as e:
        r.to_arrow()
    assert e.value.summary is not None and e.value.summary.counted >= 50


def test_missing_file_raises_before_reading(tmp_path):
    with pytest.raises(FileNotFoundError):
        logcodes.records(tmp_path / "nope.log")


def test_capsule_protocol_and_release(tmp_path):
    f = write_log(tmp_path, [("GET", "/a", 200, 1)] * 10)
    r = logcodes.records(f)
    cap = r.__arrow_c_stream__()
    assert "arrow_array_stream" in repr(cap)
    del cap  # never consumed: released by the capsule
    gc.collect()
    reader = pa.RecordBatchReader.from_stream(r)
    reader.read_next_batch()
    del reader  # half consumed
    gc.collect()
    assert pa.table(r).num_rows == 10  # each read scans anew
    r.schema  # a stream opened and never read: the summary stays that of the last complete read
    assert r.summary is not None and r.summary.counted == 10


def test_pandas_and_repr(tmp_path):
    f = write_log(tmp_path, [("GET", "/a", 200, 1), ("GET", "/b", 503, 1)])
    df = logcodes.records(f).to_pandas()
    assert str(df["method"].dtype) == "category" and df["method"].tolist() == ["GET", "GET"]
    r = logcodes.records(f, codes="5xx", columns=["code", "path"])
    df = r.to_pandas()
    assert df.to_dict("records") == [{"code": 503, "path": "/b"}]
    assert repr(r) == f"Records({str(f)!r}, columns=['code', 'path'], codes='5xx', batch_size=65536)"


def test_docs_page_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "records.md").read_text(), flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/records.md", "exec"), {})


def test_dictionary_with_many_values(tmp_path):
    files = [write_log(tmp_path, [("GET", f"/{i}", 200 + i % 3, 1)], f"f{i:02d}.log") for i in range(40)]
    t = logcodes.records(files, columns=["file", "path_raw", "path", "class"]).to_arrow()
    assert [pathlib.Path(f).name for f in t.column("file").to_pylist()] == [f.name for f in files]
    assert t.column("path_raw").to_pylist() == [f"/{i}" for i in range(40)]
    assert set(t.column("path").to_pylist()) == {"/{id}"}  # templated, as scan(by="path") groups them
    assert set(t.column("class").to_pylist()) == {"2xx"}


def test_generated_log_rows_match_the_truth(combined_file):
    path, truth, invalid, unparsed = combined_file
    r = logcodes.records(path, format="combined", columns=["code", "time", "path"], batch_size=4099)
    t = r.to_arrow()
    got = {row["code"]: row["code_count"] for row in t.group_by("code").aggregate([("code", "count")]).to_pylist()}
    assert got == truth
    assert (r.summary.invalid, r.summary.unparsed) == (invalid, unparsed)
    # every generated line has a parseable time: no null times among the rows
    assert t.column("time").null_count == 0


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 400), batch=st.integers(1, 300))
def test_rows_agree_with_scan_for_any_batch_size(tmp_path_factory, seed, n, batch):
    from conftest import make_combined

    body, truth, _, _ = make_combined(n, seed=seed)
    p = tmp_path_factory.mktemp("h") / "h.log"
    p.write_bytes(body)
    r = logcodes.records(p, format="combined", columns=["code", "line"], batch_size=batch)
    batches = list(r)
    assert all(0 < b.num_rows <= batch for b in batches)
    codes = [c for b in batches for c in b.column("code").to_pylist()]
    lines = [x for b in batches for x in b.column("line").to_pylist()]
    assert lines == sorted(lines)  # rows keep line order
    assert {c: codes.count(c) for c in set(codes)} == truth == logcodes.scan(p, format="combined", by="code").counts("code")
