"""The follow checkpoint: per file, its identity and the offset where its counted records end (JSON,
replaced atomically so a crash leaves the previous or the new state, never half of one), and the lock
that keeps a second follower off it."""

from __future__ import annotations

import errno as _errno
import fcntl
import json
import math
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Optional, Tuple

from .errors import CheckpointError

VERSION = 2
READABLE_VERSIONS = (1, 2)     # version 1 has no tail fingerprints: those files are resumed without that check
# An offset pread() can take (off_t); anything larger is no offset a file of this system has.
MAX_OFFSET = (1 << 63) - 1
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    path: str            # the path the file was followed under
    dev: int
    ino: int
    fingerprint: str     # sha256 of the first `length` bytes
    length: int
    offset: int          # every record before this byte is counted, none after it
    format: str          # the format in use ("" while it was still being detected)
    retired: bool        # rotated away and not finished yet
    tail_fingerprint: str = ""   # sha256 of the `tail_length` bytes just before `offset` ("" when unknown)
    tail_length: int = 0


@dataclass
class State:
    files: List[Entry] = field(default_factory=list)
    # (length, sha256 of the first `length` bytes) of files already read, or there before following began:
    # a rotated file with another beginning is a generation that was never followed (rotated twice while
    # stopped) and is read whole.
    seen: List[Tuple[int, str]] = field(default_factory=list)
    polled_at: float = 0.0     # wall clock of the last read: rotated files changed later may be unseen


def _reason(e: OSError) -> str:
    return e.strerror or str(e)


def load(path: str) -> State:
    """The checkpoint at ``path``; an empty one if it does not exist yet. Anything else that is not a
    checkpoint this module wrote raises :class:`CheckpointError` with one line naming the path and the
    value at fault."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        return State()
    except UnicodeDecodeError as e:
        raise CheckpointError(f"cannot read the checkpoint {path}: not UTF-8 text ({e.reason})") from e
    except ValueError as e:
        raise CheckpointError(f"cannot read the checkpoint {path}: not JSON ({e}); remove it to start over") from e
    except OSError as e:
        raise CheckpointError(f"cannot read the checkpoint {path}: {_reason(e)}") from e
    if not isinstance(doc, dict) or doc.get("version") not in READABLE_VERSIONS or not isinstance(doc.get("files"), list):
        raise CheckpointError(f"{path} is not a logcodes follow checkpoint (version {VERSION})")
    files = [_entry(path, i, e) for i, e in enumerate(doc["files"])]
    seen_doc = doc.get("seen", [])
    if not isinstance(seen_doc, list):
        raise CheckpointError(f"{path}: malformed entry: 'seen' is {_show(seen_doc)}, not a list")
    seen = []
    for i, s in enumerate(seen_doc):
        if not (isinstance(s, list) and len(s) == 2 and _is_count(s[0]) and isinstance(s[1], str)
                and _HEX_DIGEST.fullmatch(s[1])):
            raise CheckpointError(f"{path}: malformed entry: seen[{i}] is {_show(s)}, not [length, sha256]")
        seen.append((int(s[0]), s[1]))
    polled_at = doc.get("polled_at", 0.0)
    if isinstance(polled_at, bool) or not isinstance(polled_at, (int, float)) or not math.isfinite(polled_at):
        raise CheckpointError(f"{path}: malformed entry: polled_at is {_show(polled_at)}, not a time in seconds")
    return State(files, seen, float(polled_at))


def _is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_OFFSET


def _show(v: Any) -> str:
    text = json.dumps(v)
    return text if len(text) <= 40 else text[:37] + "..."


_FIELDS = {f.name: f for f in fields(Entry)}
_REQUIRED = [f.name for f in fields(Entry) if f.name not in ("tail_fingerprint", "tail_length")]


def _entry(path: str, i: int, doc: Any) -> Entry:
    """One file entry, each value checked for its type and range."""
    where = f"{path}: malformed entry: files[{i}]"
    if not isinstance(doc, dict):
        raise CheckpointError(f"{where} is {_show(doc)}, not an object")
    unknown = sorted(set(doc) - set(_FIELDS))
    missing = [k for k in _REQUIRED if k not in doc]
    if unknown or missing:
        what = ", ".join([f"unknown key {k!r}" for k in unknown] + [f"no {k!r}" for k in missing])
        raise CheckpointError(f"{where}: {what}")
    values: Dict[str, Any] = dict(doc)
    for key in ("dev", "ino", "length", "offset", "tail_length"):
        if key in values and not _is_count(values[key]):
            raise CheckpointError(f"{where}.{key} is {_show(values[key])}, not a whole number from 0 to 2**63-1")
    for key in ("path", "format"):
        if not isinstance(values[key], str):
            raise CheckpointError(f"{where}.{key} is {_show(values[key])}, not a string")
    if not values["path"]:
        raise CheckpointError(f"{where}.path is empty")
    if not isinstance(values["retired"], bool):
        raise CheckpointError(f"{where}.retired is {_show(values['retired'])}, not true or false")
    for key in ("fingerprint", "tail_fingerprint"):
        v = values.get(key, "")
        if not isinstance(v, str) or (v and not _HEX_DIGEST.fullmatch(v)) or (key == "fingerprint" and not v):
            raise CheckpointError(f"{where}.{key} is {_show(v)}, not a SHA-256 in hex")
    if values.get("tail_length", 0) > values["offset"]:
        raise CheckpointError(f"{where}.tail_length is larger than its offset")
    return Entry(**values)


def save(path: str, state: State) -> None:
    """Writes the checkpoint: a temporary file beside it, flushed to disk, then renamed over it. A write
    that fails (no space, read-only, directory gone) leaves the previous checkpoint as it was and raises
    :class:`CheckpointError` naming the path and the reason."""
    directory = os.path.dirname(os.path.abspath(path))
    text = json.dumps({"version": VERSION, "polled_at": state.polled_at, "files": [asdict(e) for e in state.files],
                       "seen": [list(s) for s in state.seen]}, indent=1).encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".logcodes-checkpoint-", dir=directory)
    except OSError as e:
        raise CheckpointError(f"cannot write the checkpoint {path}: {_reason(e)} (creating a file in {directory})") from e
    try:
        try:
            view = memoryview(text)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise CheckpointError(f"cannot write the checkpoint {path}: {_reason(e)}") from e
        raise


class Lock:
    """An exclusive ``flock`` on ``PATH.lock`` beside the checkpoint, held while a follower uses it: a
    second follower of the same checkpoint is refused at once (never waits). The lock file stays (removing
    it would let two followers lock two different files)."""

    def __init__(self, checkpoint: str) -> None:
        self.path = checkpoint + ".lock"
        self._fd: Optional[int] = None
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as e:
            raise CheckpointError(f"cannot use the checkpoint {checkpoint}: {_reason(e)} "
                                  f"(creating its lock file {self.path})") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = _read_pid(fd)
            os.close(fd)
            if e.errno in (_errno.EWOULDBLOCK, _errno.EAGAIN, _errno.EACCES):
                by = f" (process {holder})" if holder else ""
                raise CheckpointError(f"the checkpoint {checkpoint} is in use by another follower{by}: "
                                      f"one checkpoint serves one follower") from e
            raise CheckpointError(f"cannot lock the checkpoint {checkpoint}: {_reason(e)}") from e
        try:   # who holds it, for the message a second follower gets; best effort
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)     # closing the descriptor drops the flock
            self._fd = None


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""
