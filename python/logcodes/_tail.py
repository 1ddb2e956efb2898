"""One followed file: its identity, its open descriptor, where its counted records end, and finding the
rest of it again after a rotation (renamed, copied, compressed)."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import stat as _stat
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional, Tuple

from . import _core
from .errors import InputError
from .stream import Stream
from .summary import Summary

log = logging.getLogger("logcodes.follow")

# The first bytes of a file say which file it is when its inode changed (copied, compressed) or was reused;
# the bytes just before an offset say whether what lies before it is still what was read (copy-truncate
# rewritten past the old offset with the same beginning).
FINGERPRINT_BYTES = 1024
READ_BLOCK = 1 << 20

StreamFactory = Callable[[str, object], Stream]   # (label, format) -> Stream


def digest(head: bytes) -> str:
    return hashlib.sha256(head).hexdigest()


class NotARegularFileError(OSError):
    """A path names a FIFO, a device or a socket: only regular files are followed (opening a FIFO blocks
    until a writer comes; a device never ends)."""


_KINDS = ((_stat.S_ISFIFO, "a FIFO (named pipe)"), (_stat.S_ISCHR, "a character device"),
          (_stat.S_ISBLK, "a block device"), (_stat.S_ISSOCK, "a socket"))


def _check_regular(path: str, mode: int) -> None:
    if _stat.S_ISREG(mode):
        return
    if _stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NotARegularFileError(errno.EINVAL, f"is {kind}, not a regular file: only regular files are followed "
                                             f"(read a pipe with '-')", path)


class CaptureFileError(NotARegularFileError):
    """A path names a packet capture (pcap, pcapng): its packets are decoded by a scan, not followed as lines
    (which would count its bytes as unparsed lines)."""


class CompressedFileError(NotARegularFileError):
    """A path names a gzip or zstd file: it is written whole by a compressor, never appended to line by line,
    so there is nothing to follow (its rotated copies are read when the live file is rotated)."""


def _check_not_capture(path: str) -> None:
    # The core's own tests (a capture's header, not its first four bytes alone; the compressors' magic), as a
    # scan reads it.
    _, _, compression, capture = _core.probe_path(path)
    if compression != "none" and not capture:
        raise CompressedFileError(errno.EINVAL, f"is {compression}-compressed: watch and follow read a log as it "
                                                "grows, and a compressed file does not grow line by line; count it "
                                                "with `logcodes summarize` or `logcodes report`, or follow the live "
                                                "file it was rotated from (its rotated copies are read then)", path)
    if capture:
        raise CaptureFileError(errno.EINVAL, "is a packet capture (pcap/pcapng): watch and follow read text logs; "
                                             "count a capture file with `logcodes summarize` or `logcodes report`, "
                                             "or capture SIP live with --interface or receive it with --hep", path)


def open_regular(path: str) -> int:
    """A read-only descriptor of the regular file at ``path``. FIFOs, devices, sockets and directories are
    refused: checked with ``stat`` first, and opened ``O_NONBLOCK`` so a FIFO put there meanwhile cannot
    block the open either (checked again on the descriptor)."""
    _check_regular(path, os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        _check_regular(path, os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


@dataclass(frozen=True)
class Identity:
    """Which file: device and inode, and a digest of its first ``length`` bytes (inodes get reused)."""

    dev: int
    ino: int
    fingerprint: str
    length: int


class TailedFile:
    """A file read through one open descriptor from ``start``; it survives renames and unlinks of its path.

    ``committed`` is the file offset up to which every record has been counted (a checkpoint stores it);
    ``read_offset`` is how far the bytes were read (an unterminated line or an open multi-line record lies
    between the two).
    """

    def __init__(self, path: str, fd: int, start: int, make_stream: StreamFactory, format: object) -> None:
        self.path = path
        self.fd = fd
        st = os.fstat(fd)
        self.dev, self.ino = st.st_dev, st.st_ino
        self.format = format
        self._make_stream = make_stream
        self.base = start
        self.read_offset = start
        self.stream = make_stream(path, format)
        self._head = os.pread(fd, FINGERPRINT_BYTES, 0)
        # The last bytes read (up to FINGERPRINT_BYTES), which must still be there at read_offset.
        self._tail = os.pread(fd, min(start, FINGERPRINT_BYTES), start - min(start, FINGERPRINT_BYTES))
        self.retired = False      # its path now names another file (or none): finish it, then drop it

    @classmethod
    def open(cls, path: str, start: Optional[int], make_stream: StreamFactory, format: object) -> "TailedFile":
        """Opens the regular file ``path`` at ``start`` (None: at its end)."""
        fd = open_regular(path)
        try:
            _check_not_capture(path)
            return cls(path, fd, os.fstat(fd).st_size if start is None else start, make_stream, format)
        except BaseException:
            os.close(fd)
            raise

    # -- identity ----------------------------------------------------------------------------------------
    @property
    def identity(self) -> Identity:
        return Identity(self.dev, self.ino, digest(self._head), len(self._head))

    @property
    def tail_read(self) -> bytes:
        """The last bytes read (up to FINGERPRINT_BYTES), as they were read."""
        return self._tail

    def tail_before(self, offset: int) -> bytes:
        """The bytes (up to FINGERPRINT_BYTES) just before ``offset``, as the file holds them now."""
        n = min(offset, FINGERPRINT_BYTES)
        return os.pread(self.fd, n, offset - n)

    def same_file_at(self, path: str) -> bool:
        """Whether ``path`` still names this file."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == (self.dev, self.ino)

    def truncated(self) -> bool:
        """Copy-truncate: the file is shorter than what was read, or its first bytes or the bytes just
        before the read offset changed (it was truncated and written again past the old offset before this
        look, also with the same beginning)."""
        size = os.fstat(self.fd).st_size
        if size < self.read_offset:
            return True
        head = os.pread(self.fd, FINGERPRINT_BYTES, 0)
        if head[:len(self._head)] != self._head:
            return True
        if self._tail and os.pread(self.fd, len(self._tail), self.read_offset - len(self._tail)) != self._tail:
            return True
        self._head = head   # a young file: its fingerprint grows with it
        return False

    # -- reading -----------------------------------------------------------------------------------------
    def size(self) -> int:
        return os.fstat(self.fd).st_size

    @property
    def lag(self) -> int:
        """Bytes in the file not read yet."""
        return max(0, self.size() - self.read_offset)

    @property
    def committed(self) -> int:
        return self.base + self.stream.committed

    def read(self, limit: int, stop: Callable[[], bool] = lambda: False) -> int:
        """Feeds what was appended (at most ``limit`` bytes, fewer once ``stop()`` says so) to the stream;
        returns how many bytes."""
        total = 0
        while total < limit:
            chunk = os.pread(self.fd, min(READ_BLOCK, limit - total), self.read_offset)
            if not chunk:
                break
            self.stream.feed(chunk)
            self.read_offset += len(chunk)
            total += len(chunk)
            self._keep_tail(chunk)
            if stop():
                break
        return total

    def _keep_tail(self, chunk: bytes) -> None:
        if len(chunk) >= FINGERPRINT_BYTES:
            self._tail = chunk[-FINGERPRINT_BYTES:]
        else:
            self._tail = (self._tail + chunk)[-FINGERPRINT_BYTES:]

    def feed_rest_from(self, source: "Decoded") -> int:
        """Feeds the rest of ``source`` (this file's rotated copy, positioned at ``read_offset``); returns
        how many bytes."""
        total = 0
        try:
            for chunk in iter(lambda: source.read(READ_BLOCK), b""):
                self.stream.feed(chunk)
                total += len(chunk)
        finally:
            self.read_offset += total
        return total

    def take(self) -> Summary:
        return self.stream.take()

    def finish(self) -> Summary:
        """The end of this file: an unterminated last line and an open multi-line record are counted."""
        return self.stream.close()

    def restart_at_zero(self) -> None:
        """After a truncation: the same descriptor, a new stream from byte 0."""
        self.base = self.read_offset = 0
        self.stream = self._make_stream(self.path, self.format)
        self._head = os.pread(self.fd, FINGERPRINT_BYTES, 0)
        self._tail = b""

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __repr__(self) -> str:
        state = " retired" if self.retired else ""
        return f"<TailedFile {self.path!r} ino={self.ino} read={self.read_offset} committed={self.committed}{state}>"


