"""How polars, DuckDB, pandas, and logcodes.records() into polars / DuckDB answer the questions of
`questions.py` on a combined log: the query a user of each tool would write.

setup_X(threads) runs untimed (imports, thread pools, macros) and returns ask(path, question) -> a result in
the tool's own form (timed); rows(result, question) turns it into [key1, key2, count] rows (untimed, small).

The text peers read whole lines and take the fields with one regex (the request, the status, the time),
then group. Paths: the target of the request line up to '?' (an absolute URI loses scheme and authority),
as logcodes's path_raw; templated paths apply logcodes's documented rules (`logcodes.paths`) to the
distinct raw paths of the grouped result and group again (the same answer as templating every row,
for a fraction of the work). Times: the log's zone applied, truncated to the UTC hour.
"""

from __future__ import annotations

# A byte no text log holds, so a CSV reader hands over whole lines as one column.
LINE_SEP = "\x01"
# The quoted request (a backslash escapes the next byte) and the status right after it.
REQUEST_STATUS_RE = r'^[^"]*"(?P<req>(?:[^"\\]|\\.)*)" (?P<code>[1-5][0-9][0-9])(?: |$)'
# The bracketed time and the status after the request.
TIME_STATUS_RE = r'^[^\[]*\[(?P<ts>[^\]]+)\] "(?:[^"\\]|\\.)*" (?P<code>[1-5][0-9][0-9])(?: |$)'
STATUS_RE = r'^[^"]*"(?:[^"\\]|\\.)*" ([1-5][0-9][0-9])(?: |$)'
# The path of a request line, in two steps (faster than one regex with lazy parts): drop a trailing
# " HTTP/x", then method, space, [scheme://authority] and the path up to '?'.
PROTOCOL_RE = r" HTTP/[^ ]*$"
PATH_RE = r"^[A-Za-z][A-Za-z_-]{0,31} (?:[A-Za-z][A-Za-z0-9+.-]{0,6}://[^/]*)?([^?]*)"
CLF_TIME = "%d/%b/%Y:%H:%M:%S %z"

# logcodes.paths, segment by segment (see questions.py for the rules in words).
SEG_DATE = (r"^(?:(?:19|20)[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
            r"|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))$")
SEG_ID = r"^[0-9]+$"
SEG_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
SEG_ALNUM16 = r"^[0-9A-Za-z]{16,}$"
SEG_HEX_DIGIT = r"^[0-9a-fA-F]*[0-9][0-9a-fA-F]*$"
SEG_EMAIL = r"^[^@/]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$"
SEG_STEM = r"^(.+)\.[A-Za-z0-9]{1,5}$"
SEG_EXT = r"^.+(\.[A-Za-z0-9]{1,5})$"

# Which of the text fields a question reads.
_NEEDS = {"class,code": "status", "code,path": "request", "code,path_raw": "request", "time:1h,class": "time"}


def _check(question: str) -> None:
    if question not in _NEEDS:
        raise ValueError(f"unknown question {question!r}")


# ---------------------------------------------------------------------------------------------------
# polars

def _pl_template(pl, path):
    """logcodes's path template as a polars expression over `path` (a String column)."""
    def placeholder(s):
        n, digits = s.str.len_chars(), s.str.count_matches("[0-9]")
        hashy = s.str.contains(SEG_ALNUM16) & (s.str.contains(SEG_HEX_DIGIT)
                                                 | ((n >= 20) & (5 * digits >= n) & (5 * (n - digits) >= n)))
        return (pl.when((n == 0) | s.str.starts_with("{")).then(None)
                .when(s.str.contains(SEG_DATE)).then(pl.lit("{date}"))
                .when(s.str.contains(SEG_ID)).then(pl.lit("{id}"))
                .when(s.str.contains(SEG_UUID)).then(pl.lit("{uuid}"))
                .when(hashy).then(pl.lit("{hash}"))
                .when(s.str.contains(SEG_EMAIL)).then(pl.lit("{email}")))
    seg = pl.element()
    stem, ext = seg.str.extract(SEG_STEM, 1), seg.str.extract(SEG_EXT, 1)
    return path.str.split("/").list.eval(pl.coalesce(placeholder(seg), placeholder(stem) + ext, seg)).list.join("/")


