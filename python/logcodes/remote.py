"""Inputs named by URLs: ``s3://``, ``gs://``, ``az://``, ``http(s)://``, ``file://`` and any other fsspec
protocol installed (``pip install "logcodes[s3]"`` brings s3fs; gcsfs, adlfs ... work the same way).

The C++ core reads a URL's object with positioned reads of a few MiB (plain objects are split into byte
ranges across threads and workers like local files, compressed ones are decoded as they stream in); this
module gives it those reads through fsspec, with retries, and lists, globs and prunes the inputs before a
scan. Credentials come from where fsspec and the cloud SDKs look for them (environment, configuration
files, instance roles) or from ``storage_options=``; they are never part of a URL that is shown: user
information and signature parameters are cut from every URL and message logcodes prints.
"""

from __future__ import annotations

import atexit
import calendar
import dataclasses
import datetime as _dt
import errno
import re
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from . import _core

__all__ = ["is_url", "safe_url", "expand", "size", "RETRIES", "BACKOFF_SECONDS"]

RETRIES = 4              # a read or listing that fails for a transient reason is tried this many more times
BACKOFF_SECONDS = 0.5    # ... after 0.5 s, then 1 s, 2 s, 4 s
_PRUNE_SLACK_MS = 86_400_000  # a day either side: naive bounds are the log's wall clock, delivery lags

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")
_SECRET_PARAM = re.compile(
    r"([?&](?:[^=&\s]*(?:signature|credential|token|secret|password|passwd|key|sig|auth)[^=&\s]*)=)[^&\s#]*",
    re.IGNORECASE)


def is_url(path: str) -> bool:
    """``scheme://...`` (not a Windows drive, not a local path)."""
    return bool(_URL.match(path))


def safe_url(text: str) -> str:
    """``text`` with the credentials of any URL in it cut out: ``user:password@`` and the values of query
    parameters that carry signatures, tokens or keys (pre-signed URLs).

    >>> safe_url("https://me:secret@example.com/a.log?X-Amz-Signature=abc&part=1")
    'https://example.com/a.log?X-Amz-Signature=REDACTED&part=1'
    """
    return _SECRET_PARAM.sub(r"\1REDACTED", _USERINFO.sub(r"\1", text))


@dataclasses.dataclass
class _Entry:
    fs: Any
    path: str                      # the filesystem's own name of the object
    size: Optional[int] = None
    secrets: Tuple[str, ...] = ()  # credential values given in storage_options: cut from messages


_registry: Dict[str, _Entry] = {}   # shown URL -> how to read it (plain dict operations: atomic)
_installed = threading.Lock()
_opener_set = False


def _redact(message: str, secrets: Tuple[str, ...]) -> str:
    for s in secrets:
        message = message.replace(s, "REDACTED")
    return safe_url(message)


def _secrets(options: Mapping[str, Any]) -> Tuple[str, ...]:
    out: List[str] = []
    for k, v in options.items():
        if isinstance(v, Mapping):
            out.extend(_secrets(v))
        elif isinstance(v, str) and len(v) >= 4 and re.search(r"key|secret|token|password|credential|sig", k, re.I):
            out.append(v)
    return tuple(out)


def _retrying(what: Callable[[], Any], url: str, secrets: Tuple[str, ...]) -> Any:
    """``what()``, tried again with exponential backoff when it fails for a reason that may pass (a lost
    connection, a server restarting, a 5xx); a missing object or a refusal fails at once. The error raised
    names the URL without its credentials."""
    delay = BACKOFF_SECONDS
    for attempt in range(RETRIES + 1):
        try:
            return what()
        except FileNotFoundError:
            raise FileNotFoundError(errno.ENOENT, "no such object", url) from None
        except IsADirectoryError:
            raise IsADirectoryError(errno.EISDIR, "is a directory (a prefix): give its objects or a glob", url) from None
        except PermissionError as e:
            raise PermissionError(errno.EACCES, _redact(str(e) or "access denied", secrets), url) from None
        except (ValueError, TypeError) as e:
            raise type(e)(f"{url}: {_redact(str(e), secrets)}") from None
        except Exception as e:  # noqa: BLE001 - each client library raises its own kinds
            if attempt == RETRIES:
                raise OSError(errno.EIO, f"{_redact(str(e) or type(e).__name__, secrets)} (after {RETRIES + 1} tries)",
                              url) from None
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def size(url: str) -> int:
    """The size of an object :func:`expand` listed (asked of the store when the listing did not say)."""
    entry = _registry.get(url) or _entry(url, {})
    if entry.size is None:
        info = _retrying(lambda: entry.fs.info(entry.path), url, entry.secrets)
        entry.size = int(info.get("size") or 0)
    return entry.size


