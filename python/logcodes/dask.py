"""``logcodes.dask``: the same scan, spread over a Dask cluster.

Large plain files are cut into byte ranges (``blocksize`` each); every record belongs to the range it
starts in, with the same rule the local thread splitter uses (multi-line SIP messages and stack traces
included), so the pieces add up to exactly the whole. Inputs that cannot be cut (gzip, zstd, captures, SIP
traces, W3C logs with ``#Fields``) are one task each. Every task runs :func:`logcodes.scan` on a worker; the
partial summaries are merged on the workers in a tree, and only the final one travels to the client.

Workers must see local inputs under the same paths as the client (a shared or replicated file system);
URLs (``s3://``, ``gs://``, ``https://`` ...) are read by the workers themselves, each its own byte ranges,
with the credentials the workers find (their environment, or ``storage_options=``).

``records(paths, ...)`` gives the records of :func:`logcodes.records` as a ``dask.dataframe`` (one partition
per input file, Arrow-backed columns).
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import _core, _options, remote
from .filters import merge_where
from ._inputs import PathArg, expand_paths
from ._progress import Progress, ProgressArg
from ._safe_text import terminal
from ._sizes import parse_size
from .api import scan as _local_scan
from .formats import resolve
from .summary import FileInfo, Summary

__all__ = ["scan", "records", "plan", "Task"]

_DEFAULT_BLOCKSIZE = "256MiB"
_FAN_IN = 8                      # partial summaries merged by one merge task


@dataclasses.dataclass(frozen=True)
class Task:
    """One unit of work: ``byte_range`` of input number ``index`` (``None``: the whole input)."""

    index: int
    path: str
    byte_range: Optional[Tuple[int, int]]
    size: int                    # bytes of the file this task reads (for progress)
    owns_error_logs: bool = False  # the one task whose error-log figures are kept (see _scan_task)


@dataclasses.dataclass
class _Partial:
    """A summary of some tasks, with what they read of each input, by input number."""

    summary: Summary
    files: Dict[int, FileInfo]


def _merge_partials(*parts: _Partial) -> _Partial:
    summary = parts[0].summary
    files = dict(parts[0].files)
    for p in parts[1:]:
        summary = summary.merge(p.summary)
        for i, info in p.files.items():
            files[i] = files[i].joined(info) if i in files else info
    return _Partial(summary, files)


def _scan_task(task: Task, options: Dict[str, Any]) -> _Partial:
    """Runs on a worker: one piece, problems kept in the summary (the client decides what they do)."""
    s = _local_scan(task.path, byte_range=task.byte_range, **{**options, "on_error": "ignore"})
    if options.get("errors") is not None and not task.owns_error_logs:
        # Every task reads the error logs whole to explain its own records; their own figures (events
        # read, templates of unexplained events, the error files) are counted by one task only.
        s.stats = s.stats.replaced(events=0)
        s._templates = []
        s.error_files = []
    infos = s.files
    s.files = []
    return _Partial(s, {task.index: infos[0]} if infos else {})


def _splittable(path: str, size: int, blocksize: int, format: Any) -> bool:
    """Whether this input is worth cutting into ranges and can be cut (plain, not a capture, a format
    whose records do not depend on earlier lines)."""
    if size <= blocksize:
        return False
    is_regular, _, compression, capture = _core.probe_path(os.fsencode(path))
    if not is_regular or compression != "none" or capture:
        return False
    if format == "auto":
        name = _core.detect_path(os.fsencode(path))[0]
        return name is None or _core.builtin_format(name).splittable
    if isinstance(format, str):
        return _core.builtin_format(format).splittable
    return bool(format.splittable)


def plan(paths: PathArg, *, blocksize: Union[int, str] = _DEFAULT_BLOCKSIZE, format: Any = "auto",
         errors: Optional[PathArg] = None, storage_options: Optional[Dict[str, Any]] = None,
         window: Optional[Tuple[Optional[int], Optional[int]]] = None) -> List[Task]:
    """The tasks :func:`scan` would run: byte ranges of plain files, whole compressed/uncuttable inputs.

    URLs (objects in S3, GCS, Azure, on HTTP servers) are listed but not read here: every object larger
    than ``blocksize`` is cut into ranges, and the worker of a range finds out whether its object can be
    cut (a compressed one is then read whole by the range at 0 and skipped by the others).
    ``storage_options`` and ``window`` (since, until in ms) are those of the listing (docs/remote.md).

    Raises FileNotFoundError (and the other path errors of :func:`logcodes.scan`) before anything runs,
    ValueError for a bad ``blocksize`` or for standard input.

    >>> import logcodes.dask
    >>> [(t.byte_range, t.size) for t in logcodes.dask.plan(logcodes.samples.path("nginx_lab"), blocksize="2KiB")]
    [((0, 2048), 2048), ((2048, 2767), 719)]
    """
    size_cap = parse_size(blocksize, what="blocksize")
    core_format = resolve(format)
    files = expand_paths(paths, storage_options=storage_options, window=window)
    if "-" in files:
        raise ValueError("standard input ('-') cannot be scanned on a cluster: give files that the workers can read")
    tasks: List[Task] = []
    for index, path in enumerate(files):
        if remote.is_url(path):
            size = remote.size(path)
            cut = size > size_cap
        else:
            size = os.stat(path).st_size
            cut = _splittable(path, size, size_cap, core_format)
        if not cut:
            tasks.append(Task(index, path, None, size))
            continue
        for begin in range(0, size, size_cap):
            end = min(begin + size_cap, size)
            tasks.append(Task(index, path, (begin, end), end - begin))
    if errors is not None and tasks:
        tasks[0] = dataclasses.replace(tasks[0], owns_error_logs=True)
    return tasks


def _check_options(options: Dict[str, Any]) -> None:
    # Fail on the client, before any task runs, for what can be checked here (the inputs are the workers').
    if "byte_range" in options:
        raise ValueError("logcodes.dask.scan chooses each task's byte_range itself (see blocksize)")
    if options.get("count") == "calls":
        # A call's messages may lie in several files: the local scan joins them before counting.
        raise ValueError('count="calls" joins the messages of each call across all inputs, which pieces scanned '
                         'apart cannot do; use logcodes.scan, or count="transactions"/"messages"')
    _options.prepare("scan", **options)


def _tree(leaves: Sequence[Any], merge: Callable[..., Any]) -> Any:
    level = list(leaves)
    while len(level) > 1:
        level = [merge(*level[i:i + _FAN_IN]) if len(level[i:i + _FAN_IN]) > 1 else level[i]
                 for i in range(0, len(level), _FAN_IN)]
    return level[0]


def _default_client() -> Any:
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


def _run_distributed(client: Any, tasks: List[Task], options: Dict[str, Any], reporter: Progress,
                     total: int) -> _Partial:
    from distributed import as_completed

    # Named keys group the tasks on the dashboard: ("logcodes-scan-<run>", i), ("logcodes-merge-<run>", j).
    run = uuid.uuid4().hex
    scans = [client.submit(_scan_task, t, options, key=(f"logcodes-scan-{run}", i)) for i, t in enumerate(tasks)]
    merges: List[Any] = []

    def merge(*parts: Any) -> Any:
        f = client.submit(_merge_partials, *parts, key=(f"logcodes-merge-{run}", len(merges)))
        merges.append(f)
        return f

    final = _tree(scans, merge)
    try:
        done = 0
        sizes = {f.key: t.size for f, t in zip(scans, tasks)}
        for f in as_completed(scans):
            done += sizes[f.key]
            reporter(done, total)
        return final.result()
    except BaseException:
        client.cancel(scans + merges)
        raise


def _run_local(tasks: List[Task], options: Dict[str, Any], reporter: Progress, total: int) -> _Partial:
    import dask
    from dask.callbacks import Callback

    leaves = [dask.delayed(_scan_task, pure=False)(t, options, dask_key_name=f"logcodes-scan-{i}")
              for i, t in enumerate(tasks)]
    final = _tree(leaves, lambda *parts: dask.delayed(_merge_partials, pure=False)(*parts))
    sizes = {f"logcodes-scan-{i}": t.size for i, t in enumerate(tasks)}
    done = [0]

    def finished(key: Any, result: Any, dsk: Any, state: Any, worker_id: Any) -> None:
        if key in sizes:
            done[0] += sizes[key]
            reporter(done[0], total)

    with Callback(posttask=finished):
        (result,) = dask.compute(final, scheduler="threads")
    return result


def scan(paths: PathArg, *, client: Any = None, blocksize: Union[int, str] = _DEFAULT_BLOCKSIZE,
         progress: ProgressArg = False, **scan_options: Any) -> Summary:
    """:func:`logcodes.scan` on a Dask cluster: the same Summary, computed by the workers.

    Args:
        paths: files, globs or a list of them, as for :func:`logcodes.scan` (not standard input). Workers
            must read them under the same paths (shared storage).
        client: a ``distributed.Client``. ``None``: the current default client if one exists (the last
            ``Client(...)`` made in this process), else Dask's local threaded scheduler in this process.
        blocksize: bytes per task for plain files (``"64MiB"``, ``"1GB"``, an int). Compressed files,
            captures, SIP traces and W3C logs are one task each, whatever their size.
        progress: True for a progress bar, or ``f(bytes_done, bytes_total)``, called as tasks finish.
        **scan_options: any other argument of :func:`logcodes.scan` (``format``, ``by``, ``count``,
            ``errors``, ``rules``, ``on_error`` ...); ``threads`` is per task (default 1: one task per
            worker thread).

    Merged pieces of one file are one entry of ``Summary.files``, as in a local scan. Line numbers of
    samples (unparsed, invalid) from pieces after a file's first are 0 (unknown); their byte offsets are
    exact. With ``errors=``, every task reads the error logs whole (each access-log record is explained by
    the events near it), and the error logs' own figures are counted once. ``count="calls"`` joins a call's
    messages across inputs and raises ValueError here: use :func:`logcodes.scan`.

    Raises:
        FileNotFoundError, IsADirectoryError, PermissionError: on the client, before any task runs.
        ValueError: a bad ``blocksize`` or option; TypeError: an unknown option.
        TruncatedInputError, CorruptInputError, ReadError: an input failed part-way (see ``on_error``),
            once every task has finished, with the whole Summary in ``err.summary``.

    >>> import logcodes, logcodes.dask
    >>> path = logcodes.samples.path("nginx_lab")
    >>> s = logcodes.dask.scan(path, blocksize="1KiB", by="code")   # no client: local threads
    >>> s == logcodes.scan(path, by="code"), len(s.files)
    (True, 1)
    """
    _check_options(scan_options)
    on_error = scan_options.get("on_error", "raise")
    options = dict(scan_options)
    options.setdefault("threads", 1)
    if options.get("errors") is not None:
        options["errors"] = expand_paths(options["errors"], storage_options=options.get("storage_options"))
    listing = merge_where(options.get("where"), {"since": options.get("since"), "until": options.get("until")})
    tasks = plan(paths, blocksize=blocksize, format=options.get("format", "auto"), errors=options.get("errors"),
                 storage_options=options.get("storage_options"), window=_options.time_window(listing))
    total = sum(t.size for t in tasks)
    if client is None:
        client = _default_client()
    reporter = Progress(progress)
    try:
        merged = (_run_distributed(client, tasks, options, reporter, total) if client is not None
                  else _run_local(tasks, options, reporter, total))
    finally:
        reporter.close()
    summary = merged.summary
    summary.files = [merged.files[i] for i in sorted(merged.files)]
    if summary.problems and on_error != "ignore":
        import warnings

        err = summary.problems[0].error()
        err.summary = summary  # type: ignore[attr-defined]
        if on_error == "raise":
            raise err
        for p in summary.problems:
            warnings.warn(terminal(str(p)), RuntimeWarning, stacklevel=2)
    return summary


def _records_partition(path: str, options: Dict[str, Any]) -> Any:
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    from ._records import records as _local_records

    return _local_records(path, **options).to_arrow().to_pandas(types_mapper=pd.ArrowDtype)


def records(paths: PathArg, **records_options: Any) -> Any:
    """The records of :func:`logcodes.records` as a ``dask.dataframe``: one partition per input file, each
    read on a worker into Arrow and handed to pandas with Arrow-backed columns (``pd.ArrowDtype``).

    ``records_options`` are those of :func:`logcodes.records` (``columns``, ``format``, filters such as
    ``codes`` or ``since`` ...). Partitions are whole files (gzip, zstd and plain alike): a file is not cut
    into byte ranges here, so spread large inputs over several files. Nothing is read until the dataframe
    is computed; it runs on the current Dask client, if any, like any dask collection.

    >>> import logcodes.dask
    >>> df = logcodes.dask.records(logcodes.samples.path("apache_combined"), columns=["code", "method"])
    >>> int(df["code"].value_counts().compute()[200])
    9126
    """
    import dask.dataframe as dd
    import pandas as pd  # type: ignore[import-untyped,unused-ignore]

    from ._records import records as _local_records

    if "byte_range" in records_options:
        raise TypeError("logcodes.dask.records reads whole files: byte_range is not an option here")
    files = expand_paths(paths, storage_options=records_options.get("storage_options"))
    if not files:
        raise ValueError("no input files")
    if "-" in files:
        raise ValueError("standard input cannot be read on Dask workers")
    for f in files:
        if not remote.is_url(f) and not os.path.exists(f):
            raise FileNotFoundError(f"no such file: {f}")
    # The schema does not depend on the input: it comes from the columns asked for. Checking the options
    # here also makes bad ones fail on the client, before any task runs.
    meta = _local_records(files[0], **records_options).schema.empty_table().to_pandas(types_mapper=pd.ArrowDtype)
    return dd.from_map(_records_partition, files, options=dict(records_options), meta=meta,
                       label="logcodes-records", enforce_metadata=False)
