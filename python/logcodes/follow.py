"""``follow``: count what is appended to live logs, one Summary per time window, through rotations and
restarts — the base of monitoring pipeline stages (``logcodes watch``)."""

from __future__ import annotations

import collections
import datetime as _dt
import fnmatch
import glob
import logging
import os
import select
import sys
import time
from typing import Deque, Dict, Iterable, List, Optional, Set, Tuple, Union

from . import _checkpoint
from ._dims import ByArg, parse_by
from ._sizes import parse_duration
from ._inputs import PathArg, _GLOB_CHARS, path_items
from ._tail import (FINGERPRINT_BYTES, READ_BLOCK, Decoded, Identity, NotARegularFileError, TailedFile, digest,
                    find_rotated, is_compressed, open_regular, rotated_candidates)
from .api import _DEFAULT_MAX_RECORD
from .formats import FormatArg
from .stream import Stream
from .summary import InputProblem, Summary

__all__ = ["follow", "Follower", "parse_interval"]

log = logging.getLogger("logcodes.follow")

# A file with a large backlog is read in slices so that windows keep coming (its lag shows the rest).
MAX_BYTES_PER_WINDOW = 256 << 20
# How often a wait looks whether stop() was called (seconds).
STOP_CHECK = 0.05
# How many beginnings of files read (or found rotated at the first start) are remembered.
SEEN_FILES = 256

COMMITS = ("after", "before")

def parse_interval(value: Union[str, int, float, _dt.timedelta]) -> float:
    """``"10s"``, ``"0.2s"``, ``"500ms"``, ``"1min"``, ``2.5``, ``timedelta`` -> seconds (> 0), read by the one
    duration parser (:func:`logcodes._sizes.parse_duration`).

    >>> parse_interval("0.2s"), parse_interval("500ms"), parse_interval("1min")
    (0.2, 0.5, 60.0)
    """
    return parse_duration(value, what="interval")