def _pl_lines(pl, path: str):
    # Lossy UTF-8: a bad byte becomes U+FFFD, the fields around it stay.
    return pl.scan_csv(path, has_header=False, separator=LINE_SEP, quote_char=None, schema={"line": pl.String},
                       encoding="utf8-lossy", truncate_ragged_lines=True)


def _pl_by_path(pl, frame, question: str):
    """frame: lazy code + path -> counts by code and path (templated after grouping for code,path)."""
    counts = frame.group_by("code", "path").len()
    if question == "code,path":
        counts = counts.group_by("code", path=_pl_template(pl, pl.col("path"))).agg(pl.col("len").sum())
    return counts


def setup_polars(threads: int):
    """scan_csv of whole lines + str.extract / extract_groups + group_by; POLARS_MAX_THREADS is set before
    the import (by the child script)."""
    import polars as pl

    def ask(path: str, question: str):
        _check(question)
        lines = _pl_lines(pl, path)
        line = pl.col("line")
        if question == "class,code":
            q = lines.select(code=line.str.extract(STATUS_RE, 1)).drop_nulls().group_by("code").len()
        elif question == "time:1h,class":
            q = (lines.select(f=line.str.extract_groups(TIME_STATUS_RE)).unnest("f").drop_nulls("code")
                 .group_by(time=pl.col("ts").str.to_datetime(CLF_TIME).dt.truncate("1h"),
                           **{"class": pl.col("code").str.slice(0, 1) + "xx"}).len())
        else:
            path = pl.col("req").str.replace(PROTOCOL_RE, "").str.extract(PATH_RE, 1)
            q = _pl_by_path(pl, lines.select(f=line.str.extract_groups(REQUEST_STATUS_RE)).unnest("f")
                            .drop_nulls("code").select("code", path=path), question)
        return q.collect()
    return ask


# The records() columns each question reads: `path` is templated as scan(by="path") does, `path_raw` as written.
_RECORD_COLUMNS = {"class,code": ["code"], "time:1h,class": ["time", "class"], "code,path": ["code", "path"],
                   "code,path_raw": ["code", "path_raw"]}


def setup_records_polars(threads: int):
    """logcodes.records() (the columns the question needs) into a polars DataFrame, then group_by."""
    import logcodes
    import polars as pl

    def ask(path: str, question: str):
        _check(question)
        cols = _RECORD_COLUMNS[question]
        df = pl.from_arrow(logcodes.records(path, format="combined", columns=cols).to_arrow())
        if question == "class,code":
            return df.group_by("code").len()
        if question == "time:1h,class":
            return df.group_by(pl.col("time").dt.truncate("1h"), pl.col("class").cast(pl.String)).len()
        return df.group_by("code", path=pl.col(cols[1])).len()
    return ask


# ---------------------------------------------------------------------------------------------------
# DuckDB

def _duck_macros(con) -> None:
    """tpl(path): logcodes's path template in SQL (string_split + list_transform, one segment at a time)."""
    con.execute(f"""CREATE MACRO ph(s) AS CASE
        WHEN s = '' OR starts_with(s, '{{') THEN NULL
        WHEN regexp_matches(s, '{SEG_DATE}') THEN '{{date}}'
        WHEN regexp_matches(s, '{SEG_ID}') THEN '{{id}}'
        WHEN regexp_matches(s, '{SEG_UUID}') THEN '{{uuid}}'
        WHEN regexp_matches(s, '{SEG_ALNUM16}') AND (regexp_matches(s, '{SEG_HEX_DIGIT}') OR (length(s) >= 20
             AND 5 * length(regexp_replace(s, '[^0-9]', '', 'g')) >= length(s)
             AND 5 * length(regexp_replace(s, '[0-9]', '', 'g')) >= length(s))) THEN '{{hash}}'
        WHEN regexp_matches(s, '{SEG_EMAIL}') THEN '{{email}}' END""")
    con.execute(f"""CREATE MACRO tpl(p) AS array_to_string(list_transform(string_split(p, '/'), lambda seg:
        coalesce(ph(seg), ph(regexp_extract(seg, '{SEG_STEM}', 1)) || regexp_extract(seg, '{SEG_EXT}', 1), seg)), '/')""")


