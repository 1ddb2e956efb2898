"""``logcodes.spark``: the same scan and records on Apache Spark (``pip install "logcodes[spark]"``).

``scan(spark, paths, **scan_options)`` cuts the inputs as :mod:`logcodes.dask` does (byte ranges of large
plain files and objects, whole compressed or uncuttable inputs), scans each piece on an executor with
:func:`logcodes.scan`, and merges the partial summaries on the executors (``treeReduce``): only the final
Summary reaches the driver. ``records(spark, paths, columns=...)`` gives a Spark DataFrame built with
``mapInArrow``: every executor task turns its inputs into Arrow batches in the C++ core and hands them to
Spark without going through Python rows.

Executors need logcodes installed (the same version; see docs/spark.md), and read the inputs themselves:
local paths must be the same on every machine; URLs (``s3://`` ...) are read with the credentials each
executor finds (its environment, instance role) or with ``storage_options=``.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

from . import _options
from ._inputs import PathArg, expand_paths
from .dask import _DEFAULT_BLOCKSIZE, _check_options, _merge_partials, _scan_task, plan
from .filters import merge_where
from .summary import Summary

__all__ = ["scan", "records"]


def scan(spark: Any, paths: PathArg, *, blocksize: Union[int, str] = _DEFAULT_BLOCKSIZE,
         **scan_options: Any) -> Summary:
    """:func:`logcodes.scan` on a Spark cluster: the same Summary, computed by the executors.

    Args:
        spark: a ``SparkSession`` (or its ``SparkContext``).
        paths: files, globs, URLs or a list of them, as for :func:`logcodes.scan` (not standard input).
        blocksize: bytes per task for plain inputs (default ``"256MiB"``).
        **scan_options: the other arguments of :func:`logcodes.scan`; ``threads`` is per task (default 1).

    What is the same as a local scan, and what is not, is what :func:`logcodes.dask.scan` says:
    ``count="calls"`` raises ValueError, sample line numbers after a file's first piece are 0, and
    ``on_error`` applies once every task has finished (``err.summary`` holds the whole Summary).
    """
    _check_options(scan_options)
    on_error = scan_options.get("on_error", "raise")
    options = dict(scan_options)
    options.setdefault("threads", 1)
    storage = options.get("storage_options")
    if options.get("errors") is not None:
        options["errors"] = expand_paths(options["errors"], storage_options=storage)
    listing = merge_where(options.get("where"), {"since": options.get("since"), "until": options.get("until")})
    tasks = plan(paths, blocksize=blocksize, format=options.get("format", "auto"), errors=options.get("errors"),
                 storage_options=storage, window=_options.time_window(listing))
    sc = getattr(spark, "sparkContext", spark)
    merged = (sc.parallelize(tasks, len(tasks))
              .map(lambda t: _scan_task(t, options))
              .treeReduce(_merge_partials, depth=2))
    summary = merged.summary
    summary.files = [merged.files[i] for i in sorted(merged.files)]
    if summary.problems and on_error != "ignore":
        import warnings

        from ._safe_text import terminal

        err = summary.problems[0].error()
        err.summary = summary  # type: ignore[attr-defined]
        if on_error == "raise":
            raise err
        for p in summary.problems:
            warnings.warn(terminal(str(p)), RuntimeWarning, stacklevel=2)
    return summary


def _spark_schema(arrow_schema: Any) -> Any:
    """The Arrow schema Spark takes (dictionary columns as strings, times in microseconds) and its Spark twin."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    from pyspark.sql.pandas.types import from_arrow_schema

    fields = []
    for f in arrow_schema:
        t = f.type
        if pa.types.is_dictionary(t):
            t = t.value_type
        if pa.types.is_timestamp(t):
            t = pa.timestamp("us", tz="UTC")
        fields.append(pa.field(f.name, t, nullable=True))
    target = pa.schema(fields)
    return target, from_arrow_schema(target)


def _records_task(batches: Iterator[Any], target: Any, options: Dict[str, Any]) -> Iterator[Any]:
    """Runs on an executor: the records of each input named in the incoming rows, as Arrow batches."""
    from ._records import records as _local_records

    for split in batches:
        for path in split.column("path").to_pylist():
            for batch in _local_records(path, **options):
                yield batch.cast(target)


def records(spark: Any, paths: PathArg, *, columns: Optional[Sequence[str]] = None,
            **records_options: Any) -> Any:
    """The records of :func:`logcodes.records` as a Spark DataFrame, one partition per input.

    Built with ``DataFrame.mapInArrow``: each task reads its inputs into Arrow batches in the C++ core and
    hands them to Spark. Dictionary-encoded columns arrive as strings, ``time`` as a UTC timestamp.
    ``records_options`` are those of :func:`logcodes.records` (filters, ``format``, ``storage_options`` ...).
    Nothing is read until an action runs.

    Inputs are not cut into byte ranges here (records of a piece would need the piece rule of
    :func:`logcodes.scan`, which the records reader does not have yet): spread large inputs over files.
    """
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    from ._records import records as _local_records

    if "byte_range" in records_options:
        raise TypeError("logcodes.spark.records reads whole inputs: byte_range is not an option here")
    files: List[str] = expand_paths(paths, storage_options=records_options.get("storage_options"))
    if "-" in files:
        raise ValueError("standard input cannot be read on Spark executors")
    options = dict(records_options, columns=columns)
    # The schema comes from the columns asked for; building it checks the options on the driver.
    target, spark_schema = _spark_schema(_local_records(files[0], **options).schema)
    splits = spark.createDataFrame([(f,) for f in files], "path string").repartition(len(files))
    return splits.mapInArrow(lambda it: _records_task(it, target, options), spark_schema)
