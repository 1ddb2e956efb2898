"""Keeping HTTP and SIP apart in a Summary.

A scan always asks the core for the protocol of every group, first among the dimensions, even when
``by=`` does not name it (it costs one byte of group key, and nothing on the class/code fast path). When
all counts are of one protocol the column is dropped and the protocol remembered with the summary; when
they span several it stays as a dimension — shown in every output — so an HTTP 200 and a SIP 200 are never
added together. Merging summaries keeps the same rule.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

Key = Tuple[Any, ...]
PROTOCOL = "protocol"


def core_dims(dims: Sequence[str]) -> Tuple[str, ...]:
    """The dimensions to ask the core for: ``dims`` with the protocol in front when it is not there."""
    return tuple(dims) if PROTOCOL in dims else (PROTOCOL, *dims)


def settle(dims: Sequence[str], counts: Mapping[Key, int], sketches: Mapping[Key, Any],
           ) -> Tuple[Tuple[str, ...], Dict[Key, int], Dict[Key, Any], Optional[str]]:
    """From groups keyed by ``core_dims(dims)``: (dims, counts, sketches, protocol). One protocol (or none):
    the protocol column is dropped and returned; several: it stays as the first dimension."""
    dims = tuple(dims)
    if PROTOCOL in dims:
        return dims, dict(counts), dict(sketches), None
    seen = {k[0] for k in counts} | {k[0] for k in sketches}
    if len(seen) > 1:
        return (PROTOCOL, *dims), dict(counts), dict(sketches), None
    protocol = next(iter(seen)) if seen else None
    return dims, {k[1:]: n for k, n in counts.items()}, {k[1:]: v for k, v in sketches.items()}, protocol


def lift(dims: Sequence[str], items: Mapping[Key, Any], protocol: Optional[str], at: int) -> Dict[Key, Any]:
    """Groups of a one-protocol summary keyed with its protocol inserted at position ``at``."""
    if items and protocol is None:
        raise ValueError(f"cannot keep protocols apart: a summary grouped by {', '.join(dims) or 'nothing'} "
                         "does not say which protocol its codes are (build it with protocol='http' or 'sip')")
    return {(*k[:at], protocol, *k[at:]): v for k, v in items.items()}


def of_key(dims: Sequence[str], key: Key, protocol: Optional[str]) -> Optional[str]:
    """The protocol of one group: from its key when ``protocol`` is a dimension, else the summary's."""
    return key[dims.index(PROTOCOL)] if PROTOCOL in dims else protocol


def with_protocol(dims: Sequence[str], asked: Sequence[str], protocols: Sequence[str]) -> Tuple[str, ...]:
    """The dimensions of a table of ``asked`` out of a summary of ``dims``: the protocol goes in front
    when the summary holds several protocols and ``asked`` leaves it out (tables never add them up)."""
    asked = tuple(asked)
    if PROTOCOL in dims and PROTOCOL not in asked and len(protocols) > 1:
        return (PROTOCOL, *asked)
    return asked