def _duck_by_path(inner: str, question: str) -> str:
    """inner: a query of code, path -> counts by code and path (templated after grouping for code,path)."""
    q = f"SELECT code, path, count(*) AS n FROM ({inner}) GROUP BY ALL"
    return f"SELECT code, tpl(path) AS path, sum(n) AS n FROM ({q}) GROUP BY ALL" if question == "code,path" else q


def setup_duckdb(threads: int):
    """read_csv of whole lines + regexp_extract (RE2) + GROUP BY. DuckDB rejects lines that are not valid
    UTF-8: ignore_errors skips them (junk without a status in these logs)."""
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET TimeZone = 'UTC'")  # date_trunc of a TIMESTAMPTZ works in the session's zone
    _duck_macros(con)
    lines = ("read_csv($path, columns = {'line': 'VARCHAR'}, header = false, delim = $sep, quote = '', escape = '', "
             "auto_detect = false, ignore_errors = true, max_line_size = 16777216)")

    def ask(path: str, question: str):
        _check(question)
        args = {"path": path, "sep": LINE_SEP}
        if question == "class,code":
            sql = (f"SELECT code, count(*) FROM (SELECT regexp_extract(line, $re, 1) AS code FROM {lines}) "
                   "WHERE code <> '' GROUP BY code")
            args["re"] = STATUS_RE
        elif question == "time:1h,class":
            sql = (f"SELECT date_trunc('hour', strptime(f.ts, '{CLF_TIME}')) AS time, f.code[1] || 'xx' AS class, "
                   f"count(*) FROM (SELECT regexp_extract(line, $re, ['ts', 'code']) AS f FROM {lines}) "
                   "WHERE f.code <> '' GROUP BY ALL")
            args["re"] = TIME_STATUS_RE
        else:
            inner = (f"SELECT f.code AS code, nullif(regexp_extract(regexp_replace(f.req, $proto_re, ''), $path_re, 1), '') "
                     "AS path "
                     f"FROM (SELECT regexp_extract(line, $re, ['req', 'code']) AS f FROM {lines}) WHERE f.code <> ''")
            sql = _duck_by_path(inner, question)
            args.update(re=REQUEST_STATUS_RE, path_re=PATH_RE, proto_re=PROTOCOL_RE)
        return con.execute(sql, args).fetchall()
    return ask


def setup_records_duckdb(threads: int):
    """logcodes.records() streamed into DuckDB (an Arrow record-batch reader) + GROUP BY."""
    import duckdb
    import logcodes
    import pyarrow as pa
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET TimeZone = 'UTC'")
    _duck_macros(con)

    def ask(path: str, question: str):
        _check(question)
        cols = _RECORD_COLUMNS[question]
        con.register("recs", pa.RecordBatchReader.from_stream(logcodes.records(path, format="combined", columns=cols)))
        try:
            if question == "class,code":
                return con.execute("SELECT code, count(*) FROM recs GROUP BY code").fetchall()
            if question == "time:1h,class":
                return con.execute("SELECT date_trunc('hour', time), class, count(*) FROM recs GROUP BY ALL").fetchall()
            return con.execute(f"SELECT code, {cols[1]} AS path, count(*) FROM recs GROUP BY ALL").fetchall()
        finally:
            con.unregister("recs")
    return ask


