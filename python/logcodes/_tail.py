"""One followed file: its identity, its open descriptor, where its counted records end, and finding the
rest of it again after a rotation (renamed, copied, compressed)."""

from __future__ import annotations

import gzip
import hashlib
import os
import stat as _stat
from dataclasses import dataclass
from typing import IO, Callable, Iterator, List, Optional, Tuple

from .stream import Stream
from .summary import Summary

# The first bytes of a file say which file it is when its inode changed (copied, compressed) or was reused.
FINGERPRINT_BYTES = 1024
READ_BLOCK = 1 << 20

StreamFactory = Callable[[str, object], Stream]   # (label, format) -> Stream


def digest(head: bytes) -> str:
    return hashlib.sha256(head).hexdigest()


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
        self.retired = False      # its path now names another file (or none): finish it, then drop it

    @classmethod
    def open(cls, path: str, start: Optional[int], make_stream: StreamFactory, format: object) -> "TailedFile":
        """Opens ``path`` at ``start`` (None: at its end)."""
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        try:
            if _stat.S_ISDIR(os.fstat(fd).st_mode):
                raise IsADirectoryError(21, "Is a directory", path)
            return cls(path, fd, os.fstat(fd).st_size if start is None else start, make_stream, format)
        except BaseException:
            os.close(fd)
            raise

    # -- identity ----------------------------------------------------------------------------------------
    @property
    def identity(self) -> Identity:
        return Identity(self.dev, self.ino, digest(self._head), len(self._head))

    def same_file_at(self, path: str) -> bool:
        """Whether ``path`` still names this file."""
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == (self.dev, self.ino)

    def truncated(self) -> bool:
        """Copy-truncate: the file is shorter than what was read, or its first bytes changed (it was
        truncated and written again past the old offset before this look)."""
        size = os.fstat(self.fd).st_size
        if size < self.read_offset:
            return True
        head = os.pread(self.fd, FINGERPRINT_BYTES, 0)
        if head[:len(self._head)] != self._head:
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

    def read(self, limit: int) -> int:
        """Feeds what was appended (at most ``limit`` bytes) to the stream; returns how many bytes."""
        total = 0
        while total < limit:
            chunk = os.pread(self.fd, min(READ_BLOCK, limit - total), self.read_offset)
            if not chunk:
                break
            self.stream.feed(chunk)
            self.read_offset += len(chunk)
            total += len(chunk)
        return total

    def feed_rest_from(self, source: IO[bytes], offset: int) -> int:
        """Feeds the bytes of ``source`` (this file's rotated copy) past ``offset``; returns how many."""
        skip_bytes(source, offset)
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

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __repr__(self) -> str:
        state = " retired" if self.retired else ""
        return f"<TailedFile {self.path!r} ino={self.ino} read={self.read_offset} committed={self.committed}{state}>"


def skip_bytes(source: IO[bytes], n: int) -> None:
    """Moves past the first ``n`` bytes (seeks when it can, reads otherwise: compressed files)."""
    try:
        source.seek(n)
        return
    except (OSError, ValueError):
        pass
    while n > 0:
        chunk = source.read(min(READ_BLOCK, n))
        if not chunk:
            return
        n -= len(chunk)


def open_decoded(path: str) -> IO[bytes]:
    """A file's content: gzip (by its magic bytes) decompressed, anything else as is."""
    with open(path, "rb") as f:
        magic = f.read(2)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]  # a binary file object all the same
    return open(path, "rb")


def rotated_candidates(path: str) -> Iterator[str]:
    """Where a rotation may have put ``path``: its siblings named after it (``access.log.1``,
    ``access.log.2.gz``, ``access.log-20240101``), newest first."""
    directory, name = os.path.split(path)
    try:
        entries = os.listdir(directory or ".")
    except OSError:
        return
    found = []
    for entry in entries:
        if entry != name and entry.startswith(name):
            full = os.path.join(directory, entry)
            try:
                found.append((os.stat(full).st_mtime, full))
            except OSError:
                continue
    for _, full in sorted(found, reverse=True):
        yield full


def find_rotated(path: str, ident: Identity, offset: int) -> Optional[Tuple[str, IO[bytes]]]:
    """The rotated copy of the file ``ident`` that was followed at ``path``: the same inode with the same
    first bytes, else a file with the same first bytes and at least ``offset`` bytes — uncompressed ones
    first (a compressed copy may still be being written). Returns its name and content opened at byte 0."""
    same_inode: List[str] = []
    plain: List[str] = []
    compressed: List[str] = []
    for cand in rotated_candidates(path):
        try:
            st = os.stat(cand)
            with open(cand, "rb") as raw:
                magic = raw.read(2)
        except OSError:
            continue
        if not _stat.S_ISREG(st.st_mode):
            continue
        if (st.st_dev, st.st_ino) == (ident.dev, ident.ino):
            same_inode.append(cand)
        else:
            (compressed if magic == b"\x1f\x8b" else plain).append(cand)
    for cand in same_inode + plain + compressed:
        try:
            f = open_decoded(cand)
        except OSError:
            continue
        try:
            head = f.read(ident.length)
            if digest(head) == ident.fingerprint and _has_bytes(f, offset - len(head)):
                f.seek(0)
                return cand, f
        except (OSError, EOFError):
            pass
        f.close()
    return None


def _has_bytes(f: IO[bytes], n: int) -> bool:
    """Whether at least ``n`` more bytes follow (reads through compressed content)."""
    while n > 0:
        chunk = f.read(min(READ_BLOCK, n))
        if not chunk:
            return False
        n -= len(chunk)
    return True
