// The text a captured SIP message becomes: a framing line "#logcodes-pcap <UTC time> <label>" and the
// message, which the sip_trace format reads like any trace. Written by the capture readers (pcap files, live
// capture, HEP), so every one of them counts the same messages the same way.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logcodes {

// "U 10.0.0.1:5060 -> 10.0.0.2:5060" (IPv6 addresses in brackets); `src`/`dst` hold 4 or 16 bytes.
std::string flow_label(char proto, const unsigned char* src, const unsigned char* dst, bool v6, std::uint16_t sport,
                       std::uint16_t dport);
// The same, appended to `out` (a reused buffer: no allocation per message).
void append_flow_label(std::string& out, char proto, const unsigned char* src, const unsigned char* dst, bool v6,
                       std::uint16_t sport, std::uint16_t dport);

// Appends the framing line (time: seconds and microseconds since the epoch, UTC), the message, and a blank
// line that ends it (a CRLF first when the message does not end its last line).
void append_captured_message(std::string& out, std::int64_t sec, std::int64_t usec, std::string_view label,
                             std::string_view message);

}  // namespace logcodes