class Decoded:
    """A rotated file's content read from byte 0: plain files as they are, gzip and zstd (told by their
    magic bytes) decoded by the core's own decoders, as a scan reads them."""

    def __init__(self, path: str) -> None:
        self.path = path
        fd = open_regular(path)
        self.compressed = _compressed_magic(os.pread(fd, 4, 0))
        self._plain: Optional[int] = None
        self._core: Optional[_core.DecodedInput] = None
        if not self.compressed:
            self._plain, self._pos = fd, 0
            return
        proc = f"/proc/self/fd/{fd}"
        self._name = proc if os.path.exists(proc) else path
        try:   # the core opens the very file checked above, not whatever the path names by now
            self._core = _core.DecodedInput(os.fsencode(self._name))
        except (OSError, EOFError, ValueError) as e:
            raise self._renamed(e) from e
        finally:
            os.close(fd)

    def _renamed(self, e: Exception) -> Exception:
        """The core's error, naming the path rather than the descriptor it was opened through."""
        message = str(e).replace(self._name, self.path, 1)
        if isinstance(e, InputError):
            return type(e)(message, path=self.path, offset=e.offset)
        return type(e)(message)

    def read(self, size: int = READ_BLOCK) -> bytes:
        if self._plain is not None:
            chunk = os.pread(self._plain, size, self._pos)
            self._pos += len(chunk)
            return chunk
        assert self._core is not None
        try:
            return self._core.read(size)
        except (OSError, EOFError, ValueError) as e:
            raise self._renamed(e) from e

    def skip(self, n: int) -> int:
        """Moves ``n`` bytes on (fewer at the end); returns how many."""
        if self._plain is not None:
            step = max(0, min(n, os.fstat(self._plain).st_size - self._pos))
            self._pos += step
            return step
        done = 0
        while done < n:
            chunk = self.read(min(READ_BLOCK, n - done))
            if not chunk:
                break
            done += len(chunk)
        return done

    def close(self) -> None:
        if self._plain is not None:
            os.close(self._plain)
            self._plain = None
        if self._core is not None:
            self._core.close()
            self._core = None

    def __enter__(self) -> "Decoded":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

