// Packet captures (pcap, pcapng) as a SIP text trace.
//
// libpcap reads the capture (through our decoders, so .pcap.gz and stdin work too); each SIP message found
// is written out as text behind a framing line "#logcodes-pcap <UTC time> <proto> <src> -> <dst>", which
// the sip_trace format reads like any other trace. SIP over UDP, TCP (reassembled per stream: several
// messages per segment, messages across segments, retransmitted segments dropped), SCTP DATA chunks and
// WebSocket (RFC 7118) over TCP; IPv4 (fragments reassembled) and IPv6; Ethernet, VLAN, Linux cooked
// (SLL, SLL2), raw IP, loopback, GRE and ERSPAN encapsulation. Packets that carry no SIP are counted as
// skipped, never silently dropped.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "logcodes/source.hpp"

namespace logcodes {

// Whether a file's first bytes (kCaptureHead of them, fewer in a short file) begin a pcap or pcapng capture.
inline constexpr std::size_t kCaptureHead = 12;
bool is_capture(std::string_view head) noexcept;

struct CaptureStats {
    std::uint64_t packets = 0;       // packets read from the capture
    std::uint64_t sip_messages = 0;  // SIP messages written out
    std::uint64_t skipped = 0;       // packets without SIP (other protocols, TLS, unsupported links)
};

// Wraps a decoded byte stream holding a capture. The returned source's capture_stats() reports counts.
// An error's offset is the failing packet record's byte in the capture; when `decompressed`, that byte is
// counted in the decompressed capture and the message says so.
std::unique_ptr<Source> open_capture(std::unique_ptr<Source> capture, const std::string& path, Error& err,
                                     bool decompressed = false);

}  // namespace logcodes