class Follower:
    """Iterates over time windows of live logs: each ``next()`` waits for the window's end, reads what was
    appended to every file and yields a Summary of only that window's records. Made by :func:`follow`.

    With ``commit="after"`` (the default) the checkpoint covering a window is saved when the next window
    is asked for, and by ``close()`` (also on leaving a ``with`` block): a window is committed once its
    consumer is done with it, and a crash in between repeats that one window. With ``commit="before"`` it
    is saved before the window is yielded: a checkpoint that cannot be written raises
    :class:`~logcodes.CheckpointError` instead of the window, and a crash in between loses that one window.
    """

    def __init__(self, paths: PathArg, *, interval: Union[str, float, _dt.timedelta] = "10s",
                 checkpoint: Optional[Union[str, "os.PathLike[str]"]] = None, from_start: bool = True,
                 format: FormatArg = "auto", by: ByArg = ("class", "code"), max_record: int = _DEFAULT_MAX_RECORD,
                 count: str = "transactions", commit: str = "after") -> None:
        self.patterns = path_items(paths)
        self.interval = parse_interval(interval)
        if checkpoint is not None and not isinstance(checkpoint, (str, os.PathLike)):
            raise TypeError(f"checkpoint must be a path (str or os.PathLike), not {type(checkpoint).__name__}")
        self.checkpoint = os.fspath(checkpoint) if checkpoint is not None else None
        if self.checkpoint is not None and (not self.checkpoint or os.path.isdir(self.checkpoint)):
            raise ValueError(f"checkpoint {self.checkpoint!r} must name a file, not a directory")
        if self.checkpoint and os.path.exists(self.checkpoint) and not os.path.isfile(self.checkpoint):
            raise ValueError(f"checkpoint {self.checkpoint!r} must be a regular file (it is replaced by renaming)")
        if commit not in COMMITS:
            raise ValueError(f"commit must be 'after' (the window was consumed) or 'before' (it is yielded), "
                             f"not {commit!r}")
        self.commit = commit
        self.from_start = from_start
        self._format = format
        self._by = by
        self._max_record = max_record
        self._count = count
        self.dims, self._bucket = parse_by(by)
        # Checks format, by, count and max_record now, not at the first window.
        Stream(format=format, by=by, count=count, max_record=max_record)
        self.stdin = self.patterns == ["-"]
        if "-" in self.patterns and not self.stdin:
            raise ValueError("'-' (standard input) cannot be followed together with files")
        if self.stdin and self.checkpoint:
            raise ValueError("standard input has no offsets to keep: a checkpoint cannot be used with '-'")
        self._files: Dict[str, TailedFile] = {}       # live files by path
        self._retired: List[TailedFile] = []          # rotated away, being finished
        self._carried: List[Tuple[str, Summary]] = []  # files finished while restoring: the first window's
        self._formats: Dict[str, object] = {}         # the format a path's last file turned out to be
        self._pending = _checkpoint.State()            # the state after the window last yielded
        self._pending_valid = False
        # A plain flag, polled: a signal handler must not take a lock the interrupted code may hold
        # (threading.Event.set() from a handler can deadlock against Event.wait()).
        self._stop_requested = False
        self._started = False
        self._done = False
        self._stdin_stream: Optional[Stream] = None
        self._seen: Deque[Tuple[int, str]] = collections.deque(maxlen=SEEN_FILES)
        self._polled_at = time.time()
        self._deadline = 0.0
        self.windows = 0
        self.bytes_read = 0          # all windows so far
        self.sources: Dict[str, Summary] = {}   # the last window, by source path
        self.problems: List[InputProblem] = []  # data rotations took away before it could be read, so far
        self._new_problems: List[InputProblem] = []   # ... since the last window
        self._unreadable: Set[str] = set()
        self._starting = False
        self._lock: Optional[_checkpoint.Lock] = None

    # -- the iterator ------------------------------------------------------------------------------------
    def __iter__(self) -> "Follower":
        return self

    def __next__(self) -> Summary:
        if not self._started:
            try:
                self._start()
            except BaseException:
                self.close()
                raise
        elif self.commit == "after":
            self._save()          # the consumer is done with the previous window
        if self._done:
            self.close()
            raise StopIteration
        self._wait()
        summary = self._poll()
        if self.checkpoint:
            self._pending = self._state()
            self._pending_valid = True
            if self.commit == "before":
                self._save()      # raises (and ends the follower) before a window is handed on uncovered
        self.windows += 1
        if self._stop_requested:
            self._done = True
        return summary

    def stop(self) -> None:
        """Ends the current window now: it is yielded (the last one), then iteration stops. Safe to call
        from a signal handler or another thread."""
        self._stop_requested = True

    def close(self) -> None:
        """Saves the checkpoint of the last window yielded, closes the files and releases the checkpoint."""
        try:
            self._save()
        finally:
            for tf in list(self._files.values()) + self._retired:
                tf.close()
            self._files.clear()
            self._retired.clear()
            self._done = True
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> "Follower":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def lag_bytes(self) -> Dict[str, int]:
        """Bytes appended but not read yet, by source path (0 when keeping up)."""
        out: Dict[str, int] = {}
        for tf in list(self._files.values()) + self._retired:
            if tf.fd >= 0:
                out[tf.path] = out.get(tf.path, 0) + tf.lag
        return out

    def __repr__(self) -> str:
        cp = f" checkpoint={self.checkpoint!r}" if self.checkpoint else ""
        return (f"<logcodes.Follower {self.patterns!r} interval={self.interval}s windows={self.windows} "
                f"files={len(self._files)}{cp}>")

    # -- windows -----------------------------------------------------------------------------------------
    def _make_stream(self, label: str, format: object) -> Stream:
        return Stream(format=format, by=self._by, label=label, max_record=self._max_record,  # type: ignore[arg-type]
                      count=self._count)

    def _start(self) -> None:
        self._started = self._starting = True
        try:
            self._start_files()
        finally:
            self._starting = False

    def _start_files(self) -> None:
        self._deadline = time.monotonic() + self.interval
        if self.stdin:
            self._stdin_stream = self._make_stream("-", self._format)
            return
        state = _checkpoint.State()
        if self.checkpoint:
            self._lock = _checkpoint.Lock(self.checkpoint)   # before reading it: one follower per checkpoint
            state = _checkpoint.load(self.checkpoint)
            state.files = self._only_ours(state.files)
            # Written back at once: a checkpoint that cannot be written is known before any window, and
            # entries of paths not followed are gone from it.
            _checkpoint.save(self.checkpoint, state)
        restored = state.files
        self._seen.extend(state.seen)
        self._seen.extend((e.length, e.fingerprint) for e in restored)
        if not restored:
            # Rotated files already there are old generations, not ones this follower missed.
            for path in self._expand() + [p for p in self.patterns if not _GLOB_CHARS & set(p)]:
                for cand in rotated_candidates(path):
                    head = _head_of(cand)
                    if head:
                        self._seen.append((len(head), digest(head)))
        self._restore(restored)
        for path in dict.fromkeys(e.path for e in restored):
            self._carried.extend(self._unseen_generations(path, since=state.polled_at))
        for path in self._expand():
            if path not in self._files:
                self._open(path, start=0 if (self.from_start or restored) else None)

    def _wait(self) -> None:
        if self.stdin:
            return   # reading standard input is the wait
        while not self._stop_requested:
            delay = self._deadline - time.monotonic()
            if delay <= 0:
                break
            time.sleep(min(delay, STOP_CHECK))
        now = time.monotonic()
        # A window that overran (a burst) is followed by a full one, not by a rush to catch up on ticks.
        self._deadline = max(self._deadline + self.interval, now + self.interval / 2)

    def _stopping(self) -> bool:
        return self._stop_requested

    def _poll(self) -> Summary:
        parts: Dict[str, Summary] = {}

        def add(path: str, s: Summary) -> None:
            parts[path] = parts[path].merge(s) if path in parts else s

        for path, s in self._carried:
            add(path, s)
        self._carried = []
        since, self._polled_at = self._polled_at, time.time()
        if self.stdin:
            add("-", self._read_stdin())
        else:
            # Rotated files first: their records are older than those of the file now at their path.
            for tf in list(self._retired):
                n = tf.read(MAX_BYTES_PER_WINDOW, self._stopping)
                self.bytes_read += n
                if n == 0:
                    add(tf.path, tf.finish())
                    self._remember(tf.identity)
                    tf.close()
                    self._retired.remove(tf)
                else:
                    add(tf.path, tf.take())
            live = self._expand()
            for path, tf in list(self._files.items()):
                if not tf.same_file_at(path):
                    add(path, self._retire(tf))
                    del self._files[path]
                elif tf.truncated():
                    add(path, self._after_truncation(tf))
                else:
                    continue
                # Rotated more than once since the last look: read the generations never seen whole.
                for p, g in self._unseen_generations(path, since=since):
                    add(p, g)
            for path in live:
                if path not in self._files:
                    self._open(path, start=0)
            for path, tf in self._files.items():
                self.bytes_read += tf.read(MAX_BYTES_PER_WINDOW, self._stopping)
                add(path, tf.take())
                if isinstance(tf.format, str) and tf.format == "auto" and tf.stream.summary().files[0].format:
                    self._formats[path] = tf.stream.summary().files[0].format
        self.sources = parts
        total: Optional[Summary] = None
        for s in parts.values():
            total = s if total is None else total.merge(s)
        if total is None:
            total = Summary(self.dims, {}, time_bucket=self._bucket if "time" in self.dims else None,
                            count=self._count)
        total.problems.extend(self._new_problems)
        self._new_problems = []
        return total

    def _read_stdin(self) -> Summary:
        assert self._stdin_stream is not None
        fd = sys.stdin.fileno()
        while not self._stop_requested:
            delay = self._deadline - time.monotonic()
            if delay <= 0:
                break
            ready, _, _ = select.select([fd], [], [], min(delay, STOP_CHECK))
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:   # the writer is gone: the last window
                self._done = True
                self._deadline = max(self._deadline + self.interval, time.monotonic() + self.interval / 2)
                return self._stdin_stream.close()
            self._stdin_stream.feed(chunk)
            self.bytes_read += len(chunk)
        self._deadline = max(self._deadline + self.interval, time.monotonic() + self.interval / 2)
        if self._stop_requested:
            return self._stdin_stream.close()
        return self._stdin_stream.take()

    # -- files -------------------------------------------------------------------------------------------
    def _expand(self) -> List[str]:
        """The paths to follow now: the paths given that exist, and what the globs match (directories
        left out; FIFOs and devices kept, to be refused with a reason by ``_open``)."""
        out: List[str] = []
        for p in self.patterns:
            if _GLOB_CHARS & set(p) and not os.path.lexists(p):
                out.extend(sorted(m for m in glob.glob(p) if not os.path.isdir(m)))
            elif os.path.exists(p):
                out.append(p)
        return list(dict.fromkeys(out))

    def _only_ours(self, entries: List[_checkpoint.Entry]) -> List[_checkpoint.Entry]:
        """The checkpoint's entries for the paths given; the others are reported and dropped, never opened
        (a checkpoint is no list of files to read)."""
        kept = []
        for e in entries:
            if any(_path_matches(e.path, p) for p in self.patterns):
                kept.append(e)
                continue
            message = (f"is in the checkpoint {self.checkpoint} but not among the paths followed: "
                       f"ignored and dropped from it")
            log.warning("%s %s", e.path, message)
            problem = InputProblem(path=e.path, kind="checkpoint", offset=e.offset, message=message)
            self.problems.append(problem)
            self._new_problems.append(problem)
        return kept

    def _open(self, path: str, start: Optional[int]) -> Optional[TailedFile]:
        try:
            tf = TailedFile.open(path, start, self._make_stream, self._formats.get(path, self._format))
        except FileNotFoundError:
            return None   # gone between the listing and the open: the next window sees what replaced it
        except OSError as e:
            if self._starting and path in self.patterns:
                raise     # a path given, there at the start: the caller hears of it at once
            # A file that appeared later (or matched a glob): reported once, tried again every window.
            if path not in self._unreadable:
                self._unreadable.add(path)
                why = e.strerror or str(e)
                if isinstance(e, (NotARegularFileError, IsADirectoryError)):
                    self._lost(path, 0, f"{why}; looking again every window", kind="refused")
                else:
                    self._lost(path, 0, f"cannot be read ({why}); trying again every window")
            return None
        self._unreadable.discard(path)
        self._files[path] = tf
        return tf

    def _retire(self, tf: TailedFile) -> Summary:
        """Rename-and-create (or removal): the rest of the old file is read through the open descriptor;
        it is finished once it stops growing (a writer may not have reopened its log yet)."""
        self.bytes_read += tf.read(MAX_BYTES_PER_WINDOW)
        tf.retired = True
        self._retired.append(tf)
        return tf.take()

    def _after_truncation(self, tf: TailedFile) -> Summary:
        """Copy-truncate: what was appended between the last read and the copy is only in the copy."""
        self._remember(tf.identity)
        tail = tf.tail_read
        found = find_rotated(tf.path, tf.identity, tf.read_offset, digest(tail) if tail else "", len(tail))
        if found is not None:
            name, content = found
            before = tf.read_offset
            try:
                with content:
                    tf.feed_rest_from(content)
                log.info("%s was truncated; read the rest of it from %s", tf.path, name)
            except (OSError, EOFError, ValueError) as e:
                self._lost(tf.path, tf.read_offset, f"was truncated and its copy {name} could not be read to its "
                                                    f"end ({e}): lines may be missing")
            self.bytes_read += tf.read_offset - before
        else:
            self._lost(tf.path, tf.read_offset, "was truncated and no copy of it was found: "
                                                "lines appended just before the truncation may be missing")
        s = tf.finish()
        tf.restart_at_zero()
        return s

    def _remember(self, ident: Identity) -> None:
        if ident.length:
            self._seen.append((ident.length, ident.fingerprint))

    def _known(self, head: bytes) -> bool:
        known = list(self._seen) + [(tf.identity.length, tf.identity.fingerprint)
                                    for tf in list(self._files.values()) + self._retired]
        return any(n and len(head) >= n and digest(head[:n]) == d for n, d in known)

    def _unseen_generations(self, path: str, since: float) -> List[Tuple[str, Summary]]:
        """Rotated files of ``path`` changed since ``since`` whose first bytes are those of no file read or
        known before: generations that came and went between two looks (or while stopped). Read whole."""
        out: List[Tuple[str, Summary]] = []
        for cand in sorted(rotated_candidates(path), key=_compressed_last):
            try:
                if os.stat(cand).st_mtime < since - 1.0:   # coarse file-system clocks: a second of slack
                    continue
            except OSError:
                continue
            head = _head_of(cand)
            if not head or self._known(head):
                continue
            self._seen.append((len(head), digest(head)))
            log.info("%s: %s is a rotated generation never followed; reading it whole", path, cand)
            stream = self._make_stream(path, self._formats.get(path, self._format))
            try:
                with Decoded(cand) as content:
                    for chunk in iter(lambda: content.read(READ_BLOCK), b""):
                        stream.feed(chunk)
                        self.bytes_read += len(chunk)
            except (OSError, EOFError, ValueError) as err:
                self._lost(path, 0, f"has a rotated generation {cand} that could not be read to its end ({err})")
            out.append((path, stream.close()))
        return out

    def _lost(self, path: str, offset: int, message: str, kind: str = "rotated") -> None:
        log.warning("%s %s", path, message)
        problem = InputProblem(path=path, kind=kind, offset=offset, message=message)
        self.problems.append(problem)
        self._new_problems.append(problem)

    # -- checkpoint --------------------------------------------------------------------------------------
    def _state(self) -> _checkpoint.State:
        out = []
        for tf in self._retired + list(self._files.values()):
            ident = tf.identity
            fmt = tf.stream.summary().files[0].format or ""
            offset = tf.committed
            tail = tf.tail_before(offset)
            out.append(_checkpoint.Entry(path=tf.path, dev=ident.dev, ino=ident.ino, fingerprint=ident.fingerprint,
                                         length=ident.length, offset=offset, format=fmt, retired=tf.retired,
                                         tail_fingerprint=digest(tail) if tail else "", tail_length=len(tail)))
        return _checkpoint.State(out, list(self._seen), self._polled_at)

    def _save(self) -> None:
        if self.checkpoint and self._pending_valid:
            self._pending_valid = False
            try:
                _checkpoint.save(self.checkpoint, self._pending)
            except BaseException:
                self._done = True     # no window goes on uncovered by a checkpoint
                raise

    def _restore(self, entries: Iterable[_checkpoint.Entry]) -> None:
        """Resumes each file of the checkpoint at its offset — also when it was rotated meanwhile."""
        for e in entries:
            fmt: object = e.format if (e.format and self._format == "auto") else self._format
            if e.format:
                self._formats[e.path] = fmt
            ident = Identity(e.dev, e.ino, e.fingerprint, e.length)
            there = _still_there(e)
            if not e.retired and there == "same":
                tf = self._open(e.path, start=e.offset)
                if tf is not None:
                    tf.format = fmt
                    tf.stream = self._make_stream(e.path, fmt)
                    continue
            found = find_rotated(e.path, ident, e.offset, e.tail_fingerprint, e.tail_length)
            if found is None:
                if there == "shorter":
                    self._lost(e.path, e.offset, "is shorter than the checkpoint's offset (truncated while stopped, "
                                                 "or a damaged checkpoint) and no copy of it was found: read again "
                                                 "from its start; lines before the truncation may be missing")
                else:
                    self._lost(e.path, e.offset, "was rotated while stopped and its rotated copy was not found: "
                                                 "its lines after the checkpoint are missing")
                continue
            name, content = found
            self._remember(ident)
            log.info("%s was rotated while stopped; finishing it from %s", e.path, name)
            stream = self._make_stream(e.path, fmt)
            try:
                with content:
                    for chunk in iter(lambda: content.read(READ_BLOCK), b""):
                        stream.feed(chunk)
                        self.bytes_read += len(chunk)
            except (OSError, EOFError, ValueError) as err:
                self._lost(e.path, e.offset, f"was rotated while stopped and its copy {name} could not be read "
                                             f"to its end ({err}): lines may be missing")
            self._carried.append((e.path, stream.close()))


