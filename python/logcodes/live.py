"""Live SIP sources for pipeline stages: a HEP collector socket (``udp://`` or ``tcp://``) and live capture on
an interface through libpcap. Both turn what they receive into the text a capture becomes, read by the
``sip_trace`` format, so message, transaction and call counts equal a scan of a capture of the same messages.

:class:`LiveFollower` counts them window by window like :class:`~logcodes.Follower` does for files
(``logcodes watch --hep`` / ``--interface``)."""

from __future__ import annotations

import datetime as _dt
import time
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _core
from ._dims import ByArg
from .follow import STOP_CHECK, parse_interval
from .stream import Stream
from .summary import Summary

__all__ = ["HepSource", "CaptureSource", "LiveFollower", "LiveSource"]

# The most text one poll hands over, so that a flood still lets the window end on time.
POLL_BYTES = 8 << 20


class HepSource:
    """A HEP collector: ``HepSource("udp://127.0.0.1:9060")`` binds the socket at once (port 0 picks a free
    one: see :attr:`address`). HEPv1, v2 and v3 on UDP; HEPv3 on TCP. Malformed packets and payloads of other
    protocols (RTCP, logs) are counted in :meth:`stats`, the malformed ones sampled in :meth:`samples`."""

    def __init__(self, url: str) -> None:
        if not isinstance(url, str):
            raise TypeError(f"url must be a str, not {type(url).__name__}")
        self._core = _core.HepReceiver(url)
        self.address: str = self._core.address
        self.label = "hep:" + self.address

    def poll(self, timeout: float) -> bytes:
        """Waits up to ``timeout`` seconds for packets; the text of the SIP messages received."""
        return bytes(self._core.poll(max(0, int(timeout * 1000)), POLL_BYTES))

    def finish(self) -> bytes:
        """Nothing is held back between packets: HEP carries whole messages."""
        return b""

    def stats(self) -> Dict[str, Any]:
        """Counters since the start: ``packets``, ``bytes``, ``messages`` (SIP payloads counted), ``not_sip``,
        ``malformed`` (and ``malformed_by_reason``), ``compressed``, ``skipped_chunks``, ``socket_drops``
        (the kernel's drops on a UDP socket), TCP ``connections``, ``refused_connections``, ``stream_errors``."""
        return dict(self._core.stats())

    def samples(self) -> List[Dict[str, str]]:
        """The malformed packets sampled since the last call (``why``, ``peer``, ``head``: the first bytes)."""
        return [{"why": w, "peer": p, "head": h} for w, p, h in self._core.take_samples()]

    def __repr__(self) -> str:
        return f"<logcodes.live.HepSource {self.address}>"


class CaptureSource:
    """Live capture: ``CaptureSource("lo", "port 5060")`` opens the interface with the BPF filter at once.
    Needs the CAP_NET_RAW capability: without it raises :class:`PermissionError` saying so. SIP over UDP,
    TCP (reassembled), SCTP and WebSocket, IPv4 fragments joined — as for capture files."""

    def __init__(self, interface: str, filter: str = "") -> None:
        if not isinstance(interface, str) or not interface:
            raise TypeError("interface must be a non-empty str")
        if not isinstance(filter, str):
            raise TypeError(f"filter must be a str, not {type(filter).__name__}")
        self._core = _core.LiveCapture(interface, filter)
        self.interface = interface
        self.filter = filter
        self.label = "interface:" + interface

    def poll(self, timeout: float) -> bytes:
        """Waits up to ``timeout`` seconds for packets; the text of the SIP messages found."""
        return bytes(self._core.poll(max(0, int(timeout * 1000)), POLL_BYTES))

    def finish(self) -> bytes:
        """What TCP streams still hold, written out as it is (the capture ends)."""
        return bytes(self._core.finish())

    def stats(self) -> Dict[str, Any]:
        """Counters since the start: ``packets``, ``skipped`` (no SIP), ``messages``, ``evictions`` and
        libpcap's ``kernel_received``, ``kernel_dropped`` and ``interface_dropped``."""
        return dict(self._core.stats())

    def samples(self) -> List[Dict[str, str]]:
        return []

    def __repr__(self) -> str:
        return f"<logcodes.live.CaptureSource {self.interface!r} filter={self.filter!r}>"


LiveSource = Union[HepSource, CaptureSource]


