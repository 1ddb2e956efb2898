// Packets built from fuzz input for the capture-format targets: mostly well-formed link + IPv4/IPv6 + UDP,
// TCP (streams with in-order, retransmitted and out-of-order segments), SCTP DATA and IPv4 fragments,
// carrying SIP-like messages assembled from fixed start lines and headers with fuzzed values, so that the
// packet decoder goes deep; some packets are raw fuzzed bytes.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <cstdint>
#include <string>
#include <utility>

namespace logcodes::fuzz {

// The LINKTYPE_ values the decoder reads (packet_decoder.cpp): Ethernet, Linux SLL and SLL2, null and
// loopback, raw IP (101, and 228/229 for IPv4/IPv6 only).
inline constexpr std::array<std::uint16_t, 8> kDecodedLinks = {1, 113, 276, 0, 108, 101, 228, 229};

class PacketMaker {
public:
    PacketMaker(FuzzedDataProvider& fdp, std::uint16_t link) : fdp_(fdp), link_(link) {}

    // One link-layer packet.
    std::string next() {
        if (!pending_fragment_.empty()) return std::exchange(pending_fragment_, {});
        switch (fdp_.ConsumeIntegralInRange<int>(0, 7)) {
            case 0: return fdp_.ConsumeRandomLengthString(512);  // anything at all
            case 1: return frame(false, udp(fdp_.ConsumeIntegralInRange<int>(0, 3), false));
            case 2: return frame(true, udp(fdp_.ConsumeIntegralInRange<int>(0, 3), true));
            case 3: case 4: return tcp(fdp_.ConsumeIntegralInRange<int>(0, 3), false);
            case 5: return tcp(fdp_.ConsumeIntegralInRange<int>(0, 3), true);
            case 6: return fragments();
            default: return sctp();
        }
    }

private:
    struct Flow {
        std::uint32_t next_seq = 0;
        bool started = false;
        std::string pending;  // a message's bytes not yet sent
    };

    std::string sip_message() {
        static constexpr const char* kStarts[] = {
            "INVITE sip:bob@example.com SIP/2.0", "SIP/2.0 100 Trying", "SIP/2.0 180 Ringing", "SIP/2.0 200 OK",
            "ACK sip:bob@example.com SIP/2.0", "BYE sip:alice@example.com SIP/2.0", "CANCEL sip:bob@example.com SIP/2.0",
            "SIP/2.0 486 Busy Here", "SIP/2.0 487 Request Terminated", "REGISTER sip:example.com SIP/2.0",
            "SIP/2.0 401 Unauthorized", "SIP/2.0 503 Service Unavailable", "OPTIONS sip:10.0.0.2 SIP/2.0",
            "SIP/2.0 408 Request Timeout", "SIP/2.0 603 Decline"};
        static constexpr const char* kHeaders[] = {
            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK", "Call-ID: ", "CSeq: 1 INVITE", "CSeq: 2 ",
            "From: <sip:alice@example.com>;tag=", "To: <sip:bob@example.com>;tag=", "Max-Forwards: 70",
            "Reason: Q.850;cause=", "Content-Type: application/sdp", "Contact: <sip:alice@10.0.0.1>", "User-Agent: ",
            "Warning: 399 host "};
        std::string m = kStarts[fdp_.ConsumeIntegralInRange<std::size_t>(0, std::size(kStarts) - 1)];
        if (fdp_.ConsumeIntegralInRange<int>(0, 7) == 0) m += fdp_.ConsumeRandomLengthString(16);
        m += "\r\n";
        const int headers = fdp_.ConsumeIntegralInRange<int>(0, 8);
        for (int i = 0; i < headers; ++i) {
            m += kHeaders[fdp_.ConsumeIntegralInRange<std::size_t>(0, std::size(kHeaders) - 1)];
            m += fdp_.ConsumeRandomLengthString(32);
            m += "\r\n";
        }
        const std::string body = fdp_.ConsumeRandomLengthString(256);
        if (fdp_.ConsumeBool()) m += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        m += "\r\n";
        m += body;
        return m;
    }

