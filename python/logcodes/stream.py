"""``Stream``: scan bytes that arrive in pieces — the base of pipeline stages."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Union

from . import _argcheck, _columns, _core, _options
from ._dims import ByArg
from .api import _DEFAULT_MAX_RECORD
from .filters import CodesArg, NamesArg, TimeArg
from .paths import PathRulesArg
from .formats import FormatArg
from .summary import FileInfo, Summary

__all__ = ["Stream"]

Bytes = Union[bytes, bytearray, memoryview, str]


class Stream:
    """An incremental scan. Feed bytes in pieces of any size; partial lines are carried over, and the
    final summary equals ``scan()`` of the concatenated bytes.

    >>> import logcodes
    >>> st = logcodes.Stream(by="code")
    >>> st.feed(b'1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 2')
    >>> st.feed(b'00 2326\\n::1 - - [10/Oct/2000:13:55:37 -0700] "GET /x HTTP/1.0" 404 0')
    >>> st.close().counts("code")
    {200: 1, 404: 1}

    Threads: a Stream may be shared. ``feed()``, ``take()``, ``summary()``, ``committed`` and ``close()``
    each hold the stream's lock while they run (the GIL is let go meanwhile), so one thread can feed while
    another takes windows, and several threads can feed — their pieces then join the stream in the order
    the lock is taken, so feed whole lines from each thread if lines must not mix.
    """

    def __init__(self, *, format: FormatArg = "auto", by: ByArg = ("class", "code"), label: str = "<stream>",
                 max_record: Union[int, str] = _DEFAULT_MAX_RECORD, count: str = "transactions",
                 path_rules: PathRulesArg = None, quantiles: Optional[str] = None, accuracy: float = 0.01,
                 top: Optional[Tuple[str, int]] = None, since: TimeArg = None, until: TimeArg = None,
                 codes: CodesArg = None, methods: NamesArg = None, hosts: NamesArg = None,
                 path_patterns: NamesArg = None, where: Optional[Mapping[str, Any]] = None) -> None:
        self.format_requested = format
        _argcheck.text(label, "label")
        prepared = _options.prepare("stream", format=format, by=by, max_record=max_record, count=count,
                                    path_rules=path_rules, quantiles=quantiles, accuracy=accuracy, top=top,
                                    since=since, until=until, codes=codes, methods=methods, hosts=hosts,
                                    path_patterns=path_patterns, where=where)
        self.dims, self._bucket = prepared.dims, prepared.bucket
        self.label = label
        self.count = prepared.count
        self.quantiles = quantiles
        self._core = _core.Stream(prepared.core, label)
        self._closed = False
        self._final: Optional[Summary] = None

    def feed(self, data: Bytes) -> None:
        """Adds bytes (a str is encoded as UTF-8)."""
        if self._closed:
            raise ValueError("feed() on a closed Stream")
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._core.feed(data)

    def summary(self) -> Summary:
        """The counts so far (complete lines only; the format may still be undecided for a short input)."""
        if self._final is not None:
            return self._final
        return self._summary()

    def take(self, *, idle: float = 0.0) -> Summary:
        """The counts of the records completed since the last ``take()`` (or the start), which are then
        forgotten: one window of a pipeline stage. The takes of a stream, merged with its ``close()``,
        equal a scan of all the bytes; a record still being read is counted by the take that completes it.
        At ``count="calls"`` a take counts the calls that have ended and gone quiet (docs/pipelines.md,
        "Calls across windows"); the others wait for a later take or for ``close()``.

        >>> import logcodes
        >>> st = logcodes.Stream(by="code", format="common")
        >>> st.feed(b'::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 5\\n::1 - - [10/Oct')
        >>> st.take().counts("code"), st.committed
        ({200: 1}, 60)
        >>> st.feed(b'/2000:13:55:37 -0700] "GET / HTTP/1.0" 503 0\\n')
        >>> st.take().counts("code"), st.committed
        ({503: 1}, 120)

        ``idle`` (seconds a live source has been silent) moves the calls' clock of message time on past the
        latest message, so that calls go quiet and are counted when the traffic stops.
        """
        if self._closed:
            raise ValueError("take() on a closed Stream")
        if isinstance(idle, bool) or not isinstance(idle, (int, float)) or idle < 0:
            raise TypeError(f"idle must be a number of seconds (0 or more), not {idle!r}")
        return self._summary(self._core.take(_columns.DICT_GROUPS, int(idle * 1000)))

    @property
    def open_calls(self) -> int:
        """At ``count="calls"``: the Call-IDs read and not counted yet (in flight, or ended and waiting for
        their retransmissions to pass); 0 otherwise and once closed."""
        return 0 if self._closed else int(self._core.open_calls())

    @property
    def committed(self) -> int:
        """How many bytes from the start of the stream hold only records already counted: the end of the
        last complete record. A stage that restarts by feeding the same bytes from this offset into a new
        Stream counts every record exactly once (an unterminated line or a multi-line record still being
        read lies past it). While ``format="auto"`` is still undecided it is 0."""
        return int(self._core.committed())

    def close(self) -> Summary:
        """Ends the input (an unterminated last line is counted) and returns the final summary."""
        if not self._closed:
            self._core.finish()
            self._closed = True
            self._final = self._summary()
        assert self._final is not None
        return self._final

    def _summary(self, r: Optional[Dict[str, Any]] = None) -> Summary:
        if r is None:
            r = self._core.result(_columns.DICT_GROUPS)
        st = r["stats"]
        info = FileInfo(path=self.label, format=r["format"], detection=r["detection"], lines=st.lines,
                        records=st.total, wrapper=r.get("wrapper"))
        return Summary._from_core(r, self.dims, file_names=[self.label], files=[info],
                                  time_bucket=self._bucket if "time" in self.dims else None, count=self.count,
                                  quantiles=self.quantiles)

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<logcodes.Stream {state} format={self.format_requested!r} by={self.dims!r}>"
