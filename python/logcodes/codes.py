"""The code registry: every registered HTTP and SIP response code, its class and its meaning.

The table itself lives in the C++ core (one table for both languages); this module is its Python face.

>>> from logcodes import codes
>>> codes.lookup("sip", 486).reason
'Busy Here'
>>> codes.lookup("http", 499).origin
'nginx'
>>> codes.lookup("http", 299).registered
False
>>> codes.class_of(503)
'5xx'
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Dict, Iterator, Optional, Tuple

from . import _core

__all__ = ["CodeInfo", "Q850Cause", "lookup", "describe", "reason", "class_of", "class_name", "entries", "q850", "q850_causes",
           "q850_consistent", "PROTOCOLS", "CLASSES"]

PROTOCOLS: Tuple[str, ...] = ("http", "sip")
CLASSES: Tuple[str, ...] = ("1xx", "2xx", "3xx", "4xx", "5xx", "6xx")


@dataclasses.dataclass(frozen=True)
class CodeInfo:
    """What a response code means.

    ``registered`` is True for codes in the registry (IANA, RFC 3261, or a de-facto code of a widely
    used server: then ``source == "defacto"`` and ``origin`` names the vendor). An in-range code that no
    one registered is still a valid code: ``registered`` False, ``reason`` None.
    """

    protocol: str
    code: int
    reason: Optional[str]
    class_: str
    class_name: str
    registered: bool
    source: Optional[str] = None   # "iana" | "defacto" | None
    origin: Optional[str] = None   # "RFC 9110", "RFC 3261", "nginx", ...
    note: Optional[str] = None

    def __str__(self) -> str:
        what = self.reason or "(unregistered)"
        return f"{self.protocol.upper()} {self.code} {what}"


def _check_protocol(protocol: str) -> str:
    p = str(protocol).lower()
    if p not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; valid: {', '.join(PROTOCOLS)}")
    return p


@lru_cache(maxsize=None)
def _table() -> Dict[Tuple[str, int], CodeInfo]:
    table: Dict[Tuple[str, int], CodeInfo] = {}
    for protocol, code, reason_, source, origin, note in _core.registry_entries():
        digit = code // 100
        table[(protocol, code)] = CodeInfo(
            protocol=protocol,
            code=code,
            reason=reason_,
            class_=f"{digit}xx",
            class_name=_core.class_name(protocol, digit),
            registered=True,
            source=source,
            origin=origin,
            note=note or None,
        )
    return table


def code_range(protocol: str) -> Tuple[int, int]:
    """Lowest and highest value that is a code of the protocol: HTTP (100, 599), SIP (100, 699)."""
    lo, hi = _core.code_range(_check_protocol(protocol))
    return int(lo), int(hi)


def lookup(protocol: str, code: int) -> CodeInfo:
    """The meaning of ``code`` in ``protocol`` ("http" or "sip").

    Raises ValueError when ``code`` is not a status code of the protocol at all (e.g. 9, 1000, or 600 for
    HTTP); an in-range but unregistered code returns an entry with ``registered=False``.

    >>> lookup("http", 404)
    CodeInfo(protocol='http', code=404, reason='Not Found', class_='4xx', class_name='Client Error', registered=True, source='iana', origin='RFC 9110', note=None)
    """
    p = _check_protocol(protocol)
    if isinstance(code, bool) or not isinstance(code, int):
        try:
            code = int(str(code), 10)
        except ValueError:
            raise ValueError(f"{code!r} is not a status code") from None
    hit = _table().get((p, code))
    if hit is not None:
        return hit
    lo, hi = code_range(p)
    if not lo <= code <= hi:
        raise ValueError(f"{code} is not a {p.upper()} status code (valid codes are {lo}..{hi})")
    digit = code // 100
    return CodeInfo(p, code, None, f"{digit}xx", _core.class_name(p, digit), False)


def describe(protocol: str, code: int) -> str:
    """What a code means and what a client should do (SIP: after RFC 3261 §21 and the RFCs that
    registered later codes).

    >>> describe("sip", 182)[:60]
    'SIP 182 Queued: The callee is temporarily unavailable and th'
    """
    info = lookup(protocol, code)
    meaning = _core.code_meaning(info.protocol, info.code)
    head = f"{info.protocol.upper()} {info.code} {info.reason or '(unregistered)'}"
    if meaning:
        return f"{head}: {meaning}"
    cls = f"a {info.class_name.lower()} response" if info.class_name else "a response"
    source = f" ({info.origin})" if info.origin else ""
    return f"{head}: {cls}{source}."


def reason(protocol: str, code: int) -> Optional[str]:
    """The registered reason phrase, or None for an unregistered code.

    >>> reason("sip", 603)
    'Decline'
    """
    return lookup(protocol, code).reason


def class_of(code: int) -> str:
    """The class of a code, from its first digit: ``class_of(404) == "4xx"``."""
    if not 100 <= int(code) <= 699:
        raise ValueError(f"{code} is not a status code")
    return f"{int(code) // 100}xx"


def class_name(protocol: str, klass: str | int) -> str:
    """The name of a class in a protocol's RFC: ``class_name("sip", "6xx") == "Global Failure"``."""
    digit = int(str(klass)[0])
    name = _core.class_name(_check_protocol(protocol), digit)
    if not name:
        raise ValueError(f"{protocol.upper()} has no class {klass!r}")
    return name


def entries(protocol: Optional[str] = None) -> Iterator[CodeInfo]:
    """Every registry entry (of one protocol, or of both), in (protocol, code) order."""
    p = _check_protocol(protocol) if protocol is not None else None
    for (proto, _), info in _table().items():
        if p is None or proto == p:
            yield info


@dataclasses.dataclass(frozen=True)
class Q850Cause:
    """An ITU-T Q.850 release cause, as SIP carries it in ``Reason: Q.850;cause=N``.

    ``sip_code`` is the SIP response RFC 3398 maps the cause to (None when it maps none).
    """

    value: int
    name: str
    slug: str
    sip_code: Optional[int]

    def __str__(self) -> str:
        return f"Q.850 {self.value} {self.name}"


@lru_cache(maxsize=None)
def _q850_table() -> Dict[int, Q850Cause]:
    return {v: Q850Cause(v, name, slug, _core.q850_to_sip(v) or None) for v, name, slug in _core.q850_causes()}


def q850(value: int) -> Q850Cause:
    """The Q.850 cause ``value``.

    >>> q850(17).name
    'User busy'
    >>> q850(17).sip_code
    486
    """
    hit = _q850_table().get(int(value))
    if hit is None:
        raise ValueError(f"{value} is not a Q.850 cause value")
    return hit


def q850_causes() -> Iterator[Q850Cause]:
    """Every Q.850 cause value, in order."""
    return iter(_q850_table().values())


def q850_consistent(code: int, cause: int) -> bool:
    """Whether a SIP final response and the Q.850 cause in its Reason header agree (RFC 3398 mappings,
    outcome families); e.g. ``486`` with cause 16 (normal clearing) does not.

    >>> q850_consistent(486, 17), q850_consistent(486, 16)
    (True, False)
    """
    return bool(_core.q850_consistent(int(code), int(cause)))