def _still_there(e: _checkpoint.Entry) -> str:
    """Whether the checkpoint entry's file is still at its path, unchanged up to its offset: ``"same"``
    (same inode, first bytes and bytes before the offset; the device number may have changed, as it does
    after a remount or a reboot on some file systems), ``"shorter"`` (the same file, now shorter than the
    offset) or ``"other"``."""
    try:
        fd = open_regular(e.path)
    except OSError:
        return "other"
    try:
        st = os.fstat(fd)
        if st.st_ino != e.ino or digest(os.pread(fd, e.length, 0)) != e.fingerprint:
            return "other"
        if st.st_size < e.offset:
            return "shorter"
        if e.tail_length and digest(os.pread(fd, e.tail_length, e.offset - e.tail_length)) != e.tail_fingerprint:
            return "other"   # truncated and written again past the offset while stopped
        return "same"
    finally:
        os.close(fd)


def _path_matches(path: str, pattern: str) -> bool:
    """Whether ``path`` is ``pattern`` or, for a glob, one of its matches (a ``*`` stays within one
    directory, as in ``glob``)."""
    if path == pattern or os.path.normpath(path) == os.path.normpath(pattern):
        return True
    if not _GLOB_CHARS & set(pattern):
        return False
    parts, pat = os.path.normpath(path).split(os.sep), os.path.normpath(pattern).split(os.sep)
    return len(parts) == len(pat) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, pat))


