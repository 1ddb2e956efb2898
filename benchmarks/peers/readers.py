"""How pandas, polars, DuckDB and CPython `re` count the status codes of a combined log.

setup_X(threads) runs untimed (imports, thread pools) and returns count(path) -> {code: n}. Every reader takes
the bytes as they are (non-UTF-8 bytes included) and gets the status the way the tool is meant to be used on a
combined log; none knows anything about the generator. Stdlib-only at import: the child script loads it.
"""

from __future__ import annotations

# The token right after the request's closing quote (a backslash escapes the next byte inside the quotes).
STATUS_RE = r'^[^"]*"(?:[^"\\]|\\.)*" ([1-5][0-9][0-9])(?: |$)'
# A byte no text log holds, so a CSV reader hands over whole lines as one column.
LINE_SEP = "\x01"


def _codes(pairs) -> dict[int, int]:
    """{code: n} from (token, n) pairs, keeping three-digit codes 100-599 only."""
    out: dict[int, int] = {}
    for tok, n in pairs:
        tok = tok.decode("latin-1") if isinstance(tok, bytes) else tok
        if isinstance(tok, str) and len(tok) == 3 and tok.isdigit() and "1" <= tok[0] <= "5":
            out[int(tok)] = out.get(int(tok), 0) + int(n)
    return out


def setup_pandas(threads: int):
    """read_csv on the space-separated fields: quotechar '"', escapechar '\\' (Apache \\" inside the request),
    only column 6 (the status), as strings; bytes decoded as latin-1 so no byte is an error."""
    import pandas as pd

    def count(path: str) -> dict[int, int]:
        col = pd.read_csv(path, sep=" ", quotechar='"', escapechar="\\", header=None, usecols=[6], dtype=str,
                          encoding="latin-1", on_bad_lines="skip", na_filter=False, engine="c")[6]
        return _codes(col.value_counts().items())
    return count


def setup_pandas_lines(threads: int):
    """Whole lines (no quoting, so an unterminated quote cannot swallow the next line) + str.extract with the
    status-after-the-request regex: slower than splitting fields, but no line is lost."""
    import csv

    import pandas as pd

    def count(path: str) -> dict[int, int]:
        lines = pd.read_csv(path, sep=LINE_SEP, quoting=csv.QUOTE_NONE, header=None, names=["line"], usecols=[0],
                            dtype=str, encoding="latin-1", on_bad_lines="skip", na_filter=False, engine="c")["line"]
        return _codes(lines.str.extract(STATUS_RE, expand=False).value_counts().items())
    return count


def setup_pandas_pyarrow(threads: int):
    """The same read_csv with engine="pyarrow" (multi-threaded)."""
    import pandas as pd
    import pyarrow as pa
    pa.set_cpu_count(threads)
    pa.set_io_thread_count(threads)

    def count(path: str) -> dict[int, int]:
        col = pd.read_csv(path, sep=" ", quotechar='"', escapechar="\\", header=None, usecols=[6], dtype=str,
                          encoding="latin-1", on_bad_lines="skip", engine="pyarrow").iloc[:, 0]
        return _codes(col.value_counts().items())
    return count


def setup_polars(threads: int):
    """Lines read as one column (lossy UTF-8: a bad byte becomes U+FFFD, the status stays), the status taken
    with str.extract, counted with group_by; POLARS_MAX_THREADS is set before the import."""
    import polars as pl

    def count(path: str) -> dict[int, int]:
        df = (pl.scan_csv(path, has_header=False, separator=LINE_SEP, quote_char=None, schema={"line": pl.String},
                          encoding="utf8-lossy", truncate_ragged_lines=True)
              .select(pl.col("line").str.extract(STATUS_RE, 1).alias("s"))
              .group_by("s").len().collect())
        return _codes(zip(df["s"].to_list(), df["len"].to_list()))
    return count


def setup_duckdb(threads: int):
    """read_csv of whole lines (no quoting) + regexp_extract (RE2), GROUP BY the status. DuckDB rejects lines
    that are not valid UTF-8 (and, here, encoding='latin-1' too): ignore_errors skips them. In these logs such
    lines are junk without a status, so the codes stay exact; a log with raw non-UTF-8 bytes in real records
    would lose those records and show as WRONG."""
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")

    def count(path: str) -> dict[int, int]:
        rows = con.execute(
            "SELECT regexp_extract(line, $re, 1) AS s, count(*) FROM read_csv($path, columns = {'line': 'VARCHAR'}, "
            "header = false, delim = $sep, quote = '', escape = '', auto_detect = false, ignore_errors = true, "
            "max_line_size = 16777216) GROUP BY s",
            {"re": STATUS_RE, "path": path, "sep": LINE_SEP}).fetchall()
        return _codes(rows)
    return count


def setup_re(threads: int):
    """One compiled bytes regex, matched on each line of a buffered binary file."""
    import re
    rx = re.compile(STATUS_RE.encode())

    def count(path: str) -> dict[int, int]:
        counts: dict[bytes, int] = {}
        match = rx.match
        with open(path, "rb") as f:
            for line in f:
                m = match(line.rstrip(b"\n"))
                if m:
                    k = m.group(1)
                    counts[k] = counts.get(k, 0) + 1
        return _codes(counts.items())
    return count


READERS = {
    "pandas": ("pandas", setup_pandas, (1,)),
    "pandas_pyarrow": ("pyarrow", setup_pandas_pyarrow, (1, 2)),
    "pandas_lines": ("pandas", setup_pandas_lines, (1,)),
    "polars": ("polars", setup_polars, (1, 2)),
    "duckdb": ("duckdb", setup_duckdb, (1, 2)),
    "re": ("re", setup_re, (1,)),
}
LABELS = {"pandas": "pandas read_csv", "pandas_pyarrow": "pandas read_csv (pyarrow)",
          "pandas_lines": "pandas lines + str.extract", "polars": "polars str.extract",
          "duckdb": "DuckDB regexp_extract", "re": "CPython re"}
