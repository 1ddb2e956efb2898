// The packets of a capture (file or live) to SIP messages: link layers (Ethernet, VLAN, Linux cooked SLL and
// SLL2, raw IP, loopback, GRE, ERSPAN), IPv4 (fragments reassembled) and IPv6, SIP over UDP, TCP (reassembled
// per stream: several messages per segment, messages across segments, retransmitted segments dropped), SCTP
// DATA chunks and WebSocket (RFC 7118). Each message found is appended to text() as capture_text.hpp writes
// it. The tables that grow with the traffic (IP fragments, TCP flows) are bounded and count what they evict.
#pragma once

#include <sys/time.h>

#include <cstdint>
#include <memory>
#include <string>

namespace logcodes {

class PacketDecoder {
public:
    PacketDecoder();
    ~PacketDecoder();
    PacketDecoder(const PacketDecoder&) = delete;
    PacketDecoder& operator=(const PacketDecoder&) = delete;

    // One captured packet of libpcap link type `link_type` (DLT_*); true when it carried SIP (a message or a
    // segment of a SIP stream).
    bool packet(int link_type, timeval ts, const unsigned char* data, std::uint32_t caplen);
    // The end of the capture: what the TCP streams still hold is written out as it is.
    void flush();
    // The messages' text so far; the owner takes (and erases) what it has read.
    std::string& text() noexcept;
    std::uint64_t messages() const noexcept;
    std::uint64_t evictions() const noexcept;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace logcodes