def _head_of(path: str) -> bytes:
    """The first bytes of a file's content (decompressed); empty if it cannot be read."""
    try:
        with Decoded(path) as f:
            return f.read(FINGERPRINT_BYTES)
    except (OSError, EOFError, ValueError):
        return b""


def _compressed_last(path: str) -> bool:
    """Sort key: uncompressed files first (a compressed copy may still be being written)."""
    return is_compressed(path)


def follow(paths: PathArg, *, interval: Union[str, float, _dt.timedelta] = "10s",
           checkpoint: Optional[Union[str, "os.PathLike[str]"]] = None, from_start: bool = True,
           format: FormatArg = "auto", by: ByArg = ("class", "code"), max_record: int = _DEFAULT_MAX_RECORD,
           count: str = "transactions", commit: str = "after") -> Follower:
    """Follows live logs: yields one Summary per ``interval`` holding only the records completed in that
    window, across all ``paths`` (files or globs, re-expanded every window so files may appear later;
    ``"-"`` follows standard input until it ends).

    - Only complete records are counted: a line without its newline yet, or a SIP message or stack trace
      still being written, waits for the window that completes it (or for its file to be rotated away).
    - Rotation by rename-and-create: the old file is read to its end through its open descriptor (also
      when it was compressed or removed meanwhile), then the new file is read from its start. Rotation by
      copy-truncate: what was not read yet is taken from the copy (``access.log.1``, also ``.gz``), then
      the file is read again from its start.
    - Only regular files are opened: a FIFO or device given is refused (``OSError``), one appearing later
      is reported in ``Summary.problems``. Rotated files are siblings named as logrotate names them
      (``NAME.N``, ``NAME-YYYYMMDD`` ..., then ``.gz`` or ``.zst``), decoded by the core.
    - ``checkpoint=PATH`` keeps, per file, its identity (inode, digests of its first KiB and of the KiB
      before the offset) and the offset where its counted records end, saved atomically (``commit``:
      ``"after"`` once each window has been consumed, ``"before"`` before it is yielded); a restarted
      follower resumes exactly there (finding files rotated while it was stopped), so no record is lost
      or counted twice. The checkpoint is locked (``PATH.lock``): a second follower on it is refused
      with :class:`~logcodes.CheckpointError`, as are a damaged checkpoint and one that cannot be
      written; its entries for paths not given are ignored, reported and dropped.
    - ``from_start=True`` (the default) reads files present at the start from their first byte, so a stage
      started after its writer loses nothing; ``False`` starts them at their end, like ``tail -f``. Files
      appearing later, and files in the checkpoint, are always read from where their records begin.
    - ``count="calls"``: a call is counted in the window in which it has ended (its final response and, when
      answered, its BYE's answer read) and been quiet for 32 s of message time, or quiet for 4 hours
      whatever its state; see ``docs/pipelines.md`` for what a rotation or a restart does to open calls.

    >>> import logcodes, tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> log = os.path.join(d, "access.log")
    >>> with open(log, "w") as f:
    ...     _ = f.write('::1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 5\\n')
    >>> with logcodes.follow(log, interval="0.1s", format="common", by="code") as windows:
    ...     first = next(windows)
    ...     with open(log, "a") as f:
    ...         _ = f.write('::1 - - [10/Oct/2000:13:55:37 -0700] "GET /x HTTP/1.0" 404 0\\n')
    ...     second = next(windows)
    >>> first.counts(), second.counts()
    ({200: 1}, {404: 1})
    """
    return Follower(paths, interval=interval, checkpoint=checkpoint, from_start=from_start, format=format, by=by,
                    max_record=max_record, count=count, commit=commit)
