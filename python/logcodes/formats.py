"""Log formats: the built-in ones, and formats compiled from your server's own format string.

Copy the format line from your server's configuration exactly as written:

>>> from logcodes import formats
>>> f = formats.nginx('\\'$remote_addr [$time_local] "$request" $status $body_bytes_sent rt=$request_time us="$upstream_status"\\'')
>>> f.parse('10.0.0.1 [10/Oct/2000:13:55:36 +0000] "GET /a?b=1 HTTP/1.1" 502 157 rt=0.004 us="502, 502"')["status"]
'502'
>>> a = formats.apache('"%h %l %u %t \\\\"%r\\\\" %>s %b %D \\\\"%{Host}i\\\\""')
>>> sorted(a.fields)[:3]
['bytes', 'http_host', 'remote_host']

A bad format string raises :class:`logcodes.FormatError` pointing at the offending token.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _core
from .errors import FormatError

__all__ = ["Format", "nginx", "apache", "tomcat", "envoy", "cloudfront", "json", "compile", "COMPILERS", "get",
           "available", "detectable", "fields", "wrappers", "wrap"]


class Format:
    """A log format usable as ``scan(..., format=...)``; built in, or compiled from a format string."""

    def __init__(self, core: Any, *, kind: str, source: Optional[str] = None) -> None:
        self._core = core
        self._json_fields: List[Tuple[str, List[str]]] = []
        self._wrapped: Optional[Tuple[str, "Format"]] = None  # (wrapper, inner) of a format made by wrap()
        self.kind = kind
        self.source = source

    @property
    def name(self) -> str:
        return str(self._core.name)

    @property
    def description(self) -> str:
        return str(self._core.description)

    @property
    def fields(self) -> Tuple[str, ...]:
        """Named fields this format yields: each can be used in ``by=``."""
        return tuple(self._core.field_names())

    def parse(self, line: Union[str, bytes]) -> Optional[Dict[str, Any]]:
        """What this format reads from one line (a dict of fields), or None when the line is not of it.

        Meant for trying a format out; scans never go through Python per line.
        """
        result = self.parse_lines([line])[0]
        return result if isinstance(result, dict) else None

    def parse_lines(self, lines: Sequence[Union[str, bytes]]) -> List[Union[Dict[str, Any], str]]:
        """Reads lines in order (state such as W3C ``#Fields`` carries over): a dict per record, else the
        string ``"meta"`` (a directive or header) or ``"unparsed"``."""
        raw = [ln.encode("utf-8") if isinstance(ln, str) else bytes(ln) for ln in lines]
        return list(self._core.parse_lines(raw))

    def __repr__(self) -> str:
        return f"<logcodes.formats.Format {self.name!r} ({self.kind}): {self.description}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Format) and (self.kind, self.name, self.description) == (other.kind, other.name, other.description)

    def __hash__(self) -> int:
        return hash((self.kind, self.name, self.description))

    def __reduce__(self) -> Any:
        # Pickled by its source, so formats travel to worker processes (Dask) and back.
        if self._wrapped is not None:
            return (wrap, self._wrapped)
        if self.kind == "builtin":
            return (get, (self.name,))
        if self.kind == "json":
            return (_json_again, (getattr(self, "_json_fields", []), self.name))
        return (_compile_again, (self.kind, self.source, self.name))


def _compile_again(kind: str, source: str, name: str) -> "Format":
    return _compile(kind, source, name)


def _json_again(items: List[Tuple[str, List[str]]], name: str) -> "Format":
    return json(dict(items), name=name)


# (kind, what its text is) of the server format strings the core compiles: nginx, apache, tomcat, envoy,
# cloudfront (a real-time log configuration's fields).
COMPILERS: Tuple[Tuple[str, str], ...] = tuple(_core.FORMAT_COMPILERS)


def compile(kind: str, text: str, *, name: Optional[str] = None) -> Format:
    """A format from a server's format string of one of the :data:`COMPILERS` kinds (``"nginx"``,
    ``"apache"``, ``"tomcat"``, ``"envoy"``, ``"cloudfront"``); the same as calling :func:`nginx` etc.

    >>> compile("nginx", '$remote_addr [$time_local] "$request" $status').fields[:2]
    ('remote_addr', 'time_local')
    """
    return _compile(kind, text, name)


def _compile(kind: str, text: str, name: Optional[str]) -> Format:
    if not isinstance(text, str):
        raise TypeError(f"the {kind} format must be a str, not {type(text).__name__}")
    core, error, position, token = _core.compile_format(kind, text, name or "")
    if core is None:
        raise FormatError(_pointed(f"bad {kind} format: {error}", text, position, token), text=text, position=position,
                          token=token)
    return Format(core, kind=kind, source=text)


def _pointed(message: str, text: str, position: int, token: str) -> str:
    """The message, then the format text with a caret under the offending token."""
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    where = f" (at offset {position}" + (f", {token!r})" if token else ")")
    return f"{message}{where}\n    {line}\n    {' ' * (position - line_start)}^"


def nginx(text: str, *, name: Optional[str] = None) -> Format:
    """A format from an nginx ``log_format``: the text after the name as in nginx.conf (quoted strings,
    optional ``escape=json|default|none``), or the whole ``log_format NAME ...;`` directive."""
    return _compile("nginx", text, name)


def apache(text: str, *, name: Optional[str] = None) -> Format:
    """A format from an Apache ``LogFormat``: the quoted format string as in httpd.conf (``\\"`` escapes
    included), a bare format string, or the whole ``LogFormat "..." nickname`` line."""
    return _compile("apache", text, name)


def tomcat(pattern: str, *, name: Optional[str] = None) -> Format:
    """A format from a Tomcat ``AccessLogValve`` pattern (or ``"common"`` / ``"combined"``)."""
    return _compile("tomcat", pattern, name)


def envoy(text: str, *, name: Optional[str] = None) -> Format:
    """A format from an Envoy access-log format string (``%START_TIME%``, ``%RESPONSE_CODE%`` ...)."""
    return _compile("envoy", text, name)


def cloudfront(fields: Union[str, Sequence[str]], *, name: Optional[str] = None) -> Format:
    """A format for CloudFront real-time logs from the configuration's field names (``"timestamp c-ip
    sc-status ..."`` or a list), in any order: records hold them in the order AWS documents.

    >>> cloudfront(["sc-status", "timestamp", "time-taken"]).fields
    ('timestamp', 'sc-status', 'time-taken')
    """
    text = fields if isinstance(fields, str) else " ".join(fields)
    return _compile("cloudfront", text, name)


def json(fields: Mapping[str, Union[str, Sequence[str]]], *, name: Optional[str] = None) -> Format:
    """A JSON-lines format from a field map: role or field name -> JSON path (or several, first present
    wins), keys joined by ``.``. Roles: ``status`` (required), ``method``, ``target`` (URI with query),
    ``path``, ``host``, ``client``, ``time``, ``duration``, ``bytes``, ``request`` (a whole request line),
    ``upstream_status``, ``protocol``; any other name becomes a named field usable in ``by=``.

    >>> f = json({"status": "resp.status", "path": "req.path", "tenant": "ctx.tenant"})
    >>> f.parse('{"req": {"path": "/a"}, "resp": {"status": 503}, "ctx": {"tenant": "acme"}}')["status"]
    '503'
    """
    if not isinstance(fields, Mapping) or not fields:
        raise FormatError("a JSON field map is a non-empty dict: name -> JSON path(s)")
    items = []
    for key, paths in fields.items():
        plist = [paths] if isinstance(paths, str) else list(paths)
        if not all(isinstance(p, str) for p in plist):
            raise FormatError(f"the JSON paths of {key!r} must be strings")
        items.append((str(key), plist))
    core, error, position, token = _core.compile_json(items, name or "")
    if core is None:
        raise FormatError(f"bad JSON field map: {error}", text=repr(dict(fields)), position=position, token=token)
    fmt = Format(core, kind="json", source=None)
    fmt._json_fields = items
    return fmt


def get(name: str) -> Format:
    """A built-in format by name (see :func:`available`), or ``"WRAPPER+NAME"`` (see :func:`wrap`)."""
    if "+" in name:
        wrapper, _, inner = name.partition("+")
        return wrap(wrapper, inner)
    try:
        return Format(_core.builtin_format(name), kind="builtin")
    except ValueError:
        raise FormatError(f"unknown format {name!r}; valid formats: auto, {', '.join(available())}") from None


def wrappers() -> Dict[str, str]:
    """The envelopes a log line may come in, and what they are (docs/wrappers.md).

    ``format="auto"`` finds them itself; ``format="syslog+combined"`` or :func:`wrap` names one.

    >>> sorted(wrappers())
    ['cri', 'docker', 'journald', 'json', 'syslog']
    """
    return {name: description for name, description in _core.envelopes()}


def wrap(wrapper: str, format: Union[str, Format]) -> Format:
    """``format`` read inside the envelope ``wrapper`` (a name of :func:`wrappers`).

    Each line is peeled first; the envelope's host, time (when the line has none), stream and program
    (the ``stream`` and ``app`` fields) are kept. ``wrap("syslog", "combined")`` is the format named
    ``"syslog+combined"``; compiled formats wrap the same way:

    >>> f = wrap("syslog", nginx('$remote_addr [$time_local] "$request" $status'))
    >>> r = f.parse('<190>Dec  5 10:00:01 web1 nginx: 10.0.0.1 [05/Dec/2026:10:00:01 +0000] "GET / HTTP/1.1" 404')
    >>> r["status"], r["host"]
    ('404', 'web1')
    """
    if not isinstance(wrapper, str):
        raise TypeError(f"wrapper must be a name, not {type(wrapper).__name__}")
    if wrapper not in wrappers():
        raise FormatError(f"unknown wrapper {wrapper!r}; valid wrappers: {', '.join(wrappers())}")
    inner = format if isinstance(format, Format) else get(format)
    if not isinstance(inner, Format):
        raise TypeError(f"format must be a name or a logcodes.formats.Format, not {type(format).__name__}")
    fmt = Format(_core.wrap_format(wrapper, inner._core), kind=inner.kind, source=inner.source)
    fmt._wrapped = (wrapper, inner)
    return fmt


def available() -> Dict[str, str]:
    """Built-in format names (aliases included) and what they are.

    >>> "combined" in available()
    True
    """
    return {entry[0]: entry[2] for entry in _core.formats()}


def detectable() -> Tuple[str, ...]:
    """Built-in formats ``format="auto"`` chooses among, most specific first."""
    return tuple(entry[0] for entry in _core.formats() if entry[3])


def fields() -> Tuple[str, ...]:
    """Every named field a known format yields (built-in formats and those compiled so far)."""
    return tuple(_core.known_fields())


FormatArg = Union[str, Format]


def resolve(format: FormatArg) -> Union[str, Any]:
    """What the core takes: "auto", a built-in name, or a compiled format object."""
    if isinstance(format, Format):
        return format._core
    if not isinstance(format, str):
        raise TypeError(f"format must be a name or a logcodes.formats.Format, not {type(format).__name__}")
    if "+" in format:  # "syslog+combined": a built-in format inside an envelope
        wrapper, _, inner = format.partition("+")
        if wrapper not in wrappers():
            raise FormatError(f"unknown wrapper {wrapper!r} in {format!r}; valid wrappers: {', '.join(wrappers())}")
        resolve(inner)
        return format
    if format != "auto" and format not in available():
        raise FormatError(f"unknown format {format!r}; valid formats: auto, {', '.join(available())}")
    return format