def _open(url: str) -> Tuple[Callable[[int, int], bytes], int]:
    """The core's opener: ``(read(offset, length) -> bytes, size)`` of the object ``url`` names."""
    entry = _registry.get(url)
    if entry is None:
        entry = _entry(url, {})
    if entry.size is None:
        info = _retrying(lambda: entry.fs.info(entry.path), url, entry.secrets)
        if info.get("type") == "directory":
            raise IsADirectoryError(errno.EISDIR, "is a directory (a prefix): give its objects or a glob", url)
        entry.size = int(info.get("size") or 0)
    size = entry.size
    fs, path, secrets = entry.fs, entry.path, entry.secrets

    def read(offset: int, length: int) -> bytes:
        if offset >= size:
            return b""
        end = min(offset + length, size)
        data = _retrying(lambda: fs.cat_file(path, start=offset, end=end), url, secrets)
        if len(data) > end - offset:
            # A server that ignores Range answers with the whole object: never read its bytes as the range.
            raise OSError(errno.EIO, "the server does not answer range requests (it sent more than asked)", url)
        return bytes(data)

    return read, size


def _install() -> None:
    global _opener_set
    with _installed:
        if not _opener_set:
            _core.set_remote_opener(_open)
            atexit.register(_core.set_remote_opener, None)  # before the interpreter goes away
            _opener_set = True


def _entry(url: str, storage_options: Mapping[str, Any]) -> _Entry:
    try:
        import fsspec  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError(f"reading {safe_url(url)} needs fsspec and the protocol's package: "
                          'pip install "logcodes[s3]" (or fsspec with gcsfs, adlfs, aiohttp ...)') from None
    fs, path = fsspec.core.url_to_fs(url, **dict(storage_options))
    return _Entry(fs, path, secrets=_secrets(storage_options))


def _register(fs: Any, path: str, size: Optional[int], secrets: Tuple[str, ...]) -> str:
    url = safe_url(fs.unstrip_protocol(path) if "://" not in path else path)
    _registry[url] = _Entry(fs, path, size, secrets)
    return url


def _has_glob(url: str) -> bool:
    rest = _URL.sub("", url)
    if url.lower().startswith(("http://", "https://")):
        return "*" in rest          # '?' starts a query there
    return any(c in rest for c in "*?[")


def expand(url: str, storage_options: Optional[Mapping[str, Any]] = None,
           window: Optional[Tuple[Optional[int], Optional[int]]] = None) -> List[str]:
    """The objects ``url`` names, as URLs to scan (credentials cut, registered for reading): one object, a
    glob's matches (sorted), or every object under a prefix (a URL ending in ``/``, or one that names a
    directory). ``window`` (``since``/``until`` in ms, either may be None) skips date-partitioned prefixes —
    ``YYYY/MM/DD[/HH]`` (AWS ALB, ELB, CloudTrail), ``dt=YYYY-MM-DD``, ``year=/month=/day=/hour=`` — that
    hold no record of it, before anything under them is listed.

    Raises FileNotFoundError for a missing object, a glob that matches nothing or an empty prefix.
    """
    _install()
    options = dict(storage_options or {})
    entry = _entry(url, options)
    fs, secrets = entry.fs, entry.secrets
    shown = safe_url(url)
    if _has_glob(url):
        root = _glob_root(entry.path)
        pattern = re.compile(_glob_regex(entry.path))
        found = [(p, s) for p, s in _walk(fs, root, window, shown, secrets) if pattern.fullmatch(p)]
        if not found:
            raise FileNotFoundError(errno.ENOENT, "no object matches the pattern", shown)
    else:
        info = None
        if not url.endswith("/"):
            try:
                info = _retrying(lambda: fs.info(entry.path), shown, secrets)
            except FileNotFoundError:
                raise FileNotFoundError(errno.ENOENT, "no such object", shown) from None
        if info is not None and info.get("type") != "directory":
            return [_register(fs, entry.path, int(info.get("size") or 0), secrets)]
        found = list(_walk(fs, entry.path.rstrip("/"), window, shown, secrets))
        if not found:
            raise FileNotFoundError(errno.ENOENT, "no object under the prefix" +
                                    (" in the since/until window" if window else ""), shown)
    return [_register(fs, p, s, secrets) for p, s in sorted(found)]