class LiveFollower:
    """Iterates over time windows of live SIP sources: each ``next()`` reads until the window's end and
    yields a Summary of that window's messages (one Stream per source, ``format="sip_trace"``).

    At ``count="calls"`` a call is counted in the window in which it ended and went quiet (64*T1 of message
    time; while a source is silent, its clock moves on by the time it has been silent); :attr:`open_calls`
    says how many Call-IDs are read and not counted yet. A live socket has no offsets to keep, so there is no checkpoint: when the stage stops,
    the last window counts the calls still open as they stand (an unanswered INVITE as incomplete, an
    answered call without its BYE as answered), :attr:`calls_at_stop` says how many; a stage started again
    reads the rest of those calls as Call-IDs without an INVITE (``calls_without_invite``).

    ``once=True`` reads one window and stops (that window is the last)."""

    def __init__(self, sources: Sequence[LiveSource], *, interval: Union[str, float, _dt.timedelta] = "10s",
                 by: ByArg = ("class", "code"), count: str = "transactions", once: bool = False) -> None:
        if not sources:
            raise ValueError("a live follower needs at least one source")
        self.interval = parse_interval(interval)
        self.live_sources = list(sources)
        labels = [s.label for s in self.live_sources]
        if len(set(labels)) != len(labels):
            raise ValueError(f"sources must differ: {labels}")
        self.count = count
        self.once = once
        self._streams = {s.label: Stream(format="sip_trace", by=by, label=s.label, count=count)
                         for s in self.live_sources}
        self._heard = {s.label: time.monotonic() for s in self.live_sources}   # when bytes last came
        self._stop_requested = False
        self._done = False
        self._deadline = 0.0
        self.windows = 0
        self.sources: Dict[str, Summary] = {}
        self.lag_bytes: Dict[str, int] = {s.label: 0 for s in self.live_sources}   # a socket has no backlog
        self.source_stats: Dict[str, Dict[str, Any]] = {}
        self.samples: Dict[str, List[Dict[str, str]]] = {}
        self.open_calls: Dict[str, int] = {}
        self.calls_at_stop: Optional[Dict[str, int]] = None

    def __iter__(self) -> "LiveFollower":
        return self

    def __next__(self) -> Summary:
        if self._done:
            raise StopIteration
        if self.windows == 0 and not self._deadline:
            self._deadline = time.monotonic() + self.interval
        last = self._read_window()
        parts: Dict[str, Summary] = {}
        at_stop: Dict[str, int] = {}
        now = time.monotonic()
        for src in self.live_sources:
            st = self._streams[src.label]
            if last:
                st.feed(src.finish())
                at_stop[src.label] = st.open_calls     # counted as they stand by close()
                self.open_calls[src.label] = 0
                parts[src.label] = st.close()
            else:
                parts[src.label] = st.take(idle=max(0.0, now - self._heard[src.label]))
                self.open_calls[src.label] = st.open_calls
            self.source_stats[src.label] = src.stats()
            self.samples[src.label] = src.samples()
        if last:
            self.calls_at_stop = at_stop
            self._done = True
        self.sources = parts
        self.windows += 1
        summary: Optional[Summary] = None
        for s in parts.values():
            summary = s if summary is None else summary.merge(s)
        assert summary is not None
        return summary

    def _read_window(self) -> bool:
        """Feeds what arrives until the window ends; True when it is the last one (stop() was called)."""
        per_source = STOP_CHECK / len(self.live_sources)
        while not self._stop_requested:
            left = self._deadline - time.monotonic()
            if left <= 0:
                break
            for src in self.live_sources:
                data = src.poll(min(left, per_source))
                if data:
                    self._streams[src.label].feed(data)
                    self._heard[src.label] = time.monotonic()
        now = time.monotonic()
        self._deadline = max(self._deadline + self.interval, now + self.interval / 2)
        return self._stop_requested or self.once

    def stop(self) -> None:
        """Ends the current window now: it is yielded (the last one), then iteration stops. Safe to call from a
        signal handler or another thread."""
        self._stop_requested = True

    def close(self) -> None:
        """Stops reading; the sockets and capture handles close with their sources."""
        self._done = True

    def __enter__(self) -> "LiveFollower":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<logcodes.LiveFollower {[s.label for s in self.live_sources]!r} windows={self.windows}>"
