"""``records()``: every counted record as Arrow record batches, for pandas, polars, DuckDB and pyarrow.

The batches are built in the C++ core and leave through the Arrow PyCapsule interface
(``__arrow_c_stream__``), so consumers read them without a copy; pyarrow, polars and DuckDB are optional
and imported only when a helper needs them.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from . import _argcheck, _columns, _core, _options
from ._inputs import PathArg
from .filters import CodesArg, NamesArg, TimeArg
from .formats import FormatArg
from .paths import PathRulesArg
from .summary import InputProblem, Summary

__all__ = ["records", "Records", "COLUMNS"]

COLUMNS = tuple(_core.COLUMNS)
_DEFAULT_BATCH = 65536


def _pyarrow() -> Any:
    try:
        import pyarrow  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError("this needs pyarrow: pip install pyarrow (or hand the Records object to polars or "
                          "DuckDB, which read it directly)") from None
    return pyarrow


_PREVIEW_ROWS = 10


class Records:
    """The records of some logs as a stream of Arrow record batches (see :func:`records`).

    Any consumer of the Arrow PyCapsule interface reads it: ``pyarrow.table(r)``,
    ``polars.from_arrow(r)``, ``duckdb.sql("select ... from r")``. Each read scans the inputs anew;
    after a complete read, :attr:`summary` holds its totals (unparsed and invalid lines, filtered records).
    """

    def __init__(self, job: Any, files: List[str], filters: Dict[str, Any], batch_size: int):
        self._job = job
        self._files = files
        self._filters = {k: v for k, v in filters.items() if v is not None}
        self._batch_size = batch_size

    @property
    def columns(self) -> List[str]:
        """The column names, in order."""
        return list(self._job.columns)

    @property
    def files(self) -> List[str]:
        """The inputs, in the order they are read."""
        return list(self._files)

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object:
        """A new ``ArrowArrayStream`` in a PyCapsule named ``"arrow_array_stream"``.

        ``requested_schema`` is not used: the stream always has :attr:`schema` (consumers may cast).
        """
        return self._job.stream()

    @property
    def schema(self) -> Any:
        """The ``pyarrow.Schema`` of the batches (needs pyarrow; reads nothing)."""
        pa = _pyarrow()
        reader = pa.RecordBatchReader.from_stream(self)
        schema = reader.schema
        reader.close()
        return schema

    def __iter__(self) -> Iterator[Any]:
        """The record batches as ``pyarrow.RecordBatch`` objects (needs pyarrow); a failed input raises
        its :class:`~logcodes.InputError` after the batches read before it."""
        pa = _pyarrow()
        reader = pa.RecordBatchReader.from_stream(self)
        try:
            for batch in reader:
                yield batch
        except OSError:
            self._raise_input_error()
            raise
        finally:
            reader.close()

    def to_arrow(self) -> Any:
        """All records as one ``pyarrow.Table`` (the batches are not copied).

        >>> import logcodes
        >>> t = logcodes.records(logcodes.samples.path("apache_combined"), columns=["code", "path"]).to_arrow()
        >>> t.column_names, t.num_rows
        (['code', 'path'], 10000)
        """
        pa = _pyarrow()
        try:
            return pa.table(self)
        except OSError:
            self._raise_input_error()
            raise

    def to_pandas(self, **kwargs: Any) -> Any:
        """All records as a pandas DataFrame (through pyarrow; ``kwargs`` go to ``Table.to_pandas``).

        >>> import logcodes
        >>> df = logcodes.records(logcodes.samples.path("apache_combined"), codes="5xx").to_pandas()
        >>> sorted(df["code"].unique().tolist())
        [500]
        """
        return self.to_arrow().to_pandas(**kwargs)

    def to_polars(self) -> Any:
        """All records as a polars DataFrame (needs polars; read through the PyCapsule interface).

        ``polars.from_arrow(records)`` gives a Series of structs instead, as polars does for every
        non-pyarrow Arrow stream: ``.struct.unnest()`` turns it into the same frame.
        """
        try:
            import polars  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError:
            raise ImportError("to_polars() needs polars: pip install polars") from None
        return polars.DataFrame(self)

    @property
    def summary(self) -> Optional[Summary]:
        """What the last complete read saw, by code: ``total``, ``counted`` (= rows), ``filtered``,
        ``invalid``, ``unparsed`` with samples, and ``files``. None before a read has finished."""
        last = self._job.last(_columns.DICT_GROUPS)
        if last is None or not last["done"]:
            return None
        problems = [InputProblem(f.problem[1] or f.path, f.problem[0], f.problem[2], f.problem[3])
                    for f in last["files"] if f.problem is not None]
        return Summary._from_core(last, ("code",), file_names=self._files, problems=problems)

    def _raise_input_error(self) -> None:
        last = self._job.last(_columns.DICT_GROUPS)
        if last is None or last["error"] is None:
            return
        from .errors import from_core

        err = from_core(*last["error"])
        if hasattr(err, "summary"):
            err.summary = self.summary
        raise err

    def _repr_html_(self) -> str:
        """A notebook view: the inputs, filters and columns, and the first rows (reading the first batch only;
        long cells cut, whole on hover). Without pyarrow, the columns alone."""
        import html

        import os

        from . import _show, _svg

        # The file's name, not where it lives: a notebook saved with its outputs shows no local paths.
        files = os.path.basename(self._files[0]) if len(self._files) == 1 else f"{len(self._files)} files"
        filters = "".join(f", {k}={v!r}" for k, v in self._filters.items())
        head = (f"<p><b>logcodes.Records</b> {html.escape(_svg.clip(files, _show.HTML_CELL))}"
                f"{html.escape(filters)}; {len(self.columns)} columns; each read scans the inputs anew</p>")
        try:
            rows = self.head(_PREVIEW_ROWS)
        except ImportError:
            return head + f"<p>{html.escape(', '.join(self.columns))}</p>"
        cells = [[_show._cell(v) for v in row] for row in rows]
        note = f"<p>the first {len(rows)} records</p>" if rows else "<p>no records</p>"
        return (f"<div class='logcodes-records'>{head}{_svg.table(self.columns, cells, cut=_show.HTML_CELL)}"
                f"{note}</div>")

    def head(self, n: int = 10) -> List[Tuple[Any, ...]]:
        """The first ``n`` records as tuples in column order, read from the first batches only (needs pyarrow).

        >>> import logcodes
        >>> logcodes.records(logcodes.samples.path("apache_combined"), columns=["code", "method"]).head(2)
        [(200, 'GET'), (200, 'GET')]
        """
        pa = _pyarrow()
        out: List[Tuple[Any, ...]] = []
        reader = pa.RecordBatchReader.from_stream(self)
        try:
            for batch in reader:
                columns = [c.to_pylist() for c in batch.slice(0, n - len(out)).columns]
                out.extend(zip(*columns))
                if len(out) >= n:
                    break
        finally:
            reader.close()
        return out

    def __repr__(self) -> str:
        files = self._files[0] if len(self._files) == 1 else f"{len(self._files)} files"
        filters = "".join(f", {k}={v!r}" for k, v in self._filters.items())
        return f"Records({files!r}, columns={self.columns}{filters}, batch_size={self._batch_size})"


def records(
    paths: PathArg,
    *,
    format: FormatArg = "auto",
    columns: Optional[Sequence[str]] = None,
    where: Optional[Mapping[str, Any]] = None,
    batch_size: int = _DEFAULT_BATCH,
    since: TimeArg = None,
    until: TimeArg = None,
    codes: CodesArg = None,
    methods: NamesArg = None,
    hosts: NamesArg = None,
    path_patterns: NamesArg = None,
    count: str = "transactions",
    path_rules: PathRulesArg = None,
    block_size: Union[int, str, None] = None,
    max_record: Union[int, str, None] = None,
    storage_options: Optional[Mapping[str, Any]] = None,
) -> Records:
    """Every record :func:`logcodes.scan` would count, as Arrow record batches.

    Args:
        paths: a file, a glob, ``"-"`` for standard input, or a list of them (gzip and zstd too).
        format: as for :func:`logcodes.scan`: ``"auto"`` (per input), a built-in name or a compiled format.
        columns: some of ``time, protocol, code, class, reason, method, host, path, path_raw, query, bytes,
            duration, upstream_code, cause, file, line`` (default: all). Values a format does not log are null.
            Each column means what the :func:`logcodes.scan` dimension of the same name means: ``path`` is
            templated (``/users/{id}``), ``path_raw`` the path as written.
        where: a dict of the filter keywords below (``{"codes": "5xx", "since": "-1h"}``), for filters
            built elsewhere; a keyword given both ways is an error.
        batch_size: rows per batch (default 65536): memory is bounded by it, not by the input.
        since, until, codes, methods, hosts: scan-time filters (see :mod:`logcodes.filters`); records left
            out are counted in ``summary.filtered``.
        path_patterns: the ``paths=`` filter of :func:`logcodes.scan` (globs or ``re:`` regexes matched
            against each record's path); named so here because ``paths`` names the inputs.
        count: for SIP: ``"transactions"`` (default: a retransmitted response is one row) or ``"messages"``.
        path_rules: ``[(regex, placeholder), ...]`` applied to the ``path`` column before the built-in
            templates, as for :func:`logcodes.scan` (a bad pattern raises ``ValueError`` naming the rule).
        block_size, max_record, storage_options: as for :func:`logcodes.scan` (URL inputs: docs/remote.md).

    Rows come in input order, then line order. Types: ``time`` timestamp[ms, UTC] (the log's zone
    applied; a time written without a zone is taken as UTC), ``code`` / ``upstream_code`` int16,
    ``bytes`` / ``line`` int64, ``duration`` float64 seconds, ``host`` / ``path`` / ``path_raw`` /
    ``query`` strings,
    and ``protocol, class, reason, method, cause, file`` dictionary-encoded strings (pandas:
    Categorical). Unparsed lines and invalid statuses are not rows: ``summary`` counts them, with
    samples.

    >>> import logcodes
    >>> r = logcodes.records(logcodes.samples.path("apache_combined"), columns=["code", "method"])
    >>> r.to_arrow().group_by("code").aggregate([("code", "count")]).sort_by("code").to_pylist()[0]
    {'code': 200, 'code_count': 9126}
    >>> r.summary.total == r.summary.counted + r.summary.invalid + r.summary.unparsed
    True
    """
    if columns is None:
        column_list: List[str] = []
    else:
        if isinstance(columns, str):
            columns = [c.strip() for c in columns.split(",") if c.strip()]
        column_list = _argcheck.strings(columns, "columns", "column names (a list, or 'time,code')")
        unknown = [c for c in column_list if c not in COLUMNS]
        if unknown:
            raise ValueError(f"columns: unknown column {unknown[0]!r}; valid columns: {', '.join(COLUMNS)}")
        if not column_list:
            raise ValueError(f"columns: none given; valid columns: {', '.join(COLUMNS)}")
        if len(set(column_list)) != len(column_list):
            raise ValueError("columns: a column is named twice")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, not {batch_size!r}")
    prepared = _options.prepare("records", paths, format=format, where=where, since=since, until=until, codes=codes,
                                methods=methods, hosts=hosts, path_patterns=path_patterns, count=count,
                                block_size=block_size, max_record=max_record, path_rules=path_rules,
                                storage_options=storage_options)
    job = _core.RecordsJob(prepared.core, column_list, batch_size)
    files, filters = list(prepared.files), dict(prepared.filters)
    return Records(job, files, filters, batch_size)