def _glob_root(path: str) -> str:
    """The literal directory a glob starts from."""
    first = min((i for i, c in enumerate(path) if c in "*?["), default=len(path))
    return path[:first].rsplit("/", 1)[0]


def _glob_regex(path: str) -> str:
    """A glob as a regex: ``*`` and ``?`` stay within one name, ``**`` crosses ``/`` (as in glob.glob)."""
    out, i = [], 0
    while i < len(path):
        c = path[i]
        if path.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if path.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = path.find("]", i + 1)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = path[i + 1:j]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _walk(fs: Any, root: str, window: Optional[Tuple[Optional[int], Optional[int]]], shown: str,
          secrets: Tuple[str, ...]) -> Iterator[Tuple[str, int]]:
    """(path, size) of every object under ``root``; with a window, one level at a time, skipping
    date-partitioned prefixes outside it; without, in one recursive listing."""
    if not window or window == (None, None):
        found = _retrying(lambda: fs.find(root, detail=True), shown, secrets)
        for p, info in found.items():
            if info.get("type") != "directory":
                yield p, int(info.get("size") or 0)
        return
    stack: List[Tuple[str, Tuple[int, ...]]] = [(root, ())]
    while stack:
        here, date = stack.pop()
        try:
            listing = _retrying(lambda: fs.ls(here, detail=True), shown, secrets)
        except FileNotFoundError:
            continue
        for info in listing:
            name = info["name"].rstrip("/")
            if info.get("type") != "directory":
                yield name, int(info.get("size") or 0)
                continue
            parts = _date_parts(name.rsplit("/", 1)[-1], date)
            if parts is not None and not _overlaps(parts, window):
                continue
            stack.append((name, parts if parts is not None else date))


_HIVE_DATE = re.compile(r"^(?:dt|date|ds|day|partition_date)=(\d{4})-?(\d{2})-?(\d{2})(?:[T _-]?(\d{2}))?$", re.I)
_HIVE_PART = re.compile(r"^(year|month|day|hour)=(\d{1,4})$", re.I)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_LIMITS = ((1970, 9999), (1, 12), (1, 31), (0, 23))


def _date_parts(name: str, date: Tuple[int, ...]) -> Optional[Tuple[int, ...]]:
    """The date a prefix narrows to, given its parent's (year, month, day, hour so far); None when the
    name is not a date part that follows on."""
    m = _HIVE_DATE.match(name) or (_ISO_DATE.match(name) if not date else None)
    if m:
        parts = tuple(int(g) for g in m.groups() if g is not None)
    else:
        m = _HIVE_PART.match(name)
        level = len(date)
        if m:
            if ("year", "month", "day", "hour").index(m.group(1).lower()) != level:
                return None
            parts = date + (int(m.group(2)),)
        elif name.isdigit() and len(name) == (4 if level == 0 else 2) and level < 4:
            parts = date + (int(name),)
        else:
            return None
    if not all(lo <= v <= hi for v, (lo, hi) in zip(parts, _LIMITS)):
        return None
    return parts


def _overlaps(parts: Tuple[int, ...], window: Tuple[Optional[int], Optional[int]]) -> bool:
    """Whether the period ``parts`` names (a year, month, day or hour, UTC) may hold records of the window."""
    y = parts[0]
    mo = parts[1] if len(parts) > 1 else 1
    d = parts[2] if len(parts) > 2 else 1
    h = parts[3] if len(parts) > 3 else 0
    try:
        start = _dt.datetime(y, mo, d, h)
    except ValueError:
        return True
    if len(parts) == 1:
        end = start.replace(year=y + 1)
    elif len(parts) == 2:
        end = start.replace(year=y + mo // 12, month=mo % 12 + 1)
    elif len(parts) == 3:
        end = start + _dt.timedelta(days=1)
    else:
        end = start + _dt.timedelta(hours=1)
    lo = calendar.timegm(start.timetuple()) * 1000 - _PRUNE_SLACK_MS
    hi = calendar.timegm(end.timetuple()) * 1000 + _PRUNE_SLACK_MS
    since, until = window
    return (until is None or lo < until) and (since is None or hi > since)
