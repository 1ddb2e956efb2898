"""Turning the ``paths`` argument into a checked list of inputs."""

from __future__ import annotations

import errno
import glob
import os
from typing import Any, Iterable, List, Mapping, Optional, Tuple, Union

PathArg = Union[str, "os.PathLike[str]", Iterable[Union[str, "os.PathLike[str]"]]]

_GLOB_CHARS = set("*?[")


def path_items(paths: PathArg, what: str = "paths") -> List[str]:
    """The paths or patterns given (one, or an iterable of them) as strings; TypeError / ValueError naming
    the argument (``what``) when they are not paths or there are none."""
    if isinstance(paths, (str, os.PathLike)):
        items = [paths]
    else:
        try:
            items = list(paths)
        except TypeError:
            raise TypeError(f"{what} must be a path or an iterable of paths, not {type(paths).__name__}") from None
    if not items:
        raise ValueError(f"no input paths given in {what}")
    out = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(f"each path in {what} must be a str or os.PathLike, not {type(item).__name__}")
        out.append(os.fspath(item))
    return out


def expand_paths(paths: PathArg, what: str = "paths", *, storage_options: Optional[Mapping[str, Any]] = None,
                 window: Optional[Tuple[Optional[int], Optional[int]]] = None) -> List[str]:
    """Files to scan, in the order given; globs expanded (sorted); ``"-"`` is standard input. URLs
    (``s3://``, ``https://`` ...) name objects read through fsspec (:mod:`logcodes.remote`): a glob or a
    prefix ending in ``/`` lists them, skipping date-partitioned prefixes outside ``window`` (since, until
    in ms); ``file://`` URLs are local paths.

    Raises FileNotFoundError for a missing file or a glob that matches nothing, IsADirectoryError for a
    directory, PermissionError for an unreadable file — before any scanning starts.
    """
    out: List[str] = []
    for p in path_items(paths, what):
        if p == "-":
            out.append(p)
            continue
        if p.startswith("file://"):
            p = p[len("file://"):]
        elif _is_url(p):
            from . import remote

            out.extend(remote.expand(p, storage_options, window))
            continue
        if not os.path.lexists(p) and _GLOB_CHARS & set(p):
            matches = sorted(m for m in glob.glob(p, recursive=True) if not os.path.isdir(m))
            if not matches:
                raise FileNotFoundError(errno.ENOENT, "no file matches the pattern", p)
            out.extend(matches)
            continue
        check_readable(p)
        out.append(p)
    return out


def _is_url(p: str) -> bool:
    scheme, sep, _ = p.partition("://")
    return bool(sep) and scheme[:1].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def check_readable(p: str) -> None:
    if not os.path.exists(p):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), p)
    if os.path.isdir(p):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), p)
    if not os.access(p, os.R_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), p)


def core_paths(paths: Iterable[str]) -> List[bytes]:
    """The paths as the core takes them: bytes as the file system names them (``os.fsencode``), so a file
    name that is not UTF-8 (``caf\\udce9.log`` from ``glob``) is opened like any other."""
    return [os.fsencode(p) for p in paths]