# The names logrotate (and savelog) give rotated files, after the live file's name: ``.N`` (``rotate``,
# ``savelog``'s ``.0``) or, with ``dateext``, its ``dateformat`` stamp (default ``-%Y%m%d``, hourly
# ``-%Y%m%d%H``; ``%H%M%S`` may follow, also after a dash; ``-%s``; ``-%Y-%m-%d``), then ``.gz`` or
# ``.zst`` once compressed. Other siblings (``access.log.bak``, ``access.log.json``) are other files.
_ROTATED_SUFFIX = re.compile(r"(?:\.\d{1,6}|-\d{8}(?:\d{2}|\d{4}|\d{6}|-\d{6})?|-\d{4}-\d{2}-\d{2})"
                             r"(?:\.gz|\.zst)?")


def is_rotated_name(name: str, live: str) -> bool:
    """Whether the file name ``name`` is one a rotation of the file named ``live`` gives."""
    return name.startswith(live) and _ROTATED_SUFFIX.fullmatch(name, len(live)) is not None


def rotated_candidates(path: str) -> Iterator[str]:
    """Where a rotation may have put ``path``: its regular-file siblings named by the rotation rule
    (``access.log.1``, ``access.log.2.gz``, ``access.log-20240101.zst``), newest first."""
    directory, name = os.path.split(path)
    try:
        entries = os.listdir(directory or ".")
    except OSError:
        return
    found = []
    for entry in entries:
        if is_rotated_name(entry, name):
            full = os.path.join(directory, entry)
            try:
                st = os.stat(full)
            except OSError:
                continue
            if not _stat.S_ISREG(st.st_mode):
                log.debug("%s is named like a rotated %s but is no regular file: not read", full, name)
                continue
            found.append((st.st_mtime, full))
    for _, full in sorted(found, reverse=True):
        yield full


def find_rotated(path: str, ident: Identity, offset: int, tail: str = "",
                 tail_length: int = 0) -> Optional[Tuple[str, Decoded]]:
    """The rotated copy of the file ``ident`` that was followed at ``path``: the same inode with the same
    first bytes, else a file with the same first bytes (and the same ``tail_length`` bytes before
    ``offset`` when their digest ``tail`` is given) and at least ``offset`` bytes — uncompressed ones
    first (a compressed copy may still be being written). Returns its name and content positioned at
    ``offset``."""
    same_inode: List[str] = []
    others: List[Tuple[bool, str]] = []
    for cand in rotated_candidates(path):
        try:
            st = os.stat(cand)
        except OSError:
            continue
        if st.st_ino == ident.ino:   # the device may differ after a remount: the content decides
            same_inode.append(cand)
        else:
            others.append((is_compressed(cand), cand))
    for cand in same_inode + [c for _, c in sorted(others, key=lambda t: t[0])]:
        try:
            f = Decoded(cand)
        except (OSError, EOFError, ValueError):
            continue
        try:
            head = f.read(ident.length)
            if digest(head) == ident.fingerprint and _at_offset(f, head, offset, tail, tail_length):
                return cand, f
        except (OSError, EOFError, ValueError):
            pass
        f.close()
    return None


def _at_offset(f: Decoded, head: bytes, offset: int, tail: str, tail_length: int) -> bool:
    """Moves ``f`` (``head`` read already) to ``offset``, checking the digest of the ``tail_length`` bytes
    before it on the way; False if the content ends first or the tail differs."""
    pos = len(head)
    if offset < pos:
        return False
    if not tail:
        return f.skip(offset - pos) == offset - pos
    start = offset - tail_length
    if start >= pos:
        if f.skip(start - pos) != start - pos:
            return False
        before = f.read(tail_length)
    else:           # the tail begins inside the head (a young file)
        rest = f.read(offset - pos)
        before = (head + rest)[start:]
    return len(before) == tail_length and digest(before) == tail


def is_compressed(path: str) -> bool:
    """Whether the regular file at ``path`` starts with gzip or zstd magic (unreadable: treated as so)."""
    try:
        fd = open_regular(path)
    except OSError:
        return True
    try:
        return _compressed_magic(os.pread(fd, 4, 0))
    finally:
        os.close(fd)


def _compressed_magic(magic: bytes) -> bool:
    return magic[:2] == GZIP_MAGIC or magic == ZSTD_MAGIC