# ---------------------------------------------------------------------------------------------------
# pandas

def setup_pandas(threads: int):
    """read_csv of whole lines (no quoting: an unterminated quote cannot swallow the next line) + str.extract
    + groupby (dropna=False keeps the records without a path). Templated paths: the distinct raw paths
    mapped with a Python function of the documented rules (questions.template)."""
    import csv

    import pandas as pd

    from questions import template  # benchmarks/, on the child's path

    def ask(path: str, question: str):
        _check(question)
        lines = pd.read_csv(path, sep=LINE_SEP, quoting=csv.QUOTE_NONE, header=None, names=["line"], usecols=[0],
                            dtype=str, encoding="utf-8", encoding_errors="replace", on_bad_lines="skip",
                            na_filter=False, engine="c")["line"]
        if question == "class,code":
            return lines.str.extract(STATUS_RE, expand=False).value_counts()
        if question == "time:1h,class":
            f = lines.str.extract(TIME_STATUS_RE).dropna()
            hour = pd.to_datetime(f["ts"], format=CLF_TIME, utc=True).dt.floor("h")
            return f.groupby([hour, f["code"].str[0] + "xx"]).size()
        f = lines.str.extract(REQUEST_STATUS_RE).dropna()
        f = pd.DataFrame({"code": f["code"],
                          "path": f["req"].str.replace(PROTOCOL_RE, "", regex=True).str.extract(PATH_RE, expand=False)})
        counts = f.groupby(["code", "path"], dropna=False).size()
        if question == "code,path":
            counts = counts.reset_index(name="n")
            counts["path"] = counts["path"].map(lambda p: template(p) if isinstance(p, str) else None)
            counts = counts.groupby(["code", "path"], dropna=False)["n"].sum()
        return counts
    return ask


# ---------------------------------------------------------------------------------------------------
# Results -> [key1, key2, count] rows (questions.py's keys).

def _iso_hour(t) -> str:
    import datetime as dt
    if getattr(t, "tzinfo", None) is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(v):
    """A path as written: logcodes's records() text (\\xNN, doubled backslashes) back to the log's text."""
    if v is None or v != v:  # None or NaN
        return None
    if isinstance(v, str) and "\\" in v and RAW_BYTES is not None:
        return RAW_BYTES(v).decode("utf-8", "surrogateescape")
    return str(v)


RAW_BYTES = None  # logcodes.raw_bytes, set by the child for the records() readers


def rows(result, question: str) -> list[list]:
    if hasattr(result, "iter_rows"):  # polars DataFrame, the count last
        pairs = [(r[:-1], r[-1]) for r in result.iter_rows()]
    elif hasattr(result, "items"):  # pandas Series
        pairs = [((k,) if not isinstance(k, tuple) else k, n) for k, n in result.items()]
    else:  # DuckDB rows
        pairs = [(r[:-1], r[-1]) for r in result]
    out = []
    for key, n in pairs:
        if question == "class,code":
            code = int(key[0])
            out.append([f"{code // 100}xx", code, int(n)])
        elif question == "time:1h,class":
            out.append([_iso_hour(key[0]), str(key[1]), int(n)])
        else:
            out.append([int(key[0]), _text(key[1]), int(n)])
    return out


READERS = {
    "polars": ("polars", setup_polars, (1, 2)),
    "duckdb": ("duckdb", setup_duckdb, (1, 2)),
    "pandas": ("pandas", setup_pandas, (1,)),
    "records_polars": ("polars", setup_records_polars, (1, 2)),
    "records_duckdb": ("duckdb", setup_records_duckdb, (1, 2)),
}
LABELS = {"polars": "polars", "duckdb": "DuckDB", "pandas": "pandas",
          "records_polars": "logcodes records() + polars", "records_duckdb": "logcodes records() + DuckDB"}
