"""The follow checkpoint: per file, its identity and the offset where its counted records end (JSON,
replaced atomically so a crash leaves the previous or the new state, never half of one)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from typing import List, Tuple

from .errors import CheckpointError

VERSION = 1


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


@dataclass
class State:
    files: List[Entry] = field(default_factory=list)
    # (length, sha256 of the first `length` bytes) of files already read, or there before following began:
    # a rotated file with another beginning is a generation that was never followed (rotated twice while
    # stopped) and is read whole.
    seen: List[Tuple[int, str]] = field(default_factory=list)
    polled_at: float = 0.0     # wall clock of the last read: rotated files changed later may be unseen


def load(path: str) -> State:
    """The checkpoint at ``path``; an empty one if it does not exist yet."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except FileNotFoundError:
        return State()
    except (OSError, ValueError) as e:
        raise CheckpointError(f"cannot read the checkpoint {path}: {e}") from e
    if not isinstance(doc, dict) or doc.get("version") != VERSION or not isinstance(doc.get("files"), list):
        raise CheckpointError(f"{path} is not a logcodes follow checkpoint (version {VERSION})")
    try:
        return State([Entry(**e) for e in doc["files"]], [(int(n), str(d)) for n, d in doc.get("seen", [])],
                     float(doc.get("polled_at", 0.0)))
    except (TypeError, ValueError) as e:
        raise CheckpointError(f"{path}: malformed entry: {e}") from e


def save(path: str, state: State) -> None:
    """Writes the checkpoint: a temporary file beside it, flushed to disk, then renamed over it."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".logcodes-checkpoint-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": VERSION, "polled_at": state.polled_at, "files": [asdict(e) for e in state.files],
                       "seen": [list(s) for s in state.seen]}, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
