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

Names and meanings come in English (``lang="en"``, the registry's own phrases) and Chinese (``lang="zh"``,
a translation table kept as data in ``logcodes/languages/zh.json``). ``phrase()`` is the one place outputs
get a code's name from; its default language is ``get_lang()``, which ``set_lang("zh")`` changes for the
whole process (tables, notebook views, reports):

>>> codes.phrase("sip", 183), codes.phrase("sip", 183, lang="zh"), codes.phrase("http", 100, lang="zh")
('Session Progress', '会话进行中', '继续')
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any, Dict, Iterator, Optional, Tuple

from . import _core
from . import _languages

__all__ = ["CodeInfo", "Q850Cause", "lookup", "describe", "phrase", "reason", "class_of", "class_name", "entries",
           "q850", "q850_causes", "q850_consistent", "get_lang", "set_lang", "PROTOCOLS", "CLASSES", "LANGUAGES"]

PROTOCOLS: Tuple[str, ...] = ("http", "sip")
CLASSES: Tuple[str, ...] = ("1xx", "2xx", "3xx", "4xx", "5xx", "6xx")
LANGUAGES: Tuple[str, ...] = _languages.LANGUAGES
get_lang = _languages.get_lang
set_lang = _languages.set_lang


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
        return f"{self.protocol.upper()} {self.code} {self.phrase('en')}"

    def phrase(self, lang: Optional[str] = None) -> str:
        """The code's name in ``lang`` (default ``get_lang()``): the registered reason phrase, translated
        for ``"zh"``, or "(unregistered)" (translated too) for an unregistered code.

        >>> lookup("sip", 486).phrase("zh")
        '用户忙'
        """
        lang = _languages.check(lang)
        if self.reason is None:
            return _languages.term(lang, "unregistered")
        if lang == "en":
            return self.reason
        return _languages.reason(lang, self.protocol, self.code) or self.reason

    def meaning(self, lang: Optional[str] = None) -> str:
        """What the code means and what a client should do, in ``lang``: ``describe()`` without the head.

        >>> lookup("http", 404).meaning()
        'A client error response (RFC 9110).'
        """
        lang = _languages.check(lang)
        if lang != "en":
            return _languages.explain(lang, self.protocol, self.code, self.class_, self.origin)
        text = _core.code_meaning(self.protocol, self.code)
        if text:
            return str(text)
        name = self.class_name.lower()
        cls = f"{'An' if name[:1] in 'aeiou' else 'A'} {name} response" if name else "A response"
        return f"{cls}{f' ({self.origin})' if self.origin else ''}."

    def class_label(self, lang: Optional[str] = None) -> str:
        """The name of the code's class in its protocol's RFC, in ``lang``: ``"Provisional"``, ``"临时响应"``."""
        return class_name(self.protocol, self.class_, lang=lang)


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


def describe(protocol: str, code: int, lang: Optional[str] = None) -> str:
    """What a code means and what a client should do (SIP: after RFC 3261 §21 and the RFCs that
    registered later codes), in ``lang``: ``"en"`` or ``"zh"`` (default ``get_lang()``, initially "en").

    >>> describe("sip", 182)[:60]
    'SIP 182 Queued: The callee is temporarily unavailable and th'
    >>> describe("sip", 487, lang="zh")
    'SIP 487 请求已终止：请求被 BYE 或 CANCEL 终止（对已取消的 INVITE 的应答）。'
    >>> describe("http", 404, lang="zh")
    'HTTP 404 未找到：客户端错误响应（RFC 9110）。'
    """
    lang = _languages.check(lang)
    info = lookup(protocol, code)
    return f"{info.protocol.upper()} {info.code} {info.phrase(lang)}{_languages.separator(lang)}{info.meaning(lang)}"


def phrase(protocol: Optional[str], code: Any, *, lang: Optional[str] = None) -> str:
    """The name every output shows for ``code`` of ``protocol``: the registered reason phrase of that
    protocol's registry in ``lang`` (default ``get_lang()``), "(unregistered)" for an in-range code no one
    registered, and "" for a value that is not a code of the protocol (or no code, or no known protocol).

    >>> phrase("sip", 100), phrase("http", 100), phrase("sip", 480), phrase("http", 600)
    ('Trying', 'Continue', 'Temporarily Unavailable', '')
    """
    if protocol is None or code is None or isinstance(code, bool):
        return ""
    try:
        return lookup(protocol, code).phrase(lang)
    except ValueError:
        return ""


def reason(protocol: str, code: int, lang: Optional[str] = None) -> Optional[str]:
    """The registered reason phrase (in ``lang``), or None for an unregistered code.

    >>> reason("sip", 603), reason("sip", 603, lang="zh")
    ('Decline', '拒绝')
    """
    info = lookup(protocol, code)
    return None if info.reason is None else info.phrase(lang)


def class_of(code: int) -> str:
    """The class of a code, from its first digit: ``class_of(404) == "4xx"``."""
    if not 100 <= int(code) <= 699:
        raise ValueError(f"{code} is not a status code")
    return f"{int(code) // 100}xx"


def class_name(protocol: str, klass: str | int, lang: Optional[str] = None) -> str:
    """The name of a class in a protocol's RFC: ``class_name("sip", "6xx") == "Global Failure"``
    (``lang="zh"``: ``"全局失败响应"``)."""
    p = _check_protocol(protocol)
    digit = int(str(klass)[0])
    name = _core.class_name(p, digit)
    if not name:
        raise ValueError(f"{protocol.upper()} has no class {klass!r}")
    lang = _languages.check(lang)
    return name if lang == "en" else _languages.class_name(lang, p, f"{digit}xx") or name


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