    // A SIP message, or now and then fuzzed bytes instead.
    std::string payload() { return fdp_.ConsumeIntegralInRange<int>(0, 7) ? sip_message() : fdp_.ConsumeRandomLengthString(256); }

    static void be16(std::string& s, std::uint16_t v) {
        s.push_back(static_cast<char>(v >> 8));
        s.push_back(static_cast<char>(v));
    }
    static void be32(std::string& s, std::uint32_t v) {
        be16(s, static_cast<std::uint16_t>(v >> 16));
        be16(s, static_cast<std::uint16_t>(v));
    }

    // Four hosts, each pair of them a flow; direction from the flow number's low bit.
    std::string addr(int host, bool v6) const {
        if (!v6) return std::string{10, 0, 0, static_cast<char>(1 + host)};
        std::string a = {0x20, 0x01, 0x0d, static_cast<char>(0xb8)};
        a.append(11, '\0');
        a.push_back(static_cast<char>(1 + host));
        return a;
    }

    std::string udp(int flow, bool v6) {
        const std::string body = payload();
        std::string u;
        be16(u, static_cast<std::uint16_t>(5060 + (flow & 1)));
        be16(u, static_cast<std::uint16_t>(5061 - (flow & 1)));
        be16(u, static_cast<std::uint16_t>(8 + body.size()));
        be16(u, 0);
        return ip(v6, 17, flow, u + body);
    }

    // IPv4 or IPv6 header (no options or extension headers) around a transport payload.
    std::string ip(bool v6, std::uint8_t proto, int flow, const std::string& payload, std::uint16_t frag = 0,
                   std::uint16_t id = 0) {
        std::string h;
        const int src = flow >> 1 & 1, dst = 2 + (flow & 1);
        if (!v6) {
            h = {0x45, 0};
            be16(h, static_cast<std::uint16_t>(20 + payload.size()));
            be16(h, id);
            be16(h, frag);
            h.push_back(64);
            h.push_back(static_cast<char>(proto));
            be16(h, 0);  // checksum: not checked by the decoder
        } else {
            h = {0x60, 0, 0, 0};
            be16(h, static_cast<std::uint16_t>(payload.size()));
            h.push_back(static_cast<char>(proto));
            h.push_back(64);
        }
        h += addr(src, v6);
        h += addr(dst, v6);
        return h + payload;
    }

    std::string tcp(int flow, bool v6) {
        Flow& f = flows_[flow + (v6 ? 4 : 0)];
        std::uint8_t flags = 0x18;  // PSH ACK
        if (!f.started || fdp_.ConsumeIntegralInRange<int>(0, 31) == 0) {
            f.next_seq = fdp_.ConsumeIntegral<std::uint32_t>();
            f.started = true;
            f.pending.clear();
            flags = 0x02;  // SYN: the stream (re)starts after it
        }
        std::string data;
        std::uint32_t seq = f.next_seq;
        if (flags != 0x02) {
            if (f.pending.empty()) f.pending = payload();
            const std::size_t n = fdp_.ConsumeIntegralInRange<std::size_t>(1, std::max<std::size_t>(1, f.pending.size()));
            data = f.pending.substr(0, n);
            switch (fdp_.ConsumeIntegralInRange<int>(0, 9)) {
                case 0: seq -= static_cast<std::uint32_t>(data.size()); break;    // a retransmission of earlier bytes
                case 1: seq += fdp_.ConsumeIntegralInRange<std::uint32_t>(1, 2000); break;  // after a gap
                default: f.pending.erase(0, n); f.next_seq += static_cast<std::uint32_t>(data.size());
            }
        } else {
            f.next_seq += 1;
        }
        std::string t;
        be16(t, static_cast<std::uint16_t>(5060 + (flow & 1)));
        be16(t, static_cast<std::uint16_t>(5061 - (flow & 1)));
        be32(t, seq);
        be32(t, 0);
        t.push_back(0x50);  // 20-byte header
        t.push_back(static_cast<char>(flags));
        be16(t, 65535);
        be32(t, 0);
        return frame(v6, ip(v6, 6, flow, t + data));
    }

    // A UDP datagram over IPv4 in two fragments (the second comes as the next packet, or first).
    std::string fragments() {
        const std::string body = payload();
        std::string u;
        be16(u, 5060);
        be16(u, 5060);
        be16(u, static_cast<std::uint16_t>(8 + body.size()));
        be16(u, 0);
        u += body;
        const std::size_t cut = 8 * fdp_.ConsumeIntegralInRange<std::size_t>(1, std::max<std::size_t>(1, u.size() / 8));
        const auto id = fdp_.ConsumeIntegral<std::uint16_t>();
        const int flow = fdp_.ConsumeIntegralInRange<int>(0, 3);
        std::string first = frame(false, ip(false, 17, flow, u.substr(0, cut), 0x2000, id));
        std::string second = frame(false, ip(false, 17, flow, u.substr(std::min(cut, u.size())),
                                             static_cast<std::uint16_t>(cut / 8), id));
        if (fdp_.ConsumeBool()) std::swap(first, second);
        pending_fragment_ = std::move(second);
        return first;
    }

    std::string sctp() {
        const std::string body = payload();
        std::string s;
        be16(s, 5060);
        be16(s, 5060);
        be32(s, fdp_.ConsumeIntegral<std::uint32_t>());  // verification tag
        be32(s, 0);
        s.push_back(0);  // DATA
        s.push_back(3);
        be16(s, static_cast<std::uint16_t>(16 + body.size()));
        be32(s, 1);  // TSN
        be32(s, 0);  // stream, sequence
        be32(s, 0);  // payload protocol
        s += body;
        s.append((4 - s.size() % 4) % 4, '\0');
        return frame(false, ip(false, 132, fdp_.ConsumeIntegralInRange<int>(0, 3), s));
    }

    // The link-layer header of the capture's link type around an IP packet.
    std::string frame(bool v6, const std::string& packet) {
        const std::uint16_t et = v6 ? 0x86dd : 0x0800;
        std::string h;
        switch (link_) {
            case 1:
                h.assign("\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa", 12);
                if (fdp_.ConsumeIntegralInRange<int>(0, 7) == 0) {
                    be16(h, 0x8100);  // a VLAN tag
                    be16(h, fdp_.ConsumeIntegral<std::uint16_t>() & 0x0fff);
                }
                be16(h, et);
                break;
            case 113:
                be16(h, 0);  // sent to us
                be16(h, 1);  // ARPHRD_ETHER
                be16(h, 6);
                h.append("\x00\x11\x22\x33\x44\x55\x00\x00", 8);
                be16(h, et);
                break;
            case 276:
                be16(h, et);
                be16(h, 0);
                be32(h, 2);  // interface index
                be16(h, 1);  // ARPHRD_ETHER
                h.push_back(0);
                h.push_back(6);
                h.append("\x00\x11\x22\x33\x44\x55\x00\x00", 8);
                break;
            case 0:  // the family in the capturing host's byte order (little-endian here)
                h.assign(v6 ? std::string("\x1e\x00\x00\x00", 4) : std::string("\x02\x00\x00\x00", 4));
                break;
            case 108:  // the family in network byte order
                be32(h, v6 ? 24 : 2);
                break;
            default: break;  // raw IP, and links the decoder does not read
        }
        return h + packet;
    }

    FuzzedDataProvider& fdp_;
    std::uint16_t link_;
    std::array<Flow, 8> flows_{};
    std::string pending_fragment_;
};

}  // namespace logcodes::fuzz
